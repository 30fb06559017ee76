"""The scheduler: one declarative table of jobs, and one scheduler at a time.

A job takes no arguments but the day it runs for, calls a service inside an app context and
commits; each can run twice without doing anything twice. Only the scheduler holding the lock
(a PostgreSQL advisory lock, or a file lock beside a SQLite database) runs jobs; a second one
started by mistake stands by, idle, and takes over if the first goes away.
"""

from __future__ import annotations

import contextlib
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from filelock import FileLock, Timeout
from flask import Flask
from sqlalchemy import Connection, Engine, text

from ecdop.analytics.early_warning import watch_all_areas
from ecdop.api.services import forget_old_idempotency_keys
from ecdop.auth.sessions import forget_ended_sessions
from ecdop.board_reports.services import generate_due_reports
from ecdop.db import utc_now
from ecdop.deadlines.outbox import deliver_outbox
from ecdop.deadlines.sweep import send_coordinator_digests, sweep_deadlines
from ecdop.extensions import db
from ecdop.formatting import UK

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    service: Callable[[], object]
    description: str
    # APScheduler trigger and its arguments, built when the scheduler starts.
    trigger: str
    schedule: dict = field(default_factory=dict)
    # Run once straight after the scheduler starts, to catch up on any downtime.
    on_start: bool = False


JOBS: tuple[Job, ...] = (
    Job("sweep-deadlines", sweep_deadlines, "Queue the reminders and escalations now due",
        "interval", {"minutes": 5}, on_start=True),
    Job("deliver-outbox", deliver_outbox, "Send queued e-mail, retrying failures",
        "interval", {"minutes": 1}, on_start=True),
    Job("coordinator-digest", send_coordinator_digests,
        "Each coordinator's daily summary of overdue and soon-due items",
        "cron", {"day_of_week": "mon-fri", "hour": 7, "minute": 0}),
    Job("watch-for-patterns", watch_all_areas,
        "Check every area's early-warning rules and alert coordinators to new patterns",
        "cron", {"hour": 6, "minute": 30}, on_start=True),
    Job("board-reports", generate_due_reports,
        "Each area's quarterly and annual board reports, the day after each period closes",
        "cron", {"hour": 5, "minute": 0}, on_start=True),
    Job("forget-idempotency-keys", forget_old_idempotency_keys,
        "Forget the API's idempotency keys once they are a week old",
        "cron", {"hour": 3, "minute": 15}),
    Job("forget-ended-sessions", forget_ended_sessions,
        "Delete the records of sessions that ended more than 90 days ago",
        "cron", {"hour": 3, "minute": 30}),
)  # fmt: skip

JOBS_BY_NAME = {job.name: job for job in JOBS}
# Jobs whose service takes the day it runs for (so the CLI can try them on another day).
DATED_JOBS = ("sweep-deadlines", "coordinator-digest", "watch-for-patterns", "board-reports")


def run_job(app: Flask, name: str, **arguments) -> object:
    """Run one job in its own app context and transaction."""
    job = JOBS_BY_NAME[name]
    with app.app_context():
        try:
            result = job.service(**arguments)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Job %s failed", name)
            raise
        finally:
            db.session.remove()
    log.info("Job %s done: %s", name, result)
    return result


def _run_scheduled(app: Flask, name: str) -> None:
    # A failure is logged in run_job; the next run tries again.
    with contextlib.suppress(Exception):
        run_job(app, name)


# "ecdop-scheduler" as a number: PostgreSQL advisory locks are keyed by a bigint.
ADVISORY_LOCK_KEY = zlib.crc32(b"ecdop-scheduler")


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, held on its own connection for the process's
    life; the database lets it go if the process dies."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self.engine.connect()
        statement = text("SELECT pg_try_advisory_lock(:key)")
        acquired = connection.scalar(statement, {"key": ADVISORY_LOCK_KEY})
        connection.commit()
        if acquired:
            self.connection = connection
        else:
            connection.close()
        return bool(acquired)

    def release(self) -> None:
        if self.connection is not None:
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                    {"key": ADVISORY_LOCK_KEY})  # fmt: skip
            self.connection.commit()
            self.connection.close()
            self.connection = None


class SQLiteFileLock:
    """An exclusive lock on a file beside the SQLite database; released if the process dies."""

    def __init__(self, database_path: str):
        self.lock = FileLock(f"{database_path}.scheduler.lock", thread_local=False)

    def acquire(self) -> bool:
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        if self.lock.is_locked:
            self.lock.release()


def scheduler_lock(engine: Engine) -> AdvisoryLock | SQLiteFileLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return SQLiteFileLock(engine.url.database)


class JobScheduler:
    """The job table on an APScheduler scheduler, run only while holding the lock."""

    def __init__(self, app: Flask, scheduler: BaseScheduler):
        self.app = app
        self.scheduler = scheduler
        with app.app_context():
            self.lock = scheduler_lock(db.engine)
        self.running = False

    def start(self) -> bool:
        """Start the jobs if no other scheduler is running them; False if one is."""
        if not self.lock.acquire():
            log.warning("Another ecdop scheduler is running; this one stands by")
            return False
        self.scheduler.configure(timezone=UK)
        for job in JOBS:
            # Left out, APScheduler works out the first run; None would pause the job.
            first_run = {"next_run_time": _now()} if job.on_start else {}
            self.scheduler.add_job(
                _run_scheduled,
                job.trigger,
                args=(self.app, job.name),
                id=job.name,
                name=job.description,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
                **first_run,
                **job.schedule,
            )
        self.running = True
        log.info("ecdop scheduler running: %s", ", ".join(job.name for job in JOBS))
        self.scheduler.start()
        return True

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.running = False
        self.lock.release()


def _now() -> datetime:
    return utc_now().astimezone(UK)
