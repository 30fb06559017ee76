"""Changes to people, organisations and areas."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, Organisation, OrganisationKind, Role, User
from ecdop.db import utc_now
from ecdop.extensions import db

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A change to accounts that cannot be made; the message is shown to the person."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > 128:
        return "Password must be 128 characters or fewer"
    return None


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None: callers give one message for any failure."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.check_password(password) or not user.is_active:
        record_event(AuditAction.LOGIN_FAILED, details={"email": normalise_email(email)[:254]})
        return None
    user.last_login_at = utc_now()
    record_event(AuditAction.LOGIN_SUCCEEDED, subject=user, actor_id=user.id)
    return user


def create_area(code: str, name: str) -> Area:
    code = code.strip().upper()
    if db.session.scalar(select(Area.id).where(Area.code == code)) is not None:
        raise AccountError(f"An area with code {code} already exists", "code")
    area = Area(code=code, name=name.strip())
    db.session.add(area)
    db.session.flush()
    record_event(AuditAction.AREA_CREATED, subject=area, details={"code": code})
    return area


def create_organisation(name: str, kind: OrganisationKind) -> Organisation:
    name = name.strip()
    taken = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if db.session.scalar(taken) is not None:
        raise AccountError("An organisation with this name already exists", "name")
    organisation = Organisation(name=name, kind=kind)
    db.session.add(organisation)
    db.session.flush()
    record_event(AuditAction.ORGANISATION_CREATED, subject=organisation)
    return organisation


def create_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation,
    areas: Iterable[Area],
    password: str,
    job_title: str = "",
    phone: str = "",
) -> User:
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("A user with this email address already exists", "email")
    if problem := password_problem(password):
        raise AccountError(problem, "password")
    areas = list(areas)
    if not areas:
        raise AccountError("Choose at least one area", "area_ids")
    user = User(
        email=email,
        full_name=full_name.strip(),
        job_title=job_title.strip(),
        phone=phone.strip(),
        role=role,
        organisation=organisation,
        areas=areas,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event(AuditAction.USER_CREATED, subject=user, details={"role": role.value})
    return user


def set_user_active(user: User, active: bool) -> None:
    if user.active == active:
        return
    user.active = active
    action = AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED
    record_event(action, subject=user)


def set_organisation_active(organisation: Organisation, active: bool) -> None:
    if organisation.active == active:
        return
    organisation.active = active
    action = (
        AuditAction.ORGANISATION_REACTIVATED if active else AuditAction.ORGANISATION_DEACTIVATED
    )
    record_event(action, subject=organisation)
