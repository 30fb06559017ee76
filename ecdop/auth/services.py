"""Changes to people, organisations and areas."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import func, select, update

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, Invitation, Organisation, OrganisationKind, Role, User
from ecdop.db import utc_now
from ecdop.deadlines.outbox import Addressee, queue_message
from ecdop.extensions import db
from ecdop.urls import app_path

MIN_PASSWORD_LENGTH = 12
INVITATION_LIFETIME = timedelta(days=7)


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_agency_contact(
    *, organisation: Organisation, full_name: str, email: str, area: Area, invited_by: User
) -> Invitation:
    """E-mail an agency's contact a single-use link to create an agency-reporter account.

    A newer invitation to the same address withdraws the older ones, so only one link works.
    """
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("Someone with this email address already has an account", "email")
    if not organisation.active:
        raise AccountError(f"{organisation.name} is deactivated", "email")
    _withdraw_open_invitations(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=_token_hash(token),
        email=email,
        full_name=full_name.strip(),
        organisation=organisation,
        area=area,
        invited_by=invited_by,
        expires_at=utc_now() + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    record_event(
        AuditAction.AGENCY_CONTACT_INVITED,
        subject=invitation,
        details={"agency": organisation.name},
    )
    queue_message(
        dedupe_key=f"invitation:{invitation.id}",
        recipient=Addressee(email=email, full_name=invitation.full_name),
        subject="Create your ecdop account",
        template="email/agency_invitation.txt",
        action_path=app_path("auth.accept_invitation", token=token),
        invitation=invitation,
    )
    return invitation


def _withdraw_open_invitations(email: str) -> None:
    statement = select(Invitation).where(
        Invitation.email == email,
        Invitation.accepted_at.is_(None),
        Invitation.withdrawn_at.is_(None),
    )
    for earlier in db.session.scalars(statement):
        earlier.withdrawn_at = utc_now()


def invitation_for_token(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))


def invitation_problem(invitation: Invitation) -> str | None:
    """Why the link can no longer be used, or None if it can."""
    if invitation.accepted_at is not None:
        return "This invitation link has already been used. Sign in with the account you created."
    if invitation.withdrawn_at is not None:
        return "This invitation link has been replaced. Use the link in the most recent e-mail."
    if invitation.expires_at <= utc_now():
        return "This invitation link has expired. Ask your CDOP coordinator to send a new one."
    if not invitation.organisation.active:
        return f"{invitation.organisation.name} no longer uses ecdop."
    return None


def accept_invitation(
    invitation: Invitation, *, full_name: str, job_title: str, phone: str, password: str
) -> User:
    if problem := invitation_problem(invitation):
        raise AccountError(problem)
    # Claim the link in the database, so two submissions racing each other cannot both use it.
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utc_now())
        .execution_options(synchronize_session="fetch")
    )
    if claimed.rowcount != 1:
        raise AccountError("This invitation link has already been used.")
    user = create_user(
        email=invitation.email,
        full_name=full_name,
        job_title=job_title,
        phone=phone,
        role=Role.AGENCY_REPORTER,
        organisation=invitation.organisation,
        areas=[invitation.area],
        password=password,
    )
    invitation.user_id = user.id
    record_event(AuditAction.INVITATION_ACCEPTED, subject=invitation, actor_id=user.id)
    db.session.flush()
    return user
