"""A series' rules as plain functions: the sessions a pattern makes, and the checks on a series' settings.

A pattern ("every Tuesday at 3:00 PM America/New_York, 4 times") is kept in wall-clock time: each session starts
at 3:00 PM local on its day whatever the offset that day, so a course that crosses a daylight-saving change
moves in UTC, not on the clock. A session whose local time does not exist that day (inside a spring-forward
gap) or happens twice (in a fall-back fold) is refused with the same messages as a single event's, naming the
day, so the host moves the pattern or adds that session by hand."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pytz.exceptions import AmbiguousTimeError, NonExistentTimeError

from eventreg import timezones
from eventreg.core.errors import CodedError
from eventreg.series.models import CreditRule

MAX_SESSIONS = 52  # a year of weekly sessions
MAX_EVERY_WEEKS = 8
MAX_CREDIT_MINUTES = 100_000


class SeriesError(CodedError):
    MESSAGES = {
        # The limits are written out (MAX_SESSIONS, MAX_EVERY_WEEKS, MAX_CREDIT_MINUTES): a translator sees them.
        "bad_count": _l("A pattern makes between 1 and 52 sessions."),
        "bad_every": _l("Repeat every 1 to 8 weeks."),
        "bad_length": _l("A session must last between 1 minute and 24 hours."),
        "pattern_gap": "{message}",
        "pattern_fold": "{message}",
        "starts_in_past": _l("The first session must start in the future."),
        "session_in_past": _l("A new session must start in the future."),
        "bad_credit_sessions": _l("Choose between 1 and {total} sessions (the course has {total})."),
        "bad_credit_minutes": _l("Enter between 1 and 100,000 minutes."),
        "not_a_course": _l(
            "Only a course has seats, approval and a course certificate; a program's sessions keep their own."
        ),
        "series_full": _l("There is no free seat in this course."),
        "closed": _l("Registration for this course has closed: every session has started or been cancelled."),
        "already_registered": _l("You’re already registered for this course."),
        "capacity_below_confirmed": _l("Capacity cannot be less than the number of people already confirmed."),
        "pending_left": _l(
            "Some registrations for this course still await your approval. Approve or decline each "
            "of them before turning approval off."
        ),
        "cannot_approve": _l(
            "Only a course registration awaiting approval, or one that was declined, can be approved."
        ),
        "cannot_decline": _l("Only a course registration awaiting approval can be declined."),
    }


@dataclass(frozen=True)
class Pattern:
    """Weekly sessions: the first on `first_day`, then every `every_weeks` weeks, `count` in all, each from
    `starts` for `minutes`, all in `zone` (IANA)."""

    first_day: date
    starts: time
    minutes: int
    zone: str
    count: int
    every_weeks: int = 1


@dataclass(frozen=True)
class PlannedSession:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


def session_days(pattern: Pattern) -> list[date]:
    return [pattern.first_day + timedelta(weeks=pattern.every_weeks * n) for n in range(pattern.count)]


def check_pattern(pattern: Pattern) -> None:
    if not 1 <= pattern.count <= MAX_SESSIONS:
        raise SeriesError("bad_count")
    if not 1 <= pattern.every_weeks <= MAX_EVERY_WEEKS:
        raise SeriesError("bad_every")
    if not 1 <= pattern.minutes <= 24 * 60:
        raise SeriesError("bad_length")


def _instant(naive: datetime, zone: str) -> datetime:
    try:
        return timezones.to_utc(naive, zone)
    except NonExistentTimeError:
        raise SeriesError("pattern_gap", message=timezones.gap_message(naive, zone)) from None
    except AmbiguousTimeError:
        raise SeriesError("pattern_fold", message=_fold_message(naive, zone)) from None


def _fold_message(naive: datetime, zone: str) -> str:
    return _(
        "%(time)s happens twice on %(date)s in %(zone)s (the clocks go back), so a pattern cannot place that "
        "session. Choose another time, or add that session by hand.",
        time=timezones.format_time(naive),
        date=timezones.format_date(naive),
        zone=zone,
    )


def plan(pattern: Pattern, *, now: datetime | None = None) -> list[PlannedSession]:
    """The sessions of a pattern as UTC instants, each at the pattern's wall-clock time on its day; the end is the
    start's wall-clock time plus the length, so a session over a change keeps its length in minutes."""
    check_pattern(pattern)
    sessions = []
    for day in session_days(pattern):
        starts_at = _instant(datetime.combine(day, pattern.starts), pattern.zone)
        sessions.append(PlannedSession(starts_at, starts_at + timedelta(minutes=pattern.minutes)))
    if now is not None and sessions[0].starts_at <= now:
        raise SeriesError("starts_in_past")
    return sessions


def check_credit(rule: str, *, sessions: int | None, minutes: int | None, total_sessions: int) -> None:
    """A course's credit rule: N of M needs 1 <= N <= M; total minutes needs a sensible number."""
    if rule == CreditRule.SOME_SESSIONS and not (sessions and 1 <= sessions <= max(total_sessions, 1)):
        raise SeriesError("bad_credit_sessions", total=total_sessions)
    if rule == CreditRule.TOTAL_MINUTES and not (minutes and 1 <= minutes <= MAX_CREDIT_MINUTES):
        raise SeriesError("bad_credit_minutes")
