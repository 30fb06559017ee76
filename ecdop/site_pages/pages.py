"""Which pages there are, and ecdop's default text for each.

The Public Sector Bodies Accessibility Regulations 2018 require an accessibility statement, and
UK GDPR a privacy notice; a cookies page and a way to get help are what people expect in the
footer of a public service. Each deployment's administrator replaces the defaults with its own
organisations, contacts and retention periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from markdown_it import MarkdownIt
from markupsafe import Markup


@dataclass(frozen=True)
class SitePage:
    key: str
    title: str
    endpoint: str


SITE_PAGES = (
    SitePage("accessibility", "Accessibility statement", "site_pages.accessibility"),
    SitePage("privacy", "Privacy notice", "site_pages.privacy"),
    SitePage("cookies", "Cookies", "site_pages.cookies"),
    SitePage("help", "Help and contact", "site_pages.help"),
)
PAGES_BY_KEY = {page.key: page for page in SITE_PAGES}


@cache
def default_text(key: str) -> str:
    return resources.files("ecdop.site_pages").joinpath(f"defaults/{key}.md").read_text("utf-8")


# CommonMark without raw HTML: an administrator's text cannot carry a script or a form, and
# markdown-it refuses javascript: and data: links.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def page_html(body: str) -> Markup:
    """The page's text (Markdown: ## headings, paragraphs, - lists, [links](…)) as HTML. A
    table scrolls inside itself on a narrow screen. (Raw HTML typed is shown as text, so the
    only tables are Markdown's.)"""
    html = _MARKDOWN.render(body)
    html = html.replace("<table>", SCROLLING_TABLE).replace("</table>", "</table></div>")
    return Markup(html)  # noqa: S704 - markdown-it escapes everything typed


SCROLLING_TABLE = (
    '<div class="ecdop-table-scroll" tabindex="0" role="region" aria-label="Table"><table>'
)
