"""Failures give a page a person can act on, with protective headers, never a stack trace."""

from __future__ import annotations

from tests.helpers import page_text


def test_an_unknown_page(browser):
    response = browser.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def test_a_body_over_the_limit(make_browser):
    police = make_browser("police@demo.test")
    response = police.post("/notifications/new", data={"circumstances": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_sensitive_pages_are_not_cached_and_framing_is_refused(make_browser):
    response = make_browser("coordinator@demo.test").get("/dashboard")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_forbidden_page_says_so(make_browser):
    response = make_browser("panel@demo.test").get("/cases")
    assert response.status_code == 403
    assert "You do not have access to this page" in page_text(response)
