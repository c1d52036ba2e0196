"""Certificates in Spanish and French: a certificate (its PDF and its mail) speaks its registrant's language (a course
certificate its enrolment's) whoever downloads or sends it, and every certificate page speaks the reader's. Nothing
English is left but what people typed (names, titles, addresses) and the site's name."""

import re
import subprocess
from decimal import Decimal

import pytest
import sqlalchemy as sa

from eventreg.certificates import operations
from eventreg.certificates.models import Certificate, CourseCertificate
from eventreg.registrations import tokens
from eventreg.series import credit as course_credit
from eventreg.series.models import CreditRule
from tests.series import credit_fixtures
from tests.series.conftest import make_series  # noqa: F401 - the course fixture below needs it

enrol_directly = credit_fixtures.enrol_directly
after_course = credit_fixtures.after_course

URL = re.compile(r"https?://[^\s<>\"]+")
# The error summary's heading comes from templates/_forms.html (the public area's, translated on its branch).
FORM_SUMMARY = "Please check the form"
# What Ana's certificate prints in each language: the webinar of 3 PM on 30 January 2025 in New York is on 31 January
# in her Tokyo, for 1.5 contact hours.
SPOKEN = {
    "es": {"date": "31 de enero de 2025", "hours": "1,5 horas de contacto", "heading": "Certificado de finalización"},
    "fr": {"date": "31 janvier 2025", "hours": "1,5 heure de formation", "heading": "Attestation de participation"},
}
LANGUAGES = sorted(SPOKEN)


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, whitespace collapsed."""
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(run.stdout.decode("utf-8").split())


def assert_no_english(english_left, page: str, *content: str) -> None:
    """english_left(page, *content) is empty; else the failure shows the words and the text they are in."""
    left = english_left(page, *content)
    assert left == [], (left, " ".join(re.sub(r"<[^>]+>", " ", page).split()))


def own_part(html: str) -> str:
    """A page's own content: its <main>, without the host menu (hosts/_nav.html, another area's text)."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'<nav class="host-nav".*?</nav>', " ", main, flags=re.S)


def certificates(db_session) -> dict[str, Certificate]:
    db_session.commit()  # reads what the requests committed
    return {c.registration.email.split("@")[0]: c for c in db_session.scalars(sa.select(Certificate))}


def content_of(finished) -> list[str]:
    """What people typed that the certificate pages show: names, addresses, the title, the site and zone names."""
    people = [finished[key] for key in ("ana", "ben", "chen", "dee", "eve")]
    return [
        finished["event"].title,
        finished["host"].email,
        "America/New_York",
        "eventreg",
        *(p.name for p in people),
        *(p.email for p in people),
    ]


def manage_path(app, registration) -> str:
    with app.test_request_context():
        return f"/r/{tokens.mailed_manage_token(registration)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_speaks_its_registrants_language_whoever_downloads_it(
    client, finished, db_session, pdf_tools, english_left, language
):
    finished["ana"].locale = language
    db_session.commit()
    assert client.post(f"/host/events/{finished['event'].id}/certificates/finalise").status_code == 303
    issued = certificates(db_session)
    host_pdf = f"/host/events/{finished['event'].id}/certificates/{{}}/certificate.pdf"

    # The host asks in English; Ana registered in Spanish (or French), so her certificate is in her language.
    ana = issued["ana"]
    response = client.get(host_pdf.format(ana.id), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    text = pdf_text(response.data)
    spoken = SPOKEN[language]
    assert spoken["heading"] in text
    assert spoken["date"] in text  # the date in her zone
    assert spoken["hours"] in text
    content = [ana.name, ana.event_title, ana.issuer, ana.issuer.upper(), ana.number, *URL.findall(text)]
    assert_no_english(english_left, text, *content)

    # Chen registered in English: his certificate stays as it always was.
    chen = pdf_text(client.get(host_pdf.format(issued["chen"].id), headers={"Accept-Language": language}).data)
    assert "Certificate of Completion" in chen
    assert "This certifies that" in chen
    assert "on 30 January 2025" in chen
    assert "and is awarded 1.5 contact hours." in chen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registrant_downloads_it_in_their_language_too(
    app, client, finished, db_session, clock, pdf_tools, language
):
    finished["ana"].locale = language
    operations.finalise(finished["event"], host=finished["host"], now=clock.now())
    db_session.commit()
    response = client.get(manage_path(app, finished["ana"]) + "/certificate.pdf")
    assert response.status_code == 200
    assert SPOKEN[language]["heading"] in pdf_text(response.data)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certificate_mail_speaks_its_registrants_language(
    client, finished, db_session, mailbox, clock, english_left, language
):
    finished["ana"].locale = language
    db_session.commit()
    client.post(f"/host/events/{finished['event'].id}/certificates/finalise", headers={"Accept-Language": "en"})
    title = finished["event"].title
    by_address = {m["X-Envelope-To"]: m for m in mailbox}
    ana = by_address["ana@library.example.org"]
    subject = {"es": f"Su certificado: {title}", "fr": f"Votre attestation : {title}"}[language]
    assert ana["Subject"] == subject
    for kind in ("plain", "html"):
        body = ana.get_body((kind,)).get_content()
        assert SPOKEN[language]["hours"] in body
        assert_no_english(english_left, body, "Ana Lopez", title, *URL.findall(body))
    # Chen's, sent by the same request, is in the English he registered in.
    assert by_address["chen@library.example.org"]["Subject"] == f"Your certificate: {title}"

    # A reissue goes out in her language, whatever language the host works in.
    mailbox.clear()
    certificate = certificates(db_session)["ana"]
    operations.reissue(certificate, name="Ana López", host=finished["host"], now=clock.now())
    db_session.commit()
    from eventreg.mail import outbox, sending

    outbox.take_queued_ids()
    sending.send_pending(clock.now())
    corrected = {"es": f"Certificado corregido: {title}", "fr": f"Attestation corrigée : {title}"}[language]
    assert [m["Subject"] for m in mailbox] == [corrected]
    body = mailbox[0].get_body(("plain",)).get_content()
    assert_no_english(english_left, body, "Ana López", title, *URL.findall(body))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hosts_certificate_pages_speak_the_hosts_language(
    client, finished, db_session, english_left, language, make_host, login
):
    event = finished["event"]
    headers = {"Accept-Language": language}
    content = content_of(finished)
    base = f"/host/events/{event.id}/certificates"

    for path in (base, f"{base}/finalise"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert f'<html lang="{language}">' in html
        assert_no_english(english_left, own_part(html), *content)

    issued = client.post(f"{base}/finalise", headers=headers, follow_redirects=True)
    flash = {"es": "Se emitieron 2 certificados", "fr": "2 attestations délivrées"}[language]
    assert flash in issued.get_data(as_text=True)
    assert_no_english(english_left, own_part(issued.get_data(as_text=True)), *content)

    ana = certificates(db_session)["ana"]
    for path in (f"{base}/{ana.id}/reissue", f"{base}/{ana.id}/revoke"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert_no_english(english_left, own_part(html), *content, ana.number)

    reissued = client.post(f"{base}/{ana.id}/reissue", data={"name": "Ana López"}, headers=headers)
    assert reissued.status_code == 303
    page = client.get(f"{base}/{ana.id}/reissue", headers=headers).get_data(as_text=True)
    history = {"es": "reemitido", "fr": "délivrée à nouveau"}[language]
    assert history in page  # the log's English words ("reissued", "name: …") in the reader's language
    assert_no_english(english_left, own_part(page), *content, "Ana López", ana.number)

    refused = client.post(f"{base}/{ana.id}/revoke", data={"reason": ""}, headers=headers)
    assert refused.status_code == 400
    assert_no_english(english_left, own_part(refused.get_data(as_text=True)), *content, ana.number, FORM_SUMMARY)
    revoked = client.post(f"{base}/{ana.id}/revoke", data={"reason": "Wrong person"}, headers=headers)
    assert revoked.status_code == 303
    html = client.get(base, headers=headers).get_data(as_text=True)
    assert_no_english(english_left, own_part(html), *content, "Ana López", "Wrong person")

    admin = login(make_host("admin@library.example.org", admin=True))
    html = client.get("/host/certificate-settings", headers=headers).get_data(as_text=True)
    assert_no_english(english_left, own_part(html), *content, admin.email)
    pale = client.post("/host/certificate-settings", data={"accent_colour": "#eeeeee"}, headers=headers)
    assert pale.status_code == 400
    assert_no_english(
        english_left, own_part(pale.get_data(as_text=True)), *content, admin.email, "#eeeeee", FORM_SUMMARY
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registrants_and_public_certificate_pages_speak_the_readers_language(
    app, client, finished, db_session, clock, english_left, language
):
    headers = {"Accept-Language": language}
    content = content_of(finished)
    ana = finished["ana"]
    manage = manage_path(app, ana)

    html = client.get(f"{manage}/name", headers=headers).get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert_no_english(english_left, own_part(html), *content)
    with app.test_request_context():
        shown = f"/r/{tokens.manage_token(ana)}"  # the link on screen after registering opens no certificate
    html = client.get(f"{shown}/name", headers=headers).get_data(as_text=True)
    assert_no_english(english_left, own_part(html), *content)

    operations.finalise(finished["event"], host=finished["host"], now=clock.now())
    db_session.commit()
    certificate = certificates(db_session)["ana"]
    html = client.get(f"/certificates/{certificate.grouped_code}", headers=headers).get_data(as_text=True)
    assert SPOKEN[language]["date"] in html  # her date in Tokyo, in the words of the page's language
    assert SPOKEN[language]["hours"] in html
    assert_no_english(english_left, own_part(html), *content)
    html = client.get("/certificates/ABCD-EFGH-IJKL-MNOP", headers=headers).get_data(as_text=True)
    assert_no_english(english_left, own_part(html), *content, "ABCD-EFGH-IJKL-MNOP")

    # The certificate's section of her manage page (the rest of that page is the registrations area's).
    html = client.get(manage, headers=headers).get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="certificate">.*?</section>', html, flags=re.S).group(0)
    assert_no_english(english_left, section, *content, certificate.number, *URL.findall(section))

    operations.revoke(certificate, reason="Wrong person", host=finished["host"], now=clock.now())
    db_session.commit()
    html = client.get(f"{manage}/certificate.pdf", headers=headers).get_data(as_text=True)
    assert_no_english(english_left, own_part(html), *content, certificate.number, "Wrong person")
    html = client.get(f"/certificates/{certificate.grouped_code}", headers=headers).get_data(as_text=True)
    assert_no_english(english_left, own_part(html), *content)


@pytest.fixture
def course(make_series, make_host, login, enrol_directly, after_course, deliver_and_clear):  # noqa: F811
    """A four-Tuesday course (3 of 4 sessions for 4 contact hours) after its last session, its host signed in:
    Ana enrolled in Spanish, Ben in French, Chen in English, each having attended every session."""
    host = login(make_host("course-host@library.example.org"))
    series = make_series(host=host, credit_rule=CreditRule.SOME_SESSIONS, credit_sessions=3, contact_hours=Decimal("4"))
    people = {"series": series, "host": host}
    for key, name, locale in (("ana", "Ana Lopez", "es"), ("ben", "Ben Okafor", "fr"), ("chen", "Chen Wei", "en")):
        people[key] = enrol_directly(
            series, name=name, email=f"{key}@library.example.org", attendance=[(True, 60)] * 4, locale=locale
        )
    deliver_and_clear()
    after_course(series)
    return people


def test_a_course_certificate_speaks_its_enrolments_language(
    client, course, db_session, mailbox, pdf_tools, english_left
):
    series = course["series"]
    assert client.post(f"/host/series/{series.id}/certificates/finalise", follow_redirects=True).status_code == 200
    db_session.commit()
    issued = {c.enrolment.email.split("@")[0]: c for c in db_session.scalars(sa.select(CourseCertificate))}
    by_address = {m["X-Envelope-To"]: m for m in mailbox}
    expected = {
        "ana": ("es", f"Su certificado del curso: {series.title}", "del 4 de marzo de 2025 al 25 de marzo de 2025"),
        "ben": ("fr", f"Votre attestation de formation : {series.title}", "du 4 mars 2025 au 25 mars 2025"),
    }
    for key, (language, subject, dates) in expected.items():
        certificate = issued[key]
        message = by_address[f"{key}@library.example.org"]
        assert message["Subject"] == subject
        for kind in ("plain", "html"):
            body = message.get_body((kind,)).get_content()
            assert_no_english(english_left, body, certificate.name, series.title, *URL.findall(body))
        download = f"/host/series/{series.id}/certificates/{certificate.id}/certificate.pdf"
        text = pdf_text(client.get(download, headers={"Accept-Language": "en"}).data)
        assert dates in text
        content = [certificate.name, series.title, certificate.issuer, certificate.issuer.upper(), certificate.number]
        assert_no_english(english_left, text, *content, *URL.findall(text))

        page = client.get(f"/certificates/{certificate.grouped_code}", headers={"Accept-Language": language})
        assert_no_english(english_left, own_part(page.get_data(as_text=True)), certificate.name, series.title)
    assert by_address["chen@library.example.org"]["Subject"] == f"Your course certificate: {series.title}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_course_certificate_pages_speak_the_hosts_language(client, course, english_left, language):
    series = course["series"]
    content = [series.title, course["host"].email, "Ana Lopez", "Ben Okafor", "Chen Wei"]
    content += [f"{key}@library.example.org" for key in ("ana", "ben", "chen")]
    content += [e.title for e in series.sessions]
    content.append(course_credit.rule_text(series))  # the series area's words (eventreg/series/credit.py)
    headers = {"Accept-Language": language}
    for path in (f"/host/series/{series.id}/certificates", f"/host/series/{series.id}/certificates/finalise"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert_no_english(english_left, own_part(html), *content)
