"""Every area's refusal is a CodedError: a code, and its text from the area's MESSAGES with the values filled in."""

import pytest

from eventreg.api.operations import ApiError
from eventreg.attendance.operations import AttendanceError
from eventreg.attendance.reports import ReportError
from eventreg.certificates.logos import LogoError
from eventreg.certificates.operations import CertificateError
from eventreg.core.errors import CodedError
from eventreg.embeds.options import EmbedError
from eventreg.events.operations import EventError
from eventreg.hosts.operations import HostError
from eventreg.registrations.operations import RegistrationError
from eventreg.webhooks.network import UrlRefused
from eventreg.webhooks.operations import WebhookError

AREA_ERRORS = [
    ApiError, AttendanceError, ReportError, LogoError, CertificateError, EmbedError, EventError, HostError,
    RegistrationError, UrlRefused, WebhookError,
]  # fmt: skip


@pytest.mark.parametrize("error_class", AREA_ERRORS)
def test_each_area_error_is_coded_with_its_own_messages(error_class):
    code, text = next((code, text) for code, text in error_class.MESSAGES.items() if "{" not in text)
    error = error_class(code)
    assert isinstance(error, CodedError)
    assert (error.code, error.message, error.args) == (code, text, (code,))


def test_values_fill_the_message_and_extras_stay_on_the_error():
    refused = UrlRefused("unresolvable", name="hooks.example.org")
    assert refused.message == "The name hooks.example.org could not be found (DNS). Check the address."
    broken = ReportError("broken_row", line=12, reason="unexpected end of data")
    assert (broken.code, broken.line) == ("broken_row", 12)
    assert "12" in broken.message
    registration = object()
    assert RegistrationError("already_registered", registration).registration is registration
    with pytest.raises(KeyError):
        EventError("no_such_code")
