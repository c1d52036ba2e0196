from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from eventreg.attendance.reports import Format
from eventreg.hosts.forms import zone_choices


class UploadForm(FlaskForm):
    report = FileField("Attendance report (CSV or TXT, as downloaded)", validators=[FileRequired("Choose the file.")])
    zone = SelectField("Time zone of the report's times", choices=zone_choices)


class ColumnsForm(FlaskForm):
    """Which column of a generic CSV holds what; choices are the file's own header cells."""

    email = SelectField("Email column")
    name = SelectField("Name column (optional)")
    minutes = SelectField("Minutes column (or leave empty and choose join and leave)")
    joined = SelectField("Join time column")
    left = SelectField("Leave time column")

    def set_columns(self, columns: list[str]) -> None:
        choices = [("", "(none)")] + [(c, c) for c in columns if c]
        for field in (self.email, self.name, self.minutes, self.joined, self.left):
            field.choices = choices


class ApplyForm(FlaskForm):
    mark_absent = BooleanField("Mark confirmed registrants who are not in the report as absent (0 minutes)")


class CreditForm(FlaskForm):
    min_minutes = IntegerField(
        "Minimum minutes to count as attended (leave empty for 75% of the scheduled length)",
        validators=[Optional(), NumberRange(min=0, max=20160, message="Enter a number of minutes.")],
    )
    contact_hours = DecimalField(
        "Contact hours awarded (leave empty for none)",
        places=2,
        validators=[Optional(), NumberRange(min=0, max=999, message="Enter hours between 0 and 999, like 1.5.")],
    )


FORMAT_LABELS = Format.LABELS
