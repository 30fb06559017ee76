"""What is recorded of the family's part in a case's review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime


class FamilyRecord(Base, TimestampMixin):
    """One per case, made when a key worker is first assigned: the key worker now, and when
    they were assigned (the family's deadlines count from it). Earlier key workers and the
    reasons for each change are in the case's timeline."""

    __tablename__ = "family_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    key_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    key_worker_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()
    key_worker: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}
