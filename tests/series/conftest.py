"""Series fixtures: a course (or program) made from a pattern through the real operations."""

from datetime import date, time

import pytest

from eventreg.series import operations, rules
from eventreg.series.models import SeriesKind


@pytest.fixture
def make_series(db_session, clock, make_host):
    """make_series(kind="course", count=4, first_day=date(2025, 3, 4), starts=time(15), minutes=60,
    zone="America/New_York", publish=True, host=None, **series_fields): a series with its sessions from a weekly
    pattern (the default: four Tuesdays at 3:00 PM New York, across the change to daylight time on 9 March 2025)."""

    def make(
        kind=SeriesKind.COURSE,
        *,
        title="Four Tuesdays of readers' advisory",
        count=4,
        first_day=date(2025, 3, 4),
        starts=time(15),
        minutes=60,
        zone="America/New_York",
        every_weeks=1,
        publish=True,
        host=None,
        session_fields=None,
        **fields,
    ):
        host = host or make_host(f"series-host-{db_session.info.setdefault('hosts', 0) + 1}@library.example.org")
        db_session.info["hosts"] = db_session.info.get("hosts", 0) + 1
        series = operations.create_series(host, title=title, kind=kind, timezone=zone, now=clock.now(), **fields)
        pattern = rules.Pattern(first_day, starts, minutes, zone, count, every_weeks)
        operations.add_sessions(
            series, rules.plan(pattern), host, now=clock.now(), **(session_fields or {"join_url": None})
        )
        if publish:
            operations.publish(series, now=clock.now())
        db_session.flush()
        return series

    return make
