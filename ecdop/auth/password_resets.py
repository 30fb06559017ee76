"""Forgotten passwords: a single-use link by e-mail, good for 30 minutes, of which only a hash
is kept. Using it still takes the second factor, and ends every session of the account."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth import sign_in
from ecdop.auth.models import PasswordReset, SessionEnd, User
from ecdop.auth.passwords import secret_digest
from ecdop.auth.services import AccountError, normalise_email
from ecdop.foundation.db import rows_changed, utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import queue_message

RESET_LIFETIME = timedelta(minutes=30)
# However often the form is sent, one account gets at most one e-mail in this time.
RESEND_AFTER = timedelta(minutes=2)


def send_reset_link(email: str) -> None:
    """E-mail a reset link if the address has an active account; say nothing either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        record_event(AuditAction.PASSWORD_RESET_REQUESTED, details={"account": "none"})
        return
    if _sent_recently(user):
        return
    _withdraw_open_links(user)
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id, token_hash=secret_digest(token), expires_at=utc_now() + RESET_LIFETIME
    )
    db.session.add(reset)
    db.session.flush()
    record_event(AuditAction.PASSWORD_RESET_REQUESTED, subject=user, actor_id=user.id)
    queue_message(
        dedupe_key=mail_keys.password_reset_asked(reset.id),
        priority=MailPriority.URGENT,
        recipient=user,
        subject="Reset your ecdop password",
        template="email/password_reset.txt",
        action_path=app_path("auth.reset_password", token=token),
        minutes=int(RESET_LIFETIME.total_seconds() // 60),
    )


def _sent_recently(user: User) -> bool:
    statement = select(PasswordReset.id).where(
        PasswordReset.user_id == user.id,
        PasswordReset.used_at.is_(None),
        PasswordReset.created_at > utc_now() - RESEND_AFTER,
    )
    return db.session.scalar(statement) is not None


def _withdraw_open_links(user: User) -> None:
    """Only the newest link works; any older one, used or not, is spent."""
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utc_now())
        .execution_options(synchronize_session=False)
    )


def reset_for_token(token: str) -> PasswordReset | None:
    return db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == secret_digest(token))
    )


def reset_problem(reset: PasswordReset) -> str | None:
    if reset.used_at is not None:
        return "This link has already been used, or a newer one was sent. Ask for a new link."
    if reset.expires_at <= utc_now():
        return "This link has expired: links work for 30 minutes. Ask for a new link."
    if not reset.user.is_active:
        return "This account is deactivated. Contact your ecdop administrator."
    return None


def reset_password(reset: PasswordReset, *, new_password: str, code: str) -> None:
    """A new password from the link, with the second factor; every session of the account
    ends, so whoever had the old password is signed out too."""
    user = reset.user
    if sign_in.needs_second_factor(user) and user.has_second_factor:
        if not code.strip():
            raise AccountError("Enter the security code from your authenticator app", "code")
        if not sign_in.check_second_factor(user, code):
            raise AccountError(
                "The security code is not right. Enter the code your app shows now, or a "
                "recovery code",
                "code",
            )
    if problem := sign_in.new_password_problem(user, new_password):
        raise AccountError(problem, "password")
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utc_now())
        .execution_options(synchronize_session="fetch")
    )
    if rows_changed(claimed) != 1:
        raise AccountError("This link has already been used. Ask for a new link.", "password")
    sign_in.choose_password(user, new_password, reason=SessionEnd.PASSWORD_RESET, keep=None)
    sign_in.clear_failures(user)
    user.locked_until = None
    record_event(AuditAction.PASSWORD_RESET, subject=user, actor_id=user.id)
