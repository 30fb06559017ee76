"""Browsers a person has signed in with before: OWASP's device cookies against lockout abuse.

Anyone can lock a known account by sending five wrong passwords every 15 minutes. So a browser
that has finished signing in to the account holds a signed cookie naming it, and keeps an
allowance of its own: its own wrong attempts lock only itself, and the account's lockout,
which counts the attempts of every browser it does not know, does not stop it. The owner is
still e-mailed when the account is locked against unknown browsers.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import after_this_request, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ecdop.auth.models import KnownBrowser, User
from ecdop.auth.passwords import secret_digest
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db

COOKIE_LIFETIME = timedelta(days=180)
# A shared office computer may know a few people; the oldest is forgotten past this.
ACCOUNTS_PER_BROWSER = 5
SALT = "ecdop-known-browser"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _nonces_in_cookie() -> list[str]:
    """The nonces this browser holds; a forged, garbled or foreign cookie holds none."""
    value = request.cookies.get(current_app.config["KNOWN_BROWSER_COOKIE_NAME"], "")
    try:
        nonces = _serializer().loads(value) if value else []
    except BadSignature:
        return []
    if not isinstance(nonces, list):
        return []
    return [nonce for nonce in nonces if isinstance(nonce, str)][:ACCOUNTS_PER_BROWSER]


def this_browser_for(user: User) -> KnownBrowser | None:
    """This browser, if it has signed in to ``user``'s account before."""
    cache = g.setdefault("known_browsers", {})
    if user.id not in cache:
        hashes = [secret_digest(nonce) for nonce in _nonces_in_cookie()]
        cache[user.id] = hashes and db.session.scalar(
            select(KnownBrowser).where(
                KnownBrowser.user_id == user.id, KnownBrowser.nonce_hash.in_(hashes)
            )
        )
    return cache[user.id] or None


def remember_this_browser(user: User) -> None:
    """Every step of sign-in done: the browser is known to the account from now on."""
    known = this_browser_for(user)
    if known is not None:
        known.last_signed_in_at = utc_now()
        return
    nonce = secrets.token_urlsafe(32)
    db.session.add(KnownBrowser(user_id=user.id, nonce_hash=secret_digest(nonce)))
    kept = [*_nonces_in_cookie(), nonce][-ACCOUNTS_PER_BROWSER:]
    cookie = _serializer().dumps(kept)

    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            current_app.config["KNOWN_BROWSER_COOKIE_NAME"],
            cookie,
            max_age=int(COOKIE_LIFETIME.total_seconds()),
            path="/",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
        return response
