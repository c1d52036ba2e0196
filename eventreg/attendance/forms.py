import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, ValidationError

from eventreg.attendance.reports import Format
from eventreg.hosts.forms import contact_hours_field, min_minutes_field, zone_choices


class UploadForm(FlaskForm):
    report = FileField(
        _l("Attendance report (CSV or TXT, as downloaded)"), validators=[FileRequired(_l("Choose the file."))]
    )
    zone = SelectField(_l("Time zone of the report's times"), choices=zone_choices)

    def validate_report(self, field) -> None:
        """The name is kept and shown with the import: one with a control character (a NUL, which PostgreSQL
        cannot store, or a line break) is no name a file system gave, so the host is asked to rename it."""
        name = getattr(field.data, "filename", None) or ""
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
            raise ValidationError(
                _(
                    "The file's name contains a control character, which no saved file's name has. Rename the file "
                    "(letters, digits, spaces and dots) and choose it again."
                )
            )


class ColumnsForm(FlaskForm):
    """Which column of a generic CSV holds what; choices are the file's own header cells."""

    email = SelectField(_l("Email column"))
    name = SelectField(_l("Name column (optional)"))
    minutes = SelectField(_l("Minutes column (or leave empty and choose join and leave)"))
    joined = SelectField(_l("Join time column"))
    left = SelectField(_l("Leave time column"))

    def set_columns(self, columns: list[str]) -> None:
        choices = [("", _("(none)"))] + [(c, c) for c in columns if c]
        for field in (self.email, self.name, self.minutes, self.joined, self.left):
            field.choices = choices


class ApplyForm(FlaskForm):
    mark_absent = BooleanField(_l("Mark confirmed registrants who are not in the report as absent (0 minutes)"))


class CreditForm(FlaskForm):
    """The credit page: the editor's two credit fields under its own names, with the same rules."""

    min_minutes = min_minutes_field(
        _l("Minimum minutes to count as attended (leave empty for %(share)s of the scheduled length)", share="75%")
    )
    contact_hours = contact_hours_field(_l("Contact hours awarded (leave empty for none)"))


FORMAT_LABELS = Format.LABELS
