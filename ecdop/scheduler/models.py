"""The scheduler's heartbeat, as the database keeps it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ecdop.foundation.db import Base, UTCDateTime


class SchedulerHeartbeat(Base):
    """The leading scheduler's latest heartbeat: one row, rewritten every few seconds, so the
    readiness check and the outbox page can tell whether jobs are running at all."""

    __tablename__ = "scheduler_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Host and process of the scheduler that beat, for the administrator looking for it.
    node: Mapped[str] = mapped_column(String(200))
    leading_since: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
