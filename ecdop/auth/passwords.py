"""Passwords: argon2id hashes, and the rules a new password must meet.

Hashes made with older parameters (or by an earlier version's scrypt) still verify; sign-in
replaces them with one made with the current parameters.
"""

from __future__ import annotations

import functools
import hashlib
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# zxcvbn's 0-4 scale: 3 is "safely unguessable" against an online attack that is throttled.
MIN_PASSWORD_SCORE = 3
# Fragments of a person's name or address shorter than this are too common to refuse.
OWN_DETAIL_MIN_LENGTH = 4
ARGON2_PREFIX = "$argon2"
# Words anyone guessing a password here would try first.
SERVICE_WORDS = ("ecdop", "cdop", "child", "death", "overview", "panel", "review")


def secret_digest(secret: str) -> str:
    """What is stored of a long random secret (a session token, a link's token): SHA-256 is
    enough where the secret itself has 256 bits to guess, unlike a person's password."""
    return hashlib.sha256(secret.encode()).hexdigest()


@functools.cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def current_hasher() -> PasswordHasher:
    return _hasher(**current_app.config["PASSWORD_HASHING"])


def hash_password(password: str) -> str:
    return current_hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not stored_hash.startswith(ARGON2_PREFIX):
        return check_password_hash(stored_hash, password)  # an earlier version's scrypt
    try:
        return current_hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return not stored_hash.startswith(ARGON2_PREFIX) or current_hasher().check_needs_rehash(
        stored_hash
    )


@functools.cache
def _stand_in_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("no account has this password")


def spend_one_verification(password: str) -> None:
    """Check a password against nothing, at the cost of checking a real one: a sign-in for an
    address with no account takes as long as one with a wrong password."""
    verify_password(_stand_in_hash(**current_app.config["PASSWORD_HASHING"]), password)


def password_problem(password: str, *, full_name: str = "", email: str = "") -> str | None:
    """Why this password may not be used, in words for the person choosing it; or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if _contains_own_details(password, full_name, email):
        return "Password must not contain your name or email address"
    verdict = zxcvbn(password, user_inputs=[full_name, email, *SERVICE_WORDS])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        return _too_easy_to_guess(verdict["feedback"])
    return None


def _own_details(full_name: str, email: str) -> set[str]:
    local_part = email.split("@")[0].lower()
    words = re.findall(r"[^\W\d_]+", f"{full_name} {local_part}".lower())
    details = {word for word in words if len(word) >= OWN_DETAIL_MIN_LENGTH}
    details |= {"".join(re.findall(r"[^\W\d_]+", full_name.lower())), local_part, email.lower()}
    return {detail for detail in details if len(detail) >= OWN_DETAIL_MIN_LENGTH - 1}


def _contains_own_details(password: str, full_name: str, email: str) -> bool:
    folded = password.lower()
    return any(detail in folded for detail in _own_details(full_name, email))


def _too_easy_to_guess(feedback: dict) -> str:
    reasons = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    why = " ".join(reason.strip() for reason in reasons if reason.strip())
    return f"Password is too easy to guess. {why}".strip()
