"""Reading the footer's pages: the deployment's own text, else ecdop's default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort

from ecdop.foundation.extensions import db
from ecdop.site_pages.models import SitePageText
from ecdop.site_pages.pages import PAGES_BY_KEY, SitePage, default_text


@dataclass(frozen=True)
class PageContent:
    page: SitePage
    body: str
    changed_at: datetime | None  # None: ecdop's default text
    version: int | None


def page_content(key: str) -> PageContent:
    page = PAGES_BY_KEY.get(key)
    if page is None:
        abort(404)
    own = db.session.get(SitePageText, key)
    if own is None:
        return PageContent(page, default_text(key), None, None)
    return PageContent(page, own.body, own.changed_at, own.version_id)
