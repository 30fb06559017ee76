"""What makes a PDF accessible (PDF/UA-1), read back with pikepdf: every PDF ecdop makes is
checked with this."""

from __future__ import annotations

import io

import pikepdf


def accessibility_problems(pdf_bytes: bytes) -> list[str]:
    """Each way the PDF falls short: not tagged, no language, its title not shown, no XMP
    metadata, a figure without alternative text, a header cell without its scope."""
    problems = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root
        if not root.get("/MarkInfo", {}).get("/Marked", False):
            problems.append("not marked as tagged (/MarkInfo)")
        if "/StructTreeRoot" not in root:
            problems.append("no structure tree")
        if not str(root.get("/Lang", "")):
            problems.append("no language (/Lang)")
        if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
            problems.append("its title is not shown (/DisplayDocTitle)")
        with pdf.open_metadata() as metadata:
            if not metadata.get("dc:title"):
                problems.append("no title in its XMP metadata")
        for element in structure_elements(root.get("/StructTreeRoot")):
            kind = element.get("/S")
            if kind == pikepdf.Name.Figure and not str(element.get("/Alt", "")).strip():
                problems.append("a figure without alternative text")
            if kind == pikepdf.Name.TH and "/Scope" not in element.get("/A", {}):
                problems.append(f"a header cell without /Scope ({element.get('/ID')})")
    return problems


def structure_elements(node):
    waiting = [node] if node is not None else []
    while waiting:
        current = waiting.pop()
        if isinstance(current, pikepdf.Array):
            waiting.extend(current)
        elif isinstance(current, pikepdf.Dictionary) and "/S" in current:
            yield current
            if "/K" in current:
                waiting.append(current.K)
        elif isinstance(current, pikepdf.Dictionary) and "/K" in current:
            waiting.append(current.K)


def header_scopes(pdf_bytes: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [
            str(element.A.Scope)
            for element in structure_elements(pdf.Root.get("/StructTreeRoot"))
            if element.get("/S") == pikepdf.Name.TH and "/Scope" in element.get("/A", {})
        ]
