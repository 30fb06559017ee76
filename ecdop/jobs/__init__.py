"""Entry points: the scheduler: one declarative table of jobs, and one scheduler at a time.

A job takes no arguments but the day it runs for, calls a service inside an app context and
commits; each can run twice without doing anything twice, and holds its own lock so that it
never does run twice at once. Only the scheduler holding the scheduler lock (a PostgreSQL
advisory lock, or a file lock beside a SQLite database) runs jobs; it confirms the lock every
few seconds and before each job. Another scheduler stands by, idle, and takes over within
seconds if the leader goes away or loses its lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from filelock import FileLock, Timeout
from flask import Flask
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from ecdop.analytics.early_warning import watch_all_areas, watch_areas_asked_about
from ecdop.api.services import forget_old_idempotency_keys
from ecdop.audit.checkpoints import send_checkpoint
from ecdop.auth.sessions import forget_ended_sessions
from ecdop.board_reports.services import generate_due_reports
from ecdop.deadlines.heartbeat import record_heartbeat
from ecdop.deadlines.sweep import send_coordinator_digests, sweep_deadlines
from ecdop.foundation.clock import UK
from ecdop.foundation.db import unit_of_work, utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import ask_work_to_stop, commit_each_unit, let_work_go_on
from ecdop.outbox.sender import deliver_outbox

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
    Job("watch-new-deaths", watch_areas_asked_about,
        "Check the early-warning rules of areas with a new death, triage or rule change",
        "interval", {"minutes": 1}, on_start=True),
    Job("watch-for-patterns", watch_all_areas,
        "Check every area's early-warning rules and alert coordinators to new patterns",
        "cron", {"hour": 6, "minute": 30}, on_start=True),
    Job("board-reports", generate_due_reports,
        "Each area's quarterly and annual board reports, the day after each period closes",
        "cron", {"hour": 5, "minute": 0}, on_start=True),
    Job("forget-idempotency-keys", forget_old_idempotency_keys,
        "Forget the API's idempotency keys once they are a week old",
        "cron", {"hour": 3, "minute": 15}),
    Job("audit-checkpoint", send_checkpoint,
        "Send the audit chain's position and hash to the log and the audit mailbox",
        "cron", {"hour": 0, "minute": 10}),
    Job("forget-ended-sessions", forget_ended_sessions,
        "Delete the records of sessions that ended more than 90 days ago",
        "cron", {"hour": 3, "minute": 30}),
)  # fmt: skip

JOBS_BY_NAME = {job.name: job for job in JOBS}
# Jobs whose service takes the day it runs for (so the CLI can try them on another day).
DATED_JOBS = (
    "sweep-deadlines", "coordinator-digest", "watch-new-deaths", "watch-for-patterns",
    "board-reports", "audit-checkpoint",
)  # fmt: skip


def run_job(app: Flask, job: Job | str, **arguments) -> object:
    """Run one job in its own app context and transaction, unless it is running elsewhere:
    a job never runs twice at the same moment, whichever scheduler or command started it."""
    job = JOBS_BY_NAME[job] if isinstance(job, str) else job
    with app.app_context(), job_lock(db.engine, job.name) as held, unit_of_work():
        if not held:
            log.warning("Job %s is already running elsewhere; not started again", job.name)
            return None
        try:
            result = commit_each_unit(job.service(**arguments))
        except Exception:
            db.session.rollback()
            log.exception("Job %s failed", job.name)
            raise
        finally:
            db.session.remove()
    log.info("Job %s done: %s", job.name, result)
    return result


def _lock_key(name: str) -> int:
    # PostgreSQL advisory locks are keyed by a bigint.
    return zlib.crc32(name.encode())


SCHEDULER_LOCK_KEY = _lock_key("ecdop-scheduler")


@contextlib.contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Hold the job's own lock while it runs; yields False if someone else holds it."""
    lock = scheduler_lock(engine, f"job-{name}")
    held = lock.acquire()
    try:
        yield held
    finally:
        if held:
            lock.release()


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, held on its own connection: the database lets
    it go when that connection ends, whether the process died or the database restarted."""

    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.key = _lock_key(f"ecdop-{name}")
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        try:
            connection = self.engine.connect()
            acquired = connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
            connection.commit()
        except DBAPIError as error:
            log.warning("Could not reach the database to take the %s lock: %s", self.key, error)
            return False
        if acquired:
            self.connection = connection
        else:
            connection.close()
        return bool(acquired)

    def confirm(self) -> bool:
        """Whether this connection still holds the lock; asking keeps the connection alive."""
        if self.connection is None:
            return False
        try:
            held = self.connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND granted"
                    " AND (classid::bigint << 32) + objid::bigint = :key"
                ),
                {"key": self.key},
            )
            self.connection.commit()
        except DBAPIError as error:
            log.error("Lost the connection holding the scheduler lock: %s", error)
            self._drop_connection()
            return False
        if not held:
            self._drop_connection()
        return bool(held)

    def release(self) -> None:
        if self.connection is None:
            return
        with contextlib.suppress(DBAPIError):
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self.connection.commit()
        self._drop_connection()

    def _drop_connection(self) -> None:
        if self.connection is not None:
            # Never back to the pool: the server may have ended it.
            self.connection.invalidate()
            self.connection.close()
            self.connection = None


class SQLiteFileLock:
    """An exclusive lock on a file beside the SQLite database; released if the process dies."""

    def __init__(self, database_path: str, name: str):
        self.lock = FileLock(f"{database_path}.{name}.lock", thread_local=False)

    def acquire(self) -> bool:
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def confirm(self) -> bool:
        return self.lock.is_locked

    def release(self) -> None:
        if self.lock.is_locked:
            self.lock.release()


def scheduler_lock(engine: Engine, name: str = "scheduler") -> AdvisoryLock | SQLiteFileLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name)
    return SQLiteFileLock(engine.url.database or ":memory:", name)


# How often the leader confirms its lock and a standby tries to take it: a standby takes over
# well within 15 seconds of the leader's death.
HEARTBEAT_SECONDS = 5.0


class JobScheduler:
    """The job table on an APScheduler scheduler, whose jobs run only while this process leads.

    Every heartbeat, the leader confirms it still holds the lock (which keeps the lock's
    connection alive) and records the beat; a standby tries to take the lock. A leader that
    cannot confirm its lock pauses its jobs at once and stands by again. Each job confirms the
    lock again just before it runs.
    """

    def __init__(
        self,
        app: Flask,
        scheduler: BaseScheduler,
        *,
        jobs: tuple[Job, ...] = JOBS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ):
        self.app = app
        self.scheduler = scheduler
        self.jobs = jobs
        self.heartbeat_seconds = heartbeat_seconds
        with app.app_context():
            self.lock = scheduler_lock(db.engine)
        self.leading = False
        self.leading_since: datetime | None = None
        self.closed = False
        # The lock's connection is used by the heartbeat and by job threads: one at a time.
        self._guard = threading.RLock()

    def start(self) -> bool:
        """Load the jobs, paused, and lead if no other scheduler does; False if one does."""
        if not self.scheduler.running:
            self._load_jobs()
            self.scheduler.start(paused=True)
        return self.beat()

    def beat(self) -> bool:
        """One heartbeat: confirm or take the lock, and pause or resume the jobs to match."""
        with self._guard:
            if self.closed:
                return False
            if self.leading and not self.lock.confirm():
                self._stand_by()
            elif not self.leading and self.lock.acquire():
                self._lead()
            if self.leading:
                self._record_heartbeat()
            return self.leading

    def run(self, stop: threading.Event) -> None:
        """Beat until told to stop (the `scheduler` command's main loop)."""
        self.start()
        while not stop.wait(self.heartbeat_seconds):
            self.beat()

    def shutdown(self) -> None:
        # A job running now (a long drain of the outbox) ends at its next unit, not minutes on.
        ask_work_to_stop(self.app)
        with self._guard:
            self.closed = True
            self.leading = False
        # Outside the guard: a job still running may be waiting for it to confirm the lock.
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        let_work_go_on(self.app)  # what was running has stopped
        with self._guard:
            self.lock.release()

    def _load_jobs(self) -> None:
        self.scheduler.configure(timezone=UK)
        for job in self.jobs:
            # Left out, APScheduler works out the first run; None would pause the job.
            first_run = {"next_run_time": _now()} if job.on_start else {}
            self.scheduler.add_job(
                self._run_if_leading,
                job.trigger,
                args=(job,),
                id=job.name,
                name=job.description,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
                **first_run,
                **job.schedule,
            )

    def _run_if_leading(self, job: Job) -> None:
        with self._guard:
            if self.leading and not self.lock.confirm():
                self._stand_by()
            if not self.leading:
                return
        # A failure is logged in run_job; the next run tries again.
        with contextlib.suppress(Exception):
            run_job(self.app, job)

    def _lead(self) -> None:
        self.leading = True
        self.leading_since = utc_now()
        log.info("ecdop scheduler leading: %s", ", ".join(job.name for job in self.jobs))
        self.scheduler.resume()

    def _stand_by(self) -> None:
        self.scheduler.pause()
        self.leading = False
        self.leading_since = None
        log.warning("ecdop scheduler lost its lock; jobs paused, standing by")

    def _record_heartbeat(self) -> None:
        try:
            with self.app.app_context():
                record_heartbeat(NODE, self.leading_since or utc_now())
                commit_each_unit(None)
        except DBAPIError as error:
            # The lock is what decides who leads; a missed beat only shows on /readyz.
            log.error("Could not record the scheduler's heartbeat: %s", error)


NODE = f"{socket.gethostname()}:{os.getpid()}"


def _now() -> datetime:
    return utc_now().astimezone(UK)
