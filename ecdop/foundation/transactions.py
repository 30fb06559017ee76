"""One transaction per request, per job unit and per command, committed in one place.

Views and services never commit: they add and flush. The request ends in ``end_of_request``
(called by the app, see ``ecdop.EcdopFlask``); a job's units and a command's work end in
``commit_each_unit``, called by the job runner and the command line. The outbox sender
commits each message on its own, by design (``ecdop.mail.sender``).

Some writes are facts about what a person saw or did (reading a case, being refused a page,
a session timing out) and are kept whatever becomes of the request's own work. They are
written with ``keep_whatever_happens``, and undoing a request's work is always
``roll_back_keeping_what_was_seen``, which writes them again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from typing import TypeVar

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ecdop.foundation.extensions import db

logger = logging.getLogger(__name__)
Result = TypeVar("Result")
ATTEMPTS = 3
KEPT = "ecdop.kept_whatever_happens"
STOPPING = "ecdop.stopping"


def ask_work_to_stop(app: Flask) -> None:
    """The process is stopping (SIGTERM to the scheduler): long work ends at its next unit,
    keeping what it finished, instead of running on for minutes."""
    app.extensions.setdefault(STOPPING, threading.Event()).set()


def let_work_go_on(app: Flask) -> None:
    """The stopping work has stopped: the app's work may run again (the next scheduler, a
    command, another test of the same app)."""
    app.extensions.pop(STOPPING, None)


def stop_asked() -> bool:
    stopping = current_app.extensions.get(STOPPING)
    return stopping is not None and stopping.is_set()


def keep_whatever_happens(write: Callable[[], Result]) -> Result:
    """Write now, in the request's transaction, and again after any rollback of it."""
    db.session.info.setdefault(KEPT, []).append(write)
    return write()


def roll_back_keeping_what_was_seen() -> None:
    """Undo the request's (or unit's) own work, then write again what must be kept."""
    db.session.rollback()
    for write in db.session.info.get(KEPT, ()):
        write()


def commit_unit() -> None:
    """The commit that ends a request, a job's unit of work or a command."""
    db.session.commit()


def _forget_kept_writes(session: Session) -> None:
    # Once committed, a kept write is kept: a later rollback must not write it a second time.
    session.info.pop(KEPT, None)


def forget_kept_writes_at_every_commit() -> None:
    """Called by create_app, like the audit chain's seal."""
    if not event.contains(Session, "after_commit", _forget_kept_writes):
        event.listen(Session, "after_commit", _forget_kept_writes)


def commit_each_unit(work: object) -> object:
    """Commit a job's or a command's work. A job that works in units is a generator that
    yields after each: each unit is committed on its own, so a run killed half-way keeps what
    it finished and the next run takes up the rest. The generator's return value, or the
    plain work's, is the result."""
    if not isinstance(work, Generator):
        commit_unit()
        return work
    while True:
        try:
            next(work)
        except StopIteration as finished:
            commit_unit()
            return finished.value
        commit_unit()
        if stop_asked():  # the rest is taken up by the next run, after the restart
            work.close()
            return None


def end_of_request(status: int) -> None:
    """Keep the request's work if its answer is not an error, and only what was seen if it
    is: a refused form, a page refused, a failure."""
    if status >= 400:
        roll_back_keeping_what_was_seen()
    commit_unit()


def forget_the_request() -> None:
    """After a commit that failed (a conflict, the database gone): nothing of it is kept."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone with the database: nothing to undo
        logger.warning("Could not roll back after a failed commit")
    db.session.info.pop(KEPT, None)


def retry_lost_race(work: Callable[[], Result]) -> Result:
    """Run ``work`` in a savepoint; if a concurrent transaction won a unique constraint (two
    notifications of one child, two first cases of a year, one idempotency key twice), undo
    just that and run it again: the second run sees the winner's committed rows and links to
    them instead. On PostgreSQL the losing insert waits for the winner to commit first."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.session.begin_nested():
                return work()
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
            logger.info("A unit of work lost a race on a unique constraint; running it again")
    raise AssertionError("unreachable")


def add_unless_present(row: object) -> bool:
    """Insert ``row`` in a savepoint; False, with nothing written, if a unique constraint says
    it is already there (another transaction, perhaps running at this moment, got there
    first). On PostgreSQL the insert waits for that transaction to end before deciding."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True
