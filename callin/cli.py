"""Command-line tools: flask --app callin create-user | seed-demo | bootstrap | simulate-calls."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .errors import DomainError
from .extensions import db


def register(app):
    """Attach the commands to the app's CLI."""
    for command in (create_user, seed_demo, bootstrap, simulate_calls, sweep):
        app.cli.add_command(command)
    from . import cli_imports
    cli_imports.register(app)


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, help="admin, producer, host, guest, office, department, station or field")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="", help="Name shown on screens.")
@click.option("--department", "department_code", default=None, help="Department code (guest and department roles).")
@click.option("--station", "station_code", default=None,
              help="Liaison station code (required for the station role).")
@with_appcontext
def create_user(username, role, password, display_name, department_code, station_code):
    """Create a user."""
    from sqlalchemy import select

    from .models import Department
    from .services.stations import station_by_code
    from .services.users import create_user as create

    department_id = station_id = None
    if department_code:
        department = db.session.scalars(select(Department).where(
            Department.code == department_code)).first()
        if department is None:
            raise click.ClickException(f"no department with code {department_code}")
        department_id = department.id
    if station_code:
        station = station_by_code(station_code)
        if station is None:
            raise click.ClickException(f"no station with code {station_code}")
        station_id = station.id
    elif role == "station":
        raise click.ClickException("a station user needs --station CODE (see import-stations)")
    try:
        user = create(username, password, role, display_name, department_id,
                      station_id=station_id)
    except DomainError as error:
        raise click.ClickException(f"{error.message} {error.fields}") from None
    click.echo(f"created {user.username} ({user.role})")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load demo data into an empty database."""
    from .services import demo

    if not demo.is_empty():
        raise click.ClickException("the database already has users; demo data is for an empty one")
    show = demo.seed(current_app.config["DEMO_PASSWORD"])
    click.echo(f"demo loaded; live show {show.id}: {show.title}")


@click.command("bootstrap")
@with_appcontext
def bootstrap():
    """Create or upgrade the database, load the demo when it is empty, print the demo logins."""
    from flask_migrate import upgrade

    from .models import ROLES
    from .services import demo

    from .geography import ensure_table

    from .services.deadlines import setup_defaults

    upgrade()
    ensure_table(current_app.instance_path)
    setup_defaults()  # the deadline rules and supervision ladder, where none exist yet
    if demo.is_empty():
        demo.seed(current_app.config["DEMO_PASSWORD"])
        click.echo("demo data loaded")
    click.echo("demo logins (password: %s):" % current_app.config["DEMO_PASSWORD"])
    for role in ROLES:
        click.echo(f"  {role:<11} / {current_app.config['DEMO_PASSWORD']}")


@click.command("simulate-calls")
@click.option("--show", "show_id", type=int, required=True, help="The live show to ring.")
@click.option("--count", type=int, default=10, show_default=True)
@click.option("--rate", type=float, default=0.5, show_default=True, help="Calls per second.")
@click.option("--hangups", type=float, default=0.15, show_default=True,
              help="Share of callers who hang up before being answered.")
@click.option("--url", default=None, help="Server to send to (default http://127.0.0.1:$PORT).")
@with_appcontext
def simulate_calls(show_id, count, rate, hangups, url):
    """Send realistic signed telephony events to the webhook, as a phone system would."""
    from .telephony_client import run_simulation

    run_simulation(show_id, count, rate, hangups, url, echo=click.echo)


@click.command("sweep")
@with_appcontext
def sweep():
    """Send due reminders, supervision notices, listings and SMS (idempotent; run it from cron)."""
    from .services.outbox import deliver_due
    from .services.supervision import sweep as run_sweep

    sent = run_sweep()
    click.echo(", ".join(f"{kind}: {count}" for kind, count in sent.items()) or "nothing due")
    texts = deliver_due(limit=1000)
    click.echo(f"SMS sent: {texts['sent']}, to retry: {texts['retry']}, "
               f"failed: {texts['failed']}")
    from .services.maintenance import optimize_database
    if optimize_database():
        click.echo("SQLite statistics refreshed (PRAGMA optimize)")
