import click
from flask.cli import with_appcontext

from eventreg import clock
from eventreg.webhooks import sending


@click.command("send-webhooks")
@with_appcontext
def send_webhooks_command() -> None:
    """Send webhook deliveries that are due (new, or retries). Safe to run from cron: each is claimed first.
    A receiver's failure is its host's to see in the delivery log, not a failure of this command."""
    sent, failed = sending.send_pending(clock.now())
    click.echo(f"Webhooks: {sent} delivered, {failed} failed.")
