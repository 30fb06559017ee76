"""Inviting an agency's contact: a single-use link, by e-mail, to make their own account."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import (
    Area,
    Invitation,
    Organisation,
    Role,
    User,
)
from ecdop.auth.passwords import secret_digest
from ecdop.auth.services import AccountError, create_user, normalise_email
from ecdop.foundation.db import rows_changed, utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import Addressee, queue_message

INVITATION_LIFETIME = timedelta(days=7)


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
        dedupe_key=mail_keys.invitation_sent(invitation.id),
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
