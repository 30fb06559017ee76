"""Real accounts (not the demo's, which skip the second factor), and signing them in as a
person would: the initial password, their own password, the authenticator app."""

from __future__ import annotations

import re
from html import unescape

import pyotp

from ecdop.auth.models import Role, User
from ecdop.auth.services import create_user
from ecdop.foundation.extensions import db
from tests.factories import demo_area, organisation

INITIAL_PASSWORD = "given-by-the-admin-7"
OWN_PASSWORD = "lantern-orchard-pebble-42"
AUTHENTICATOR_KEY = re.compile(r'id="authenticator-key">([^<]+)<')
RECOVERY_CODE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def real_account(email: str, *, role: Role = Role.COORDINATOR, full_name: str = "Pat Quinn",
                 organisation_name: str = "Demo Council") -> User:  # fmt: skip
    """An account an administrator made: the initial password, no authenticator yet."""
    user = create_user(
        email=email,
        full_name=full_name,
        role=role,
        organisation=organisation(organisation_name),
        areas=[demo_area()],
        password=INITIAL_PASSWORD,
    )
    db.session.commit()
    return user


def code_now(secret: str, *, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    from ecdop.foundation.db import utc_now

    return totp.generate_otp(totp.timecode(utc_now()) + steps_ahead)


def first_sign_in(browser, email: str) -> tuple[str, list[str]]:
    """Initial password, own password, authenticator: the key the page showed, and the
    recovery codes."""
    browser.submit("/login", {"email": email, "password": INITIAL_PASSWORD})
    browser.submit(
        "/sign-in/new-password", {"password": OWN_PASSWORD, "confirm_password": OWN_PASSWORD}
    )
    page = browser.get("/sign-in/authenticator").get_data(as_text=True)
    secret = "".join(unescape(AUTHENTICATOR_KEY.search(page).group(1)).split())
    done = browser.submit("/sign-in/authenticator", {"code": code_now(secret)})
    assert done.status_code == 200, done.get_data(as_text=True)
    return secret, RECOVERY_CODE.findall(done.get_data(as_text=True))


def confirm_identity(browser, *, password: str, code: str | None = None):
    """'Confirm it is you', as a sensitive account action asks: a demo account has no code."""
    fields = {"password": password} | ({"code": code} if code is not None else {})
    return browser.submit("/account/confirm-its-you", fields)
