"""Entry points: flask --app ecdop <command>: administration from the command line."""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading

import click
from flask import Flask, current_app

from ecdop.auth import queries as auth_queries
from ecdop.auth import services as auth_services
from ecdop.auth.models import OrganisationKind, Role
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import unit_of_work
from ecdop.foundation.extensions import db, the_app_itself
from ecdop.foundation.refusals import fail
from ecdop.foundation.transactions import commit_each_unit
from ecdop.jobs import DATED_JOBS, JOBS


def _log_to_stderr() -> None:
    """Long-running commands say what their jobs do (never case details: ids and counts)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _new_user_password() -> str:
    password = os.environ.get("ECDOP_NEW_USER_PASSWORD")
    if password:
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-area")
@click.argument("code")
@click.argument("name")
def create_area_command(code: str, name: str) -> None:
    """Add a review area, e.g. create-area NCL "North Central London"."""
    try:
        area = auth_services.create_area(code, name)
    except auth_services.AccountError as error:
        fail(str(error))
    click.echo(f"Created area {area.code}")


@click.command("create-organisation")
@click.argument("name")
@click.option("--kind", type=click.Choice([kind.value for kind in OrganisationKind]), required=True)
@click.option(
    "--area", "area_codes", multiple=True, required=True, help="Area it works with; repeatable"
)
def create_organisation_command(name: str, kind: str, area_codes: tuple[str, ...]) -> None:
    """Add an organisation (police force, NHS trust, GP practice, school…) and the review areas
    it works with."""
    areas = _areas_named(area_codes)
    try:
        auth_services.create_organisation(name, OrganisationKind(kind), areas=areas)
    except auth_services.AccountError as error:
        fail(str(error))
    click.echo(f"Created organisation {name}")


def _areas_named(area_codes: tuple[str, ...]) -> list:
    areas = []
    for code in area_codes:
        area = auth_queries.area_by_code(code)
        if area is None:
            fail(f"No area with code {code!r}; add it with create-area")
        areas.append(area)
    return areas


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--organisation", "organisation_name", required=True, help="Organisation name")
@click.option("--area", "area_codes", multiple=True, required=True, help="Area code; repeatable")
@click.option("--name", "full_name", default=None, help="Full name (default: the email address)")
def create_user_command(
    email: str, role: str, organisation_name: str, area_codes: tuple[str, ...], full_name
) -> None:
    """Create a user; the password comes from ECDOP_NEW_USER_PASSWORD or a prompt."""
    organisation = auth_queries.organisation_by_name(organisation_name)
    if organisation is None:
        fail(f"No organisation called {organisation_name!r}; add it with create-organisation")
    areas = _areas_named(area_codes)
    try:
        user = auth_services.create_user(
            email=email,
            full_name=full_name or email,
            role=Role(role),
            organisation=organisation,
            areas=areas,
            password=_new_user_password(),
        )
    except auth_services.AccountError as error:
        fail(str(error))
    click.echo(f"Created {user.role.value} {user.email}")


@click.command("seed-synthetic")
@click.option("--cases", type=int, required=True, help="How many synthetic deaths to add")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed, the same data")
@click.option("--area", "area_code", default="DEMO", show_default=True)
@click.option("--years", type=int, default=6, show_default=True,
              help="Spread the deaths over this many years up to today")  # fmt: skip
def seed_synthetic_command(cases: int, seed: int, area_code: str, years: int) -> None:
    """Add synthetic deaths over the last six years (or --years), through every stage
    (development only)."""
    from ecdop.synthetic import SyntheticDataRefused, seed_synthetic

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        fail("seed-synthetic only runs in development (ECDOP_ENV=development)")
    [area] = _areas_named((area_code.upper(),))
    try:
        made = seed_synthetic(area, cases=cases, seed=seed, today=uk_today(), years=years)
    except SyntheticDataRefused as refused:
        fail(str(refused))
    click.echo(f"Added {made:,} synthetic cases to {area.name}.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo area, organisations and one user per role (development only)."""
    from ecdop.demo import (
        DEMO_ACCOUNTS,
        seed_demo,
        seed_demo_case,
        seed_demo_history,
        seed_demo_reference_data,
    )

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        fail("seed-demo only runs in development (ECDOP_ENV=development)")
    created = seed_demo(current_app.config["DEMO_PASSWORD"])
    demo_case = seed_demo_case()
    seed_demo_reference_data()
    synthetic = seed_demo_history()
    click.echo("Demo data is ready." if created else "Demo data was already there.")
    click.echo(f"Demo accounts (password: {current_app.config['DEMO_PASSWORD']}):")
    for email, role, _organisation in DEMO_ACCOUNTS:
        click.echo(f"  {email:<24} {role.label}")
    if synthetic:
        click.echo(f"Added {synthetic:,} synthetic past deaths, for the board's reports.")
    if demo_case:
        _explain_demo_case(demo_case)
        if demo_case.ready_references:
            click.echo(
                f"Demo cases {' and '.join(demo_case.ready_references)} are ready for "
                "panel: schedule a panel meeting and put them on its agenda."
            )


def _explain_demo_case(demo_case) -> None:
    from ecdop.foundation.clock import add_working_days

    due = demo_case.gp_due_on
    click.echo(
        f"Demo case {demo_case.late_reference} was notified three weeks ago: items are "
        "already overdue on the coordinator's dashboard."
    )
    click.echo(f"Demo case {demo_case.reference}: the GP's report is due on {due:%-d %B %Y}.")
    click.echo("To see its reminders and escalation, move the sweep's clock, e.g.:")
    for label, day in (
        ("1 working day before", add_working_days(due, -1)),
        ("overdue", add_working_days(due, 1)),
        ("escalated", add_working_days(due, 10)),
    ):
        click.echo(
            f"  ({label}) .venv/bin/flask --app ecdop run-job sweep-deadlines "
            f"--on {day.isoformat()}"
        )


@click.command("scheduler")
@click.option(
    "--heartbeat",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.5, max=10),
    help="Seconds between checks that this scheduler still leads (or may take over)",
)
def scheduler_command(heartbeat: float) -> None:
    """Run the scheduled jobs (reminder sweep, outbox, digests) in the foreground.

    Run one as its own process in production, or one on each of two machines: only the one
    holding the database lock runs jobs; the other stands by and takes over within seconds.
    """
    from apscheduler.schedulers.background import BackgroundScheduler

    from ecdop.jobs import JobScheduler

    _log_to_stderr()
    stop = threading.Event()
    runner = JobScheduler(the_app_itself(), BackgroundScheduler(), heartbeat_seconds=heartbeat)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        runner.run(stop)
    finally:
        runner.shutdown()


@click.command("run-job")
@click.argument("name", type=click.Choice([job.name for job in JOBS]))
@click.option(
    "--on",
    "on_day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if today were this day (development only): to try reminders",
)
def run_job_command(name: str, on_day) -> None:
    """Run one scheduled job now, e.g. run-job sweep-deadlines."""
    from ecdop.jobs import run_job

    arguments = {}
    if on_day is not None:
        if not current_app.config["SEED_DEMO_ALLOWED"]:
            fail("--on only works in development (ECDOP_ENV=development)")
        if name not in DATED_JOBS:
            fail(f"{name} does not take --on")
        arguments["today"] = on_day.date()
    result = run_job(the_app_itself(), name, **arguments)
    if result is None:
        fail(f"{name} is running already (in the scheduler or another run-job); not run again")
    click.echo(f"{name}: {result}")


@click.command("refresh-deadlines")
def refresh_deadlines_command() -> None:
    """Work out every live case's deadlines again (after an upgrade, or to repair)."""
    from ecdop.deadlines.services import refresh_all_deadlines

    count = refresh_all_deadlines()
    click.echo(f"Deadlines refreshed for {count} cases")


@click.command("export-national")
@click.option(
    "--from",
    "starts_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="First day of the period (reviews signed off from this day)",
)
@click.option(
    "--to",
    "ends_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="Last day of the period, included",
)
@click.option(
    "--output",
    "path",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="The file to write; readable by its owner only",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default=None,
    help="Default: from the output file's extension, else json",
)
@click.option("--area", "area_codes", multiple=True, help="Only this review area (repeatable)")
def export_national_command(starts_on, ends_on, path, output_format, area_codes) -> None:
    """Export the national return for reviews signed off in a period, e.g.
    export-national --from 2026-04-01 --to 2027-03-31 --output return.json"""
    from ecdop.foundation.periods import DateSpan
    from ecdop.meetings.national_return import export_national_return

    output_format = output_format or ("csv" if path.lower().endswith(".csv") else "json")
    period = DateSpan(starts_on.date(), ends_on.date())
    try:
        count = export_national_return(
            period, path, output_format=output_format, area_codes=list(area_codes) or None
        )
    except ValueError as error:
        fail(str(error))
    click.echo(
        f"National return: {count} closed case{'s' if count != 1 else ''} written as "
        f"{output_format}."
    )


def _import_reference_data(kind: str, path: str) -> None:
    from ecdop.analytics.reference_data import IMPORTERS, ImportRefused
    from ecdop.audit.models import AuditAction
    from ecdop.audit.services import record_event

    try:
        with open(path, encoding="utf-8-sig", newline="") as lines:
            imported = IMPORTERS[kind](lines)
    except ImportRefused as refused:
        fail("Nothing was imported:\n  " + "\n  ".join(refused.problems[:50]))
    except (OSError, UnicodeDecodeError) as error:
        fail(f"Could not read {path}: {error}")
    record_event(AuditAction.REFERENCE_DATA_IMPORTED, details={"kind": kind, "rows": imported.rows})
    click.echo(f"Imported {imported.rows} rows of {kind}.")


@click.command("import-populations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_populations_command(path: str) -> None:
    """Import child population estimates: CSV with area_code,year,age_band,population."""
    _import_reference_data("populations", path)


@click.command("import-live-births")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_live_births_command(path: str) -> None:
    """Import live births by area and year: CSV with area_code,year,live_births."""
    _import_reference_data("live-births", path)


@click.command("import-deprivation")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_deprivation_command(path: str) -> None:
    """Replace the postcode lookup: CSV with postcode,lsoa_code,imd_decile."""
    _import_reference_data("deprivation", path)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT")
def serve_command(host: str, port: int) -> None:
    """The development server with the scheduler running inside it (what `make run` starts)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from werkzeug.serving import run_simple

    from ecdop.jobs import JobScheduler

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        fail("serve is the development server; in production run gunicorn and `scheduler`")
    _log_to_stderr()
    app = the_app_itself()
    runner = JobScheduler(app, BackgroundScheduler())
    if not runner.start():
        click.echo("Another ecdop scheduler is running; jobs run there, not here.", err=True)
    stop = threading.Event()
    threading.Thread(target=runner.run, args=(stop,), daemon=True, name="heartbeat").start()
    try:
        # Flask's app.run() refuses to start inside a `flask` command; Werkzeug's server is it.
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        stop.set()
        runner.shutdown()


def in_one_transaction(command: click.Command) -> click.Command:
    """A command's work is committed when it finishes (a job's, unit by unit), and rolled back
    if it fails: the command line's commit point, as the request's is the app's."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            in_one_transaction(subcommand)
        return command
    if getattr(command.callback, "in_one_transaction", False):
        return command  # the same command, registered by another app in this process
    work = command.callback
    assert work is not None, "a command without a callback does nothing"

    @functools.wraps(work)
    def run(*args, **kwargs):
        with unit_of_work():
            try:
                return commit_each_unit(work(*args, **kwargs))
            except BaseException:
                db.session.rollback()
                raise

    run.in_one_transaction = True  # type: ignore[attr-defined]  # marks it as wrapped
    command.callback = run
    return command


def register_commands(app: Flask) -> None:
    from ecdop.audit.commands import audit_group
    from ecdop.auth.commands import tokens_group
    from ecdop.backups.commands import backup_command, restore_command
    from ecdop.board_reports.commands import reports_group

    for command in (
        audit_group,
        tokens_group,
        reports_group,
        seed_synthetic_command,
        backup_command,
        restore_command,
        create_area_command,
        create_organisation_command,
        create_user_command,
        seed_demo_command,
        scheduler_command,
        run_job_command,
        refresh_deadlines_command,
        export_national_command,
        import_populations_command,
        import_live_births_command,
        import_deprivation_command,
        serve_command,
    ):
        app.cli.add_command(in_one_transaction(command))
