"""A registrant changes their own details from the mailed manage link until the event starts, and the host sees what
changed; "Register again" after cancelling is filled in from the cancelled registration, for the mailbox only.

Anyone can type anyone's address into the registration form, so nothing of a registration is ever filled in from an
address: only a mailed manage link (whose holder reads that mailbox) changes details or fills in the form again."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template
from wtforms import StringField

from eventreg.events import operations as event_operations
from eventreg.registrations import changes, operations, tokens
from eventreg.registrations.forms import DetailsForm, RegistrationForm
from eventreg.registrations.models import Registration, RegistrationChange
from eventreg.registrations.operations import RegistrationError

DETAILS = {
    "name": "Ana Lima",
    "organization": "Springfield Public Library",
    "job_role": "Teen librarian",
    "accessibility": "captions",
    "accessibility_details": "",
    "wants_recording": "y",
}


def link(app, registration, *, mailed=True) -> str:
    with app.test_request_context():
        sign = tokens.mailed_manage_token if mailed else tokens.manage_token
        return f"/r/{sign(registration)}"


def stored(db_session) -> Registration:
    db_session.expire_all()
    return db_session.scalars(sa.select(Registration)).one()


def records(db_session) -> list[RegistrationChange]:
    return list(db_session.scalars(sa.select(RegistrationChange).order_by(RegistrationChange.id)))


@pytest.fixture
def registered(make_host, make_event, post_registration, mailed_path, db_session, mailbox):
    """Ana registered through the form for a hosted event (30 January 2025, 3 PM New York); her mailed link."""
    event = make_event(capacity=10)
    event.hosts = [make_host(timezone="America/New_York")]
    db_session.commit()
    return event, mailed_path(post_registration(event))


def test_a_registrant_changes_their_details_and_the_host_sees_what_changed(
    client, registered, db_session, clock, login, text_of
):
    event, manage = registered
    page = client.get(manage).get_data(as_text=True)
    assert f'href="{manage}/details"' in page
    form = client.get(f"{manage}/details")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'value="Springfield Public Library"' in html
    assert 'value="Teen librarian"' in html
    assert '<option selected value="captions">' in html
    assert 'name="email"' not in html  # the address is who the registration belongs to
    before = stored(db_session).updated_at

    clock.advance(hours=2)
    answer = client.post(
        f"{manage}/details",
        data={**DETAILS, "organization": "Shelbyville <Branch> Library", "job_role": "  Branch manager  "},
    )
    assert answer.status_code == 303
    assert answer.location.endswith(manage)
    assert "Changed: Organization, Job role." in text_of(client.get(manage))

    registration = stored(db_session)
    assert (registration.organization, registration.job_role) == ("Shelbyville <Branch> Library", "Branch manager")
    assert registration.updated_at == clock.now() > before
    [record] = records(db_session)
    assert (record.registration_id, record.changed_by) == (registration.id, "registrant")
    assert record.changed_at == clock.now()
    assert record.fields == [
        {"field": "organization", "label": "Organization", "old": "Springfield Public Library",
         "new": "Shelbyville <Branch> Library"},
        {"field": "job_role", "label": "Job role", "old": "Teen librarian", "new": "Branch manager"},
    ]  # fmt: skip

    login(event.hosts[0])
    host_page = client.get(f"/host/events/{event.id}/attendees")
    html = host_page.get_data(as_text=True)
    assert "Shelbyville &lt;Branch&gt; Library" in html
    assert "<Branch>" not in html
    text = text_of(host_page)
    assert "Changed by registrant on 15 January 2025, 2:00 PM EST: Organization, Job role" in text
    assert "Organization: “Springfield Public Library” → “Shelbyville &lt;Branch&gt; Library”" in text
    assert "Job role: “Teen librarian” → “Branch manager”" in text


def test_saving_the_details_unchanged_records_nothing_and_moves_nothing(client, registered, db_session, clock):
    _event, manage = registered
    before = stored(db_session).updated_at
    clock.advance(hours=1)
    answer = client.post(f"{manage}/details", data=DETAILS)
    assert answer.status_code == 303
    assert records(db_session) == []
    assert stored(db_session).updated_at == before
    assert "Nothing was changed." in client.get(manage).get_data(as_text=True)


def test_accessibility_and_recording_changes_are_recorded_as_the_registrant_read_them(client, registered, db_session):
    _event, manage = registered
    data = {**DETAILS, "accessibility": "other", "accessibility_details": "A\r\ntranscript", "wants_recording": ""}
    assert client.post(f"{manage}/details", data=data).status_code == 303
    registration = stored(db_session)
    assert (registration.accessibility, registration.accessibility_details) == ("other", "A\ntranscript")
    assert registration.wants_recording is False
    [record] = records(db_session)
    assert [(f["label"], f["old"], f["new"]) for f in record.fields] == [
        ("Accessibility request", "Live captions", "Something else (tell us below)"),
        ("Accessibility details", "", "A\ntranscript"),
        ("Recording email", "Yes", "No"),
    ]


@pytest.mark.parametrize(
    ("changes_", "error"),
    [
        ({"name": ""}, "Please enter your name."),
        ({"organization": "   "}, "Please enter your library or organization."),
        ({"name": "Ana\nLima"}, "single line"),
        ({"accessibility": "other"}, "Please tell us what you need"),
        ({"accessibility": "teleport"}, "Not a valid choice"),
        ({"job_role": "x" * 121}, "Field cannot be longer than 120 characters."),
    ],
)
def test_a_bad_change_is_refused_on_the_form_with_its_summary(client, registered, db_session, changes_, error):
    _event, manage = registered
    answer = client.post(f"{manage}/details", data={**DETAILS, **changes_})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert 'id="form-errors"' in html
    assert error in html
    assert 'aria-invalid="true"' in html
    assert records(db_session) == []
    assert stored(db_session).name == "Ana Lima"


def test_details_close_when_the_event_starts_and_the_form_says_why(client, registered, db_session, clock, text_of):
    event, manage = registered
    clock.set(event.starts_at - timedelta(seconds=1))
    assert client.get(f"{manage}/details").status_code == 200
    clock.set(event.starts_at)
    closed = client.get(f"{manage}/details")
    assert closed.status_code == 200
    text = text_of(closed)
    assert "Your details can no longer be changed" in text
    assert "The event has started, so your details can no longer be changed here." in text
    assert 'name="organization"' not in closed.get_data(as_text=True)
    refused = client.post(f"{manage}/details", data={**DETAILS, "organization": "Late Library"})
    assert refused.status_code == 409
    assert "The event has started" in text_of(refused)
    assert stored(db_session).organization == "Springfield Public Library"
    assert records(db_session) == []
    # The registrant's own page says so while the event is on, and offers no form.
    page = client.get(manage).get_data(as_text=True)
    assert "can no longer be changed here: the event has started" in page
    assert f"{manage}/details" not in page


def test_a_cancelled_registration_or_event_has_no_details_to_change(client, registered, db_session, clock, text_of):
    event, manage = registered
    operations.cancel_registration(stored(db_session), now=clock.now())
    db_session.commit()
    assert "This registration is cancelled" in text_of(client.get(f"{manage}/details"))
    assert client.post(f"{manage}/details", data=DETAILS).status_code == 409
    event_operations.cancel_event(event, now=clock.now())
    db_session.commit()
    assert "This event has been cancelled, so there is nothing to change." in text_of(client.get(f"{manage}/details"))


def test_a_link_shown_on_screen_changes_nothing(app, client, make_event, register, db_session):
    """The link the page after registering once showed proves only that its holder typed the address."""
    event = make_event()
    registration = register(event, name="Ana")
    db_session.commit()
    shown = link(app, registration, mailed=False)
    assert f"{shown}/details" not in client.get(shown).get_data(as_text=True)
    assert client.get(f"{shown}/details").status_code == 404
    assert client.post(f"{shown}/details", data={**DETAILS, "name": "Mallory"}).status_code == 404
    assert stored(db_session).name == "Ana"


def test_a_replaced_link_opens_neither_form(app, client, make_event, register, db_session, clock):
    event = make_event()
    registration = register(event)
    old = link(app, registration)
    operations.cancel_registration(registration, now=clock.now())
    register(event, email=registration.email)  # registered again: a new link
    db_session.commit()
    assert client.get(f"{old}/details").status_code == 410
    assert client.post(f"{old}/details", data=DETAILS).status_code == 410
    assert client.get(f"{old}/register-again").status_code == 410


def test_a_cancelled_registration_changed_after_the_page_was_read_is_not_changed(registered, db_session, clock):
    """The operation reads the row again under its lock: a cancellation that got there first wins."""
    registration = stored(db_session)
    db_session.execute(sa.update(Registration).values(status="cancelled", cancelled_at=clock.now()))
    with pytest.raises(RegistrationError) as refused:
        changes.change_details(registration, now=clock.now(), organization="Elsewhere")
    assert refused.value.code == "details_cancelled"


def test_extra_fields_join_the_same_record_and_move_updated_at(make_event, register, db_session, clock):
    """The hook for a host's own questions: their owner writes the answers once the save may go ahead, and says
    what changed."""
    registration = register(make_event(), organization="Springfield")
    clock.advance(minutes=10)
    answer = changes.FieldChange("question:7", "Library type", "Public", "Academic")
    made = changes.change_details(registration, now=clock.now(), organization="Springfield", extra=lambda: [answer])
    assert made == [answer]
    assert registration.updated_at == clock.now()
    [record] = records(db_session)
    assert record.fields == [{"field": "question:7", "label": "Library type", "old": "Public", "new": "Academic"}]
    with pytest.raises(TypeError):
        changes.change_details(registration, now=clock.now(), email="someone@example.org")
    # Closed, nothing is asked of the other fields' owner.
    operations.cancel_registration(registration, now=clock.now())
    with pytest.raises(RegistrationError):
        changes.change_details(registration, now=clock.now(), extra=lambda: pytest.fail("written while closed"))


def test_forms_take_extra_fields_after_the_details(app):
    """A host's questions are added as fields of their own and shown after the details, in their order."""
    with app.test_request_context():
        form = DetailsForm.with_fields({"library_type": StringField("Library type"), "learn": StringField("Learn")})(
            formdata=None
        )
        assert form.extra_names == ("library_type", "learn")
        assert list(form._fields)[-2:] == ["library_type", "learn"]
        html = render_template("registrations/_fields.html", form=form)
        assert html.index('name="accessibility_details"') < html.index('name="library_type"') < html.index('"learn"')
        assert RegistrationForm.with_fields({"learn": StringField("Learn")})(formdata=None).extra_names == ("learn",)


def test_change_record_lists_only_changes_since_the_registration_was_made(make_event, register, db_session, clock):
    event = make_event()
    registration = register(event)
    changes.change_details(registration, now=clock.now(), name="First life")
    clock.advance(hours=1)
    operations.cancel_registration(registration, now=clock.now())
    clock.advance(hours=1)
    register(event, email=registration.email)
    assert changes.list_changes([registration]) == {}
    clock.advance(hours=1)
    changes.change_details(registration, now=clock.now(), name="Second life")
    [[record]] = changes.list_changes([registration]).values()
    assert record.fields[0]["new"] == "Second life"


# "Register again" after cancelling.


def test_register_again_from_the_mailed_link_fills_in_the_cancelled_registration(
    client, registered, db_session, mailbox, mailed_path, text_of
):
    event, manage = registered
    slides = {**DETAILS, "accessibility": "other", "accessibility_details": "Slides beforehand"}
    assert client.post(f"{manage}/details", data=slides).status_code == 303
    assert client.post(f"{manage}/cancel").status_code == 303
    page = client.get(manage).get_data(as_text=True)
    assert f'href="{manage}/register-again">Register again</a>' in page

    again = client.get(f"{manage}/register-again")
    assert again.status_code == 200
    assert again.headers["Cache-Control"] == "private, no-store"
    html = again.get_data(as_text=True)
    assert "We’ve filled in the details of your cancelled registration." in html
    assert 'value="Ana Lima"' in html
    assert 'value="ana@library.example.org"' in html
    assert 'value="Springfield Public Library"' in html
    assert 'value="Teen librarian"' in html
    assert '<option selected value="other">' in html
    assert ">\r\nSlides beforehand</textarea>" in html
    assert '<input checked id="wants_recording"' in html
    assert 'name="timezone" type="hidden" value="Europe/Berlin"' in html  # the zone she registered from
    assert f'action="/events/{event.slug}/register#form-errors"' in html

    # Sending it registers again as any form does: a new link, mailed.
    form_key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', html)[1]
    fields = {**DETAILS, "accessibility": "other", "accessibility_details": "Slides beforehand",
              "email": "ana@library.example.org", "timezone": "Europe/Berlin", "form_key": form_key}  # fmt: skip
    assert "Check your email" in text_of(client.post(f"/events/{event.slug}/register", data=fields))
    registration = stored(db_session)
    assert registration.is_confirmed
    assert registration.accessibility_details == "Slides beforehand"
    assert mailed_path() != manage
    assert client.get(f"{manage}/register-again").status_code == 410  # the old link was replaced


def test_register_again_is_offered_only_while_registration_is_open_and_only_after_cancelling(
    client, registered, db_session, clock
):
    event, manage = registered
    assert client.get(f"{manage}/register-again").location.endswith(manage)  # not cancelled: nothing to redo
    assert client.post(f"{manage}/cancel").status_code == 303
    clock.set(event.starts_at)
    assert "Register again" not in client.get(manage).get_data(as_text=True)
    assert client.get(f"{manage}/register-again").location.endswith(manage)


def test_someone_typing_a_strangers_address_gets_nothing_filled_in(
    app, client, make_event, register, db_session, clock, text_of
):
    event = make_event()
    ana = register(event, name="Ana Lima", email="ana@library.example.org", organization="Secret Branch",
                   job_role="Archivist", accessibility="other", accessibility_details="Wheelchair space")  # fmt: skip
    operations.cancel_registration(ana, now=clock.now())
    db_session.commit()
    secrets_ = ("Ana Lima", "Secret Branch", "Archivist", "Wheelchair space")

    for url in (f"/events/{event.slug}/register", f"/events/{event.slug}/register?email=ana@library.example.org"):
        html = client.get(url).get_data(as_text=True)
        assert not any(secret in html for secret in secrets_), url
    # Posting the form with her address and nothing else answers with the form's errors, and only what was typed.
    refused = client.post(f"/events/{event.slug}/register", data={"email": "ana@library.example.org"})
    assert refused.status_code == 400
    assert not any(secret in refused.get_data(as_text=True) for secret in secrets_)
    # The link once shown on screen proves only the typing: it leads to the blank form.
    shown = link(app, ana, mailed=False)
    assert f'href="/events/{event.slug}/register">Register again' in client.get(shown).get_data(as_text=True)
    blank = client.get(f"{shown}/register-again")
    assert blank.status_code == 303
    assert blank.location.endswith(f"/events/{event.slug}/register")
    # A stranger who registers her address again gets the answer everyone gets, and sees nothing of hers.
    answer = client.post(f"/events/{event.slug}/register", data={"name": "Mallory", "organization": "Nowhere",
                                                                 "email": "ana@library.example.org"})  # fmt: skip
    assert "Check your email" in text_of(answer)
    assert not any(secret in answer.get_data(as_text=True) for secret in secrets_)


def test_changes_are_limited_per_registration_whatever_link_is_used(app, make_event, register, db_session):
    """Each save that changes something is a webhook delivery to the hosts: a link's holder cannot flood them."""
    from eventreg import create_app
    from eventreg.core.extensions import db

    shared = ("TESTING", "SQLALCHEMY_DATABASE_URI", "CLOCK", "SECRET_KEY", "BASE_URL", "MAIL_SERVER", "MAIL_PORT")
    limited = create_app(
        {**{key: app.config[key] for key in shared}, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
         "DETAILS_RATE_LIMIT": "3 per hour"}
    )  # fmt: skip
    try:
        event = make_event()
        ana, ben = register(event), register(event)
        db_session.commit()
        # Signed by the tests' app (the same SECRET_KEY): in the other app's context, reading the rows would take
        # a connection of its engine for the tests' session, left open once that engine is disposed.
        with app.test_request_context():
            mailed, shown = tokens.mailed_manage_token(ana), tokens.manage_token(ana)
            bens = tokens.mailed_manage_token(ben)
        client = limited.test_client()
        statuses = [
            client.post(f"/r/{mailed}/details", data={**DETAILS, "organization": f"Library {n}"}).status_code
            for n in range(3)
        ]
        assert statuses == [303, 303, 303]
        # Another link to the same registration shares its count (this one would be a 404 otherwise).
        assert client.get(f"/r/{shown}/details").status_code == 429
        assert client.get(f"/r/{bens}/details").status_code == 200  # another registration has its own count
        db_session.rollback()  # a fresh snapshot: the other app wrote in its own connections
        assert len(records(db_session)) == 3
    finally:
        with limited.app_context():
            db.engine.dispose()
