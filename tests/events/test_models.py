from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import pytz
import sqlalchemy as sa

from eventreg.events.models import Event, State, Status


def test_state_flips_at_start_and_end(make_event, clock):
    event = make_event()  # 20:00-21:00 UTC on 30 January 2025
    assert event.state(event.starts_at - timedelta(seconds=1)) == State.UPCOMING
    assert event.state(event.starts_at) == State.LIVE
    assert event.state(event.ends_at - timedelta(seconds=1)) == State.LIVE
    assert event.state(event.ends_at) == State.PASSED


def test_cancelled_wins_over_time(make_event):
    event = make_event(status=Status.CANCELLED)
    assert event.state(event.starts_at - timedelta(days=1)) == State.CANCELLED
    assert event.state(event.ends_at + timedelta(days=1)) == State.CANCELLED


def test_instants_come_back_as_aware_utc(make_event, db_session):
    event = make_event(timezone="Asia/Kolkata", local_start=datetime(2025, 1, 30, 19, 30))  # noqa: DTZ001
    db_session.commit()
    db_session.expire_all()
    stored = db_session.get(Event, event.id)
    assert stored.starts_at == datetime(2025, 1, 30, 14, tzinfo=pytz.utc)
    assert stored.starts_at.tzinfo is pytz.utc
    assert stored.timezone == "Asia/Kolkata"


def test_naive_datetimes_are_refused(make_event, db_session):
    event = make_event()
    event.starts_at = datetime(2025, 1, 30, 15)  # noqa: DTZ001
    with pytest.raises(sa.exc.StatementError, match="naive"):
        db_session.flush()


def test_database_refuses_an_end_before_the_start(make_event, db_session):
    event = make_event()
    event.ends_at = event.starts_at - timedelta(hours=1)
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()


def test_database_refuses_unknown_status(make_event, db_session):
    event = make_event()
    event.status = "archived"
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()


@pytest.mark.parametrize(("hours", "offers"), [(None, False), (Decimal("0"), False), (Decimal("0.25"), True)])
def test_a_certificate_is_offered_exactly_when_contact_hours_are_stated(make_event, hours, offers):
    # 0 can be left from before the editor's rule (the credit page once took it): it states no hours.
    assert make_event(contact_hours=hours).offers_certificate is offers
