"""Reads of the report archive: each person sees the reports that cover only their areas."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ecdop.auth.models import User
from ecdop.board_reports.models import BoardReport
from ecdop.foundation.extensions import db


def _readable_by(user: User, report: BoardReport) -> bool:
    return {area.id for area in report.areas} <= user.area_ids


def reports_for(user: User) -> list[BoardReport]:
    """Newest period first, and within a period the latest made first."""
    reports = db.session.scalars(
        select(BoardReport).order_by(
            BoardReport.period_ends_on.desc(),
            BoardReport.kind,
            BoardReport.generated_at.desc(),
            BoardReport.id.desc(),
        )
    )
    return [report for report in reports if _readable_by(user, report)]


def report_for_reader_or_404(user: User, report_id: int) -> BoardReport:
    report = db.session.get(BoardReport, report_id)
    if report is None or not _readable_by(user, report):
        abort(404)
    return report
