"""A course's credit: which of its sessions a person's attendance counts for, and whether the course's rule is met.

Each session is judged by the one per-event rule (attendance.credit.met_rule: marked attended and, where the
platform's report gave minutes, there long enough). On top of that, the course's rule:

- "all": every session that took place was attended. A session "took place" unless it was cancelled (or never
  published); a session still to come counts as not attended, so a course is not met before its last session.
- "some": at least `credit_sessions` of them ("3 of 4"). If the host cancels sessions so that fewer than that
  took place, every session that took place is enough (a cancellation never makes credit impossible).
- "minutes": at least `credit_minutes` attended in all, counting each session's minutes from the platform's
  report (whether or not they reached that session's own minimum: 40 minutes of each of four hours add up), or
  its scheduled length when the host ticked it attended by hand with no report (the tick is the record, as for
  a single event). Each session counts at most its scheduled length: staying on after one session does not
  make up for missing another.

A late registrant has no registration for the sessions held before they enrolled: those count as not attended,
like any missed session. Under "all" such a person cannot meet the rule; under "some" or "minutes" they can."""

from dataclasses import dataclass

from eventreg.attendance import credit as event_credit
from eventreg.events.models import Event, Status
from eventreg.registrations.models import Registration
from eventreg.series.models import CreditRule, Series


@dataclass(frozen=True)
class SessionCredit:
    event: Event
    registration: Registration | None  # None: the person was not registered for it (a late registrant)
    met_rule: bool  # attended by the session's own rule
    minutes: int  # counted towards a total-minutes rule: 0 to the session's scheduled length


@dataclass(frozen=True)
class CourseCredit:
    rule: str
    sessions: list[SessionCredit]  # every session that took place (or is still to come), by start
    needed: int  # sessions ("all", "some") or minutes ("minutes") the rule asks for
    met: bool

    @property
    def attended(self) -> list[SessionCredit]:
        """The sessions the certificate lists: attended by the session rule, or (total minutes) with any minutes
        counted."""
        if self.rule == CreditRule.TOTAL_MINUTES:
            return [s for s in self.sessions if s.minutes > 0]
        return [s for s in self.sessions if s.met_rule]

    @property
    def total_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)


def took_place(event: Event) -> bool:
    """A session that counts towards the course: published (a cancelled or draft session never happened)."""
    return event.status == Status.PUBLISHED


def counted_minutes(registration: Registration | None, event: Event) -> int:
    scheduled = event_credit.scheduled_minutes(event)
    if registration is None:
        return 0
    if registration.minutes_attended is not None:
        return max(0, min(registration.minutes_attended, scheduled))
    # Ticked by hand without a report: the host's tick stands for the whole session.
    return scheduled if registration.attended is True else 0


def judge(series: Series, sessions: list[Event], registrations: list[Registration]) -> CourseCredit:
    """The course credit of one person from the series' sessions (any order, cancelled ones included) and their
    session registrations (an enrolment's `registrations`)."""
    by_event = {r.event_id: r for r in registrations}
    held = sorted((e for e in sessions if took_place(e)), key=lambda e: (e.starts_at, e.id))
    judged = []
    for event in held:
        registration = by_event.get(event.id)
        met = registration is not None and event_credit.met_rule(registration)
        judged.append(SessionCredit(event, registration, met, counted_minutes(registration, event)))
    attended = sum(1 for s in judged if s.met_rule)
    if series.credit_rule == CreditRule.TOTAL_MINUTES:
        needed = series.credit_minutes or 0
        met = needed > 0 and sum(s.minutes for s in judged) >= needed
    elif series.credit_rule == CreditRule.SOME_SESSIONS and series.credit_sessions:
        needed = min(series.credit_sessions, len(judged))
        met = needed > 0 and attended >= needed
    else:
        needed = len(judged)
        met = needed > 0 and attended == needed
    return CourseCredit(series.credit_rule, judged, needed, met)


def rule_text(series: Series) -> str:
    """ "Attend every session", "Attend at least 3 of the 4 sessions", "Attend at least 180 minutes in all"."""
    if series.credit_rule == CreditRule.TOTAL_MINUTES:
        return f"Attend at least {series.credit_minutes or 0:,} minutes in all"
    if series.credit_rule == CreditRule.SOME_SESSIONS and series.credit_sessions:
        total = sum(1 for e in series.sessions if took_place(e))
        return f"Attend at least {series.credit_sessions} of the {total} sessions"
    return "Attend every session"
