"""Approval through the pages: the editor's checkbox and its rule, what a registrant sees and is mailed while
pending, and the host approving or declining from the registrant list, one or many, after a confirmation step."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from eventreg.events.models import Event
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations
from eventreg.registrations.models import Registration, RegistrationStatus


@pytest.fixture
def event(hosted_event):
    """A published event with two seats, requiring approval, whose host is signed in."""
    return hosted_event(capacity=2, requires_approval=True)


def status_of(db_session, registration) -> str:
    db_session.expire_all()
    return db_session.get(Registration, registration.id).status


def calendar_parts(message) -> list:
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def text_body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def decisions_url(event, decision: str, *registrations) -> str:
    ids = "".join(f"&registration={r.id}" for r in registrations)
    return f"/host/events/{event.id}/decisions?decision={decision}{ids}"


# The editor


def test_the_editor_turns_approval_on_and_refuses_to_turn_it_off_while_registrations_are_pending(
    client, event, register, editor_form, db_session, text_of, clock
):
    db_session.commit()
    page = client.get(f"/host/events/{event.id}/edit").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*checked[^>]*id="requires_approval"|<input[^>]*id="requires_approval"[^>]*checked', page
    )
    assert 'aria-describedby="requires-approval-hint"' in page
    ana = register(event)
    db_session.commit()
    refused = client.post(f"/host/events/{event.id}/edit", data={**editor_form, "capacity": "2"})  # box unticked
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    message = "1 registration still awaits your approval. Approve or decline it on the registrant list first"
    assert message in text_of(refused)
    assert 'href="#requires_approval"' in html  # the error summary leads to the box
    assert (
        'aria-invalid="true"' in html[html.index('id="requires_approval"') - 200 : html.index('id="requires_approval"')]
    )
    db_session.expire_all()
    assert db_session.get(Event, event.id).requires_approval
    operations.decline_one(db_session.get(Registration, ana.id), now=clock.now())
    db_session.commit()
    saved = client.post(f"/host/events/{event.id}/edit", data={**editor_form, "capacity": "2"})
    assert saved.status_code == 303
    db_session.expire_all()
    assert not db_session.get(Event, event.id).requires_approval
    turned_on = client.post(
        f"/host/events/{event.id}/edit", data={**editor_form, "capacity": "2", "requires_approval": "y"}
    )
    assert turned_on.status_code == 303
    db_session.expire_all()
    assert db_session.get(Event, event.id).requires_approval


def test_a_new_event_can_require_approval(client, make_host, login, editor_form, db_session):
    login(make_host())
    response = client.post("/host/events/new", data={**editor_form, "requires_approval": "y"})
    assert response.status_code == 303
    assert db_session.scalars(sa.select(Event.requires_approval)).one() is True


# The registrant


def test_a_registrant_is_told_on_screen_and_by_mail_that_the_registration_awaits_approval(
    client, make_event, post_registration, mailbox, mailed_path, text_of, db_session
):
    event = make_event(capacity=10, requires_approval=True)
    db_session.commit()
    assert "The host approves each registration" in text_of(client.get(f"/events/{event.slug}"))
    assert "The host approves each registration" in text_of(client.get(f"/events/{event.slug}/register"))
    answer = post_registration(event)
    assert "The host approves each registration for this event" in text_of(answer)
    [message] = mailbox
    assert message["Subject"] == f"Awaiting approval: {event.title}"
    assert calendar_parts(message) == []  # no invitation while pending
    assert "Your registration is awaiting approval" in text_body(message)
    assert event.join_url not in message.as_string()
    path = mailed_path(answer)
    page = client.get(path)
    assert "Your registration is awaiting approval" in text_of(page)
    assert event.join_url not in page.get_data(as_text=True)
    assert "Add to calendar (.ics)" not in text_of(page)
    assert "A note that your registration awaits approval was emailed" in text_of(page)
    assert client.get(f"{path}/invite.ics").status_code == 404
    assert operations.seat_counts(event) == (10, 0)


def test_the_registrant_can_cancel_while_pending(client, make_event, post_registration, mailbox, mailed_path, text_of):
    event = make_event(capacity=10, requires_approval=True)
    path = mailed_path(post_registration(event))
    mailbox.clear()
    confirm = client.get(f"{path}/cancel")
    assert "The host is no longer asked to approve your registration." in text_of(confirm)
    assert client.post(f"{path}/cancel").status_code == 303
    assert "Your registration is cancelled" in text_of(client.get(path))
    [message] = mailbox
    assert message["Subject"].startswith("Registration cancelled")
    assert calendar_parts(message) == []


def test_the_personal_feed_lists_only_the_approved_registration(client, make_event, register, db_session, clock, app):
    approved_event = make_event(title="Approved one", requires_approval=True)
    pending_event = make_event(title="Still pending", requires_approval=True)
    declined_event = make_event(title="Declined one", requires_approval=True)
    email = "ana@library.example.org"
    approved, _, declined = (register(e, email=email) for e in (approved_event, pending_event, declined_event))
    operations.approve_one(approved, now=clock.now())
    operations.decline_one(declined, now=clock.now())
    db_session.commit()
    token = operations.get_personal_feed(email).token
    body = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    assert "SUMMARY:Approved one" in body
    assert "Still pending" not in body
    assert "Declined one" not in body


# The host's registrant list


def test_the_list_counts_filters_and_offers_decisions_for_pending_rows(client, event, register, db_session, text_of):
    ana, ben = register(event, name="Ana"), register(event, name="Ben")
    event.requires_approval = False
    cleo = register(event, name="Cleo")  # confirmed
    event.requires_approval = True
    db_session.commit()
    response = client.get(f"/host/events/{event.id}/attendees")
    page, html = text_of(response), response.get_data(as_text=True)
    assert "Confirmed: 1 of 2 · Waiting: 0 · Awaiting approval: 2 · Declined: 0 · Cancelled: 0" in page
    assert html.count('<strong class="pending">awaiting approval</strong>') == 2
    for person in (ana, ben):
        assert f'value="{person.id}" form="decision-form"' in html
        assert f"decision=approve&amp;registration={person.id}" in html
        assert f"decision=decline&amp;registration={person.id}" in html
    assert f'value="{cleo.id}" form="decision-form"' not in html
    assert "Approve ticked…" in page
    pending_only = text_of(client.get(f"/host/events/{event.id}/attendees?status=pending"))
    assert "(2 in all)" in pending_only
    assert "Ana" in pending_only
    assert "Cleo" not in pending_only
    assert "(0 in all)" in text_of(client.get(f"/host/events/{event.id}/attendees?status=declined"))
    assert "(3 in all)" in text_of(client.get(f"/host/events/{event.id}/attendees?status=nonsense"))


def test_the_confirmation_step_says_who_gets_a_seat_and_changes_nothing(
    client, event, register, db_session, mailbox, clock, text_of, deliver_and_clear
):
    people = [register(event, name=name, now=clock.now()) for name in ("Ana", "Ben", "Cy <b>")]
    deliver_and_clear()
    response = client.get(decisions_url(event, "approve", *people) + "&q=&sort=name")
    assert response.status_code == 200
    page, html = text_of(response), response.get_data(as_text=True)
    assert "Approve 3 registrations?" in page
    assert "2 seats are free: the earliest registered get them" in page
    assert page.count("gets a seat") == 2
    assert "<strong>Cy &lt;b&gt;</strong>" in html  # escaped
    assert "Cy <b>" not in html
    assert "joins the waiting list" in page
    assert f'action="/host/events/{event.id}/decisions?sort=name"' in html  # back to the list as it was
    assert [status_of(db_session, p) for p in people] == ["pending"] * 3
    assert mailbox == []


def test_a_bulk_approval_seats_who_it_can_queues_the_rest_and_mails_each_once_with_the_note(
    client, event, register, db_session, mailbox, clock, text_of, deliver_and_clear
):
    ana, ben, cy = (register(event, name=name, now=clock.now()) for name in ("Ana", "Ben", "Cy"))
    deliver_and_clear()
    form = {"decision": "approve", "registration": [str(cy.id), str(ana.id), str(ben.id)], "note": "Welcome aboard"}
    response = client.post(f"/host/events/{event.id}/decisions", data=form)
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert (
        "Approved with a seat: Ana and Ben. Emailed the confirmation with the join link and a calendar invitation"
        in page
    )
    assert "Approved onto the waiting list, as no seat was free: Cy (position 1)" in page
    assert [status_of(db_session, p) for p in (ana, ben, cy)] == ["confirmed", "confirmed", "waiting"]
    assert len(mailbox) == 3
    seated = [m for m in mailbox if m["Subject"].startswith("Approved — you’re registered")]
    assert len(seated) == 2
    for message in seated:
        [part] = calendar_parts(message)
        assert "METHOD:REQUEST" in part.get_content()
        assert event.join_url in text_body(message)
        assert "Welcome aboard" in text_body(message)
    [queued] = [m for m in mailbox if m["Subject"].startswith("Approved — you’re on the waiting list")]
    assert calendar_parts(queued) == []
    assert event.join_url not in queued.as_string()
    # Sent once: the same POST again approves nobody and mails nobody.
    mailbox.clear()
    again = client.post(f"/host/events/{event.id}/decisions", data=form)
    assert "Left as they were, no longer awaiting this decision: Ana (confirmed), Ben (confirmed), Cy (waiting)" in (
        text_of(client.get(again.headers["Location"]))
    )
    assert mailbox == []
    assert (
        db_session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind.in_(["confirmation", "waiting"]))
        )
        == 3
    )


def test_a_decline_mails_the_note_and_the_row_then_offers_approval_only(
    client, event, register, db_session, mailbox, text_of, deliver_and_clear
):
    ana = register(event, name="Ana")
    deliver_and_clear()
    confirm = text_of(client.get(decisions_url(event, "decline", ana)))
    assert "Decline Ana’s registration?" in confirm
    assert "is emailed that the registration was not approved" in confirm
    response = client.post(
        f"/host/events/{event.id}/decisions",
        data={"decision": "decline", "registration": str(ana.id), "note": "Staff of member libraries only.\r\nSorry!"},
    )
    assert response.status_code == 303
    listed = client.get(response.headers["Location"])
    assert "Declined: Ana. Emailed that it was not approved (with your note)." in text_of(listed)
    html = listed.get_data(as_text=True)
    assert f"decision=approve&amp;registration={ana.id}" in html
    assert f"decision=decline&amp;registration={ana.id}" not in html
    assert f"/attendees/{ana.id}/confirm-cancel" not in html
    [message] = mailbox
    assert message["Subject"] == f"Registration not approved: {event.title}"
    assert calendar_parts(message) == []
    assert "Staff of member libraries only.\nSorry!" in text_body(message)
    assert status_of(db_session, ana) == RegistrationStatus.DECLINED


def test_the_csv_export_shows_pending_and_declined(client, event, register, db_session, clock):
    _ana, ben = register(event, name="Ana"), register(event, name="Ben")
    operations.decline_one(ben, now=clock.now())
    db_session.commit()
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/host/events/{event.id}/attendees.csv").data.decode("utf-8-sig")))
    )
    assert [(row["Name"], row["Status"], row["Waiting position"]) for row in rows] == [
        ("Ana", "pending", ""),
        ("Ben", "declined", ""),
    ]


def test_the_dashboard_counts_those_awaiting_approval(client, event, register, db_session, text_of):
    register(event)
    db_session.commit()
    assert "Awaiting your approval 1" in text_of(client.get("/host/"))


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("decision=maybe&registration={id}", 400),
        ("decision=approve&registration=abc", 400),
        ("decision=approve&registration=99999999999", 400),
        ("decision=approve&registration=2147483000", 404),
    ],
)
def test_bad_decision_requests_are_refused_before_anything_happens(client, event, register, db_session, query, status):
    ana = register(event)
    db_session.commit()
    assert client.get(f"/host/events/{event.id}/decisions?{query.format(id=ana.id)}").status_code == status
    assert status_of(db_session, ana) == "pending"


def test_nothing_ticked_or_nothing_pending_leads_back_to_the_list_with_why(
    client, event, register, db_session, clock, text_of
):
    event.requires_approval = False
    confirmed = register(event, name="Ana")
    db_session.commit()
    nothing = client.get(f"/host/events/{event.id}/decisions?decision=approve")
    assert nothing.status_code == 303
    assert "Tick one or more registrations awaiting approval first." in text_of(client.get(nothing.headers["Location"]))
    decided = client.get(decisions_url(event, "decline", confirmed))
    assert "None of the ticked registrations can be declined" in text_of(client.get(decided.headers["Location"]))


def test_a_note_too_long_is_refused_on_the_confirmation_page(
    client, event, register, db_session, mailbox, text_of, deliver_and_clear
):
    ana = register(event)
    deliver_and_clear()
    response = client.post(
        f"/host/events/{event.id}/decisions",
        data={"decision": "approve", "registration": str(ana.id), "note": "x" * 1001},
    )
    assert response.status_code == 400
    assert "Please check the form" in text_of(response)
    assert 'href="#note"' in response.get_data(as_text=True)
    assert status_of(db_session, ana) == "pending"
    assert mailbox == []


def test_another_hosts_event_and_registration_are_not_found(client, event, register, make_event, db_session):
    other = make_event(title="Not theirs", requires_approval=True)
    theirs = register(other)
    mine = register(event)
    db_session.commit()
    assert client.get(decisions_url(other, "approve", theirs)).status_code == 404
    assert (
        client.post(
            f"/host/events/{other.id}/decisions", data={"decision": "approve", "registration": str(theirs.id)}
        ).status_code
        == 404
    )
    # Another event's registration under my event: 404, and nothing of mine is approved either.
    form = {"decision": "approve", "registration": [str(mine.id), str(theirs.id)]}
    assert client.post(f"/host/events/{event.id}/decisions", data=form).status_code == 404
    assert (status_of(db_session, theirs), status_of(db_session, mine)) == ("pending", "pending")
