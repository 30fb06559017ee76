"""PDF rendering with WeasyPrint that never reaches outside the document."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher


def offline_fetcher() -> URLFetcher:
    """Only data: URIs (inline images and fonts); any other address is refused, so a PDF of
    case papers cannot leak a request to another server."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=offline_fetcher()).write_pdf()
