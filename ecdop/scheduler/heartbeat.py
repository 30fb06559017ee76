"""The scheduler's heartbeat: the leader writes it every few seconds; the readiness check and
the outbox page read it to tell whether reminders and mail are going out at all."""

from __future__ import annotations

from datetime import datetime, timedelta

from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.scheduler.models import SchedulerHeartbeat

# One row, rewritten: the history of beats is of no use to anyone.
HEARTBEAT_ROW = 1
# Older than this, the scheduler is taken to be down (the leader beats every few seconds).
STALE_AFTER = timedelta(minutes=5)


def record_heartbeat(node: str, leading_since: datetime) -> None:
    beat = db.session.get(SchedulerHeartbeat, HEARTBEAT_ROW) or SchedulerHeartbeat(id=HEARTBEAT_ROW)
    beat.node, beat.leading_since, beat.beat_at = node, leading_since, utc_now()
    db.session.add(beat)


def last_heartbeat() -> SchedulerHeartbeat | None:
    return db.session.get(SchedulerHeartbeat, HEARTBEAT_ROW)


def scheduler_is_beating(beat: SchedulerHeartbeat | None) -> bool:
    return beat is not None and utc_now() - beat.beat_at <= STALE_AFTER
