"""The coordinator's preparation of each case's papers: the panel summary and the checked
extracts of agency reports."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.foundation.forms import submitted_version
from ecdop.foundation.refusals import REFUSALS, show_refusal
from ecdop.meetings import papers as panel_papers
from ecdop.meetings import queries
from ecdop.meetings.extracts import draft_extract
from ecdop.meetings.forms import ExtractForm, PanelSummaryForm
from ecdop.meetings.hooks import documents_for_the_panel

meeting_papers_blueprint = Blueprint("meeting_papers", __name__)


@meeting_papers_blueprint.route("/agenda-items/<int:item_id>/papers", methods=["GET", "POST"])
@requires(Permission.SCHEDULE_PANEL_REVIEWS)
def papers(item_id: int):
    """The coordinator's preparation of one case for the pack: the summary and the extracts."""
    item = queries.agenda_item_for_coordinator_or_404(current_user, item_id)
    form = PanelSummaryForm(data={"panel_summary": item.panel_summary,
                                  "version": item.version_id})  # fmt: skip
    findings = []
    if form.validate_on_submit():
        try:
            panel_papers.write_panel_summary(
                item,
                form.panel_summary.data,
                actor=current_user,
                expected_version=submitted_version(form),
                not_identifiers=form.not_identifiers.data or [],
            )
        except REFUSALS as refused:
            show_refusal(refused, form, "panel_summary")
            findings = offer_words_to_confirm(form, refused)
            form.version.data = item.version_id
        else:
            flash("Panel summary saved.", "success")
            return redirect(url_for("meeting_papers.papers", item_id=item.id))
    record_event(AuditAction.CASE_VIEWED, case_id=item.case_id, subject=item)
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "meetings/papers.html",
        item=item,
        form=form,
        findings=findings,
        reports=queries.reports_for_pack(item.case),
        documents=[paper for answer in documents_for_the_panel(item.case) for paper in answer],
    )
    return page, status


@meeting_papers_blueprint.route(
    "/agenda-items/<int:item_id>/extracts/<int:request_id>", methods=["GET", "POST"]
)
@requires(Permission.SCHEDULE_PANEL_REVIEWS)
def extract(item_id: int, request_id: int):
    item = queries.agenda_item_for_coordinator_or_404(current_user, item_id)
    report = queries.submitted_request_or_404(item.case, request_id)
    current = queries.extract_of(report)
    text = current.text if current is not None and current.is_current else draft_extract(report)
    form = ExtractForm(data={"text": text, "version": current.version_id if current else ""})
    findings = []
    if form.validate_on_submit():
        try:
            panel_papers.confirm_extract(
                report,
                form.text.data,
                actor=current_user,
                expected_version=submitted_version(form),
                not_identifiers=form.not_identifiers.data or [],
            )
        except REFUSALS as refused:
            show_refusal(refused, form, "text")
            findings = offer_words_to_confirm(form, refused)
            current = queries.extract_of(report)
            form.version.data = current.version_id if current else ""
        else:
            flash("Extract confirmed for the panel pack.", "success")
            return redirect(url_for("meeting_papers.papers", item_id=item.id))
    record_event(AuditAction.REPORT_VIEWED, case_id=item.case_id, subject=report)
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "meetings/extract.html",
        item=item,
        report=report,
        extract=current,
        form=form,
        findings=findings,
    )
    return page, status


def offer_words_to_confirm(form, refused: Exception) -> list:
    """After the identifier check refused a text: where each finding is, and a tick box for
    each word the coordinator may confirm is not an identifier here."""
    if not isinstance(refused, panel_papers.IdentifiersFound):
        return []
    form.not_identifiers.choices = [
        (word, f"\u201c{written}\u201d is not an identifier in this text")
        for word, written in refused.words_to_confirm
    ]
    return refused.findings
