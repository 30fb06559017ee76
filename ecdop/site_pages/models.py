"""The pages every deployment must publish about itself, as its administrator wrote them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import User
from ecdop.foundation.db import Base, UTCDateTime, utc_now


class SitePageText(Base):
    """A deployment's own text for one of the footer's pages, replacing ecdop's default."""

    __tablename__ = "site_page_texts"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    changed_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version_id}
