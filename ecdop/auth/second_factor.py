"""The second factor: a time-based code from an authenticator app (RFC 6238), and single-use
recovery codes for when the app is lost.

A code is accepted from the current 30-second step or one step either side (clocks drift), and
only from a step later than the last one accepted, so a code seen over someone's shoulder or
replayed from a log cannot be used again.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import delete, select, update

from ecdop.auth.models import RecoveryCode, User
from ecdop.auth.passwords import secret_digest
from ecdop.foundation.db import rows_changed, utc_now
from ecdop.foundation.extensions import db

ISSUER = "ecdop"
ALLOWED_DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# Without 0/o, 1/l/i: a code read off paper is typed back right.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG, with a title a screen reader announces."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
    )
    return Markup(svg)  # noqa: S704 - segno's own markup; the URI inside is escaped by segno


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalised_code(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def matching_step(secret: str, code: str, *, after_step: int | None) -> int | None:
    """The time step whose code this is, if it is current (give or take the drift) and later
    than ``after_step``; otherwise None."""
    code = _normalised_code(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(utc_now())
    for step in range(now_step - ALLOWED_DRIFT_STEPS, now_step + ALLOWED_DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_authenticator_code(user: User, code: str) -> bool:
    """True, and the step is used up, when the code is the person's current one."""
    if user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, after_step=user.totp_last_step)
    if step is None:
        return False
    # Conditional, so two sign-ins racing with the same code cannot both use it.
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session="fetch")
    )
    return rows_changed(claimed) == 1


def secret_offered_to(user: User) -> str:
    """The key the enrolment page shows: the same one until the person finishes enrolling."""
    if user.totp_secret_offered is None:
        user.totp_secret_offered = new_secret()
    return user.totp_secret_offered


def enrol(user: User, secret: str, *, step: int) -> None:
    user.totp_secret = secret
    user.totp_secret_offered = None
    user.totp_enrolled_at = utc_now()
    user.totp_last_step = step


def forget(user: User) -> None:
    """An administrator's reset: no secret and no recovery codes until the person enrols again."""
    user.totp_secret = None
    user.totp_secret_offered = None  # a lost phone: the next enrolment offers a new key
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


@dataclass(frozen=True)
class RecoveryCodes:
    """New codes, which exist in clear only until they are shown once."""

    codes: list[str]
    made_at: datetime


def _code_hash(code: str) -> str:
    # 60 random bits and single use: a plain digest, like the other random secrets.
    return secret_digest(_normalised_code(code).lower())


def _new_recovery_code() -> str:
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def issue_recovery_codes(user: User) -> RecoveryCodes:
    """Ten new codes; any earlier ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(c)) for c in codes)
    db.session.flush()
    return RecoveryCodes(codes=codes, made_at=utc_now())


def accept_recovery_code(user: User, code: str) -> bool:
    """True, and the code is used up, when it is one of the person's unused codes."""
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    return rows_changed(claimed) == 1


def recovery_codes_left(user: User) -> int:
    statement = select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return len(db.session.scalars(statement).all())


def looks_like_recovery_code(code: str) -> bool:
    return len(_normalised_code(code)) == RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH
