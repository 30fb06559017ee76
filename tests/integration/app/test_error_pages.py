"""Failures give a page a person can act on, with protective headers, never a stack trace."""

from __future__ import annotations

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from ecdop.cases.models import Case
from ecdop.foundation.extensions import db
from tests.factories import notify
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


def test_a_record_saved_by_someone_else_meanwhile_gives_a_conflict_page(make_browser):
    notify("police@demo.test")
    _n, flagged = notify("health@demo.test", nhs_number=None, family_name="Other")
    case_id, version = flagged.case.id, flagged.case.version_id
    coordinator = make_browser("coordinator@demo.test")
    token = coordinator.csrf_token("/cases")
    saved_meanwhile = []

    def another_coordinator_saves_first(session, flush_context, instances):
        # Between this request's read and its write, the case's version moves on, as another
        # coordinator's save would move it. (Written on the request's own connection: on
        # SQLite another writer could only wait for this request to end.)
        if not saved_meanwhile:
            saved_meanwhile.append(True)
            session.connection().execute(
                update(Case).where(Case.id == case_id).values(version_id=version + 1)
            )

    event.listen(Session, "before_flush", another_coordinator_saves_first)
    try:
        response = coordinator.post(
            f"/cases/{case_id}/duplicate",
            data={"csrf_token": token, "decision": "different", "version": str(version)},
        )
    finally:
        event.remove(Session, "before_flush", another_coordinator_saves_first)
    assert saved_meanwhile
    assert response.status_code == 409
    assert "Someone else changed this record" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Case, case_id).possible_duplicate_of_id is not None


def test_an_id_in_an_address_beyond_any_record_is_not_found(make_browser):
    """PostgreSQL's integer columns end at 2**31 - 1; a larger id must be a 404, not an error
    from the database."""
    coordinator = make_browser("coordinator@demo.test")
    for path in ("/cases/99999999999", "/cases/0", "/board-reports/2147483648",
                 "/patterns/99999999999999999999"):  # fmt: skip
        assert coordinator.get(path).status_code == 404, path
    assert coordinator.get("/board-reports/2147483647").status_code == 404  # simply not there


def test_every_page_has_an_icon_and_favicon_ico_is_not_a_404(client, make_browser):
    """Lighthouse found /favicon.ico a 404 on every page."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")
    page = make_browser().get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/static/images/ecdop-icon.svg" type="image/svg+xml">' in page


def test_text_answers_are_compressed_for_browsers_that_accept_it(client, make_browser):
    """Lighthouse found nothing compressed: about 170 KiB of CSS, JavaScript and HTML a page."""
    for path in ("/static/dist/ecdop.css", "/static/dist/govuk-frontend.min.js", "/login"):
        plain = client.get(path)
        packed = client.get(path, headers={"Accept-Encoding": "gzip, br"})
        assert packed.headers["Content-Encoding"] == "br", path
        assert len(packed.data) < len(plain.data) / 2, path
        assert "Accept-Encoding" in packed.headers["Vary"]
