"""Generating a board report: build it, render it, archive it with its fingerprint, and tell
the board it is ready. The scheduler generates each area's reports the day after a period
closes; coordinators and the command line can generate one for any closed period."""

from __future__ import annotations

import hashlib
from datetime import date

from flask import current_app
from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, Role, User
from ecdop.board_reports.content import build_report
from ecdop.board_reports.models import BoardReport, ReportOrigin
from ecdop.board_reports.render import report_body, report_pdf
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.periods import PeriodKind, ReportingPeriod, last_closed
from ecdop.foundation.refusals import ChangeRefused
from ecdop.foundation.transactions import add_unless_present
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.services import queue_message_to_each


def start_month() -> int:
    return current_app.config["REPORTING_YEAR_START_MONTH"]


def generate_report(
    period: ReportingPeriod,
    areas: list[Area],
    *,
    origin: ReportOrigin,
    actor: User | None = None,
    today: date | None = None,
) -> BoardReport | None:
    """Make, archive and announce a report. A scheduled report already archived for the same
    period and areas, perhaps by a run racing this one, is not made again: None."""
    today = today or uk_today()
    if period.ends_on >= today:
        raise ChangeRefused("Reports are made only for periods that have ended", "period")
    if not areas:
        raise ChangeRefused("Choose at least one review area", "area_ids")
    generated_at = utc_now()
    content = build_report(
        period, areas, start_month=start_month(), today=today, generated_at=generated_at
    )
    pdf = report_pdf(content)
    report = BoardReport(
        kind=period.kind, period_code=period.code, period_starts_on=period.starts_on,
        period_ends_on=period.ends_on, areas_label=content.areas_label,
        generated_at=generated_at, generated_by_id=actor.id if actor else None, origin=origin,
        html=report_body(content), pdf=pdf, pdf_bytes=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(), areas=list(areas),
        scheduled_areas=scheduled_areas_key(areas) if origin is ReportOrigin.SCHEDULE else None,
    )  # fmt: skip
    if not add_unless_present(report):
        return None
    record_event(
        AuditAction.BOARD_REPORT_GENERATED,
        subject=report,
        actor_id=actor.id if actor else None,
        details={"kind": period.kind.value, "period": period.code, "origin": origin.value,
                 "areas": [area.code for area in areas], "sha256": report.sha256},
    )  # fmt: skip
    _tell_the_board(report)
    return report


def scheduled_areas_key(areas: list[Area]) -> str:
    return ",".join(str(area_id) for area_id in sorted(area.id for area in areas))


def board_members_of(areas: list[Area]) -> list[User]:
    area_ids = {area.id for area in areas}
    members = db.session.scalars(
        select(User).where(User.role == Role.BOARD_MEMBER, User.active).order_by(User.id)
    )
    # A member hears of a report only if they may read it: it covers none of their areas but
    # theirs.
    return [member for member in members if area_ids <= member.area_ids]


def _tell_the_board(report: BoardReport) -> None:
    queue_message_to_each(
        board_members_of(report.areas),
        event_key=mail_keys.board_report_published(report.id),
        subject=f"New report for the board: {report.title}",
        template="email/board_report_ready.txt",
        action_path=app_path("board_reports.show", report_id=report.id),
        report=report,
    )


def _already_scheduled(period: ReportingPeriod, area: Area) -> bool:
    return db.session.scalar(
        select(BoardReport.id).where(
            BoardReport.kind == period.kind,
            BoardReport.period_code == period.code,
            BoardReport.scheduled_areas == scheduled_areas_key([area]),
        )
    ) is not None  # fmt: skip


def generate_due_reports(today: date | None = None) -> int:
    """Each area's quarterly and annual report for the last period to close, unless already
    made: run daily, it makes them the day after a period closes and catches up after
    downtime, never twice."""
    today = today or uk_today()
    made = 0
    for kind in PeriodKind:
        period = last_closed(kind, today, start_month())
        for area in db.session.scalars(select(Area).order_by(Area.code)):
            if not _already_scheduled(period, area):
                made += generate_report(
                    period, [area], origin=ReportOrigin.SCHEDULE, today=today
                ) is not None  # fmt: skip
    return made
