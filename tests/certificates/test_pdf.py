"""The certificate PDF, read back with poppler-utils: names in four scripts come out as typed, with their own
fonts embedded (a missing font would show boxes), and a page renders to an image (looked at by hand when the
template changes: pytest --basetemp=/tmp/certs leaves them in /tmp/certs/)."""

import subprocess
import unicodedata
from datetime import timedelta

import pytest

from eventreg.certificates import operations, rendering
from eventreg.core.pdf import render_pdf

NAMES = {
    "latin": ("José Müller-Ångström", "Noto-Serif"),
    "chinese": ("王小明", "WenQuanYi-Micro-Hei"),
    "arabic": ("فاطمة الزهراء", "Noto-Naskh-Arabic"),
    "devanagari": ("प्रिया शर्मा", "Noto-Sans-Devanagari"),
}
# Bidi marks pdftotext puts around right-to-left runs (RLE ... PDF); the letters between are in logical order.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@pytest.fixture
def issued(finished, register, db_session, clock, pdf_tools):
    """A certificate for a registrant named in each script: {script: certificate}."""
    event = finished["event"]
    people = {}
    for script, (name, _) in NAMES.items():
        registration = register(
            event, name=name, email=f"{script}@library.example.org", now=event.starts_at - timedelta(days=1)
        )
        registration.attended, registration.minutes_attended = True, 60
        people[registration.id] = script
    certificates = operations.finalise(event, host=finished["host"], now=clock.now())
    db_session.commit()
    return {people[c.registration_id]: c for c in certificates if c.registration_id in people}


def pdftotext(path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def is_subsequence(wanted: str, text: str) -> bool:
    letters = iter(text)
    return all(c in letters for c in wanted)


@pytest.mark.parametrize("script", list(NAMES))
def test_the_name_comes_out_of_the_pdf_as_typed_in_its_own_font(app, issued, tmp_path, script):
    name, font = NAMES[script]
    certificate = issued[script]
    with app.test_request_context():
        pdf = rendering.certificate_pdf(certificate)
    path = tmp_path / f"{script}.pdf"
    path.write_bytes(pdf)
    text = unicodedata.normalize("NFC", pdftotext(path))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout

    assert font in fonts  # each script in the font made for it, embedded
    lines = [line.translate(BIDI_CONTROLS).strip() for line in text.splitlines()]
    if script == "devanagari":
        # The reph (the र् drawn above मा) is one glyph standing for several letters; pdftotext maps it back with
        # a stray vowel sign between. The pre-base vowel of प्रिया (drawn first, typed after) must come out in
        # typed order, and every letter of the whole name in order.
        assert "प्रिया" in text
        assert any(is_subsequence(name.replace(" ", ""), line.replace(" ", "")) for line in lines if "प्रिया" in line)
    else:
        assert name in lines, lines  # Arabic: the logical (typed) order, right to left on the page
    for expected in (
        "Certificate of Completion",
        certificate.event_title,
        "1.5 contact hours",
        certificate.number,
        "on 30 January 2025",
        f"certificates/{certificate.grouped_code}",
    ):
        assert expected in " ".join(text.split()), expected

    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", str(path), str(tmp_path / script)], check=True)
    image = (tmp_path / f"{script}.png").read_bytes()
    assert image.startswith(b"\x89PNG")
    assert len(image) > 10_000


def test_the_date_is_in_the_registrants_zone(app, finished, db_session, clock, pdf_tools, tmp_path):
    certificate = operations.finalise(finished["event"], host=finished["host"], now=clock.now())[0]
    assert (certificate.name, certificate.zone) == ("Ana Lopez", "Asia/Tokyo")
    with app.test_request_context():
        path = tmp_path / "ana.pdf"
        path.write_bytes(rendering.certificate_pdf(certificate))
    assert "on 31 January 2025" in pdftotext(path)  # 3 PM in New York is 5 AM the next day in Tokyo


def test_the_issuer_and_signer_come_from_the_site_settings(app, finished, clock, monkeypatch, pdf_tools, tmp_path):
    monkeypatch.setitem(app.config, "CERTIFICATE_ISSUER", "Springfield State Library")
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNER", "Dana Whitfield")
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNER_TITLE", "Director of Continuing Education")
    certificate = operations.finalise(finished["event"], host=finished["host"], now=clock.now())[0]
    with app.test_request_context():
        path = tmp_path / "signed.pdf"
        path.write_bytes(rendering.certificate_pdf(certificate))
    text = " ".join(pdftotext(path).split())
    for expected in ("SPRINGFIELD STATE LIBRARY", "Dana Whitfield", "Director of Continuing Education"):
        assert expected in text, expected


def test_the_qr_code_is_an_inline_svg_of_the_verification_address(app, finished, clock):
    certificate = operations.finalise(finished["event"], host=finished["host"], now=clock.now())[0]
    with app.test_request_context():
        html = rendering.certificate_html(certificate)
    assert 'src="data:image/svg+xml' in html
    svg = html.split('src="data:image/svg+xml', 1)[1].split('"', 1)[0].lower()
    assert "href" not in svg  # draws itself: links to nothing


def test_render_pdf_fetches_nothing_from_the_network(free_port):
    # An image on a server that would hang or answer: WeasyPrint is not allowed to ask it, and renders without.
    pdf = render_pdf(f'<p>Hello</p><img src="http://127.0.0.1:{free_port()}/tracker.png" alt="">')
    assert pdf.startswith(b"%PDF-")


def test_the_longest_name_and_title_still_fit_one_page(app, finished, db_session, clock, pdf_tools, tmp_path):
    event = finished["event"]
    event.title = ("Building community connections by hiring for cultural knowledge: a workshop " * 3)[:200]
    ana = finished["ana"]
    ana.name = ("Maria Guadalupe Fernández de la Concepción Rodríguez-Ängström " * 2)[:120]
    certificate = operations.finalise(event, host=finished["host"], now=clock.now())[0]
    with app.test_request_context():
        path = tmp_path / "long.pdf"
        path.write_bytes(rendering.certificate_pdf(certificate))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
