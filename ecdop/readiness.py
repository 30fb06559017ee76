"""Entry points: whether this process is fit to take traffic: what a load balancer's readiness
check asks."""

from __future__ import annotations

import logging
from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ecdop.foundation.extensions import db
from ecdop.scheduler.heartbeat import last_heartbeat, scheduler_is_beating

log = logging.getLogger(__name__)


@cache
def _migration_heads(directory: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(directory).get_heads())


def problems() -> list[str]:
    """What stops this process serving, for the log; empty when it is ready."""
    found = _problems()
    if found:
        log.warning("Not ready: %s", "; ".join(found))
    return found


def _problems() -> list[str]:
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        beating = scheduler_is_beating(last_heartbeat())
    except DBAPIError as error:
        return [f"the database cannot be reached: {type(error.orig).__name__}"]
    finally:
        db.session.rollback()
    found = []
    if applied != _migration_heads(current_app.extensions["migrate"].directory):
        found.append(f"the database's migrations ({', '.join(sorted(applied))}) are not current")
    if not beating:
        found.append("no scheduler has beaten in the last 5 minutes")
    return found
