"""Jobs on an APScheduler scheduler, run only while this process holds the scheduler lock.

A job takes no arguments but the day it runs for, calls a service inside an app context and
commits; each can run twice without doing anything twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from flask import Flask
from sqlalchemy.exc import DBAPIError

from ecdop.foundation.clock import UK
from ecdop.foundation.db import unit_of_work, utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import ask_work_to_stop, commit_each_unit, let_work_go_on
from ecdop.scheduler.heartbeat import record_heartbeat
from ecdop.scheduler.locks import job_lock, scheduler_lock

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


def run_alone(app: Flask, job: Job, **arguments) -> object:
    """Run one job in its own app context and transaction, unless it is running elsewhere:
    a job never runs twice at the same moment, whichever scheduler or command started it."""
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
        jobs: tuple[Job, ...],
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
            run_alone(self.app, job)

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
