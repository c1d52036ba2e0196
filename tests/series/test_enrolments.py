"""Registering for a course: one enrolment holds the seat, each session has an ordinary registration with the same
status; the waiting list, approval, late registrants, cancelling, sessions added later, and concurrency."""

import threading
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from eventreg.hosts import operations as host_operations
from eventreg.mail.models import OutboxMessage
from eventreg.registrations import operations as registration_operations
from eventreg.registrations.models import Registration, RegistrationStatus
from eventreg.registrations.operations import RegistrationError
from eventreg.series import enrolments, operations, rules
from eventreg.series.enrolments import EnrolmentError
from eventreg.series.models import Enrolment, SeriesKind

CONFIRMED, WAITING, PENDING = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.PENDING


@pytest.fixture
def enrol(clock):
    counter = iter(range(1, 10_000))

    def make(series, **fields):
        n = next(counter)
        fields.setdefault("name", f"Reader {n}")
        fields.setdefault("email", f"reader{n}@library.example.org")
        fields.setdefault("organization", "Springfield Public Library")
        return enrolments.enrol(series, now=fields.pop("now", clock.now()), **fields)

    return make


def statuses(enrolment):
    rows = sorted(enrolment.registrations, key=lambda r: r.event.starts_at)
    return [r.status for r in rows]


def kinds(db_session, email):
    query = sa.select(OutboxMessage.kind).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id)
    return list(db_session.scalars(query))


def test_enrolment_registers_each_session_with_its_status(make_series, enrol, db_session):
    series = make_series(capacity=10)
    enrolment = enrol(series, email="Ana@Library.example.org", timezone="Europe/Berlin")
    db_session.refresh(enrolment)
    assert enrolment.status == CONFIRMED
    assert enrolment.email == "ana@library.example.org"
    assert statuses(enrolment) == [CONFIRMED] * 4
    assert {r.event.series_id for r in enrolment.registrations} == {series.id}
    assert all(r.timezone == "Europe/Berlin" for r in enrolment.registrations)
    assert kinds(db_session, "ana@library.example.org") == ["course_confirmation"] + ["course_invitation"] * 4


def test_capacity_two_puts_the_third_on_the_waiting_list_and_a_cancel_promotes_them(
    make_series, enrol, db_session, clock
):
    series = make_series(capacity=2)
    ana, ben, cy = enrol(series), enrol(series), enrol(series)
    assert [ana.status, ben.status, cy.status] == [CONFIRMED, CONFIRMED, WAITING]
    db_session.refresh(cy)
    assert statuses(cy) == [WAITING] * 4
    assert enrolments.waiting_position(cy) == 1
    assert kinds(db_session, cy.email) == ["course_waiting"]  # no invitation without a seat

    promoted = enrolments.cancel_enrolment(ana, now=clock.now())
    assert promoted == [cy]
    db_session.refresh(ana)
    db_session.refresh(cy)
    assert ana.status == RegistrationStatus.CANCELLED
    assert statuses(ana) == [RegistrationStatus.CANCELLED] * 4
    assert cy.status == CONFIRMED
    assert statuses(cy) == [CONFIRMED] * 4
    assert kinds(db_session, cy.email) == ["course_waiting", "course_confirmation"] + ["course_invitation"] * 4
    assert kinds(db_session, ana.email)[5:] == ["course_cancellation"] + ["course_invitation_cancel"] * 4
    # Cancelling again changes nothing and mails nothing.
    assert enrolments.cancel_enrolment(ana, now=clock.now()) == []
    assert len(kinds(db_session, ana.email)) == 10


def test_a_session_edit_never_promotes_a_course_waiting_list(make_series, enrol, db_session, clock, make_host):
    series = make_series(capacity=1)
    enrol(series)
    waiting = enrol(series)
    session = series.sessions[0]
    host = session.hosts[0]
    # A course session has no capacity of its own: its save "raises" it to unlimited every time.
    host_operations.save_event(
        session, host, cohost_emails=[], topics=[], capacity=None, now=clock.now(), timezone=session.timezone
    )
    db_session.refresh(waiting)
    assert statuses(waiting) == [WAITING] * 4


def test_raising_the_capacity_promotes_in_order(make_series, enrol, db_session, clock):
    series = make_series(capacity=1)
    enrol(series)
    first, second = enrol(series), enrol(series)
    with pytest.raises(rules.SeriesError, match="capacity_below_confirmed"):
        enrolments.change_capacity(series, 0, now=clock.now())
    assert enrolments.change_capacity(series, 2, now=clock.now()) == [first]
    assert second.status == WAITING
    assert enrolments.waiting_position(second) == 1
    assert enrolments.promote_waiting(series, now=clock.now()) == []


def test_approval_keeps_the_enrolment_pending_until_the_host_decides(make_series, enrol, db_session, clock):
    series = make_series(capacity=1, requires_approval=True)
    ana, ben, cy = enrol(series), enrol(series), enrol(series)
    db_session.refresh(ana)
    assert ana.status == PENDING
    assert statuses(ana) == [PENDING] * 4
    assert kinds(db_session, ana.email) == ["course_pending"]

    enrolments.approve(ana, now=clock.now(), note="Welcome!")
    enrolments.approve(ben, now=clock.now())  # the one seat is taken: waiting
    enrolments.decline(cy, now=clock.now(), note="This course is for staff of member libraries.")
    for enrolment in (ana, ben, cy):
        db_session.refresh(enrolment)
    assert (ana.status, ben.status, cy.status) == (CONFIRMED, WAITING, RegistrationStatus.DECLINED)
    assert statuses(ana) == [CONFIRMED] * 4
    assert statuses(ben) == [WAITING] * 4
    assert statuses(cy) == [RegistrationStatus.DECLINED] * 4
    assert kinds(db_session, ana.email) == ["course_pending", "course_confirmation"] + ["course_invitation"] * 4
    assert kinds(db_session, cy.email) == ["course_pending", "course_declined"]
    with pytest.raises(rules.SeriesError, match="cannot_decline"):
        enrolments.decline(ana, now=clock.now())
    # A declined address cannot simply register again past the decision.
    with pytest.raises(EnrolmentError, match="already_registered"):
        enrol(series, email=cy.email)


def test_a_late_registrant_joins_the_sessions_not_yet_started(make_series, enrol, db_session, clock):
    series = make_series()
    clock.set(series.sessions[1].starts_at + timedelta(minutes=5))  # session 2 under way
    late = enrol(series)
    db_session.refresh(late)
    assert [r.event_id for r in late.registrations] == [s.id for s in series.sessions[2:]]
    assert kinds(db_session, late.email) == ["course_confirmation"] + ["course_invitation"] * 2


def test_no_session_left_to_join_closes_the_course(make_series, enrol, clock):
    series = make_series()
    clock.set(series.sessions[-1].starts_at)
    with pytest.raises(EnrolmentError, match="closed"):
        enrol(series)


def test_a_program_is_not_enrolled(make_series, enrol):
    with pytest.raises(EnrolmentError, match="not_a_course"):
        enrol(make_series(SeriesKind.PROGRAM))


def test_a_course_session_refuses_direct_registration(make_series, register):
    series = make_series()
    with pytest.raises(RegistrationError, match="course_session") as refused:
        register(series.sessions[0])
    assert series.title in refused.value.message
    with pytest.raises(RegistrationError, match="course_session"):
        register(series.sessions[0], by_host=True)


def test_registering_again_resends_to_the_address_within_limits(make_series, db_session, clock):
    series = make_series()
    details = {"name": "Ana", "email": "ana@library.example.org", "organization": "Library"}
    first = enrolments.submit_enrolment(series, form_key="k1", now=clock.now(), **details)
    assert first.outcome == "registered"
    replay = enrolments.submit_enrolment(series, form_key="k1", now=clock.now(), **details)
    assert (replay.outcome, replay.enrolment) == ("replayed", first.enrolment)
    again = enrolments.submit_enrolment(series, form_key="k2", now=clock.now(), **{**details, "name": "Someone"})
    assert (again.outcome, again.resent) == ("repeated", False)  # within 15 minutes of the confirmation
    clock.advance(timedelta(minutes=16))
    again = enrolments.submit_enrolment(series, form_key="k3", now=clock.now(), **details)
    assert (again.outcome, again.resent) == ("repeated", True)
    assert first.enrolment.name == "Ana"  # whoever typed the address changed nothing
    assert kinds(db_session, "ana@library.example.org")[-1] == "course_confirmation_again"
    for _ in range(4):
        clock.advance(timedelta(minutes=16))
        enrolments.submit_enrolment(series, form_key=None, now=clock.now(), **details)
    assert kinds(db_session, "ana@library.example.org").count("course_confirmation_again") == 3  # a day's cap


def test_a_cancelled_enrolment_can_register_again_with_a_new_link(make_series, enrol, db_session, clock):
    series = make_series(capacity=5)
    ana = enrol(series)
    old_token = ana.token
    enrolments.cancel_enrolment(ana, now=clock.now())
    again = enrol(series, email=ana.email)
    db_session.refresh(again)
    assert again.id == ana.id
    assert again.token != old_token
    assert again.status == CONFIRMED
    assert statuses(again) == [CONFIRMED] * 4
    assert all(r.sequence == 2 for r in again.registrations)  # above the CANCEL their calendars applied


def test_cancelling_keeps_sessions_already_held(make_series, enrol, db_session, clock):
    series = make_series()
    ana = enrol(series)
    clock.set(series.sessions[1].ends_at)
    enrolments.cancel_enrolment(ana, now=clock.now())
    db_session.refresh(ana)
    assert statuses(ana) == [CONFIRMED, CONFIRMED, RegistrationStatus.CANCELLED, RegistrationStatus.CANCELLED]


def test_a_session_added_later_reaches_every_active_enrolment(make_series, enrol, db_session, clock):
    series = make_series(capacity=1)
    seated, waiting = enrol(series), enrol(series)
    cancelled = enrol(series)
    enrolments.cancel_enrolment(cancelled, now=clock.now())
    host = series.sessions[0].hosts[0]
    pattern = rules.Pattern(date(2025, 4, 1), time(15), 60, "America/New_York", 1)
    added = operations.add_sessions(series, rules.plan(pattern), host, now=clock.now(), join_url=None)
    assert enrolments.enrol_in_new_sessions(series, added, now=clock.now()) == []  # a draft: not yet
    operations.publish(series, now=clock.now())
    made = enrolments.enrol_in_new_sessions(series, added, now=clock.now())
    assert sorted((r.email, r.status) for r in made) == sorted([(seated.email, CONFIRMED), (waiting.email, WAITING)])
    assert kinds(db_session, seated.email).count("course_invitation") == 5
    assert kinds(db_session, waiting.email).count("course_invitation") == 0
    assert enrolments.enrol_in_new_sessions(series, added, now=clock.now()) == []  # twice: once


THREADS = 8
CAPACITY = 3


def test_concurrent_enrolments_never_oversell(app, make_series, db_session, clock):
    from eventreg.core import database
    from eventreg.core.extensions import db

    series = make_series(capacity=CAPACITY)
    db_session.commit()
    series_id, now = series.id, clock.now()
    errors, outcomes = [], []
    start = threading.Barrier(THREADS)

    def one(n: int) -> None:
        with app.app_context(), database.write_transaction():
            start.wait()
            try:
                enrolment = enrolments.enrol(
                    enrolments.lock_series(series_id),
                    name=f"T{n}",
                    email=f"t{n}@library.example.org",
                    organization="Library",
                    now=now,
                )
                db.session.commit()
                outcomes.append(enrolment.status)
            except Exception as error:  # noqa: BLE001 - every failure is reported by the assertion below
                db.session.rollback()
                errors.append(repr(error))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db_session.rollback()
    rows = list(db_session.scalars(sa.select(Enrolment).where(Enrolment.series_id == series_id)))
    assert sorted(r.status for r in rows) == [CONFIRMED] * CAPACITY + [WAITING] * (THREADS - CAPACITY)
    seated_ids = [r.id for r in rows if r.status == CONFIRMED]
    seated = db_session.scalars(sa.select(Registration.email).where(Registration.enrolment_id.in_(seated_ids)))
    assert len(set(seated)) == CAPACITY
    assert registration_operations.count_confirmed(series.sessions[0]) == CAPACITY


def test_skipping_one_session_from_its_mailed_link_keeps_the_course_seat(app, client, make_series, enrol, db_session):
    from eventreg.registrations import tokens

    series = make_series(capacity=1)
    seated = enrol(series)
    waiting = enrol(series)
    second = sorted(seated.registrations, key=lambda r: r.event.starts_at)[1]
    db_session.commit()
    with app.test_request_context():
        signed = tokens.mailed_manage_token(second)
    page = client.get(f"/r/{signed}").get_data(as_text=True)
    assert "Cancelling here skips this session only" in page
    assert "Skip this session…" in page
    confirm = client.get(f"/r/{signed}/cancel").get_data(as_text=True)
    assert "This session only: your registration for the course" in confirm
    assert "you can register again" not in confirm
    client.post(f"/r/{signed}/cancel")
    db_session.expire_all()
    assert statuses(seated) == [CONFIRMED, RegistrationStatus.CANCELLED, CONFIRMED, CONFIRMED]
    assert seated.status == CONFIRMED  # the course's seat was not given away
    assert waiting.status == WAITING
    # A course session is registered through the course only, so its page offers no "Register again".
    assert "Register again" not in client.get(f"/r/{signed}").get_data(as_text=True)
