"""The GOV.UK timeout warning in a real browser: it opens before an idle session ends, and
"Stay signed in" tells the server so."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD


def test_the_warning_opens_and_stay_signed_in_keeps_the_session(
    app, open_session, live_server, monkeypatch
):
    # A two-minute idle timeout: the warning (two minutes before the end) is due at once.
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 2)
    page = open_session("coordinator@demo.test", DEMO_PASSWORD)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    with page.expect_response("**/account/keep-alive") as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.ok and "csrf_token" in answer.value.request.post_data
    # Still signed in, on the same page: the server accepted it.
    expect(page).to_have_url(f"{live_server}/dashboard")
