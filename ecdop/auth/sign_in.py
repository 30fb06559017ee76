"""Signing in: the password, the second factor, the lockout that stops guessing, and the
changes a person makes to their own credentials.

Every failure looks the same from outside: one message, and the same cost in time whether or
not the address has an account.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth import known_browsers, passwords, second_factor, sessions
from ecdop.auth.models import KnownBrowser, SessionEnd, User, UserSession
from ecdop.auth.services import AccountError, normalise_email
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import keep_whatever_happens
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import queue_message

LOCKOUT_THRESHOLD = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_DURATION = timedelta(minutes=15)
# Only the demo's own accounts, on the reserved .test domain that no real mailbox can have,
# and only where demo data may exist at all (never in production).
DEMO_ACCOUNT_DOMAIN = "@demo.test"
WRONG_PASSWORD_MESSAGE = "Your password is not right"  # noqa: S105 - words, not a secret
WRONG_CODE_MESSAGE = (
    "The security code is not right. Enter the code your app shows now, or a recovery code"
)
LOCKED_MESSAGE = (
    "Too many wrong attempts. Sign in again in 15 minutes; we have emailed you about it."
)


def is_demo_account(user: User) -> bool:
    return bool(current_app.config["SEED_DEMO_ALLOWED"]) and user.email.endswith(
        DEMO_ACCOUNT_DOMAIN
    )


def needs_second_factor(user: User) -> bool:
    return not is_demo_account(user)


def next_step(user: User) -> str | None:
    """The endpoint of the next thing the person must do to finish signing in, or None."""
    if is_demo_account(user):
        return None
    pending = sessions.pending_sign_in()
    if user.has_second_factor and not (pending and pending.second_factor_passed):
        return "auth.second_factor_step"
    if user.must_change_password:
        return "auth.choose_password"
    if not user.has_second_factor:
        return "auth.set_up_authenticator"
    return None


def is_locked(user: User) -> bool:
    """Locked for this browser: a browser that has signed in to the account before answers
    for itself; any other meets the account's lock."""
    holder = known_browsers.this_browser_for(user) or user
    return holder.locked_until is not None and holder.locked_until > utc_now()


def check_password(email: str, password: str) -> User | None:
    """The account these credentials open, or None; the caller gives one message for all."""
    address = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == address).with_for_update())
    if user is None:
        passwords.spend_one_verification(password)
        _refused(lambda: record_event(AuditAction.LOGIN_FAILED, details={"email": address[:254]}))
        return None
    correct = user.check_password(password)
    if not user.is_active or is_locked(user):
        why = "locked" if is_locked(user) else "deactivated"
        _refused(lambda: record_event(AuditAction.LOGIN_FAILED, subject=user,
                                      details={"refused": why}))  # fmt: skip
        return None
    if not correct:
        _refused(lambda: _wrong(AuditAction.LOGIN_FAILED, user, {"refused": "password"}))
        return None
    if passwords.needs_rehash(user.password_hash):
        user.set_password(password)
    return user


def _refused(write) -> None:
    """A refused sign-in, its count and any lockout are kept though the page says no (400)."""
    keep_whatever_happens(write)


def _wrong(action: AuditAction, user: User, details: dict | None = None) -> None:
    record_event(action, subject=user, actor_id=user.id, details=details)
    count_failure(user)


def count_failure(user: User) -> None:
    """A wrong password or code: the fifth in 15 minutes locks. A browser that has signed in to
    the account before spends its own allowance and locks only itself; the attempts of every
    other browser, from anywhere, lock the account against browsers it does not know."""
    browser = known_browsers.this_browser_for(user)
    if browser is not None:
        if _allowance_spent(browser):
            _lock_browser(user, browser)
    elif _allowance_spent(user):
        _lock(user)


def _allowance_spent(holder: User | KnownBrowser) -> bool:
    now = utc_now()
    first = holder.first_failed_sign_in_at
    if first is None or now - first >= LOCKOUT_WINDOW:
        holder.failed_sign_ins = 0
        holder.first_failed_sign_in_at = now
    holder.failed_sign_ins += 1
    return holder.failed_sign_ins >= LOCKOUT_THRESHOLD


def _lock_browser(user: User, browser: KnownBrowser) -> None:
    browser.locked_until = utc_now() + LOCKOUT_DURATION
    clear_failures(browser)
    if pending := sessions.pending_sign_in():
        sessions.end_session(pending, SessionEnd.ACCOUNT_LOCKED)
    record_event(AuditAction.KNOWN_BROWSER_LOCKED, subject=user, actor_id=user.id)


def _lock(user: User) -> None:
    user.locked_until = utc_now() + LOCKOUT_DURATION
    clear_failures(user)
    sessions.end_sessions_of(user, SessionEnd.ACCOUNT_LOCKED, keep=None, only_pending=True)
    record_event(AuditAction.ACCOUNT_LOCKED, subject=user, actor_id=user.id)
    queue_message(
        dedupe_key=mail_keys.account_locked(user.id, user.locked_until),
        priority=MailPriority.URGENT,
        recipient=user,
        subject="Your ecdop account is locked for 15 minutes",
        template="email/account_locked.txt",
        action_path=app_path("auth.forgotten_password"),
        minutes=int(LOCKOUT_DURATION.total_seconds() // 60),
    )


def clear_failures(holder: User | KnownBrowser) -> None:
    holder.failed_sign_ins = 0
    holder.first_failed_sign_in_at = None


def finish(user: User) -> str | None:
    """Every step done: the count of failures starts again, and the session begins. Where the
    person was going, if anywhere."""
    clear_failures(user)
    if browser := known_browsers.this_browser_for(user):
        clear_failures(browser)
    known_browsers.remember_this_browser(user)
    return sessions.finish_sign_in(user)


def check_second_factor(user: User, code: str) -> bool:
    """An authenticator code, or else one of the person's recovery codes; each works once."""
    if is_locked(user):
        _refused(lambda: record_event(AuditAction.SECOND_FACTOR_FAILED, subject=user,
                                      details={"refused": "locked"}))  # fmt: skip
        return False
    if second_factor.accept_authenticator_code(user, code):
        return True
    if second_factor.looks_like_recovery_code(code) and second_factor.accept_recovery_code(
        user, code
    ):
        record_event(
            AuditAction.RECOVERY_CODE_USED,
            subject=user,
            actor_id=user.id,
            details={"left": second_factor.recovery_codes_left(user)},
        )
        return True
    _refused(lambda: _wrong(AuditAction.SECOND_FACTOR_FAILED, user))
    return False


def new_password_problem(user: User, new_password: str) -> str | None:
    if problem := passwords.password_problem(
        new_password, full_name=user.full_name, email=user.email
    ):
        return problem
    if user.check_password(new_password):
        return "Your new password must be different from the old one"
    return None


def choose_password(
    user: User, new_password: str, *, reason: SessionEnd, keep: UserSession | None
) -> None:
    """The person's own new password. Every other session of theirs ends."""
    if problem := new_password_problem(user, new_password):
        raise AccountError(problem, "password")
    user.set_password(new_password)
    user.must_change_password = False
    record_event(AuditAction.PASSWORD_CHANGED, subject=user, actor_id=user.id)
    sessions.end_sessions_of(user, reason, keep=keep)


def change_password(user: User, *, new_password: str) -> None:
    """From the account page, once the person has confirmed who they are (the page asks)."""
    choose_password(
        user, new_password, reason=SessionEnd.PASSWORD_CHANGED, keep=sessions.current_session()
    )


def confirm_identity(user: User, *, password: str, code: str | None) -> None:
    """A signed-in person proves again that they are who the session says, before a sensitive
    account action. A wrong password or code counts towards the account's lockout and is on
    the trail, whatever the page answers: a stolen session cannot guess its way on. Refused
    with an AccountError naming the field."""
    if is_locked(user):
        raise AccountError(LOCKED_MESSAGE, "password")
    if not user.check_password(password):
        _refused(lambda: _wrong(AuditAction.IDENTITY_CONFIRMATION_FAILED, user,
                                {"refused": "password"}))  # fmt: skip
        raise AccountError(WRONG_PASSWORD_MESSAGE, "password")
    if needs_second_factor(user) and not check_second_factor(user, code or ""):
        raise AccountError(WRONG_CODE_MESSAGE, "code")
    sessions.confirm_identity_now()
    record_event(AuditAction.IDENTITY_CONFIRMED, subject=user, actor_id=user.id)


def confirm_enrolment(user: User, secret: str, code: str) -> second_factor.RecoveryCodes | None:
    """The person proved their app holds the secret: it is theirs, with ten recovery codes."""
    step = second_factor.matching_step(secret, code, after_step=None)
    if step is None:
        _refused(lambda: record_event(AuditAction.SECOND_FACTOR_FAILED, subject=user,
                                      details={"during": "setup"}))  # fmt: skip
        return None
    second_factor.enrol(user, secret, step=step)
    record_event(AuditAction.SECOND_FACTOR_ENROLLED, subject=user, actor_id=user.id)
    return second_factor.issue_recovery_codes(user)


def reset_second_factor(user: User, *, reset_by: User) -> None:
    """An administrator's reset (a lost phone): the person must enrol again at next sign-in,
    and is told, in case it was not their request."""
    second_factor.forget(user)
    sessions.end_sessions_of(user, SessionEnd.SECOND_FACTOR_RESET)
    record_event(AuditAction.SECOND_FACTOR_RESET, subject=user, actor_id=reset_by.id)
    queue_message(
        dedupe_key=mail_keys.second_factor_reset(user.id, utc_now()),
        priority=MailPriority.URGENT,
        recipient=user,
        subject="Your ecdop sign-in app has been reset",
        template="email/second_factor_reset.txt",
        action_path=app_path("auth.login"),
        reset_by=reset_by,
    )
