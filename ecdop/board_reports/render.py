"""Laying out a board report: the HTML fragment archived and shown on the web, and the PDF
(A4, numbered pages, a contents page, tagged for screen readers) rendered from reports/."""

from __future__ import annotations

from flask import render_template

from ecdop.board_reports.content import ReportContent
from ecdop.foundation.pdf import render_pdf


def report_body(report: ReportContent) -> str:
    return render_template("reports/_board_report_body.html", report=report)


def report_pdf(report: ReportContent) -> bytes:
    """The PDF, tagged (PDF/UA-1) so that its headings, tables and chart descriptions reach
    people using screen readers; it fetches nothing but its own inline images."""
    return render_pdf(render_template("reports/board_report.html", report=report))
