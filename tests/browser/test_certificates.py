"""In a real browser: a host imports the webinar's report, applies it, finalises attendance, and a registrant
downloads their certificate from the manage page; every certificate page passes axe."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventreg.registrations import tokens

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[1] / "attendance" / "samples" / "zoom_webinar_attendees.csv"


@pytest.fixture
def webinar(make_host, make_event, register, clock, db_session, app):
    """The samples' webinar (3-4 PM New York, 30 January 2025) with 1.5 contact hours, two hours after its end."""
    host = make_host()
    event = make_event(contact_hours=Decimal("1.5"), hosts=[host])
    people = {
        "ana": register(event, name="Ana López", email="ana.lopez@library.example.org", timezone="Europe/Berlin"),
        "ben": register(event, name="Ben Okafor", email="ben.okafor@library.example.org"),
    }
    db_session.commit()
    clock.set(event.ends_at + timedelta(hours=2))
    with app.test_request_context():
        links = {key: f"/r/{tokens.mailed_manage_token(r)}" for key, r in people.items()}
    return {"host": host, "event": event, "links": links}


def test_host_imports_applies_finalises_and_the_registrant_downloads_the_certificate(page, webinar, sign_in, tmp_path):
    event = webinar["event"]
    sign_in(page, webinar["host"])
    page.goto(f"/host/events/{event.id}/attendees")
    page.get_by_role("link", name="Import attendance report").click()
    page.get_by_label("Attendance report (CSV or TXT, as downloaded)").set_input_files(SAMPLE)
    page.get_by_role("button", name="Read the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance preview")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash")).to_contain_text("Attendance applied")

    page.get_by_role("link", name="Certificates", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("1 confirmed registrant met the credit rule")
    page.get_by_role("link", name="Finalise and issue certificates…").click()
    confirm = page.get_by_role("main")
    expect(confirm).to_contain_text("1 person will get a certificate for 1.5 contact hours")
    expect(confirm).to_contain_text("Ana López (ana.lopez@library.example.org): 63 minutes")
    expect(confirm).not_to_contain_text("Ben Okafor")  # 25 of the 45 minutes
    page.get_by_role("button", name="Issue 1 certificate and send the emails").click()
    expect(page.locator(".flash")).to_have_text("1 certificate issued and emailed.")
    expect(page.locator("table")).to_contain_text("Ana López")

    page.goto(webinar["links"]["ana"])
    expect(page.get_by_role("heading", name="Your certificate of completion")).to_be_visible()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    download = downloading.value
    assert download.suggested_filename.startswith("certificate-2025-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    page.goto(webinar["links"]["ben"])  # no certificate: nothing to download, and no offer to change the name
    expect(page.get_by_role("main")).to_contain_text("Correct the spelling of your name")
    expect(page.get_by_role("link", name="Download your certificate (PDF)")).to_have_count(0)


def test_certificate_pages_pass_axe(page, axe, webinar, sign_in, db_session):
    from eventreg.certificates.models import Certificate
    from eventreg.registrations.models import Registration

    event = webinar["event"]
    page.goto(f"{webinar['links']['ben']}/name")  # before issue: the name form, with an error
    page.get_by_label("Your name as it should appear on the certificate").fill("")
    page.get_by_role("button", name="Save my name").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page)
    page.goto("/certificates/ABCD-EFGH-IJKL-MNOP")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that certificate")
    axe(page)

    for registration in db_session.query(Registration).filter_by(event_id=event.id):
        registration.attended, registration.minutes_attended = True, 60
    db_session.commit()
    sign_in(page, webinar["host"])
    page.goto(f"/host/events/{event.id}/certificates")
    axe(page)
    page.goto(f"/host/events/{event.id}/certificates/finalise")
    axe(page)
    page.get_by_role("button", name="Issue 2 certificates and send the emails").click()
    expect(page.locator("table tbody tr")).to_have_count(2)
    axe(page)
    db_session.rollback()  # a fresh read, of what the server wrote
    first = db_session.query(Certificate).order_by(Certificate.id).first()
    page.goto(f"/host/events/{event.id}/certificates/{first.id}/reissue")
    axe(page)
    page.goto(f"/host/events/{event.id}/certificates/{first.id}/revoke")
    page.get_by_role("button", name="Revoke the certificate").click()  # no reason: the error state
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page)
    page.goto(f"/certificates/{first.grouped_code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
    axe(page)
    page.goto(webinar["links"]["ana"])
    expect(page.get_by_role("heading", name="Your certificate of completion")).to_be_visible()
    axe(page)


def test_an_on_screen_link_points_to_the_mail_for_the_certificate(
    page, axe, app, make_event, make_host, register, clock, db_session
):
    """Links the page after registering once handed out (it shows none now) may hold someone else's address, so
    such a link shows where the certificate is, never the certificate, and its PDF address is refused too."""
    from eventreg.certificates import operations
    from eventreg.registrations import tokens
    from eventreg.registrations.models import Registration

    event = make_event(contact_hours=Decimal("1.5"))
    register(event, name="Ana López", email="ana.lopez@library.example.org")
    db_session.commit()
    with app.test_request_context():
        on_screen = f"/r/{tokens.manage_token(db_session.query(Registration).one())}"
    page.goto(on_screen)
    expect(page.get_by_role("heading", level=1)).to_have_text("You’re registered")
    note = page.locator("#certificate-in-mail")
    expect(note).to_contain_text("in our emails to ana.lopez@library.example.org")
    expect(page.get_by_role("link", name="Correct the spelling of your name")).to_have_count(0)

    db_session.rollback()  # a fresh read, of what the server wrote
    registration = db_session.query(Registration).filter_by(event_id=event.id).one()
    registration.attended, registration.minutes_attended = True, 60
    clock.set(event.ends_at + timedelta(hours=2))
    issued = operations.finalise(event, host=make_host(), now=clock.now())[0]
    db_session.commit()
    page.goto(on_screen)
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    expect(note).to_contain_text("The certificate, and the way to correct the spelling of your name on it")
    main = page.get_by_role("main")
    expect(main).not_to_contain_text(issued.number)
    expect(main).not_to_contain_text(issued.grouped_code)
    expect(page.get_by_role("link", name="Download your certificate (PDF)")).to_have_count(0)
    axe(page)

    response = page.goto(f"{on_screen}/certificate.pdf")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Open this from your email")
    axe(page)
    page.get_by_role("link", name="Back to the registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This event has ended")  # attendance: mailed link only
    expect(page.get_by_role("main")).not_to_contain_text("60 minutes")
