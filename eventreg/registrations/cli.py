import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from eventreg import clock
from eventreg.core import database
from eventreg.core.extensions import db
from eventreg.mail import sending
from eventreg.messages import sending as message_sending
from eventreg.messages.models import MessageStatus
from eventreg.registrations import reminders


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Send due reminders, recording follow-ups and hosts' scheduled messages. Safe to run every few minutes from
    cron: two runs at once send nothing twice."""
    now = clock.now()
    with database.write_transaction():
        try:
            count = reminders.send_reminders(now)
            followups = reminders.send_recording_followups(now)
            db.session.commit()
            queued = f"Reminders: {count} queued; recording follow-ups: {followups}"
        except IntegrityError:
            # Another run queued the same reminders first; they go out once, from that run.
            db.session.rollback()
            click.echo("Another send-reminders run is sending these reminders.")
            queued = "Reminders: sent by another run"
    # Scheduled messages are claimed one by one, so a run that met another's reminders still sends its messages.
    messages = message_sending.send_due(now)
    went = [outcome for outcome in messages if outcome.status == MessageStatus.SENT]
    reached = sum(outcome.recipients for outcome in went)
    people = f"{reached} {'person' if reached == 1 else 'people'}"
    not_sent = f" ({len(messages) - len(went)} not sent, see the message log)" if len(went) < len(messages) else ""
    sent, failed = sending.send_queued(now)
    click.echo(
        f"{queued}; scheduled messages: {len(went)} sent to {people}{not_sent}; mail: {sent} sent, {failed} failed."
    )
