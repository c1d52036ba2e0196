import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from eventreg import clock
from eventreg.core import database
from eventreg.core.extensions import db
from eventreg.mail import sending
from eventreg.registrations import reminders


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Send due reminders and recording follow-ups. Safe to run every few minutes from cron."""
    now = clock.now()
    with database.write_transaction():
        try:
            count = reminders.send_reminders(now)
            followups = reminders.send_recording_followups(now)
            db.session.commit()
        except IntegrityError:
            # Another run queued the same reminders first; they go out once, from that run.
            db.session.rollback()
            click.echo("Another send-reminders run is sending these reminders.")
            return
    sent, failed = sending.send_queued(now)
    click.echo(f"Reminders: {count} queued; recording follow-ups: {followups}; mail: {sent} sent, {failed} failed.")
