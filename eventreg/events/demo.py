"""`flask seed-demo`: a realistic catalog to look at, dated relative to today so it never goes stale."""

from datetime import date, datetime, time, timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from eventreg import clock, timezones
from eventreg.core.extensions import db
from eventreg.events import operations
from eventreg.events.models import Event, Format, Status
from eventreg.series import rules as series_rules
from eventreg.series.models import CreditRule, Series, SeriesKind

TOPICS = {
    "partnerships-collaboration": "Partnerships & collaboration",
    "community-engagement": "Community engagement",
    "climate-resilience": "Climate & resilience",
    "data-technology": "Data & technology",
    "leadership-change": "Leadership & change",
    "teens-youth": "Teens & youth",
}

ARCHIVE_BASE = "https://www.webjunction.org/events/webjunction/"

# The reference site's on-demand webinars, each 3:00–4:00 PM in New York on its real date.
ON_DEMAND = [
    (date(2024, 11, 21), "Building community in a changing climate", ["climate-resilience", "community-engagement"],
     "Libraries are gathering places when the weather turns. Hear how three libraries became resilience hubs."),
    (date(2024, 12, 5), "Climate change communication: How and why to do it in libraries", ["climate-resilience"],
     "Practical ways to talk about climate change with patrons, staff and trustees."),
    (date(2025, 1, 16), "Don't manage change—embrace it", ["leadership-change"],
     "Lead your team through change with curiosity instead of control."),
    (date(2025, 1, 30), "Building community connections by hiring for cultural knowledge", ["community-engagement"],
     "Hiring staff who share the languages and cultures of your community changes who walks through the door."),
    (date(2025, 2, 6), "Empowering teens: Enhancing information literacy through games and interactive programming",
     ["teens-youth", "data-technology"],
     "Escape rooms, card games and role play that teach teens to question what they read online."),
    (date(2025, 2, 26), "Turn strategy into action with Theory of Change",
     ["leadership-change", "partnerships-collaboration"],
     "Map the path from your strategic plan to the outcomes your community will notice."),
]  # fmt: skip

# (days from today, local start, minutes, zone, title, topics, extra fields)
UPCOMING = [
    (7, time(15), 60, "America/New_York", "Partnering with local schools for summer reading",
     ["partnerships-collaboration", "teens-youth"], {}),
    (9, time(19, 30), 60, "Asia/Kolkata", "Digital literacy programmes for rural libraries",
     ["data-technology", "community-engagement"], {}),
    (11, time(21), 60, "America/Los_Angeles", "After hours: evening programming on a shoestring",
     ["community-engagement"], {"host_name": "Pacific Library Partnership"}),
    (14, time(10), 180, "America/Chicago", "Hands-on workshop: repair cafés at the library",
     ["climate-resilience", "community-engagement"],
     {"format": Format.IN_PERSON, "location": "Harold Washington Library Center, 400 S State St, Chicago"}),
    (16, time(13), 60, "America/New_York", "Small-group coaching: grant writing for beginners",
     ["leadership-change"], {"capacity": 12}),
    (18, time(14), 60, "Europe/London", "Open data for community needs assessments",
     ["data-technology"], {}),
    (21, time(15), 90, "America/New_York", "Building a volunteer program that lasts",
     ["partnerships-collaboration"], {"format": Format.HYBRID, "location": "Brooklyn Public Library, Central Library"}),
    (23, time(9), 60, "Australia/Sydney", "Library services for climate-displaced communities",
     ["climate-resilience"], {}),
    (25, time(12), 60, "America/Denver", "Teen advisory boards that shape the library",
     ["teens-youth", "leadership-change"], {}),
    (28, time(16), 60, "Europe/Berlin", "AI tools at the reference desk: what to trust",
     ["data-technology"], {}),
    (30, time(11), 60, "America/St_Johns", "Partnerships with museums and archives",
     ["partnerships-collaboration"], {}),
    (35, time(15), 60, "America/New_York", "Leading through budget cuts",
     ["leadership-change"], {"capacity": 100}),
    (42, time(18), 60, "Pacific/Auckland", "Welcoming newcomers: library services for immigrants",
     ["community-engagement"], {}),
]  # fmt: skip

GENERAL_POINTS = [
    "Ideas you can try at your library next week",
    "How other libraries measured what worked",
    "Where to find templates and further reading",
]
# What each upcoming session is about: a summary for the lists, and three points for its page.
BLURBS = {
    "Partnering with local schools for summer reading": (
        "Summer slide is real, and school librarians can't fight it alone. Two public-school partnerships share "
        "how they swapped reading lists, visited classrooms in May, and counted what changed by September.",
        [
            "A one-page agreement that school and library both signed",
            "Timing classroom visits before the last week of school",
            "Sharing sign-up numbers without sharing student data",
        ],
    ),
    "Digital literacy programmes for rural libraries": (
        "Village libraries in Maharashtra and Kerala teach phone banking, online forms and spotting scams with one "
        "shared laptop and a volunteer. Their trainers walk through a session plan you can adapt.",
        [
            "A six-week course that works on borrowed phones",
            "Recruiting and keeping volunteer trainers",
            "Teaching scam awareness without frightening people off",
        ],
    ),
    "After hours: evening programming on a shoestring": (
        "Game nights, repair clinics and author talks after closing time, run on a budget of almost nothing. "
        "Staff from three California branches compare costs, staffing and who actually came.",
        [
            "Which evening events drew new visitors, and which drew regulars",
            "Security and staffing after hours",
            "Partners who bring their own audience",
        ],
    ),
    "Hands-on workshop: repair cafés at the library": (
        "Bring a broken lamp or a torn jacket. In this in-person workshop volunteer fixers show how a monthly repair "
        "café runs: tools, insurance, sign-in sheets and the stories people tell while they wait.",
        [
            "What to buy first, and what volunteers bring",
            "Liability waivers your counsel will accept",
            "Tracking kilograms kept out of landfill",
        ],
    ),
    "Small-group coaching: grant writing for beginners": (
        "Twelve seats, one draft each. Bring a project idea and leave with a needs statement and a budget outline "
        "that a program officer has read and commented on.",
        [
            "Writing a needs statement with local numbers",
            "A budget narrative that matches the budget",
            "What reviewers skip and what they read twice",
        ],
    ),
    "Open data for community needs assessments": (
        "Census tables, council open-data portals and your own circulation figures can say a lot about who you are "
        "not reaching. Learn to pull them together in a spreadsheet, no coding needed.",
        [
            "Where to find neighbourhood-level data in the UK and beyond",
            "Joining library data with public data safely",
            "Charts that a board will understand in a minute",
        ],
    ),
    "Building a volunteer program that lasts": (
        "Most volunteers leave within a year. Brooklyn Public Library's volunteer coordinators explain how they "
        "rewrote roles, training and thank-yous, and what happened to retention. Join in the room or online.",
        [
            "Role descriptions people actually read",
            "Onboarding in one afternoon",
            "Recognition that is not a certificate",
        ],
    ),
    "Library services for climate-displaced communities": (
        "After the 2022 floods, libraries in New South Wales became places to charge phones, file insurance claims "
        "and find temporary schools. Hear what they learned about being ready before the next disaster.",
        [
            "Emergency service plans that fit on one page",
            "Working with relief agencies without becoming one",
            "Caring for staff who were affected too",
        ],
    ),
    "Teen advisory boards that shape the library": (
        "Teens on the Denver advisory board chose the furniture, rewrote the gaming policy and ran the budget for "
        "their own space. Two members and their librarian explain how to hand over real decisions.",
        [
            "Recruiting beyond the teens who already come",
            "Giving a board a budget it controls",
            "Keeping meetings short enough that teens return",
        ],
    ),
    "AI tools at the reference desk: what to trust": (
        "Patrons arrive with chatbot answers and invented citations. A reference team in Berlin tested popular AI "
        "tools on real questions; see where they helped, where they made things up, and how to say so kindly.",
        [
            "A quick check for citations that do not exist",
            "Questions where AI tools did well",
            "Talking with patrons about AI answers without lecturing",
        ],
    ),
    "Partnerships with museums and archives": (
        "A library, a provincial archive and a small museum in Newfoundland put their photographs, outport records "
        "and oral histories in one search. They share the agreements, the software and the arguments.",
        [
            "Shared metadata that three institutions could live with",
            "Digitisation on a small budget",
            "Credit and ownership when collections are combined",
        ],
    ),
    "Leading through budget cuts": (
        "A director who lost a fifth of her budget in one year talks plainly about what she cut, what she protected, "
        "and how she told staff and the public. Questions welcome; the session is not recorded.",
        [
            "Deciding with data and with values",
            "Telling staff early and honestly",
            "Making the case to funders for next year",
        ],
    ),
    "Welcoming newcomers: library services for immigrants": (
        "Auckland Libraries welcome people from more than 180 countries. Their settlement team shows how conversation "
        "groups, multilingual signage and a library-card drive at citizenship ceremonies work together.",
        [
            "Conversation groups run by volunteers",
            "Signs and forms in the languages people read",
            "Partnering with settlement services and faith groups",
        ],
    ),
    "Clocks change today: planning seasonal programs": (
        "The clocks change today, and so does who comes in the evening. Plan a year of seasonal programs around "
        "daylight, school terms and holidays, with a calendar template to take away.",
        [
            "A seasonal calendar for programs and displays",
            "Adjusting hours and staffing when evenings get dark",
            "Reusing last year's successes",
        ],
    ),
}

DESCRIPTION = """{summary}

## What you will learn

{points}

Presented live with time for questions. Captions are provided; a recording is posted afterwards.
"""


# A course of four Tuesdays at 3:00 PM New York, two before the next clock change and two after (each session
# keeps 3:00 PM local), and a recurring program about once a month. (title, summary) per session: every upcoming
# event in the demo has its own summary.
COURSE = {
    "slug": "readers-advisory-in-four-tuesdays",
    "title": "Readers' advisory in four Tuesdays",
    "summary": "A four-part course for front-line staff: from the first conversation with a reader to displays, "
    "booklists and a plan for your own library. Attend three of the four sessions for 4 contact hours.",
    "zone": "America/New_York",
    "starts": time(15),
    "minutes": 60,
    "sessions": [
        (
            "Readers' advisory 1: the conversation",
            "Open questions that find what a reader enjoyed, not just what "
            "they read: practise the readers' advisory interview with scripts from three public libraries.",
        ),
        (
            "Readers' advisory 2: appeal terms",
            "Pace, tone, characters and frame: describe a book by how it feels to "
            "read, and find the next one that feels the same.",
        ),
        (
            "Readers' advisory 3: displays and booklists",
            "Passive readers' advisory that works when nobody is at the "
            "desk: displays, shelf talkers and lists that keep circulating.",
        ),
        (
            "Readers' advisory 4: your library's plan",
            "Put the course to work: a one-page readers' advisory plan for "
            "your team, with ways to measure whether readers found their next book.",
        ),
    ],
}
PROGRAM = {
    "slug": "office-hours-with-webjunction",
    "title": "Office hours with WebJunction",
    "summary": "Bring a question about programs, grants or training; register for one session or for all of them.",
    "zone": "America/Chicago",
    "starts": time(12),
    "minutes": 45,
    "sessions": [
        (
            "Office hours: planning the year's programs",
            "Bring your program calendar and leave with a plan for the "
            "quiet months: open questions for WebJunction's program staff.",
        ),
        (
            "Office hours: grant questions",
            "Deadlines, budgets and reports: bring the grant question you have been "
            "putting off and get a straight answer.",
        ),
        (
            "Office hours: training new staff",
            "Onboarding checklists, shadowing and the first month at the desk: "
            "how other libraries train their new staff.",
        ),
        (
            "Office hours: measuring what worked",
            "Counting more than attendance: short surveys and follow-ups that "
            "show what a program changed for the people who came.",
        ),
    ],
}


def _course_first_day(now: datetime, zone: str) -> date:
    """The Tuesday twelve days before the next clock change at least two weeks away: two sessions before the change,
    two after (changes in New York fall on a Sunday)."""
    change = timezones.next_transition(zone, now + timedelta(days=14))
    day = timezones.to_zone(change, zone).date() if change else timezones.to_zone(now, zone).date()
    return day - timedelta(days=(day.weekday() - 1) % 7) - timedelta(weeks=1)


def _seed_series(spec: dict, kind: str, first_day: date, every_weeks: int, now: datetime, **fields) -> int:
    """A published series and its sessions (no host made it: the demo has no accounts); 0 if it is there."""
    if db.session.scalar(sa.select(Series.id).where(Series.slug == spec["slug"])) is not None:
        return 0
    zone = spec["zone"]
    outline = "\n".join(f"- {title}" for title, _ in spec["sessions"])
    series = Series(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        description=DESCRIPTION.format(summary=spec["summary"], points=outline),
        kind=kind,
        timezone=zone,
        created_at=now,
        updated_at=now,
        **fields,
    )
    db.session.add(series)
    db.session.flush()
    pattern = series_rules.Pattern(first_day, spec["starts"], spec["minutes"], zone, len(spec["sessions"]), every_weeks)
    planned_sessions = zip(spec["sessions"], series_rules.plan(pattern), strict=True)
    for n, ((title, summary), planned) in enumerate(planned_sessions, start=1):
        operations.create_event(
            slug=f"{spec['slug']}-{n}",
            title=title,
            starts_at=planned.starts_at,
            ends_at=planned.ends_at,
            timezone=zone,
            now=now,
            status=Status.PUBLISHED,
            summary=summary,
            description=DESCRIPTION.format(summary=summary, points="\n".join(f"- {p}" for p in GENERAL_POINTS)),
            host_name="WebJunction",
            join_url=f"https://meet.example.org/j/{spec['slug']}-{n}",
            series_id=series.id,
        )
    return len(spec["sessions"])


def seed_demo(now: datetime) -> int:
    """Load the demo catalog, a course and a recurring program among it; events and series already present (by
    slug) are left alone. Returns how many events were added."""
    topics = {slug: operations.get_or_create_topic(slug, name) for slug, name in TOPICS.items()}
    added = 0
    for day, title, topic_slugs, summary in ON_DEMAND:
        slug = operations.slugify(title)
        start = timezones.to_utc(datetime.combine(day, time(15)), "America/New_York")
        added += _add(
            slug,
            title,
            start,
            start + timedelta(hours=1),
            "America/New_York",
            topic_slugs,
            topics,
            now,
            summary=summary,
            archive_url=ARCHIVE_BASE + slug + ".html",
        )
    for days, local_start, minutes, zone, title, topic_slugs, extra in _upcoming(now):
        today = timezones.to_zone(now, zone).date()
        start = timezones.to_utc(datetime.combine(today + timedelta(days=days), local_start), zone)
        summary, points = BLURBS[title]
        added += _add(
            operations.slugify(title),
            title,
            start,
            start + timedelta(minutes=minutes),
            zone,
            topic_slugs,
            topics,
            now,
            summary=summary,
            points=points,
            **extra,
        )
    added += _seed_series(
        COURSE, SeriesKind.COURSE, _course_first_day(now, COURSE["zone"]), 1, now, capacity=40,
        credit_rule=CreditRule.SOME_SESSIONS, credit_sessions=3, contact_hours=4,
    )  # fmt: skip
    program_day = timezones.to_zone(now, PROGRAM["zone"]).date() + timedelta(days=10)
    added += _seed_series(PROGRAM, SeriesKind.PROGRAM, program_day, 4, now)
    db.session.flush()
    return added


def _upcoming(now: datetime) -> list:
    """UPCOMING plus one event on the next day New York changes its clocks."""
    events = list(UPCOMING)
    change = timezones.next_transition("America/New_York", now + timedelta(days=2))
    if change is not None:
        days = timezones.to_zone(change, "America/New_York").date() - timezones.to_zone(now, "America/New_York").date()
        events.append(
            (
                days.days,
                time(15),
                60,
                "America/New_York",
                "Clocks change today: planning seasonal programs",
                ["leadership-change"],
                {},
            )
        )
    return events


def _add(slug, title, starts_at, ends_at, zone, topic_slugs, topics, now, **fields) -> int:
    if db.session.scalar(sa.select(Event.id).where(Event.slug == slug)) is not None:
        return 0
    event = operations.create_event(
        slug=slug,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        now=now,
        status=Status.PUBLISHED,
        description=DESCRIPTION.format(
            summary=fields.get("summary", ""),
            points="\n".join(f"- {point}" for point in fields.pop("points", None) or GENERAL_POINTS),
        ),
        host_name=fields.pop("host_name", "WebJunction"),
        join_url=f"https://meet.example.org/j/{slug}",
        **fields,
    )
    event.topics = [topics[s] for s in topic_slugs]
    return 1


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load demo events and topics (safe to run again)."""
    added = seed_demo(clock.now())
    db.session.commit()
    click.echo(f"Demo data: {added} events added.")
