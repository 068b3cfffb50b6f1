"""Command-line imports: flask --app callin import-stations | import-departments FILE.csv."""
import click
from flask.cli import with_appcontext

from .errors import DomainError


def register(app):
    """Attach the import commands to the app's CLI."""
    app.cli.add_command(import_stations)
    app.cli.add_command(import_departments)


def _options(command):
    command = click.option("--dry-run", is_flag=True,
                           help="Check the file and say what would change; write nothing.")(command)
    command = click.option("--skip-bad", is_flag=True,
                           help="Load the good lines even when some lines are bad.")(command)
    return click.argument("csv_file", type=click.File("rb"))(command)


def _run(load, csv_file, skip_bad, dry_run, what):
    """Run one import and print every bad line and the summary; exit 1 when nothing loaded."""
    try:
        report = load(csv_file.read(), skip_bad=skip_bad, dry_run=dry_run)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    for line, problem in report.errors:
        click.echo(f"line {line}: {problem}", err=True)
    if report.errors and not skip_bad:
        raise click.ClickException(
            f"{report.skipped} bad line(s); nothing was loaded. Correct them, or use --skip-bad "
            "to load the good lines only.")
    click.echo(f"{what}: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged, {report.skipped} skipped (bad lines)"
               + (" (dry run: nothing was written)" if dry_run else ""))


@click.command("import-stations")
@_options
@with_appcontext
def import_stations(csv_file, skip_bad, dry_run):
    """Load liaison stations from CSV: code,name,town,community,contact_name,contact_phone."""
    from .services.imports import import_stations as load

    _run(load, csv_file, skip_bad, dry_run, "stations")


@click.command("import-departments")
@_options
@with_appcontext
def import_departments(csv_file, skip_bad, dry_run):
    """Load departments from CSV: code,name,kind (bureau, utility, town, enterprise or court)."""
    from .services.imports import import_departments as load

    _run(load, csv_file, skip_bad, dry_run, "departments")
