"""Sessions held on the server: each signed-in browser is a record that can be ended.

The browser's cookie carries a random token (Flask's signed cookie, under ``sid``); the record,
found by the token's hash, is what decides whether the browser is signed in. Ending the record
(sign-out, a timeout, a password change, an administrator) ends the session, whatever the
browser still holds.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session
from ua_parser import parse as ua_parse

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.audit.services import client_address, record_event
from ecdop.auth.models import Organisation, SessionEnd, User, UserSession
from ecdop.auth.passwords import secret_digest
from ecdop.foundation.db import rows_changed, table_of, utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import keep_whatever_happens

SESSION_KEY = "sid"
PENDING_KEY = "pending_sid"
NEXT_KEY = "sign_in_next"
# A half-finished sign-in (password given, second factor not yet) lasts this long.
PENDING_LIFETIME = timedelta(minutes=10)
# Last-seen times are written at most this often: the idle timeout needs no finer grain.
TOUCH_INTERVAL = timedelta(minutes=1)
USER_AGENT_LENGTH = 200
# Sensitive account actions need the person to have confirmed who they are this recently.
IDENTITY_CONFIRMATION_LIFETIME = timedelta(minutes=5)


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def absolute_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def _new_record(user: User, *, signed_in: bool) -> tuple[UserSession, str]:
    token = secrets.token_urlsafe(32)
    record = UserSession(
        token_hash=secret_digest(token),
        user=user,
        signed_in=signed_in,
        user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
        ip_address=client_address(),
    )
    db.session.add(record)
    db.session.flush()
    return record, token


def start_sign_in(user: User, next_path: str | None) -> UserSession:
    """The password was right: a session that can only finish signing in. The browser's old
    session, and its CSRF token, go."""
    session.clear()
    record, token = _new_record(user, signed_in=False)
    session[PENDING_KEY] = token
    if next_path:
        session[NEXT_KEY] = next_path
    return record


def pending_sign_in() -> UserSession | None:
    """The sign-in this browser is part-way through, if it is still good."""
    if "pending_sign_in" not in g:
        g.pending_sign_in = _live_record(session.get(PENDING_KEY), signed_in=False)
    return g.pending_sign_in


def pass_second_factor() -> None:
    record = pending_sign_in()
    assert record is not None, "only a sign-in under way passes its second factor"
    record.second_factor_passed = True


def finish_sign_in(user: User) -> str | None:
    """Every step is done: a new session (a new id and a new CSRF token), and where to go."""
    next_path = session.get(NEXT_KEY)
    if pending := pending_sign_in():
        end_session(pending, SessionEnd.SIGN_IN_FINISHED)
    session.clear()
    _record, token = _new_record(user, signed_in=True)
    session[SESSION_KEY] = token
    user.last_login_at = utc_now()
    login_user(user)
    record_event(AuditAction.LOGIN_SUCCEEDED, subject=user, actor_id=user.id)
    return next_path


def current_session() -> UserSession | None:
    """This browser's signed-in session, or None (and ended, if it has just timed out)."""
    if "user_session" not in g:
        g.user_session = _live_record(session.get(SESSION_KEY), signed_in=True)
    return g.user_session


def user_of_current_session(user_id: str) -> User | None:
    """Flask-Login's user loader: the person only while the session's record is live."""
    record = current_session()
    if record is None or str(record.user_id) != user_id or not record.user.is_active:
        return None
    return record.user


def _live_record(token: str | None, *, signed_in: bool) -> UserSession | None:
    if not token or not isinstance(token, str):
        return None
    record = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == secret_digest(token),
            UserSession.signed_in.is_(signed_in),
            UserSession.ended_at.is_(None),
        )
    )
    if record is None:
        return None
    if reason := _why_over(record, utc_now()):
        _end_whatever_happens(record, reason)
        return None
    _keep_alive(record)
    return record


def _why_over(record: UserSession, now: datetime) -> SessionEnd | None:
    if not record.signed_in:
        return SessionEnd.SIGN_IN_ABANDONED if now - record.created_at >= PENDING_LIFETIME else None
    if now - record.created_at >= absolute_lifetime():
        return SessionEnd.EXPIRED
    if now - record.last_seen_at >= idle_timeout():
        return SessionEnd.IDLE
    return None


def _keep_alive(record: UserSession) -> None:
    now = utc_now()
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        _record_whatever_happens(record, last_seen_at=now)


def keep_alive_now() -> None:
    """'Stay signed in': the idle timeout starts again from this moment."""
    if record := current_session():
        _record_whatever_happens(record, last_seen_at=utc_now())


def _end_whatever_happens(record: UserSession, reason: SessionEnd) -> None:
    ended = {"action": AuditAction.SESSION_ENDED, "actor_id": record.user_id,
             "subject_type": "User", "subject_id": record.user_id,
             "ip_address": client_address(), "details": {"reason": reason.value}}  # fmt: skip
    _record_whatever_happens(record, ended, ended_at=utc_now(), end_reason=reason)


def _record_whatever_happens(record: UserSession, audit: dict | None = None, **values) -> None:
    """Timeouts and last-seen times are facts about the session, not about what the request
    does: they are kept (and a timeout audited, from ``audit``'s values) even when the
    request's own work is rolled back."""

    def write() -> None:
        db.session.execute(
            update(table_of(UserSession)).where(UserSession.id == record.id).values(**values)
        )
        if audit is not None:
            db.session.add(AuditEvent(**audit))
        db.session.expire(record)

    keep_whatever_happens(write)


def end_session(record: UserSession, reason: SessionEnd) -> None:
    if record.ended_at is None:
        record.ended_at = utc_now()
        record.end_reason = reason


def identity_confirmed_recently() -> bool:
    """Did the person give their password and a fresh code in this session, within the last
    five minutes?"""
    record = current_session()
    confirmed_at = record.identity_confirmed_at if record is not None else None
    return confirmed_at is not None and utc_now() - confirmed_at < IDENTITY_CONFIRMATION_LIFETIME


def confirm_identity_now() -> None:
    record = current_session()
    assert record is not None, "only a signed-in person confirms who they are"
    record.identity_confirmed_at = utc_now()


def sign_out() -> None:
    if record := current_session():
        end_session(record, SessionEnd.SIGNED_OUT)
        record_event(AuditAction.LOGGED_OUT)
    logout_user()
    session.clear()


# Ended sessions are kept this long for the person's and the auditors' questions, then go.
ENDED_SESSIONS_KEPT_FOR = timedelta(days=90)


def forget_ended_sessions() -> int:
    """The daily job: delete session records ended (or abandoned) long ago; how many. The
    audit trail keeps the sign-ins and sign-outs themselves."""
    cutoff = utc_now() - ENDED_SESSIONS_KEPT_FOR
    statement = delete(UserSession).where(
        (UserSession.ended_at < cutoff)
        | (UserSession.ended_at.is_(None) & (UserSession.last_seen_at < cutoff))
    )
    return rows_changed(
        db.session.execute(statement, execution_options={"synchronize_session": False})
    )


def live_sessions_of(user: User) -> list[UserSession]:
    """The person's signed-in sessions that are still live, the most recently used first."""
    now = utc_now()
    statement = (
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.signed_in,
            UserSession.ended_at.is_(None),
            UserSession.created_at > now - absolute_lifetime(),
            UserSession.last_seen_at > now - idle_timeout(),
        )
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return list(db.session.scalars(statement))


def end_sessions_of(
    user: User,
    reason: SessionEnd,
    *,
    keep: UserSession | None = None,
    only_pending: bool = False,
) -> int:
    """End every open session of one person (but ``keep``, the browser asking); how many.
    ``only_pending`` ends half-finished sign-ins only, sparing the person's own browsers."""
    statement = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if only_pending:
        statement = statement.where(UserSession.signed_in.is_(False))
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    ended = rows_changed(
        db.session.execute(
            statement.values(ended_at=utc_now(), end_reason=reason),
            execution_options={"synchronize_session": False},
        )
    )
    if ended:
        record_event(
            AuditAction.SESSIONS_ENDED,
            subject=user,
            details={"sessions": ended, "reason": reason.value},
        )
    return ended


def _just_deactivated(record: User | Organisation, state) -> bool:
    return state.attrs.active.history.has_changes() and not record.active


# What decides what a person may see: a change to any of these ends their sessions.
ACCESS_ATTRIBUTES = ("role", "areas", "organisation_id", "organisation")


def _changed(state, names: tuple[str, ...]) -> bool:
    return any(state.attrs[name].history.has_changes() for name in names)


def _access_changes(session_: Session) -> dict[int, SessionEnd]:
    """People whose role, organisation, areas or active state this flush changes, and the
    people of an organisation made inactive or given other areas: their sessions end, so no
    page goes on being shown on the old terms."""
    ended: dict[int, SessionEnd] = {}
    for record in session_.dirty:
        state = inspect(record)
        if isinstance(record, User):
            if _just_deactivated(record, state):
                ended[record.id] = SessionEnd.DEACTIVATED
            elif _changed(state, ACCESS_ATTRIBUTES):
                ended[record.id] = SessionEnd.ACCESS_CHANGED
        elif isinstance(record, Organisation):
            if _just_deactivated(record, state):
                ended.update({member.id: SessionEnd.DEACTIVATED for member in record.users})
            elif _changed(state, ("areas",)):
                ended.update({member.id: SessionEnd.ACCESS_CHANGED for member in record.users})
    return ended


def _end_sessions_on_access_changes(session_: Session, flush_context, instances) -> None:
    for user_id, reason in _access_changes(session_).items():
        session_.connection().execute(
            update(table_of(UserSession))
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .values(ended_at=utc_now(), end_reason=reason)
        )


def end_sessions_when_access_changes() -> None:
    """Registered by create_app: a change to what a person may see (role, organisation, areas,
    active state, or their organisation's areas) ends the person's sessions, however it was
    made (a page, the command line, a script)."""
    if not event.contains(Session, "before_flush", _end_sessions_on_access_changes):
        event.listen(Session, "before_flush", _end_sessions_on_access_changes)


# The operating systems as people call them, where the parser's name is not.
OPERATING_SYSTEMS = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}


def browser_named(user_agent: str) -> str:
    """A browser as people name it, "Chrome on Windows", from the User-Agent it sent."""
    found = ua_parse(user_agent) if user_agent else None
    browser = found.user_agent.family if found and found.user_agent else None
    system = found.os.family if found and found.os else None
    if browser is None or browser == "Other":
        return "A browser ecdop does not recognise" if user_agent else "Not known"
    if system is None or system == "Other":
        return browser
    return f"{browser} on {OPERATING_SYSTEMS.get(system, system)}"
