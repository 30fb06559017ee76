"""People, their organisations and the review areas they work in."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth import passwords
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import Deidentification, not_personal, of_a_professional
from ecdop.foundation.vocabulary import LabelledEnum


class Role(LabelledEnum):
    NOTIFIER = "notifier", "Notifier (police or health)"
    AGENCY_REPORTER = "agency_reporter", "Agency reporter"
    COORDINATOR = "coordinator", "CDOP coordinator"
    # The family's named single point of contact: often a specialist nurse or a bereavement
    # worker. Sees only the cases they are key worker of, and of those only the family's part.
    KEY_WORKER = "key_worker", "Key worker"
    PANEL_MEMBER = "panel_member", "Panel member"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    BOARD_MEMBER = "board_member", "Safeguarding partnership board member"
    ADMIN = "admin", "Administrator"


class OrganisationKind(LabelledEnum):
    POLICE = "police", "Police force"
    NHS_TRUST = "nhs_trust", "NHS trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    SCHOOL = "school", "School"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    AMBULANCE_SERVICE = "ambulance_service", "Ambulance service"
    HOSPICE = "hospice", "Hospice"
    OTHER = "other", "Other"


user_areas = Table(
    "user_areas",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


# The review areas an organisation works with: its people act only there, requests for
# information reach it only from there, and coordinators invite its contacts only for them.
organisation_areas = Table(
    "organisation_areas",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base, TimestampMixin):
    """A child death review area; every case belongs to exactly one."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120), info=not_personal("a review area's name"))
    # Who hears when the coordinators' own deadlines are badly overdue (e.g. the CDOP chair).
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])

    def __repr__(self) -> str:
        return f"<Area {self.code}>"


class Organisation(Base, TimestampMixin):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(160), unique=True, info=not_personal("an organisation's name")
    )
    kind: Mapped[OrganisationKind] = mapped_column(string_enum(OrganisationKind))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    users: Mapped[list[User]] = relationship(back_populates="organisation", order_by="User.id")
    areas: Mapped[list[Area]] = relationship(secondary=organisation_areas, order_by=Area.code)

    @property
    def area_ids(self) -> set[int]:
        return {area.id for area in self.areas}

    def works_in(self, area: Area) -> bool:
        return area.id in self.area_ids

    def __repr__(self) -> str:
        return f"<Organisation {self.id}>"


class User(UserMixin, Base, TimestampMixin):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(
        String(254),
        unique=True,
        info=of_a_professional("to sign in and to be sent the work", Deidentification.REMOVE),
    )
    full_name: Mapped[str] = mapped_column(
        String(120),
        info=of_a_professional("to say who did what", Deidentification.KEEP),
    )
    job_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(
        String(40),
        default="",
        info=of_a_professional("so that colleagues can reach them", Deidentification.REMOVE),
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(string_enum(Role))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # A password someone else chose (an administrator) is good for the first sign-in only.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Wrong passwords and codes in the current window, whatever address they came from.
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    first_failed_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The authenticator app's shared secret (base32), once the person has confirmed it works.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The secret offered at enrolment, before the person has proved their app holds it. It is
    # the person's, not the sign-in's: an app set up before a sign-in timed out still works.
    totp_secret_offered: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code of that step or earlier is a replay.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    areas: Mapped[list[Area]] = relationship(secondary=user_areas, order_by=Area.code)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login and on load
        return self.active and self.organisation.active

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)
        self.password_changed_at = utc_now()

    def check_password(self, password: str) -> bool:
        return passwords.verify_password(self.password_hash, password)

    @property
    def area_ids(self) -> set[int]:
        return {area.id for area in self.areas}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class Invitation(Base):
    """A single-use, expiring link for an agency's contact to create their own account.

    Only a hash of the token is stored: the link itself exists only in the e-mail sent.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(
        String(254),
        index=True,
        info=of_a_professional(
            "to send an agency contact their invitation",
            Deidentification.REMOVE,
        ),
    )
    full_name: Mapped[str] = mapped_column(
        String(120),
        info=of_a_professional("to address the invitation", Deidentification.REMOVE),
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A newer invitation to the same address replaces this one.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    area: Mapped[Area] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class ApiTokenState(LabelledEnum):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class ApiToken(Base):
    """A notifier's key to the API, for their organisation's own system (a force's records
    system, a trust's patient administration system).

    Only a hash is stored: the token itself is shown once, when it is made. The prefix, which
    is not secret enough to use, lets an administrator tell tokens apart.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), info=not_personal("an API token's label"))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def state(self, now: datetime) -> ApiTokenState:
        if self.revoked_at is not None:
            return ApiTokenState.REVOKED
        if self.expires_at <= now:
            return ApiTokenState.EXPIRED
        return ApiTokenState.ACTIVE

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}>"


class SessionEnd(LabelledEnum):
    """Why a session ended: shown to the person, and kept on the record."""

    SIGNED_OUT = "signed_out", "Signed out"
    IDLE = "idle", "Inactive for too long"
    EXPIRED = "expired", "Reached its time limit"
    SIGN_IN_FINISHED = "sign_in_finished", "Sign-in finished"
    SIGN_IN_ABANDONED = "sign_in_abandoned", "Sign-in not finished"
    ENDED_BY_PERSON = "ended_by_person", "Ended by the account's owner"
    ENDED_BY_ADMIN = "ended_by_admin", "Ended by an administrator"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset"
    ACCOUNT_LOCKED = "account_locked", "Account locked"
    DEACTIVATED = "deactivated", "Account deactivated"
    ACCESS_CHANGED = "access_changed", "What they may see changed"


class UserSession(Base):
    """A signed-in browser, held on the server so that it can be ended from here.

    The cookie carries a random token; only its hash is stored. A session is *signed in* once
    every step of sign-in is done; before that it only lets the person finish signing in.
    """

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id_ended_at", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_in: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[SessionEnd | None] = mapped_column(string_enum(SessionEnd))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip_address: Mapped[str | None] = mapped_column(
        String(45),
        info=of_a_professional(
            "to show a person where their sessions are",
            Deidentification.REMOVE,
        ),
    )
    # Part-way through sign-in: the code was right, a password change or enrolment may follow.
    second_factor_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the person last gave their password and a fresh code in this session: sensitive
    # account actions need it to be recent, so a session left open or stolen is not enough.
    identity_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class RecoveryCode(Base):
    """A single-use code for signing in without the authenticator app; stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordReset(Base):
    """A forgotten-password link: single use, short-lived, and only its hash is kept."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class KnownBrowser(Base):
    """A browser the person has signed in with before (OWASP's device cookie): it keeps an
    allowance of wrong passwords and codes of its own, so that someone guessing from elsewhere
    cannot keep the account's owner locked out. The browser holds a signed random nonce; only
    its hash is stored."""

    __tablename__ = "known_browsers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    first_failed_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
