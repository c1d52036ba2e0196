"""Every model, imported in one place so that the metadata Alembic compares against is complete."""

from eventreg.api.models import ApiToken
from eventreg.attendance.models import AttendanceImport
from eventreg.certificates.models import (
    Certificate,
    CertificateLogEntry,
    CertificateSettings,
    CourseCertificate,
    EventSigner,
)
from eventreg.events.models import Event, Topic, event_topics
from eventreg.hosts.models import Host, HostSession, LoginAttempt, event_hosts
from eventreg.mail.models import OutboxMessage
from eventreg.messages.models import HostMessage, MessageRecipient
from eventreg.questions.models import Answer, AnswerChoice, EventQuestion, Question, QuestionOption
from eventreg.registrations.models import PersonalFeed, Registration, RegistrationChange, ReminderDelivery
from eventreg.series.models import Enrolment, Series
from eventreg.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Answer", "AnswerChoice", "ApiToken", "AttendanceImport", "Certificate", "CertificateLogEntry",
    "CertificateSettings", "CourseCertificate", "Enrolment", "Event", "EventQuestion", "EventSigner", "Host",
    "HostMessage", "HostSession", "LoginAttempt", "MessageRecipient", "OutboxMessage", "PersonalFeed", "Question",
    "QuestionOption", "Registration", "RegistrationChange", "ReminderDelivery", "Series", "Topic", "WebhookDelivery",
    "WebhookEndpoint", "event_hosts", "event_topics",
]  # fmt: skip
