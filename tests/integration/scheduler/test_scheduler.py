"""One scheduler for real: a leader that loses its lock stops at once, a standby takes over
within seconds, and no job ever runs twice at the same moment, whoever started it.

These run real schedulers in threads against the real database with the clock running:
APScheduler's triggers and the lock's heartbeat need time to pass. They wait on events and
conditions with generous limits, never on fixed sleeps.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from ecdop.foundation.extensions import db
from ecdop.scheduler.heartbeat import last_heartbeat
from ecdop.scheduler.leading import Job, JobScheduler
from ecdop.scheduler.locks import SCHEDULER_LOCK_KEY
from tests.conftest import _reset_database, using_postgres

HEARTBEAT = 0.2
TAKEOVER_LIMIT = 15.0


@pytest.fixture
def live_database(app, database_url):
    """A clean database with the real clock."""
    _reset_database(app, database_url)
    with app.app_context():
        yield db
        db.session.remove()


@dataclass
class Probe:
    """A job that notes who ran it and when, and whether anyone else was running it then."""

    runs: list[tuple[str, float, float]] = field(default_factory=list)
    most_at_once: int = 0
    _running: int = 0
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def job_for(self, runner: str) -> Job:
        return Job("probe", self._service(runner), "A probe", "interval", {"seconds": 0.05},
                   on_start=True)  # fmt: skip

    def _service(self, runner: str) -> Callable[[], None]:
        def probe() -> None:
            with self._guard:
                self._running += 1
                self.most_at_once = max(self.most_at_once, self._running)
            started = time.monotonic()
            db.session.execute(text("SELECT 1"))
            # Long enough that two runs would overlap if anything let them.
            threading.Event().wait(0.03)
            with self._guard:
                self._running -= 1
                self.runs.append((runner, started, time.monotonic()))

        return probe

    def runs_by(self, runner: str, after: float = 0.0) -> int:
        return sum(1 for who, started, _ in self.runs if who == runner and started >= after)


def wait_until(condition: Callable[[], bool], limit: float = TAKEOVER_LIMIT) -> float:
    """Seconds until ``condition`` held; fails the test if it did not within ``limit``."""
    started = time.monotonic()
    while not condition():
        elapsed = time.monotonic() - started
        assert elapsed < limit, f"not within {limit} seconds"
        threading.Event().wait(0.02)
    return time.monotonic() - started


class Runner:
    def __init__(self, app, probe: Probe, name: str):
        self.name = name
        self.scheduler = JobScheduler(
            app, BackgroundScheduler(), jobs=(probe.job_for(name),), heartbeat_seconds=HEARTBEAT
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.scheduler.run, args=(self.stop,))

    def start(self) -> None:
        self.thread.start()

    def kill(self) -> None:
        self.stop.set()
        self.thread.join()
        self.scheduler.shutdown()


@pytest.fixture
def runners(app, live_database):
    made: list[Runner] = []

    def make(probe: Probe, name: str) -> Runner:
        runner = Runner(app, probe, name)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.kill()


def test_two_schedulers_started_at_once_never_run_a_job_at_the_same_time(runners):
    probe = Probe()
    first, second = runners(probe, "first"), runners(probe, "second")
    first.start()
    second.start()
    wait_until(lambda: len(probe.runs) >= 10)
    leaders = [runner for runner in (first, second) if runner.scheduler.leading]
    assert len(leaders) == 1
    leader = leaders[0]
    standby = second if leader is first else first
    assert probe.runs_by(standby.name) == 0

    leader.kill()
    handed_over = time.monotonic()
    took = wait_until(lambda: probe.runs_by(standby.name) >= 5)
    assert took < TAKEOVER_LIMIT
    assert probe.runs_by(leader.name, after=handed_over) == 0
    assert probe.most_at_once == 1


def test_the_leader_beats_and_the_beat_names_it(runners):
    probe = Probe()
    runner = runners(probe, "only")
    runner.start()
    wait_until(lambda: runner.scheduler.leading)
    db.session.remove()
    wait_until(lambda: _fresh_heartbeat() is not None)
    beat = _fresh_heartbeat()
    assert beat.leading_since <= beat.beat_at


def _stood_down_in(caplog) -> bool:
    return any("lost its lock" in record.getMessage() for record in caplog.records)


def _fresh_heartbeat():
    db.session.remove()
    return last_heartbeat()


@pytest.mark.skipif(not using_postgres(), reason="a SQLite file lock cannot be taken away")
def test_a_leader_whose_database_connection_ends_stops_and_the_standby_takes_over(
    app, runners, caplog
):
    caplog.set_level(logging.WARNING, logger="ecdop.scheduler.leading")
    probe = Probe()
    first, second = runners(probe, "first"), runners(probe, "second")
    first.start()
    wait_until(lambda: first.scheduler.leading and probe.runs_by("first") >= 3)
    second.start()
    wait_until(lambda: second.thread.is_alive())

    # What a database restart does to the lock's connection.
    terminated = time.monotonic()
    with db.engine.begin() as connection:
        ended = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND (classid::bigint << 32) + objid::bigint = :key"
            ),
            {"key": SCHEDULER_LOCK_KEY},
        ).all()
    assert ended == [(True,)]

    # Watched in the log, not in `leading`: the old leader may take the lock again on a new
    # connection at its next beat, too soon after standing down for a poll to see it.
    stood_down = wait_until(lambda: _stood_down_in(caplog))
    assert stood_down < TAKEOVER_LIMIT
    # Whichever takes the lock next (the standby, or the old leader on a new connection)
    # leads alone, and the jobs go on within the limit.
    wait_until(
        lambda: probe.runs_by("first", terminated) + probe.runs_by("second", terminated) >= 5
    )
    assert time.monotonic() - terminated < TAKEOVER_LIMIT
    assert [first.scheduler.leading, second.scheduler.leading].count(True) == 1
    assert probe.most_at_once == 1
