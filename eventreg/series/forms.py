from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from eventreg.core.forms import multi_line, plain_text
from eventreg.registrations.forms import EMAIL, JOB_ROLE, NAME, ORGANIZATION, SignUpForm
from eventreg.registrations.models import MAX_DECISION_NOTE


class SeriesRegistrationForm(SignUpForm):
    """The one form of a series page: a course's registration, or a program's "register for all upcoming sessions".
    The same fields as an event's registration form, and its double-submit key and honeypot."""

    name = NAME
    email = EMAIL
    organization = ORGANIZATION
    job_role = JOB_ROLE

    def details(self) -> dict:
        return {
            "name": self.name.data,
            "email": self.email.data,
            "organization": self.organization.data,
            "job_role": self.job_role.data or "",
            "timezone": self.timezone.data,
        }


class DecisionForm(FlaskForm):
    """A host's approve or decline of a course registration, with a note for the person's email."""

    note = TextAreaField(
        _l("Note to the registrant (optional)"),
        filters=[multi_line],
        validators=[Length(max=MAX_DECISION_NOTE), plain_text],
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: cancelling is a POST so that link scanners in mail never cancel anyone."""
