"""The site's certificate settings (admins): issuer, signer, signer title, accent colour and logo, with the
configuration as the default; a host's issuer and signer for one event; and the logo really in the PDF."""

import io
import subprocess

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eventreg.certificates import operations, rendering
from eventreg.certificates.models import CertificateSettings, EventSigner

SETTINGS = "/host/certificate-settings"
MAGENTA = (230, 20, 140)


def png(width=240, height=96, colour=MAGENTA) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def form(**fields) -> dict:
    data = {"issuer": "", "signer": "", "signer_title": "", "accent_colour": "#2f4f6f"}
    data.update(fields)
    return data


def post_settings(client, logo: bytes | None = None, filename="logo.png", **fields):
    """A browser's multipart post. Encoded here in memory: the test client would spool a body over 500 kB to a
    temporary file it never closes (a ResourceWarning in whichever test runs next)."""
    data = form(**fields)
    if logo is not None:
        data["logo_file"] = FileStorage(io.BytesIO(logo), filename=filename, content_type="application/octet-stream")
    boundary, body = encode_multipart(data)
    return client.post(SETTINGS, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def admin(make_host, login, db_session):
    host = login(make_host("admin@library.example.org", admin=True))
    db_session.commit()
    return host


def tidy(text: str) -> str:
    """text_of's words without the space a closing tag leaves before punctuation."""
    return text.replace(" ,", ",").replace(" .", ".")


def stored() -> CertificateSettings | None:
    return operations.get_settings()


def test_only_admins_reach_the_settings_and_the_reports_page_links_them(client, make_host, login, db_session):
    login(make_host("host@library.example.org"))
    db_session.commit()
    assert "/host/certificate-settings" not in client.get("/host/reports").get_data(as_text=True)
    assert client.get(SETTINGS).status_code == 403
    assert post_settings(client, issuer="Mine").status_code == 403
    assert client.get(f"{SETTINGS}/remove-logo").status_code == 403
    assert client.post(f"{SETTINGS}/remove-logo").status_code == 403
    assert stored() is None
    login(make_host("admin@library.example.org", admin=True))
    assert 'href="/host/certificate-settings"' in client.get("/host/reports").get_data(as_text=True)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    client.post("/host/logout")
    assert client.get(SETTINGS).status_code == 302


def test_the_configuration_is_the_default_until_an_admin_names_others(app, client, admin, text_of, db_session):
    with app.app_context():
        assert operations.site_issuer_settings() == {"issuer": "eventreg", "signer": "", "signer_title": ""}
    app.config.update(
        CERTIFICATE_ISSUER="Metro Library", CERTIFICATE_SIGNER="Dana Whitfield", CERTIFICATE_SIGNER_TITLE="Director"
    )
    try:
        assert "Empty: “Metro Library”, from the server’s configuration." in text_of(client.get(SETTINGS))
        with app.app_context():
            assert operations.site_issuer_settings() == {
                "issuer": "Metro Library",
                "signer": "Dana Whitfield",
                "signer_title": "Director",
            }
        response = post_settings(
            client,
            issuer="  State Library Training  ",
            signer="Ravi Menon",
            signer_title="Head of Learning",
            accent_colour="#7A1F3D",
        )
        assert response.status_code == 303
        assert client.get(response.headers["Location"]).status_code == 200
        row = stored()
        assert (row.issuer, row.signer, row.signer_title, row.accent_colour, row.updated_by) == (
            "State Library Training",
            "Ravi Menon",
            "Head of Learning",
            "#7a1f3d",
            "admin@library.example.org",
        )
        with app.app_context():
            assert operations.site_issuer_settings()["issuer"] == "State Library Training"
        # The signer goes with their title: clearing the signer goes back to the configuration's pair.
        post_settings(client, issuer="", signer="", signer_title="Head of Learning")
        with app.app_context():
            assert operations.site_issuer_settings() == {
                "issuer": "Metro Library",
                "signer": "Dana Whitfield",
                "signer_title": "Director",
            }
    finally:
        app.config.update(CERTIFICATE_ISSUER=None, CERTIFICATE_SIGNER="", CERTIFICATE_SIGNER_TITLE="")


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("blue", "Please give the accent colour as # and six hexadecimal digits"),
        ("#12345", "Please give the accent colour as # and six hexadecimal digits"),
        ("#ffee00", "too pale to read on white (contrast below 4.5 to 1)"),
        ("#8a8a8a", "too pale to read on white"),  # 3.45:1
    ],
)
def test_an_unreadable_or_malformed_accent_colour_is_refused_on_the_form(client, admin, text_of, colour, message):
    response = post_settings(client, accent_colour=colour)
    assert response.status_code == 400
    assert message in text_of(response)
    assert stored() is None


def test_contrast_is_wcags_ratio():
    assert operations.contrast_with_white("#000000") == pytest.approx(21)
    assert operations.contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)  # the palest grey that passes
    assert operations.normalise_accent("#767676") == "#767676"


@pytest.mark.parametrize(
    ("logo", "filename", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "logo.png", "The logo must be a PNG or an SVG file."),
        (b"%PDF-1.7\n", "logo.svg", "The logo must be a PNG or an SVG file."),
        (png()[:60], "logo.png", "could not be read as a PNG or SVG image"),
        (png(5000, 20), "wide.png", "between 16 and 4000 pixels on each side"),
        (png(8, 8), "tiny.png", "between 16 and 4000 pixels on each side"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024), "big.png", "larger than 512 kB"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "logo.svg",
            "uses a document type or entities",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg", "Nothing drawable"),
    ],
)
def test_a_logo_that_is_not_a_safe_png_or_svg_is_refused_by_its_content(
    client, admin, text_of, logo, filename, message
):
    response = post_settings(client, logo=logo, filename=filename)
    assert response.status_code == 400
    assert message in text_of(response)
    assert stored() is None


def test_an_svg_logo_keeps_its_drawing_and_loses_scripts_handlers_and_outside_references(client, admin, text_of):
    svg = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="80"
     viewBox="0 0 200 80" onload="alert('svg')">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
  <script>alert(1)</script>
  <foreignObject width="10" height="10"><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <image xlink:href="https://tracker.example.com/pixel.png" width="10" height="10"/>
  <a href="javascript:alert(1)"><rect width="5" height="5"/></a>
  <style>@import url("https://fonts.example.com/x.css"); rect { fill: red }</style>
  <rect id="r" width="200" height="80" fill="url(#g)" onclick="steal()"/>
  <circle r="10" fill="url(https://example.com/paint.svg#p)" style="fill: u\\72l(https://example.com/x)"/>
  <use xlink:href="https://example.com/sprite.svg#icon"/>
  <use href="#r"/>
  <animate attributeName="href" to="javascript:alert(1)"/>
</svg>"""
    response = post_settings(client, logo=svg, filename="logo.png")  # a wrong name: the content decides
    assert response.status_code == 303
    flashed = text_of(client.get(SETTINGS))
    assert "Removed from the SVG logo:" in flashed
    row = stored()
    assert row.logo_type == "image/svg+xml"
    kept = row.logo.decode("utf-8").lower()
    for gone in (
        "script",
        "alert",
        "onload",
        "onclick",
        "foreignobject",
        "<image",
        "javascript",
        "https:",
        "file:",
        "example.com",
        "@import",
        "animate",
        "\\",
    ):
        assert gone not in kept, gone
    assert 'fill="url(#g)"' in kept
    assert 'href="#r"' in kept
    assert kept.startswith("<?xml version='1.0' encoding='utf-8'?>\n<svg xmlns=")
    assert "<lineargradient" in kept


def test_remove_logo_asks_first_then_removes_it(client, admin, text_of):
    assert post_settings(client, logo=png()).status_code == 303
    assert stored().logo_type == "image/png"
    assert "Remove the logo…" in text_of(client.get(SETTINGS))
    confirm = client.get(f"{SETTINGS}/remove-logo")
    assert confirm.status_code == 200
    assert "Remove the certificate logo?" in text_of(confirm)
    assert stored().logo is not None  # asking changes nothing
    assert post_settings(client, issuer="Kept").status_code == 303
    assert stored().logo is not None  # saving without a file keeps the logo
    response = client.post(f"{SETTINGS}/remove-logo")
    assert response.status_code == 303
    assert (stored().logo, stored().logo_type, stored().issuer) == (None, None, "Kept")
    assert "Logo removed." in text_of(client.get(SETTINGS))
    assert client.get(f"{SETTINGS}/remove-logo").status_code == 303  # nothing left to remove


def test_a_host_names_the_issuer_and_signer_of_one_event_and_issued_certificates_keep_theirs(
    app, client, finished, db_session, text_of
):
    event = finished["event"]
    db_session.commit()
    page = tidy(text_of(client.get(f"/host/events/{event.id}/certificates")))
    assert "Certificates of this event are issued by eventreg, with no signature line." in page
    # Ana and Chen qualify now; Dee (30 of 45 minutes) only after a later report, once the override is set.
    early = operations.finalise(event, host=finished["host"], now=event.ends_at)
    db_session.commit()
    assert {c.name for c in early} == {"Ana Lopez", "Chen Wei"}
    response = client.post(
        f"/host/events/{event.id}/certificates/signer",
        data={"issuer": "Lakeside Library System", "signer": "Mina Park", "signer_title": "Training Lead"},
    )
    assert response.status_code == 303
    page = tidy(text_of(client.get(response.headers["Location"])))
    assert "issued by Lakeside Library System and signed by Mina Park, Training Lead." in page
    finished["dee"].minutes_attended = 50
    db_session.commit()
    later = operations.finalise(event, host=finished["host"], now=event.ends_at)
    db_session.commit()
    assert [(c.name, c.issuer, c.signer, c.signer_title) for c in later] == [
        ("Dee Partial", "Lakeside Library System", "Mina Park", "Training Lead")
    ]
    for certificate in early:
        db_session.refresh(certificate)
        assert (certificate.issuer, certificate.signer, certificate.signer_title) == ("eventreg", "", "")
    # Emptied, the override goes and the site's settings apply again.
    client.post(f"/host/events/{event.id}/certificates/signer", data={"issuer": "", "signer": "", "signer_title": ""})
    assert db_session.get(EventSigner, event.id) is None


def test_an_event_override_is_checked_like_any_form(client, finished, db_session, text_of):
    event = finished["event"]
    db_session.commit()
    response = client.post(f"/host/events/{event.id}/certificates/signer", data={"issuer": "x" * 201, "signer": "A\nB"})
    assert response.status_code == 400
    assert "Please use a single line" in text_of(response)
    assert db_session.get(EventSigner, event.id) is None


def pixels_near(image: Image.Image, colour, box, tolerance: int = 12) -> int:
    raw = image.convert("RGB").crop(box).tobytes()
    pixels = (raw[i : i + 3] for i in range(0, len(raw), 3))
    return sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour, strict=True)))


def test_the_logo_and_accent_colour_are_in_the_pdf(
    app, client, finished, make_host, login, db_session, tmp_path, pdf_tools
):
    login(make_host("admin@library.example.org", admin=True))  # after `finished`, which signs its host in
    response = post_settings(client, logo=png(), accent_colour="#0b6e4f", issuer="Lakeside Library System")
    assert response.status_code == 303
    event = finished["event"]
    certificate = operations.finalise(event, host=finished["host"], now=event.ends_at)[0]
    db_session.commit()
    with app.test_request_context():
        pdf = rendering.certificate_pdf(certificate)
    path = tmp_path / "with-logo.pdf"
    path.write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    sizes = [line.split()[3:5] for line in images.splitlines()[2:]]
    assert ["240", "96"] in sizes, images  # the logo, at its own pixel size
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info  # the logo does not push the foot onto a second page

    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", str(path), str(tmp_path / "with-logo")], check=True)
    page = Image.open(tmp_path / "with-logo.png")
    width, height = page.size  # 550 x 425 at 50 dpi, letter landscape
    top_middle = (width // 2 - 80, 0, width // 2 + 80, height // 4)
    assert pixels_near(page, MAGENTA, top_middle) > 500  # the logo at the top, in the middle
    assert pixels_near(page, MAGENTA, (0, height // 2, width, height)) == 0  # and nowhere else
    # The frame, the issuer and the heading in the accent colour (green: the default #2f4f6f has none of it).
    assert pixels_near(page, (0x0B, 0x6E, 0x4F), (0, 0, width, height), tolerance=25) > 300

    assert certificate.issuer == "Lakeside Library System"
    assert client.post(f"{SETTINGS}/remove-logo").status_code == 303
    with app.test_request_context():
        without = rendering.certificate_pdf(certificate)
    (tmp_path / "without.pdf").write_bytes(without)
    listed = subprocess.run(["pdfimages", "-list", str(tmp_path / "without.pdf")], capture_output=True, text=True)
    assert ["240", "96"] not in [line.split()[3:5] for line in listed.stdout.splitlines()[2:]]


def test_a_sanitised_svg_logo_is_drawn_on_the_pdf(
    app, client, finished, make_host, login, db_session, tmp_path, pdf_tools
):
    login(make_host("admin@library.example.org", admin=True))
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100" onload="x()">'
        b'<script>x()</script><rect width="300" height="100" fill="#e6148c"/></svg>'
    )
    assert post_settings(client, logo=svg, filename="logo.svg").status_code == 303
    event = finished["event"]
    certificate = operations.finalise(event, host=finished["host"], now=event.ends_at)[0]
    db_session.commit()
    with app.test_request_context():
        (tmp_path / "svg-logo.pdf").write_bytes(rendering.certificate_pdf(certificate))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-singlefile", str(tmp_path / "svg-logo.pdf"), str(tmp_path / "svg-logo")],
        check=True,
    )
    page = Image.open(tmp_path / "svg-logo.png")
    width, height = page.size
    assert pixels_near(page, MAGENTA, (width // 2 - 100, 0, width // 2 + 100, height // 4)) > 500
    assert pixels_near(page, MAGENTA, (0, height // 2, width, height)) == 0
