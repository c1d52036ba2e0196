import click
from flask.cli import with_appcontext

from eventreg import clock
from eventreg.mail import sending


@click.command("send-pending-mail")
@with_appcontext
def send_pending_mail_command() -> None:
    """Send queued and previously failed e-mail. Safe to run from cron: nobody gets a message twice."""
    sent, failed = sending.send_pending(clock.now())
    click.echo(f"Mail: {sent} sent, {failed} failed.")
    if failed:
        raise SystemExit(1)
