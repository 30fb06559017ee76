"""The board's reports: the archive, each report on the web and as a PDF, and generating one
on demand. Nothing here reaches a case."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires, user_may
from ecdop.board_reports import queries, services
from ecdop.board_reports.forms import GenerateReportForm
from ecdop.board_reports.models import ReportOrigin
from ecdop.foundation.clock import uk_today
from ecdop.foundation.forms import select_choices
from ecdop.foundation.periods import PeriodKind, ReportingPeriod, closed_periods
from ecdop.foundation.refusals import ChangeRefused, show_refusal

board_reports_blueprint = Blueprint("board_reports", __name__)


@board_reports_blueprint.route("/board-reports")
@requires(Permission.VIEW_BOARD_REPORTS)
def index():
    return render_template(
        "board_reports/index.html",
        reports=queries.reports_for(current_user),
        may_generate=user_may(Permission.GENERATE_BOARD_REPORTS),
    )


@board_reports_blueprint.route("/board-reports/<int:report_id>")
@requires(Permission.VIEW_BOARD_REPORTS)
def show(report_id: int):
    report = queries.report_for_reader_or_404(current_user, report_id)
    record_event(AuditAction.BOARD_REPORT_VIEWED, subject=report)
    # The archived body is ecdop's own output: rendered, with every value escaped, by the
    # report template when the report was made.
    body = Markup(report.html)  # noqa: S704
    return render_template("board_reports/show.html", report=report, body=body)


@board_reports_blueprint.route("/board-reports/<int:report_id>/pdf")
@requires(Permission.VIEW_BOARD_REPORTS)
def pdf(report_id: int):
    report = queries.report_for_reader_or_404(current_user, report_id)
    record_event(AuditAction.BOARD_REPORT_DOWNLOADED, subject=report,
                 details={"sha256": report.sha256})  # fmt: skip
    return Response(
        report.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{report.file_name}"'},
    )


def _period_choices() -> dict[str, ReportingPeriod]:
    today, start = uk_today(), services.start_month()
    periods = [
        *closed_periods(PeriodKind.QUARTERLY, today, start),
        *closed_periods(PeriodKind.ANNUAL, today, start, count=5),
    ]
    return {f"{period.kind.value}:{period.code}": period for period in periods}


@board_reports_blueprint.route("/board-reports/new", methods=["GET", "POST"])
@requires(Permission.GENERATE_BOARD_REPORTS)
def new():
    periods = _period_choices()
    form = GenerateReportForm(data={"area_ids": sorted(current_user.area_ids)})
    form.period.choices = select_choices(
        [("", "Choose a report")]
        + [(key, f"{p.kind.label}: {p.label}") for key, p in periods.items()]
    )
    areas = {area.id: area for area in current_user.areas}
    form.area_ids.choices = select_choices((area.id, area.name) for area in areas.values())
    if form.validate_on_submit():
        try:
            report = services.generate_report(
                periods[form.period.data],
                [areas[area_id] for area_id in form.area_ids.data],
                origin=ReportOrigin.ON_DEMAND,
                actor=current_user,
            )
        except ChangeRefused as refused:
            show_refusal(refused, form, "period")
        else:
            assert report is not None, "only a scheduled report can find itself made already"
            flash(f"{report.title} is ready, and the board has been told.", "success")
            return redirect(url_for("board_reports.show", report_id=report.id))
    return render_template("board_reports/new.html", form=form), 400 if form.errors else 200
