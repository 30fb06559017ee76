"""What panel members read: the agenda in ecdop and the anonymised pack, with a check for the
coordinator that nothing is missing before the pack goes out."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_case_reads
from ecdop.auth.permissions import Permission, requires, user_may
from ecdop.meetings import queries
from ecdop.meetings.models import AgendaItem
from ecdop.meetings.pack import Pack, pack_for, pack_pdf

meeting_packs_blueprint = Blueprint("meeting_packs", __name__)


@meeting_packs_blueprint.route("/meetings/<int:meeting_id>/papers")
@requires(Permission.VIEW_PANEL_PACKS)
def agenda(meeting_id: int):
    """The meeting's agenda as members read it: anonymised, as in the pack."""
    meeting = queries.meeting_pack_or_404(current_user, meeting_id)
    pack = pack_for(meeting)
    record_case_reads(
        AuditAction.PANEL_MEETING_VIEWED, (c.case_id for c in pack.cases), subject=meeting
    )
    return render_template("meetings/agenda.html", meeting=meeting, pack=pack)


@meeting_packs_blueprint.route("/meetings/<int:meeting_id>/pack.pdf")
@requires(Permission.VIEW_PANEL_PACKS)
def pack(meeting_id: int):
    meeting = queries.meeting_pack_or_404(current_user, meeting_id)
    pack = pack_for(meeting)
    missing = papers_missing(pack)
    # The coordinator, who can still fix it, sees first what the members would not get.
    if missing and user_may(Permission.SCHEDULE_PANEL_REVIEWS) and "anyway" not in request.args:
        return render_template("meetings/pack_missing.html", meeting=meeting, missing=missing)
    pdf = pack_pdf(pack)
    # Each case's own audit trail shows who took its papers away.
    record_case_reads(
        AuditAction.PANEL_PACK_DOWNLOADED, (c.case_id for c in pack.cases), subject=meeting
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="panel-pack-{meeting.id}.pdf"',
            "Cache-Control": "no-store",
        },
    )


def papers_missing(pack: Pack) -> list[tuple[AgendaItem, list[str]]]:
    """(agenda item, what its papers lack) for each case whose papers are not complete."""
    items = {item.case_id: item for item in queries.agenda_of(pack.meeting)}
    missing = []
    for case in pack.cases:
        lacking = []
        if not case.summary:
            lacking.append("no panel summary")
        if case.reports_not_confirmed:
            count = case.reports_not_confirmed
            lacking.append(f"{count} agency extract{'s' if count != 1 else ''} not confirmed")
        if lacking:
            missing.append((items[case.case_id], lacking))
    return missing
