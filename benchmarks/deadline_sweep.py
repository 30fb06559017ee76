"""How long the reminder sweep takes over 100,000 open deadlines on PostgreSQL.

Fills a PostgreSQL database (wiped first) with 20,000 synthetic cases in one area, each with
its five case-level deadlines open (100,000 in all), due dates spread from 60 days ago to 180
days ahead, swept up to yesterday. Then times, each in its own transaction as the scheduler
runs it:

- the first sweep of the day, which queues every reminder that falls due today;
- a later sweep the same day, which finds nothing to do (the sweep runs every 5 minutes);
- a catch-up sweep after two weeks of downtime;
- a coordinator changing due dates while that catch-up sweep runs in another thread: how long
  each change waits (the sweep commits in batches, so at most one batch).

    ECDOP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m benchmarks.deadline_sweep
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
from datetime import date, timedelta

import flask_migrate
import time_machine
from sqlalchemy import func, insert, select, text, update

from benchmarks.case_list import case_rows
from ecdop import create_app
from ecdop.auth.models import OrganisationKind, Role, User
from ecdop.auth.services import create_area, create_organisation, create_user
from ecdop.cases.models import Case
from ecdop.cases.states import Stage
from ecdop.deadlines.models import Deadline, DeadlineState
from ecdop.deadlines.reminders import next_step_after
from ecdop.deadlines.rules import DeadlineKind
from ecdop.deadlines.services import change_due_date
from ecdop.deadlines.sweep import sweep_deadlines
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import commit_each_unit
from ecdop.mail.models import OutboxMessage

TODAY = date(2026, 11, 23)  # a Monday
CASE_KINDS = [kind for kind in DeadlineKind if kind is not DeadlineKind.REPORTING_REQUEST]


def fill(cases: int, seed: int) -> None:
    rng = random.Random(seed)
    area = create_area("BENCH", "Benchmark area")
    council = create_organisation("Benchmark Council", OrganisationKind.OTHER, areas=[area])
    for number in range(2):
        create_user(email=f"coordinator{number}@bench.test", full_name=f"Coordinator {number}",
                    role=Role.COORDINATOR, organisation=council, areas=[area],
                    password="benchmark-password")  # fmt: skip
    db.session.commit()
    used: set[str] = set()
    for start in range(0, cases, 10_000):
        batch = case_rows(area, min(10_000, cases - start), rng, start, used)
        db.session.execute(insert(Case), batch)
    db.session.commit()
    case_ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    yesterday = TODAY - timedelta(days=1)
    rows = []
    for case_id in case_ids:
        for kind in CASE_KINDS:
            due_on = TODAY + timedelta(days=rng.randrange(-60, 180))
            rows.append(dict(case_id=case_id, kind=kind, starts_on=TODAY - timedelta(days=90),
                             due_on=due_on, due_on_set_by_hand=False, state=DeadlineState.OPEN,
                             reminded_through=yesterday, version_id=1,
                             next_reminder_on=next_step_after(due_on, yesterday)))  # fmt: skip
    for start in range(0, len(rows), 20_000):
        db.session.execute(insert(Deadline), rows[start : start + 20_000])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def timed_sweep(label: str, today: date) -> None:
    with time_machine.travel(today, tick=True):
        started = time.perf_counter()
        queued = commit_each_unit(sweep_deadlines(today))
        db.session.commit()
        elapsed = time.perf_counter() - started
    print(f"{label:<48} {elapsed:6.2f} s   {queued:6d} reminders queued")


def edits_during_sweep(app, today: date) -> None:
    """A coordinator's due-date changes, one after another, while the sweep runs."""
    coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
    due = db.session.scalars(
        select(Deadline.id)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.state == DeadlineState.OPEN, Deadline.next_reminder_on <= today,
               Case.stage != Stage.CLOSED)
        .order_by(func.random())
        .limit(2000)
    ).all()  # fmt: skip
    db.session.commit()
    finished = threading.Event()

    def sweep() -> None:
        with app.app_context():
            started = time.perf_counter()
            queued = commit_each_unit(sweep_deadlines(today))
            db.session.commit()
            print(f"{'sweep with edits alongside':<48} {time.perf_counter() - started:6.2f} s   "
                  f"{queued:6d} reminders queued")  # fmt: skip
            finished.set()

    waits = []
    with time_machine.travel(today, tick=True):
        sweeper = threading.Thread(target=sweep)
        sweeper.start()
        for deadline_id in due:
            if finished.is_set():
                break
            waits.append(change_one_due_date(deadline_id, coordinator))
        sweeper.join()
    waits = [wait * 1000 for wait in sorted(waits)]
    print(f"{len(waits)} due-date changes during the sweep: median {waits[len(waits) // 2]:.0f}"
          f" ms, 99th percentile {waits[int(len(waits) * 0.99)]:.0f} ms, "
          f"longest {waits[-1]:.0f} ms")  # fmt: skip


def change_one_due_date(deadline_id: int, coordinator: User) -> float:
    started = time.perf_counter()
    deadline = db.session.get(Deadline, deadline_id)
    change_due_date(deadline, due_on=deadline.due_on + timedelta(days=7),
                    reason="Agency asked for more time", actor=coordinator,
                    expected_version=deadline.version_id)  # fmt: skip
    db.session.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    url = os.environ.get(
        "ECDOP_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.test_request_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade()
        started = time.perf_counter()
        fill(options.cases, options.seed)
        open_count = db.session.scalar(
            select(func.count()).where(Deadline.state == DeadlineState.OPEN)
        )
        print(f"filled {open_count} open deadlines in {time.perf_counter() - started:.0f} s")
        timed_sweep("first sweep of the day", TODAY)
        timed_sweep("the next sweep, 5 minutes later", TODAY)
        db.session.execute(
            update(Deadline).values(reminded_through=TODAY - timedelta(days=1))
        )  # undo the day's sweep, then pretend two weeks were missed
        db.session.commit()
        timed_sweep("catch-up after 14 days of downtime", TODAY + timedelta(days=14))
        total = db.session.scalar(select(func.count(OutboxMessage.id)))
        print(f"{total} messages in the outbox")
        edits_during_sweep(app, TODAY + timedelta(days=28))


if __name__ == "__main__":
    main()
