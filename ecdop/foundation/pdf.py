"""Every PDF ecdop makes (receipts, panel packs, board reports), rendered in one place: with
WeasyPrint, never reaching outside the document, and as an accessible, tagged PDF (PDF/UA-1:
a structure tree, the document's language, its title shown, XMP metadata), with each table's
header cells saying whether they head a column or a row."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
from weasyprint import HTML
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/ua-1"


def offline_fetcher() -> URLFetcher:
    """Only data: URIs (inline images and fonts); any other address is refused, so a PDF of
    case papers cannot leak a request to another server."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(html: str) -> bytes:
    tagged = HTML(string=html, url_fetcher=offline_fetcher()).write_pdf(pdf_variant=PDF_VARIANT)
    return with_header_scopes(tagged)


def with_header_scopes(pdf_bytes: bytes) -> bytes:
    """WeasyPrint tags header cells (TH) without the /Scope a screen reader and PDF/UA ask
    for: a header in a table's head row heads its column; any other (the first cell of a body
    or foot row) heads its row."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for element in _structure_elements(pdf.Root.get("/StructTreeRoot")):
            if element.get("/S") == pikepdf.Name.TH:
                _scope(element)
        output = io.BytesIO()
        # The same document gives the same bytes: a report's SHA-256 changes with its content.
        pdf.save(output, deterministic_id=True)
    return output.getvalue()


def _scope(header: pikepdf.Dictionary) -> None:
    row = header.get("/P")
    row_group = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
    in_head = (
        isinstance(row_group, pikepdf.Dictionary) and row_group.get("/S") == pikepdf.Name.THead
    )
    attributes = header.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary):
        attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
    attributes.Scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
    header.A = attributes


def _structure_elements(node) -> Iterator[pikepdf.Dictionary]:
    waiting = [node] if node is not None else []
    while waiting:
        current = waiting.pop()
        if isinstance(current, pikepdf.Array):
            waiting.extend(current)
        elif isinstance(current, pikepdf.Dictionary) and current.get("/Type") != "/MCR":
            if "/S" in current:
                yield current
            if "/K" in current:
                waiting.append(current.K)
