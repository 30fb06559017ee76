"""Changing a footer page's text, on the record."""

from __future__ import annotations

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.site_pages.models import SitePageText
from ecdop.site_pages.pages import PAGES_BY_KEY, default_text


def change_page_text(key: str, body: str, *, actor: User, expected_version: int | None) -> None:
    """The deployment's own text for the page; ecdop's default text again if ``body`` is it."""
    if key not in PAGES_BY_KEY:
        raise ChangeRefused("There is no such page", "body")
    if not body.strip():
        raise ChangeRefused("Enter the page's text", "body")
    own = db.session.get(SitePageText, key)
    if own is not None:
        check_version(own, expected_version, "body")
    elif expected_version is not None:
        raise ChangeRefused("Someone else changed this page meanwhile: check it again", "body")
    if own is None:
        own = SitePageText(key=key)
        db.session.add(own)
    own.body, own.changed_by_id, own.changed_at = body.strip(), actor.id, utc_now()
    db.session.flush()
    details = {"page": key, "as_default": own.body == default_text(key).strip()}
    record_event(AuditAction.SITE_PAGE_CHANGED, subject=own, details=details)
