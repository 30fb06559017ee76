"""API tokens: issued to a notifying system's owner, shown once, kept as a hash, used, refused
and revoked, each audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import request
from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import (
    ApiToken,
    ApiTokenState,
    User,
)
from ecdop.auth.passwords import secret_digest
from ecdop.auth.permissions import Permission, role_may
from ecdop.auth.services import AccountError
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import queue_message

# A token that leaks stops working on its own; a system's owner asks for a new one in time.
API_TOKEN_LIFETIMES_IN_DAYS = (30, 90, 180, 365)
DEFAULT_API_TOKEN_LIFETIME_IN_DAYS = 90
API_TOKEN_NAME_MAX = 80
API_TOKEN_PREFIX = "ecdop_"  # noqa: S105 - what every token starts with, not a secret
# Enough of a token to tell it apart in a list, far too little to guess the rest.
API_TOKEN_SHOWN_CHARACTERS = 10


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
        dedupe_key=mail_keys.api_token_issued(token.id),
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
