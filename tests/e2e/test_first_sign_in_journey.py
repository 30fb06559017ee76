"""A coordinator's first sign-in in a real browser: the administrator's initial password, a
password of their own, an authenticator app set up from the page, and signing in again with
a code that works once."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pyotp
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD

EMAIL = "robin.ashe@council.example"
INITIAL = "given-by-the-admin-7"
OWN = "lantern-orchard-pebble-42"


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def create_coordinator(admin: Page) -> None:
    admin.get_by_role("button", name="Create a user").click()
    admin.get_by_label("Full name").fill("Robin Ashe")
    admin.get_by_label("Email address").fill(EMAIL)
    admin.get_by_label("CDOP coordinator").check()
    admin.get_by_label("Organisation").select_option(label="Demo Council")
    admin.get_by_label("DEMO: Demo review area").check()
    admin.get_by_label("Initial password").fill(INITIAL)
    admin.get_by_role("button", name="Create user").click()
    expect(admin.locator(".govuk-notification-banner")).to_contain_text(f"User {EMAIL} created")


def sign_in(page: Page, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_with_an_authenticator(open_session, chromium, live_server, clock):
    create_coordinator(open_session("admin@demo.test", DEMO_PASSWORD))
    page = chromium.new_context(base_url=live_server, accept_downloads=True).new_page()

    sign_in(page, INITIAL)
    expect(page.get_by_role("heading", name="Choose your own password")).to_be_visible()
    page.get_by_label("Choose a new password").fill("password1234")
    page.get_by_label("Type the password again").fill("password1234")
    page.get_by_role("button", name="Save password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This is a very common password")
    page.get_by_label("Choose a new password").fill(OWN)
    page.get_by_label("Type the password again").fill(OWN)
    page.get_by_role("button", name="Save password").click()

    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = re.sub(r"\s", "", page.locator("#authenticator-key").inner_text())
    page.get_by_label("Security code from the app").fill(current_code(secret))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    recovery_codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(recovery_codes) == 10
    # The codes can be kept: a file made in the page, or a printed page without the header.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download your codes as a text file").click()
    download = downloading.value
    assert download.suggested_filename == "ecdop-recovery-codes.txt"
    kept = Path(download.path()).read_text(encoding="utf-8")
    assert all(code in kept for code in recovery_codes) and EMAIL in kept
    printing = page.get_by_role("button", name="Print your codes")
    expect(printing).to_be_visible()
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    printing.click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator("#recovery-codes")).to_be_visible()
    expect(printing).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("button", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    clock.shift(timedelta(seconds=30))
    code = current_code(secret)
    sign_in(page, OWN)
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    # The same code a second time is refused.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, OWN)
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The security code is not right")

    # A recovery code works, once.
    page.get_by_label("Security code").fill(recovery_codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, OWN)
    page.get_by_label("Security code").fill(recovery_codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The security code is not right")
