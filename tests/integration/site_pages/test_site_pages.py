"""The footer's pages: an accessibility statement, a privacy notice, cookies and help, open to
everyone, each written by the deployment's administrator over ecdop's defaults."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.foundation.extensions import db
from tests.helpers import page_text

PAGES = {
    "/accessibility": "Accessibility statement",
    "/privacy": "Privacy notice",
    "/cookies": "Cookies",
    "/help": "Help and contact",
}


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_every_footer_page_opens_without_signing_in(client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    assert f"<title>{title} – ecdop</title>" in response.get_data(as_text=True)


def test_every_page_links_to_them_in_its_footer(client, make_browser):
    for response in (client.get("/login"), make_browser("coordinator@demo.test").get("/cases")):
        html = response.get_data(as_text=True)
        footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
        assert [f'href="{path}"' in footer for path in PAGES] == [True] * len(PAGES)


def test_the_accessibility_statement_names_the_standard_and_how_to_report_a_problem(client):
    text = page_text(client.get("/accessibility"))
    assert "Web Content Accessibility Guidelines version 2.2 AA standard" in text
    assert "Reporting accessibility problems with this service" in text
    assert "Equality and Human Rights Commission" in text


def test_the_privacy_notice_says_what_is_held_under_which_law_who_sees_it_and_how_long(client):
    text = page_text(client.get("/privacy"))
    for heading in ("What we hold", "Why, and under which law", "Who sees it",
                    "How long we keep it"):  # fmt: skip
        assert heading in text
    assert "parents, carers" in text and "professionals" in text
    assert "Article 6(1)(e)" in text and "Children Act 2004" in text


def test_the_administrator_writes_a_page_for_the_deployment(make_browser, client):
    admin = make_browser("admin@demo.test")
    assert "ecdop's default" in page_text(admin.get("/admin/pages"))
    text = (
        "## Who we are\n\nDemo Council and Demo ICB.\n\n"
        "- Contact <dpo@demo.test>\n\n<script>alert(1)</script> [bad](javascript:alert(1))"
    )
    response = admin.submit("/admin/pages/privacy", {"body": text, "version": ""})
    assert response.status_code == 302
    html = client.get("/privacy").get_data(as_text=True)
    assert "<h2>Who we are</h2>" in html and "Demo Council and Demo ICB." in html
    assert '<a href="mailto:dpo@demo.test">' in html
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html
    assert "Last updated" in page_text(client.get("/privacy"))
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.SITE_PAGE_CHANGED)
    )
    assert event.details["page"] == "privacy" and event.actor.email == "admin@demo.test"


def test_a_blank_page_or_a_stale_edit_is_refused_at_the_field(make_browser):
    admin = make_browser("admin@demo.test")
    blank = admin.submit("/admin/pages/help", {"body": "   ", "version": ""})
    assert blank.status_code == 400 and "Enter the page's text" in page_text(blank)
    admin.submit("/admin/pages/help", {"body": "First", "version": ""})
    stale = admin.submit("/admin/pages/help", {"body": "Second", "version": ""})
    assert stale.status_code == 400 and "Someone else changed this" in page_text(stale)
    assert admin.get("/admin/pages/nonsense").status_code == 404


def test_only_administrators_change_the_pages(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    assert coordinator.get("/admin/pages").status_code == 403
    assert coordinator.get("/admin/pages/privacy").status_code == 403


def test_the_phase_banner_and_signed_in_bar_are_inside_the_header_landmark(make_browser):
    html = make_browser("coordinator@demo.test").get("/cases").get_data(as_text=True)
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    assert "govuk-phase-banner" in header and "Signed in as" in header
