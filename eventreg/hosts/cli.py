import click
from flask.cli import with_appcontext

from eventreg import clock
from eventreg.core.extensions import db
from eventreg.hosts import operations
from eventreg.hosts.operations import HostError


@click.command("create-host")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Admins see and manage every event.")
@click.option("--name", default="", help="The host's name.")
@click.password_option(help="Prompted for, twice, when not given.")
@with_appcontext
def create_host_command(email: str, admin: bool, name: str, password: str) -> None:
    """Create a host account."""
    try:
        host = operations.create_host(email=email, password=password, name=name, is_admin=admin, now=clock.now())
    except HostError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Host {host.email} created{' (admin)' if admin else ''}.")
