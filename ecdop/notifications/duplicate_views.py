"""Deciding a possible duplicate that matching flagged: the decision on the case page, and the
merge, confirmed on a page showing both cases."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.cases.queries import case_for_coordinator_or_404
from ecdop.cases.views import render_case_page
from ecdop.foundation.forms import ConfirmForm, posted_version
from ecdop.foundation.refusals import ChangeRefused, check_version, refusal_message, show_refusal
from ecdop.notifications import queries, services
from ecdop.notifications.forms import DuplicateDecisionForm

duplicates_blueprint = Blueprint("duplicates", __name__)


def case_page_duplicate(case: Case) -> CasePageSection:
    """The case page's decision on a possible duplicate, when matching flagged one."""
    form = DuplicateDecisionForm(formdata=None, data={"version": case.version_id})
    return CasePageSection("notifications/_case_duplicate.html", "top", {"decision_form": form})


@duplicates_blueprint.route("/cases/<int:case_id>/duplicate", methods=["POST"])
@requires(Permission.DECIDE_DUPLICATES)
def decide_duplicate(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    form = DuplicateDecisionForm()
    if not form.validate_on_submit():
        return render_case_page(case, decision_form=form, status=400)
    try:
        version = int(form.version.data)
        check_version(case, version, "decision")
        if form.decision.data == "same":
            # Merging cannot be undone: it is confirmed on a page showing both cases.
            return redirect(url_for("duplicates.confirm_merge", case_id=case.id))
        services.reject_duplicate(case, version)
    except (ChangeRefused, ValueError) as refused:
        status = show_refusal(refused, form, "decision")
        form.version.data = case.version_id
        return render_case_page(case, decision_form=form, status=status)
    flash("Possible duplicate flag removed.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


@duplicates_blueprint.route("/cases/<int:case_id>/merge", methods=["GET", "POST"])
@requires(Permission.DECIDE_DUPLICATES)
def confirm_merge(case_id: int):
    """Both cases side by side, and the button that merges them."""
    case = case_for_coordinator_or_404(current_user, case_id)
    survivor = case.possible_duplicate_of
    if survivor is None or case.is_merged:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_same_child(case, posted_version(), actor=current_user)
        except ChangeRefused as refused:
            show_refusal(refused)
            flash(refusal_message(refused), "error")
            return redirect(url_for("cases.show", case_id=case.id))
        flash(f"{case.reference} merged into {survivor.reference}.", "success")
        return redirect(url_for("cases.show", case_id=survivor.id))
    for shown in (case, survivor):
        record_event(AuditAction.CASE_VIEWED, case_id=shown.id, subject=shown)
    return render_template(
        "notifications/confirm_merge.html",
        case=case,
        survivor=survivor,
        rows=queries.merge_comparison(case, survivor),
        form=form,
    )
