"""A chart as data: what Chart.js draws (config(), the JSON the canvas carries; static/charts.js adds the colours
from style.css) and the table of the same numbers beside it. Plain functions of their inputs, no queries: each
builder takes numbers counted elsewhere (counts.py) and decides only how they read."""

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from eventreg import timezones

# Roles name a series' colour in style.css (--chart-<role>, and --chart-<role>-fill under an area).
ROLES = ("confirmed", "waiting", "free", "capacity", "count")
TITLE_LENGTH = 40  # an event's title on a bar's axis; the table has it whole
SUMMARY_ITEMS = 8  # the answers a counts chart's one-sentence summary names; the table has them all


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int | None]
    role: str
    line: bool = False  # drawn as a line over the others and not stacked with them (the capacity)


@dataclass(frozen=True)
class Chart:
    """`kind`: "area" (values over time, stacked) or "bars" (one horizontal bar per label, stacked). The table has
    its own rows and columns: it may list fewer rows than the chart has points (the days on which something
    changed), and show a column the chart draws differently (the capacity, "no limit")."""

    id: str
    title: str
    summary: str  # one sentence under the title; with the title, the canvas's accessible name
    kind: str
    labels: list[str]
    series: list[Series]
    caption: str
    table_heading: str
    table_labels: list[str]
    table_columns: list[tuple[str, list]]

    @property
    def is_empty(self) -> bool:
        return not self.labels

    @property
    def table_rows(self) -> list[tuple[str, list]]:
        return [
            (label, [values[i] for _heading, values in self.table_columns]) for i, label in enumerate(self.table_labels)
        ]

    def config(self) -> dict:
        """The Chart.js configuration (type, data, options), without colours."""
        datasets = []
        for series in self.series:
            dataset = {"label": series.label, "data": series.values, "role": series.role}
            if series.line:
                dataset.update(type="line", stack=series.role, fill=False, pointRadius=0, borderDash=[6, 4])
            elif self.kind == "area":
                dataset.update(stack="held", fill="origin" if not datasets else "-1", pointRadius=2)
            else:
                dataset.update(stack="held")
            datasets.append(dataset)
        count_axis = {"stacked": True, "beginAtZero": True, "ticks": {"precision": 0}}
        if self.kind == "area":
            return {
                "type": "line",
                "data": {"labels": self.labels, "datasets": datasets},
                "options": {"scales": {"x": {}, "y": count_axis}, "interaction": {"mode": "index", "intersect": False}},
            }
        return {
            "type": "bar",
            "data": {"labels": self.labels, "datasets": datasets},
            "options": {"indexAxis": "y", "scales": {"x": count_axis, "y": {"stacked": True}}},
        }


def registrations_over_time(chart_id: str, days: Sequence, *, capacity: int | None, zone: str) -> Chart:
    """The confirmed and waiting registrations held at the end of each day (counts.held_by_day's list), stacked,
    against the capacity. The table lists the days on which the numbers changed, and the last day."""
    labels = [timezones.format_short_date(held.day) for held in days]
    series = [
        Series(_("Confirmed"), [held.confirmed for held in days], "confirmed"),
        Series(_("Waiting"), [held.waiting for held in days], "waiting"),
    ]
    if capacity is not None:
        series.append(Series(_("Capacity (%(num)d)", num=capacity), [capacity] * len(days), "capacity", line=True))
    listed = [
        i for i, held in enumerate(days) if i == 0 or i == len(days) - 1 or (held.confirmed, held.waiting) != (
            days[i - 1].confirmed, days[i - 1].waiting)
    ]  # fmt: skip
    if days:
        last = days[-1]
        values = {"confirmed": last.confirmed, "waiting": last.waiting, "day": timezones.format_date(last.day)}
        summary = (
            ngettext(
                "%(confirmed)d confirmed and %(waiting)d waiting on %(day)s, of %(num)d seat.",
                "%(confirmed)d confirmed and %(waiting)d waiting on %(day)s, of %(num)d seats.",
                capacity,
                **values,
            )
            if capacity is not None
            else _("%(confirmed)d confirmed and %(waiting)d waiting on %(day)s (no seat limit).", **values)
        )
    else:
        summary = _("No one confirmed or waiting yet.")  # (registrations awaiting approval hold no place)
    return Chart(
        id=chart_id,
        title=_("Registrations over time"),
        summary=summary,
        kind="area",
        labels=labels,
        series=series,
        caption=_(
            "Registrations held at the end of each day on which they changed; days in the event’s time zone (%(zone)s)",
            zone=zone,
        ),
        table_heading=_("Day"),
        table_labels=[timezones.format_date(days[i].day) for i in listed],
        table_columns=[
            (_("Confirmed"), [days[i].confirmed for i in listed]),
            (_("Waiting"), [days[i].waiting for i in listed]),
            (_("Capacity"), [capacity if capacity is not None else _("no limit") for i in listed]),
        ],
    )


def seats_by_event(chart_id: str, events: Sequence, counts: dict[int, dict[str, int]]) -> Chart:
    """One bar per event: confirmed, then the free seats (to the capacity), then those waiting. `counts` is
    registrations.queries.counts_by_status's answer for these events."""
    confirmed = [counts[event.id]["confirmed"] for event in events]
    waiting = [counts[event.id]["waiting"] for event in events]
    free = [max(e.capacity - c, 0) if e.capacity is not None else None for e, c in zip(events, confirmed, strict=True)]
    full = sum(1 for seats in free if seats == 0)
    if events:
        # Two sentences' worth in one line: each part has its own number, so each is its own plural.
        summary = _(
            "%(events)s: %(confirmed)d confirmed, %(waiting)d waiting; %(full)s.",
            events=ngettext("Your next %(num)d event", "Your next %(num)d events", len(events)),
            confirmed=sum(confirmed),
            waiting=sum(waiting),
            full=ngettext("%(num)d event is full", "%(num)d events are full", full),
        )
    else:
        summary = _("No upcoming published events.")
    return Chart(
        id=chart_id,
        title=_("Seats at upcoming events"),
        summary=summary,
        kind="bars",
        labels=[_short_title(event.title) for event in events],
        series=[
            Series(_("Confirmed"), confirmed, "confirmed"),
            Series(_("Free seats"), free, "free"),
            Series(_("Waiting"), waiting, "waiting"),
        ],
        caption=_("Confirmed, waiting and capacity at each upcoming published event"),
        table_heading=_("Event"),
        table_labels=[event.title for event in events],
        table_columns=[
            (_("Starts"), [timezones.in_zone(event.starts_at, event.timezone) for event in events]),
            (_("Confirmed"), confirmed),
            (_("Waiting"), waiting),
            (_("Capacity"), [event.capacity if event.capacity is not None else _("no limit") for event in events]),
        ],
    )


def counts_chart(chart_id: str, title: str, counts: Sequence[tuple[str, int]], *, heading: str | None = None) -> Chart:
    """One bar per label with its count, in the order given: the answers to one choice question (a question's
    options and how many chose each, as questions.queries.answer_counts gives them), or any other tally."""
    named = ", ".join(f"{label} {count}" for label, count in counts[:SUMMARY_ITEMS])
    more = len(counts) - SUMMARY_ITEMS
    named = named or _("No answers yet")
    summary = (
        ngettext(
            "%(named)s, and %(num)d more (see the table).",
            "%(named)s, and %(num)d more (see the table).",
            more,
            named=named,
        )
        if more > 0
        else f"{named}."
    )
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        kind="bars",
        labels=[_short_title(label) for label, _count in counts],
        series=[Series(_("People"), [count for _label, count in counts], "count")],
        caption=_("%(title)s: how many chose each answer", title=title),
        table_heading=heading or _("Answer"),
        table_labels=[label for label, _count in counts],
        table_columns=[(_("People"), [count for _label, count in counts])],
    )


def _short_title(title: str) -> str:
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"
