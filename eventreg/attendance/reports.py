"""Webinar platforms' attendance reports, read into rows: who, and when they were in the meeting.

Bytes in, `Report` out, and no database: the encoding (UTF-8 with or without a BOM, UTF-16 with or
without one), the delimiter (comma, semicolon or tab) and the layout are detected from the file itself.
Known layouts (see README, "Attendance from the webinar platform"): Zoom's meeting participant report and
webinar attendee report, the Teams attendance report, GoTo Webinar's and Webex's attendee reports. Any
other CSV is "generic": the host says which column holds the email and which the minutes or the join and
leave times (`Mapping`).

Times in reports are wall-clock times. They are read in the zone the report states (an offset such as
-05:00, or "GMT"/"UTC"; an abbreviation like "EST" must agree with the zone chosen), otherwise in the
zone the host chose. Every problem is a ReportError naming the line, and nothing is half-read: a report
parses whole or not at all."""

import codecs
import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytz
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from eventreg import timezones
from eventreg.core.errors import CodedError

MAX_REPORT_BYTES = 5 * 1024 * 1024  # a 3,000-person webinar's reports stay under 1 MB, UTF-16 included
DELIMITERS = (",", "\t", ";")
# A cell starting with one of these is run as a formula by spreadsheets (eventreg/hosts/exports.py).
FORMULA_STARTS = ("=", "+", "-", "@")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NO_VALUE = ("", "--", "-", "n/a")


class Format:
    ZOOM_MEETING = "zoom_meeting"
    ZOOM_WEBINAR = "zoom_webinar"
    TEAMS = "teams"
    GOTO_WEBINAR = "goto_webinar"
    WEBEX = "webex"
    GENERIC = "generic"
    LABELS = {
        ZOOM_MEETING: _l("Zoom meeting participant report"),
        ZOOM_WEBINAR: _l("Zoom webinar attendee report"),
        TEAMS: _l("Microsoft Teams attendance report"),
        GOTO_WEBINAR: _l("GoTo Webinar attendee report"),
        WEBEX: _l("Webex attendee report"),
        GENERIC: _l("CSV with columns you chose"),
    }


class ReportError(CodedError):
    MESSAGES = {
        "empty": _l("The file is empty."),
        "too_large": _l("The file is {size}; reports up to {limit} are accepted. Export only this meeting's report."),
        "encoding": _l(
            "Line {line} is not valid {encoding} text. Export the report again, or save it as "
            '"CSV UTF-8" from your spreadsheet.'
        ),
        "binary": _l(
            "This is not a text (CSV) file: it looks like {kind}. Download the report as CSV and upload that."
        ),
        "no_table": _l("No table was found: a report needs a header row and at least one row below it."),
        "no_rows": _l("The report has a header on line {line} but no attendees below it."),
        "broken_row": _l("Line {line} could not be read as CSV: {reason}."),
        "bad_time": _l(
            "Line {line}: “{value}” in the {column} column is not a date and time we can read "
            "(for example 2025-01-30 15:05 or 01/30/2025 03:05:00 PM)."
        ),
        "leave_before_join": _l("Line {line}: the leave time {left} is before the join time {joined}."),
        "bad_minutes": _l("Line {line}: “{value}” in the {column} column is not a number of minutes."),
        "too_long": _l(
            "Line {line}: “{value}” in the {column} column is more than {limit}, longer than any meeting. "
            "Is this the column with each person's minutes, and was the file exported from the platform unchanged?"
        ),
        "calendar_edge": _l(
            "Line {line}: “{value}” in the {column} column is at the very edge of the calendar, not a "
            "time anyone was in a meeting. Check the column and the file."
        ),
        "bad_offset": _l(
            "Line {line}: “{value}” in the {column} column states the offset {offset}, which no place "
            "uses (offsets run from GMT-12:00 to GMT+14:00). Check the file, or choose its zone and remove the offset."
        ),
        "formula": _l(
            "Line {line}: the {column} cell “{value}” starts with {start}, like a spreadsheet formula, "
            "where an {column} belongs. Check the file was exported from the platform unchanged."
        ),
        "gap": _l("Line {line}: {value} does not exist in {zone} (the clocks jumped forward). Is the zone right?"),
        "fold": _l(
            "Line {line}: {value} happened twice in {zone} (the clocks went back), and the report does "
            "not say which. Choose the zone “UTC” and convert the times, or record this person by hand."
        ),
        "zone_mismatch": _l(
            "Line {line}: the report gives its times in {stated}, but you chose {zone}, which "
            "is not {stated} then. Choose the zone the report was made in."
        ),
        "other_meeting": _l(
            "Line {line} belongs to another meeting ({column} “{value}”, not “{first}” like "
            "line {first_line}). Export one meeting's report at a time."
        ),
        "outside_event": _l(
            "Line {line}: {when} is not during this event ({event_times}). Is this the report "
            "of another meeting, or are its times in another zone than {zone}?"
        ),
        "too_many_rows": _l("The report has more than {limit} rows."),
        "no_column": _l("The file has no column named “{column}”."),
        "mapping_incomplete": _l(
            "Choose the email column, and either the minutes column or both the join and leave columns."
        ),
        "same_every_row": _l(
            "The {column} column holds the same time on every row: that is the meeting's own start, "
            "not when each person joined, and would give everyone the same minutes. Choose the column with each "
            "person's join time, or their minutes."
        ),
        "meeting_column": _l(
            "The {column} column is the meeting's own time, the same for everyone, not when each "
            "person joined or left: it would give everyone the meeting's length. Choose the columns with each "
            "person's times, or their minutes."
        ),
    }

    def __init__(self, code: str, **values):
        super().__init__(code, **values)
        self.line = values.get("line")


@dataclass(frozen=True)
class Mapping:
    """Which column holds what, for a generic CSV: header texts as they appear in the file."""

    email: str
    name: str = ""
    minutes: str = ""
    joined: str = ""
    left: str = ""

    def is_complete(self) -> bool:
        return bool(self.email) and (bool(self.minutes) or (bool(self.joined) and bool(self.left)))


@dataclass
class Row:
    """One row of a report: a person's visit to the meeting (joined..left), or only their minutes."""

    line: int
    name: str
    email: str  # lower-case, "" when the report has none (phone dial-ins, guests)
    joined_at: datetime | None = None
    left_at: datetime | None = None
    seconds: int | None = None  # only when the report gives no join and leave times

    def to_json(self) -> dict:
        return {
            "line": self.line,
            "name": self.name,
            "email": self.email,
            "joined_at": self.joined_at.isoformat() if self.joined_at else None,
            "left_at": self.left_at.isoformat() if self.left_at else None,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Row":
        def instant(text):
            return datetime.fromisoformat(text).astimezone(pytz.utc) if text else None

        return cls(
            line=data["line"],
            name=data["name"],
            email=data["email"],
            joined_at=instant(data["joined_at"]),
            left_at=instant(data["left_at"]),
            seconds=data["seconds"],
        )


@dataclass
class Report:
    format: str
    encoding: str
    delimiter: str
    columns: list[str]  # the header row of the attendee table
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mapping: "Mapping | None" = None  # the columns the rows were read from
    guess: "Mapping | None" = None  # an unrecognised layout's likely columns, for the host to confirm
    stated_zones: list[str] = field(default_factory=list)  # zones the report's own times named (EST, GMT-05:00)

    @property
    def columns_key(self) -> str:
        """Names the header's shape, so a mapping chosen once is offered again for the same layout."""
        return hashlib.sha256("\x1f".join(_norm(c) for c in self.columns).encode()).hexdigest()


MAX_ROWS = 50_000


# --- encoding and delimiter -------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a report's bytes. UTF-16 is recognised by its BOM, or without one by the
    NUL bytes every ASCII character brings; anything else must be UTF-8."""
    if not data:
        raise ReportError("empty")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ReportError("binary", kind=_("an Excel workbook"))
    if data.startswith(b"%PDF"):
        raise ReportError("binary", kind=_("a PDF"))
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", _("UTF-8 (with BOM)"))
    if data.startswith(codecs.BOM_UTF16_LE):
        return _decode(data[2:], "utf-16-le", "UTF-16")
    if data.startswith(codecs.BOM_UTF16_BE):
        return _decode(data[2:], "utf-16-be", "UTF-16")
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):  # ASCII in UTF-16: every other byte is NUL
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        return _decode(data, "utf-16-le" if odd > even else "utf-16-be", "UTF-16")
    return _decode(data, "utf-8", "UTF-8")


def _decode(data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        unit = b"\n\x00" if codec == "utf-16-le" else b"\x00\n" if codec == "utf-16-be" else b"\n"
        line = data[: error.start].count(unit) + 1
        raise ReportError("encoding", line=line, encoding=label.split(" ")[0]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ReportError("encoding", line=line, encoding=label.split(" ")[0])
    return text, label


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every record; blank lines are kept as [] so sections can be told apart."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    line = 1
    try:
        for cells in reader:
            records.append((line, [c.strip() for c in cells]))
            line = reader.line_num + 1
            if len(records) > MAX_ROWS + 100:
                raise ReportError("too_many_rows", limit=f"{MAX_ROWS:,}")
    except csv.Error as error:
        raise ReportError("broken_row", line=reader.line_num, reason=str(error)) from None
    return records


def _norm(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").replace("*", "").strip().strip('"').lower().split())


# --- layouts ----------------------------------------------------------------------------------------------
# Every name each platform has given each column, normalised (_norm: lower case, "*" dropped, spaces
# collapsed). Sources, per platform, are in tests/attendance/test_layouts.py beside each sample.
EMAIL_NAMES = (
    "attendee email", "email", "email address", "user email", "e-mail", "e-mail address", "participant email",
    "registrant email", "guest email",
)  # fmt: skip
JOIN_NAMES = ("join time", "joined", "join date/time", "time joined", "first join", "join date")
LEAVE_NAMES = ("leave time", "left", "leave date/time", "time left", "last leave", "leave date")
# First join and last leave span every visit: the platform's own minutes are the better figure beside them.
SPAN_NAMES = ("first join", "last leave")
DURATION_NAMES = (
    "time in session (minutes)", "in session duration (minutes)", "in session duration", "time in session",
    "attendance duration", "attendance duration (minutes)", "attendance minutes", "in-meeting duration",
    "duration (minutes)", "duration (mins)", "duration", "total duration", "minutes attended", "attendance time",
)  # fmt: skip
NAME_NAMES = (
    "name (original name)", "user name (original name)", "display name", "participant name", "attendee name",
    "full name", "user name", "name", "participant",
)  # fmt: skip
# The meeting's own times, printed on every row by Webex and in Zoom's combined export: never a person's.
MEETING_NAMES = (
    "start time", "end time", "meeting start time", "meeting end time", "meeting start date", "meeting end date",
    "actual start time", "actual start date/time", "actual duration (minutes)", "meeting duration",
    "scheduled start time", "scheduled end time", "session start time", "session end time", "webinar start time",
    "webinar end time",
)  # fmt: skip
DATE_NAMES = ("date", "meeting date", "session date")
# Sections that list people who are not attendees (before or after the attendee table).
OTHER_SECTIONS = (
    "host",
    "panelist",
    "staff",
    "organizer",
    "presenter",
    "other",
    "poll",
    "question",
    "q&a",
    "chat",
    "survey",
    "summary",
    "general",
)
# Sections that hold the attendees, best first (Teams: each visit beats first-join-to-last-leave).
ATTENDEE_SECTIONS = ("in-meeting activities", "attendee details", "session details", "attendees", "participants")


@dataclass(frozen=True)
class Layout:
    """A recognised report: its name and how to tell it by the columns of its attendee table."""

    format: str
    any_of: tuple[str, ...]  # one of these columns present names the layout


LAYOUTS = [
    Layout(Format.ZOOM_WEBINAR, ("user name (original name)",)),
    Layout(Format.ZOOM_MEETING, ("name (original name)",)),
    Layout(Format.GOTO_WEBINAR, ("interest rating", "in session duration (minutes)", "in session duration")),
    Layout(Format.TEAMS, ("in-meeting duration", "participant id (upn)")),
    Layout(Format.WEBEX, ("attendee email", "attendance minutes", "attendance duration", "connection type",
                          "participant type")),
    Layout(Format.ZOOM_WEBINAR, ("time in session (minutes)",)),
]  # fmt: skip

MEETING_COLUMNS = ("meeting id", "webinar id", "meeting title", "topic", "session id", "meeting name")


@dataclass
class Table:
    """The attendee table found in a report: its header row's index, the rows below it (to the first blank
    line or section title), and the section title above it."""

    header: int
    end: int  # index after its last row
    title: str
    email_rows: int


def _title_above(records, index: int) -> str:
    for i in range(index - 1, max(-1, index - 4), -1):
        filled = [c for c in records[i][1] if c]
        if not filled:
            continue
        return _norm(filled[0]).rstrip(":") if len(filled) == 1 else ""
    return ""


def _find(header: list[str], names: tuple[str, ...]) -> list[int]:
    """Indexes of the header's cells named by any of `names`, in the order of `names`."""
    return [i for name in names for i, cell in enumerate(header) if cell == name]


def find_table(records) -> Table | None:
    """The attendee table: a row naming an email column and a time or duration column, followed by rows with
    email addresses. Tables under a host, panelist or staff title are passed over; of the others, one under an
    attendee title wins, then one with join and leave times, then the one with most rows."""
    best, best_key, empty = None, None, None
    for index, (_line, cells) in enumerate(records):
        header = [_norm(c) for c in cells]
        emails = _find(header, EMAIL_NAMES)
        if not emails or not (_find(header, JOIN_NAMES) or _find(header, DURATION_NAMES)):
            continue
        end, email_rows = index + 1, 0
        while end < len(records) and sum(1 for c in records[end][1] if c) > 1:
            row = records[end][1]
            if any(i < len(row) and EMAIL.fullmatch(_unwrap(row[i])) for i in emails):
                email_rows += 1
            end += 1
        title = _title_above(records, index)
        table = Table(index, end, title, email_rows)
        if any(word in title for word in OTHER_SECTIONS) and not any(s in title for s in ATTENDEE_SECTIONS):
            continue
        if not email_rows:
            empty = empty or table
            continue
        rank = next((len(ATTENDEE_SECTIONS) - n for n, s in enumerate(ATTENDEE_SECTIONS) if s in title), 0)
        timed = bool(_find(header, ("join time", "joined", "join date/time", "time joined")))
        key = (rank, timed, email_rows)
        if best_key is None or key > best_key:
            best, best_key = table, key
    return best or empty


def recognise(columns: list[str], title: str = "") -> str:
    if "in-meeting activities" in title:  # Teams' list of visits, whose columns alone are plain
        return Format.TEAMS
    header = {_norm(c) for c in columns}
    for layout in LAYOUTS:
        if any(name in header for name in layout.any_of):
            return layout.format
    return Format.GENERIC


def _varies(records, table: Table, i: int) -> bool:
    values = {_unwrap(cells[i]) for _, cells in records[table.header + 1 : table.end] if i < len(cells)}
    values.discard("")
    return len(values) > 1


def detected_mapping(records, table: Table, labels: list[str]) -> Mapping:
    """The columns a recognised layout's rows are read from. Of columns with the same name (Zoom's combined
    export has the host's email and the meeting's minutes before each person's), one whose value changes down
    the rows wins, then the last; meeting-level names are never taken for a person's times."""
    cells = records[table.header][1]
    header = [_norm(c) for c in cells]

    def pick(names: tuple[str, ...]) -> str:
        found = _find(header, names)
        if not found:
            return ""
        first_name = header[found[0]]
        same = [i for i in found if header[i] == first_name]
        varying = [i for i in same if _varies(records, table, i)]
        return labels[(varying or same)[-1]]

    joined, left, minutes = pick(JOIN_NAMES), pick(LEAVE_NAMES), pick(DURATION_NAMES)
    if minutes and (_norm(joined) in SPAN_NAMES or _norm(left) in SPAN_NAMES):
        joined = left = ""
    if joined and left:
        minutes = ""
    return Mapping(email=pick(EMAIL_NAMES), name=pick(NAME_NAMES), minutes=minutes, joined=joined, left=left)


def detect(text: str) -> tuple[str, list[tuple[int, list[str]]], Table]:
    """(delimiter, records, the attendee table) of a report's text."""
    best = None
    for delimiter in DELIMITERS:
        if delimiter not in text:
            continue
        try:
            records = _records(text, delimiter)
        except ReportError:
            continue
        table = find_table(records)
        if table is not None and table.email_rows:
            return delimiter, records, table
        widest = max((len(cells) for _, cells in records[:50]), default=0)
        if widest >= 2 and (best is None or widest > best[0]):
            best = (widest, delimiter, records, table)
    if best is None:
        # Every reading failed: report the CSV fault of the likeliest one, else say there is no table.
        for delimiter in DELIMITERS:
            if delimiter in text:
                _records(text, delimiter)
        raise ReportError("no_table")
    _, delimiter, records, table = best
    if table is None:
        header = _header_above_emails(records)
        if header is None:
            header = next(i for i, (_, cells) in enumerate(records) if sum(1 for c in cells if c) >= 2)
        end = header + 1
        while end < len(records) and any(records[end][1]):
            end += 1
        table = Table(header, end, _title_above(records, header), 0)  # to the first blank line: totals, notes
    return delimiter, records, table


def _header_above_emails(records) -> int | None:
    """For columns named in no known way: the row just above the first row holding an email address, when it
    has two cells or more and no address itself (a preamble above it is passed over)."""
    for index, (_line, cells) in enumerate(records):
        if index and any(EMAIL.fullmatch(_unwrap(c)) for c in cells):
            above = records[index - 1][1]
            if sum(1 for c in above if c) >= 2 and not any(EMAIL.fullmatch(_unwrap(c)) for c in above):
                return index - 1
            return None
    return None


def guess_mapping(columns: list[str]) -> Mapping:
    """A first guess at an unrecognised CSV's columns, for the host to confirm on the preview. Words are
    matched at word starts ("end" finds "Session end", not "Attendee"); meeting-level times are skipped."""

    def find(*words: str, avoid: tuple[str, ...] = ()) -> str:
        for column in columns:
            if _norm(column) in MEETING_NAMES:
                continue
            padded = " " + re.sub(r"[^a-z0-9]+", " ", _norm(column)) + " "
            if any(" " + w in padded for w in words) and not any(" " + a in padded for a in avoid):
                return column
        return ""

    return Mapping(
        email=find("email", "e mail", "mail"),
        name=find("name", "attendee", "participant", "teilnehmer", "nom", avoid=("email", "e mail", "mail", "meeting")),
        minutes=find("minute", "minuten", "duration", "time in session", "attendance time", "dauer"),
        joined=find("join", "first", "start", "arriv", "entered", "time in", "beginn"),
        left=find("leave", "left", "last", "end", "exit", "time out"),
    )


# --- reading -------------------------------------------------------------------------------------------------


def _unwrap(cell: str) -> str:
    """Webex writes some cells as ="..." so spreadsheets keep them as text: the text inside is the value."""
    if len(cell) >= 3 and cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1]
    return cell


def labels_of(cells: list[str]) -> list[str]:
    """The header's cells as the host sees them: a name used twice gets " (2)" so each column has one label."""
    seen: dict[str, int] = {}
    labels = []
    for cell in cells:
        if cell:
            seen[cell] = seen.get(cell, 0) + 1
            labels.append(cell if seen[cell] == 1 else f"{cell} ({seen[cell]})")
        else:
            labels.append("")
    return labels


def parse(
    data: bytes, *, zone: str, event_window: tuple[datetime, datetime] | None = None, mapping: Mapping | None = None
) -> Report:
    """Read a report. A recognised layout is read with its own columns unless `mapping` says otherwise; an
    unrecognised one without a mapping comes back with its columns and no rows (the host maps them on the
    preview). ReportError for anything that cannot be read, naming the line.

    event_window: (start, end) of the event; a visit wholly more than 3 hours outside it is refused as
    belonging to another meeting (or to a report read in the wrong zone)."""
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError("too_large", size=size_label(len(data)), limit=size_label(MAX_REPORT_BYTES))
    text, encoding = decode(data)
    if not text.strip():
        raise ReportError("empty")
    delimiter, records, table = detect(text)
    header_line, cells = records[table.header]
    labels = labels_of(cells)
    report = Report(format=recognise(cells, table.title), encoding=encoding, delimiter=delimiter, columns=labels)
    if mapping is None:
        if report.format == Format.GENERIC:
            report.guess = guess_mapping(labels)
            return report
        mapping = detected_mapping(records, table, labels)
    else:
        for column in (mapping.email, mapping.name, mapping.minutes, mapping.joined, mapping.left):
            if column and column not in labels:
                raise ReportError("no_column", column=column)
        if not mapping.is_complete():
            raise ReportError("mapping_incomplete")
    report.mapping = mapping
    report.rows = _read_rows(records, table, labels, mapping, zone, report)
    if not report.rows:
        raise ReportError("no_rows", line=header_line)
    _check_one_meeting(records, table)
    if event_window:
        _check_within(report.rows, event_window, zone)
    return report


def _read_rows(records, table: Table, labels: list[str], mapping: Mapping, zone: str, report: Report) -> list[Row]:
    header = [_norm(c) for c in records[table.header][1]]

    def named(names: tuple[str, ...]) -> int | None:
        found = _find(header, names)
        return found[0] if found else None

    def chosen(label: str) -> int | None:
        return labels.index(label) if label else None

    at = {
        "email": chosen(mapping.email),
        "name": chosen(mapping.name),
        "minutes": chosen(mapping.minutes),
        "joined": chosen(mapping.joined) if mapping.joined and mapping.left else None,
        "left": chosen(mapping.left) if mapping.joined and mapping.left else None,
        "first": named(("first name",)),
        "last": named(("last name",)),
        "date": named(DATE_NAMES),
        "attended": named(("attended",)),
        "meeting_start": named(("meeting start time", "webinar start time", "meeting start date", "start time")),
    }
    label = {key: labels[i] for key, i in at.items() if i is not None}
    for key in ("joined", "left"):
        # The meeting's start or end printed on every row is not when each person came and went. Everyone
        # leaving at one moment is real (the host ended the meeting); everyone joining at one is not.
        if at[key] is not None and _norm(labels[at[key]]) in MEETING_NAMES:
            raise ReportError("meeting_column", column=label[key])
    warnings = report.warnings
    stated: set[str] = set()
    rows = []
    for line, raw in records[table.header + 1 : table.end]:
        if not any(raw):
            continue
        cells = [_unwrap(c) for c in raw]

        def cell(key: str, cells=cells) -> str:
            i = at[key]
            return cells[i] if i is not None and i < len(cells) else ""

        if at["attended"] is not None and _norm(cell("attended")) == "no":
            continue
        email = cell("email")
        for key in ("email", "joined", "left", "minutes"):
            value = cell(key)
            if value.startswith(FORMULA_STARTS) and not (key == "minutes" and _is_number(value)):
                raise ReportError("formula", line=line, column=label[key], value=value[:40], start=value[0])
        name = cell("name") or " ".join(p for p in (cell("first"), cell("last")) if p)
        name = re.sub(r"\s+", " ", name).strip()[:120]
        if name.startswith(FORMULA_STARTS):
            warnings.append(
                _(
                    "Line %(line)s: the name “%(name)s” starts with %(start)s; it is kept as text, and CSV exports "
                    "write it with a leading ' so no spreadsheet runs it.",
                    line=line,
                    name=name[:40],
                    start=name[0],
                )
            )
        if _norm(email) in NO_VALUE:
            email = ""
        elif not EMAIL.fullmatch(email):
            warnings.append(
                _(
                    "Line %(line)s: “%(value)s” is not an email address; the row is matched by hand.",
                    line=line,
                    value=email[:60],
                )
            )
            email = ""
        row = Row(line=line, name=name, email=email.lower()[:254])
        if at["joined"] is not None:
            day = cell("date") or cell("meeting_start")
            row.joined_at = parse_time(cell("joined"), zone, line=line, column=label["joined"], day=day, stated=stated)
            row.left_at = parse_time(cell("left"), zone, line=line, column=label["left"], day=day, stated=stated)
            if row.joined_at is None or row.left_at is None:
                continue  # registered, never joined ("--")
            if row.left_at < row.joined_at and day and _is_time_only(cell("left")):
                row.left_at += timedelta(days=1)  # left after midnight, on the day after the date column's
            if row.left_at < row.joined_at:
                raise ReportError("leave_before_join", line=line, left=cell("left"), joined=cell("joined"))
        else:
            value = cell("minutes")
            if _norm(value) in NO_VALUE:
                continue
            row.seconds = parse_duration(value, line=line, column=label["minutes"])
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ReportError("too_many_rows", limit=f"{MAX_ROWS:,}")
    if at["joined"] is not None and len(rows) > 1 and len({row.joined_at for row in rows}) == 1:
        raise ReportError("same_every_row", column=label["joined"])
    report.stated_zones = sorted(stated)
    return rows


def _check_one_meeting(records, table: Table) -> None:
    """A report covering several meetings has a meeting column whose value changes down the rows."""
    header = [_norm(c) for c in records[table.header][1]]
    for name in MEETING_COLUMNS:
        if name not in header:
            continue
        i = header.index(name)
        first = None
        for line, cells in records[table.header + 1 : table.end]:
            value = _unwrap(cells[i]) if i < len(cells) else ""
            if not value:
                continue
            if first is None:
                first = (line, value)
            elif value != first[1]:
                raise ReportError(
                    "other_meeting",
                    line=line,
                    column=records[table.header][1][i],
                    value=value[:60],
                    first=first[1][:60],
                    first_line=first[0],
                )


OUTSIDE_MARGIN = timedelta(hours=3)


def _check_within(rows: list[Row], window: tuple[datetime, datetime], zone: str) -> None:
    start, end = window
    for row in rows:
        if row.joined_at is None:
            continue
        if row.left_at < start - OUTSIDE_MARGIN or row.joined_at > end + OUTSIDE_MARGIN:
            raise ReportError(
                "outside_event",
                line=row.line,
                zone=zone,
                when=timezones.date_and_time(row.joined_at, zone),
                event_times=timezones.time_range(start, end, zone),
            )


# --- values ---------------------------------------------------------------------------------------------------

DATETIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
    "%m/%d/%y, %I:%M:%S %p", "%m/%d/%Y, %I:%M:%S %p", "%m/%d/%y %I:%M:%S %p", "%m/%d/%y %I:%M %p",
    "%b %d, %Y %I:%M %p", "%b %d, %Y %I:%M:%S %p", "%B %d, %Y %I:%M %p", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
    "%b %d, %Y %H:%M:%S", "%b %d, %Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%y, %I:%M %p",
    "%d/%m/%y, %H:%M:%S", "%m/%d/%Y %I:%M:%S%p", "%m/%d/%Y %I:%M%p",
)  # fmt: skip
TIME_FORMATS = ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M")
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%b %d, %Y", "%d.%m.%Y")
STATED_OFFSET = re.compile(r"^(.*?)\s*\(?(?:GMT|UTC)\s*([+-])(\d{1,2}):?(\d{2})?\)?$")
STATED_ABBREVIATION = re.compile(r"^(.*\S)\s+(?!AM$|PM$)([A-Z]{2,5})$")


def parse_time(
    value: str, zone: str, *, line: int, column: str, day: str = "", stated: set[str] | None = None
) -> datetime | None:
    """The UTC instant of a report's time cell; None for an empty cell ("--" in Zoom's and GoTo's reports).
    A time of day alone takes its date from `day` (a date column, or the meeting's start beside it); a zone
    the cell names itself is added to `stated`. ReportError("calendar_edge") for a date in the first or last
    year of the calendar (no meeting was held then, and moving it by its offset would leave the calendar),
    ("bad_offset") for an offset no place uses."""
    text = " ".join(value.split())
    if _norm(text) in NO_VALUE:
        return None
    where = {"line": line, "value": _shown(value, 60), "column": column}
    stated_zone = None
    offset = STATED_OFFSET.match(text)
    abbreviation = STATED_ABBREVIATION.match(text)
    if offset:
        text = offset.group(1)
        hours, minutes = int(offset.group(3)), int(offset.group(4) or 0)
        sign = 1 if offset.group(2) == "+" else -1
        if minutes >= 60 or not OFFSETS[0] <= sign * timedelta(hours=hours, minutes=minutes) <= OFFSETS[1]:
            raise ReportError("bad_offset", offset=f"GMT{offset.group(2)}{hours:02}:{minutes:02}", **where)
        stated_zone = pytz.FixedOffset(sign * (hours * 60 + minutes))
    elif abbreviation and abbreviation.group(2) in ("UTC", "GMT", "Z"):
        text, stated_zone = abbreviation.group(1), pytz.utc
    elif abbreviation:
        text = abbreviation.group(1)
    if stated is not None and (offset or abbreviation):
        stated.add(value.split()[-1].strip("()"))
    naive = _naive(text, day)
    if naive is None:
        try:
            instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ReportError("bad_time", **where) from None
        _check_year(instant, where)
        if instant.tzinfo is not None:
            return instant.astimezone(pytz.utc)
        naive = instant
    _check_year(naive, where)
    if stated_zone is not None:
        return stated_zone.localize(naive).astimezone(pytz.utc)
    try:
        instant = timezones.to_utc(naive, zone)
    except timezones.NonExistentTimeError:
        raise ReportError("gap", line=line, value=value, zone=zone) from None
    except timezones.AmbiguousTimeError:
        raise ReportError("fold", line=line, value=value, zone=zone) from None
    if abbreviation and timezones.to_zone(instant, zone).tzname() != abbreviation.group(2):
        raise ReportError("zone_mismatch", line=line, stated=abbreviation.group(2), zone=zone)
    return instant


# Real offsets run from -12:00 (Baker Island) to +14:00 (Kiritimati); pytz refuses a day or more.
OFFSETS = (timedelta(hours=-12), timedelta(hours=14))
# A wall-clock time is moved by up to a day (its offset, or "left after midnight"): the first and last years of
# datetime's calendar would overflow, and no meeting took place in either.
FIRST_YEAR, LAST_YEAR = date.min.year + 1, date.max.year - 1


def _check_year(moment: datetime, where: dict) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ReportError("calendar_edge", **where)


def _naive(text: str, day: str) -> datetime | None:
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007 - wall-clock time, localized by the caller
        except ValueError:
            pass
    if day:
        on = _date(day)
        at = _time(text)
        if on is not None and at is not None:
            return datetime.combine(on, at)
    return None


def _date(text: str) -> date | None:
    text = " ".join(text.split())
    abbreviation = STATED_ABBREVIATION.match(text)
    if abbreviation:
        text = abbreviation.group(1)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            pass
    for pattern in DATETIME_FORMATS:  # the meeting's start beside a time of day: its date
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            pass
    return None


def _time(text: str) -> time | None:
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).time()  # noqa: DTZ007 - a time of day, no date
        except ValueError:
            pass
    return None


def _is_time_only(text: str) -> bool:
    return _time(" ".join(text.split())) is not None


DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", re.IGNORECASE)


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text.strip()) is not None


MAX_DURATION_DAYS = 14  # longer than any meeting: a row over it is read from the wrong column or a broken file


def parse_duration(value: str, *, line: int, column: str) -> int:
    """Seconds in a duration cell: "47" or "47.5" (minutes), "1:02:05", "1h 2m 5s" (Teams), "62 minutes".
    ReportError("bad_minutes") for anything else, ("too_long") for more than MAX_DURATION_DAYS, however many
    digits it has. A duration within that but longer than the event is clipped when counted
    (eventreg/attendance/matching.py)."""
    text = value.strip()
    if _is_number(text):
        seconds = float(text.replace(",", ".")) * 60  # a 5,000-digit number is inf here, never an error
        if seconds < 0:
            raise ReportError("bad_minutes", line=line, value=_shown(value, 24), column=column)
    elif re.fullmatch(r"\d{1,3}:\d{2}(:\d{2})?", text):
        parts = [int(p) for p in text.split(":")]
        hours, minutes, secs = parts if len(parts) == 3 else (0, *parts)
        seconds = float(hours * 3600 + minutes * 60 + secs)
    elif DURATION_PART.search(text) and not DURATION_PART.sub("", text).strip(" ,"):
        seconds = 0.0
        for number, unit in DURATION_PART.findall(text):
            scale = {"h": 3600, "m": 60, "s": 1}[unit[0].lower()]
            seconds += float(number.replace(",", ".")) * scale
    else:
        raise ReportError("bad_minutes", line=line, value=_shown(value, 24), column=column)
    if not math.isfinite(seconds) or seconds > MAX_DURATION_DAYS * 24 * 3600:
        raise ReportError(
            "too_long",
            line=line,
            value=_shown(value, 24),
            column=column,
            limit=ngettext("%(num)d day", "%(num)d days", MAX_DURATION_DAYS),
        )
    return round(seconds)


def _shown(value: str, limit: int) -> str:
    """A cell quoted in a message: cut, and saying so, when long (a 5,000-digit number is not 40 digits)."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} kB"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
