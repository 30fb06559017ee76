"""Changes to people, organisations and areas."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import request
from sqlalchemy import func, select, update

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import (
    ApiToken,
    ApiTokenState,
    Area,
    Invitation,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from ecdop.auth.passwords import password_problem, secret_digest
from ecdop.auth.permissions import Permission, role_may
from ecdop.db import rows_changed, utc_now
from ecdop.extensions import db
from ecdop.outbox import keys as outbox_keys
from ecdop.outbox.models import MailPriority
from ecdop.outbox.services import Addressee, queue_message
from ecdop.urls import app_path

INVITATION_LIFETIME = timedelta(days=7)
# A token that leaks stops working on its own; a system's owner asks for a new one in time.
API_TOKEN_LIFETIMES_IN_DAYS = (30, 90, 180, 365)
DEFAULT_API_TOKEN_LIFETIME_IN_DAYS = 90
API_TOKEN_NAME_MAX = 80
API_TOKEN_PREFIX = "ecdop_"  # noqa: S105 - what every token starts with, not a secret
# Enough of a token to tell it apart in a list, far too little to guess the rest.
API_TOKEN_SHOWN_CHARACTERS = 10


class AccountError(ValueError):
    """A change to accounts that cannot be made; the message is shown to the person."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_area(code: str, name: str) -> Area:
    code = code.strip().upper()
    if db.session.scalar(select(Area.id).where(Area.code == code)) is not None:
        raise AccountError(f"An area with code {code} already exists", "code")
    area = Area(code=code, name=name.strip())
    db.session.add(area)
    db.session.flush()
    record_event(AuditAction.AREA_CREATED, subject=area, details={"code": code})
    return area


def create_organisation(
    name: str, kind: OrganisationKind, areas: Iterable[Area] = ()
) -> Organisation:
    name = name.strip()
    taken = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if db.session.scalar(taken) is not None:
        raise AccountError("An organisation with this name already exists", "name")
    organisation = Organisation(name=name, kind=kind, areas=list(areas))
    db.session.add(organisation)
    db.session.flush()
    record_event(
        AuditAction.ORGANISATION_CREATED,
        subject=organisation,
        details={"areas": [area.code for area in organisation.areas]},
    )
    return organisation


def set_organisation_areas(organisation: Organisation, areas: Iterable[Area]) -> None:
    """The areas an organisation works with. An area its people still act in stays: move or
    deactivate them first, so nobody keeps an area their organisation has left."""
    areas = list(areas)
    kept = {area.id for area in areas}
    still_used = sorted(
        {area.code for user in organisation.users if user.active for area in user.areas
         if area.id not in kept}
    )  # fmt: skip
    if still_used:
        raise AccountError(
            f"People of {organisation.name} still work in {', '.join(still_used)}: change "
            "their areas or deactivate them first",
            "area_ids",
        )
    before = sorted(area.code for area in organisation.areas)
    organisation.areas = areas
    record_event(
        AuditAction.ORGANISATION_AREAS_CHANGED,
        subject=organisation,
        details={"from": before, "to": sorted(area.code for area in areas)},
    )


def change_user(
    user: User,
    *,
    full_name: str,
    job_title: str,
    phone: str,
    role: Role,
    organisation: Organisation,
    areas: Iterable[Area],
    actor: User,
) -> list[str]:
    """An administrator's change to who a person is and what they may do; returns what
    changed. A change of role, organisation or areas ends the person's sessions (the
    ``before_flush`` hook in ``sessions``), so they work under the new access at once."""
    areas = list(areas)
    if user.id == actor.id and role is not user.role:
        raise AccountError("You cannot change your own role: ask another administrator", "role")
    _refuse_areas_outside(organisation, areas)
    before = _details_of(user)
    user.full_name, user.job_title, user.phone = full_name.strip(), job_title.strip(), phone.strip()
    user.role, user.organisation, user.areas = role, organisation, areas
    after = _details_of(user)
    changed = [key for key in after if after[key] != before[key]]
    if changed:
        details = {key: {"from": before[key], "to": after[key]} for key in changed
                   if key not in ("phone",)}  # fmt: skip
        record_event(AuditAction.USER_CHANGED, subject=user,
                     details={"changed": changed, **details})  # fmt: skip
    db.session.flush()
    return changed


def _refuse_areas_outside(organisation: Organisation, areas: list[Area]) -> None:
    """A person works in at least one area, and only in their organisation's areas."""
    if not areas:
        raise AccountError("Choose at least one area", "area_ids")
    if outside := [area.code for area in areas if not organisation.works_in(area)]:
        raise AccountError(
            f"{organisation.name} does not work with {', '.join(outside)}. Add the area to the "
            "organisation first, or choose another",
            "area_ids",
        )


def _details_of(user: User) -> dict:
    return {
        "full_name": user.full_name,
        "job_title": user.job_title,
        "phone": user.phone,
        "role": user.role.value,
        "organisation": user.organisation.name,
        "areas": sorted(area.code for area in user.areas),
    }


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
    chosen_by_the_person: bool = False,
) -> User:
    """A new account. A password an administrator gave must be replaced at first sign-in."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("A user with this email address already exists", "email")
    if problem := password_problem(password, full_name=full_name, email=email):
        raise AccountError(problem, "password")
    areas = list(areas)
    _refuse_areas_outside(organisation, areas)
    user = User(
        email=email,
        full_name=full_name.strip(),
        job_title=job_title.strip(),
        phone=phone.strip(),
        role=role,
        organisation=organisation,
        areas=areas,
        must_change_password=not chosen_by_the_person,
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


def invite_agency_contact(
    *, organisation: Organisation, full_name: str, email: str, area: Area, invited_by: User
) -> Invitation:
    """E-mail an agency's contact a single-use link to create an agency-reporter account.

    A newer invitation to the same address withdraws the older ones, so only one link works.
    """
    email = normalise_email(email)
    if area.id not in invited_by.area_ids or not organisation.works_in(area):
        # Need-to-know: a contact invited for another area would read that area's children.
        raise AccountError(
            f"{organisation.name} does not work with {area.name}, or you do not", "area_id"
        )
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("Someone with this email address already has an account", "email")
    if not organisation.active:
        raise AccountError(f"{organisation.name} is deactivated", "email")
    _withdraw_open_invitations(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=secret_digest(token),
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
        dedupe_key=outbox_keys.invitation_sent(invitation.id),
        priority=MailPriority.URGENT,
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
    statement = select(Invitation).where(Invitation.token_hash == secret_digest(token))
    return db.session.scalar(statement)


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
    if rows_changed(claimed) != 1:
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
        chosen_by_the_person=True,
    )
    invitation.user_id = user.id
    record_event(AuditAction.INVITATION_ACCEPTED, subject=invitation, actor_id=user.id)
    db.session.flush()
    return user


@dataclass(frozen=True)
class IssuedApiToken:
    """A new token and the secret itself, which exists only until it is shown once."""

    token: ApiToken
    secret: str


def issue_api_token(
    user: User, *, name: str, lifetime_in_days: int, issued_by: User | None
) -> IssuedApiToken:
    """A token for a notifier's system to notify deaths as that notifier."""
    if not role_may(user.role, Permission.NOTIFY_DEATH):
        raise AccountError(
            f"{user.email} is a {user.role.label.lower()}: only notifiers may have API tokens",
            "user_id",
        )
    if not user.is_active:
        raise AccountError(f"{user.email} is deactivated", "user_id")
    if not name.strip() or len(name.strip()) > API_TOKEN_NAME_MAX:
        raise AccountError(
            f"Enter what system uses the token, in {API_TOKEN_NAME_MAX} characters or fewer",
            "name",
        )
    if not 1 <= lifetime_in_days <= max(API_TOKEN_LIFETIMES_IN_DAYS):
        raise AccountError(
            f"A token lasts from 1 to {max(API_TOKEN_LIFETIMES_IN_DAYS)} days", "lifetime"
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[:API_TOKEN_SHOWN_CHARACTERS],
        token_hash=secret_digest(secret),
        created_by_id=issued_by.id if issued_by else None,
        expires_at=utc_now() + timedelta(days=lifetime_in_days),
    )
    db.session.add(token)
    db.session.flush()
    record_event(
        AuditAction.API_TOKEN_CREATED,
        subject=token,
        actor_id=issued_by.id if issued_by else None,
        details={"for": user.email, "name": token.name, "expires_at": _iso(token.expires_at)},
    )
    # The person a token acts as hears of it: a token made in their name without their
    # knowledge would be a way in to what they notified.
    queue_message(
        dedupe_key=outbox_keys.api_token_issued(token.id),
        priority=MailPriority.URGENT,
        recipient=user,
        subject="An ecdop API token has been issued in your name",
        template="email/api_token_issued.txt",
        action_path=app_path("home.index"),
        token=token,
        issued_by=issued_by,
    )
    return IssuedApiToken(token=token, secret=secret)


def revoke_api_token(token: ApiToken, *, revoked_by: User | None) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utc_now()
    token.revoked_by_id = revoked_by.id if revoked_by else None
    record_event(
        AuditAction.API_TOKEN_REVOKED,
        subject=token,
        actor_id=revoked_by.id if revoked_by else None,
        details={"for": token.user.email, "name": token.name},
    )


def api_token_for(secret: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == secret_digest(secret)))


def api_token_refusal(token: ApiToken) -> str | None:
    """Why a known token no longer lets its system in, or None if it does."""
    state = token.state(utc_now())
    if state is ApiTokenState.REVOKED:
        return "This API token has been revoked. Ask your ecdop administrator for a new one."
    if state is ApiTokenState.EXPIRED:
        return "This API token has expired. Ask your ecdop administrator for a new one."
    if not token.user.is_active:
        return "The account this API token belongs to is deactivated."
    return None


def record_api_token_use(token: ApiToken, *, status: int, refusal: str | None = None) -> None:
    """Every request made with a token is on the audit trail, whatever became of it."""
    if refusal is None:
        token.last_used_at = utc_now()
    details = {
        "token": token.prefix,
        "request": f"{request.method} {request.path}",
        "status": status,
    }
    record_event(
        AuditAction.API_TOKEN_REFUSED if refusal else AuditAction.API_TOKEN_USED,
        subject=token,
        actor_id=token.user_id,
        details={**details, "refusal": refusal} if refusal else details,
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
