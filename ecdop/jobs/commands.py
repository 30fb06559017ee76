"""Entry points: the commands that run the scheduler, one job, or the development server with
the scheduler inside it."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import current_app

from ecdop.foundation.extensions import the_app_itself
from ecdop.foundation.refusals import fail
from ecdop.jobs import DATED_JOBS, JOBS


def _log_to_stderr() -> None:
    """Long-running commands say what their jobs do (never case details: ids and counts)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
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

    from ecdop.scheduler.leading import JobScheduler

    _log_to_stderr()
    stop = threading.Event()
    runner = JobScheduler(
        the_app_itself(), BackgroundScheduler(), jobs=JOBS, heartbeat_seconds=heartbeat
    )
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


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT")
def serve_command(host: str, port: int) -> None:
    """The development server with the scheduler running inside it (what `make run` starts)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from werkzeug.serving import run_simple

    from ecdop.scheduler.leading import JobScheduler

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        fail("serve is the development server; in production run gunicorn and `scheduler`")
    _log_to_stderr()
    app = the_app_itself()
    runner = JobScheduler(app, BackgroundScheduler(), jobs=JOBS)
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
