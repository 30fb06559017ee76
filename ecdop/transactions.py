"""The request's unit of work: run it, commit once, and retry a lost race."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from ecdop.extensions import db

logger = logging.getLogger(__name__)
Result = TypeVar("Result")
ATTEMPTS = 3


def commit_with_retry(work: Callable[[], Result]) -> Result:
    """Run ``work`` and commit. If a concurrent transaction won a unique constraint (two
    notifications of one child, two first cases of a year), roll back and run it again: the
    second run sees the winner's committed rows and links to them instead."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise
            logger.info("Unit of work lost a race on a unique constraint; retrying")
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
