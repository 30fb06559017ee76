"""People, their organisations and the review areas they work in."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ecdop.db import Base, TimestampMixin, UTCDateTime, string_enum


class Role(enum.StrEnum):
    NOTIFIER = "notifier"
    AGENCY_REPORTER = "agency_reporter"
    COORDINATOR = "coordinator"
    PANEL_MEMBER = "panel_member"
    PANEL_CHAIR = "panel_chair"
    BOARD_MEMBER = "board_member"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.NOTIFIER: "Notifier (police or health)",
    Role.AGENCY_REPORTER: "Agency reporter",
    Role.COORDINATOR: "CDOP coordinator",
    Role.PANEL_MEMBER: "Panel member",
    Role.PANEL_CHAIR: "Panel chair",
    Role.BOARD_MEMBER: "Safeguarding partnership board member",
    Role.ADMIN: "Administrator",
}


class OrganisationKind(enum.StrEnum):
    POLICE = "police"
    NHS_TRUST = "nhs_trust"
    GP_PRACTICE = "gp_practice"
    SCHOOL = "school"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    AMBULANCE_SERVICE = "ambulance_service"
    HOSPICE = "hospice"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]


ORGANISATION_KIND_LABELS = {
    OrganisationKind.POLICE: "Police force",
    OrganisationKind.NHS_TRUST: "NHS trust",
    OrganisationKind.GP_PRACTICE: "GP practice",
    OrganisationKind.SCHOOL: "School",
    OrganisationKind.CHILDRENS_SOCIAL_CARE: "Children's social care",
    OrganisationKind.AMBULANCE_SERVICE: "Ambulance service",
    OrganisationKind.HOSPICE: "Hospice",
    OrganisationKind.OTHER: "Other",
}

user_areas = Table(
    "user_areas",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base, TimestampMixin):
    """A child death review area; every case belongs to exactly one."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<Area {self.code}>"


class Organisation(Base, TimestampMixin):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(string_enum(OrganisationKind))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id}>"


class User(UserMixin, Base, TimestampMixin):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(string_enum(Role))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    areas: Mapped[list[Area]] = relationship(secondary=user_areas, order_by=Area.code)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login and on load
        return self.active and self.organisation.active

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def area_ids(self) -> set[int]:
        return {area.id for area in self.areas}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
