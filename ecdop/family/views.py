"""The family's pages: a key worker's families, the family page of a case, and assigning the
key worker. Every page of a case's family is read through ``family_case_or_404``."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.auth.queries import user_or_404
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.cases.queries import case_for_coordinator_or_404
from ecdop.family import queries, services
from ecdop.family.forms import KeyWorkerForm
from ecdop.foundation.forms import form_status, record_id, select_choices, submitted_version
from ecdop.foundation.paging import requested_page
from ecdop.foundation.refusals import REFUSALS, show_refusal

family_blueprint = Blueprint("family", __name__)


@family_blueprint.route("/families")
@requires(Permission.WORK_WITH_FAMILIES)
def families():
    """The cases whose family the signed-in person is key worker to."""
    found = queries.families_page(current_user, requested_page())
    record_event(AuditAction.CASE_LIST_VIEWED, details={"list": "families", "cases": found.total})
    return render_template("family/families.html", cases=found)


@family_blueprint.route("/cases/<int:case_id>/family")
@requires(Permission.WORK_WITH_FAMILIES)
def family(case_id: int):
    case = queries.family_case_or_404(current_user, case_id)
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case,
                 details={"page": "family"})  # fmt: skip
    return render_template(
        "family/family.html",
        case=case,
        record=queries.family_record_of(case),
        dates=queries.review_dates(case),
    )


@family_blueprint.route("/cases/<int:case_id>/key-worker", methods=["GET", "POST"])
@requires(Permission.ASSIGN_KEY_WORKERS)
def key_worker(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    record = queries.family_record_of(case)
    form = KeyWorkerForm(data={"version": record.version_id if record else ""})
    form.key_worker_id.choices = select_choices(
        [("", "Choose someone"), *((str(person.id), f"{person.full_name} ({person.role.label})")
                                   for person in queries.possible_key_workers(case.area_id))]
    )  # fmt: skip
    if request.method == "GET":
        record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case,
                     details={"page": "key worker"})  # fmt: skip
    elif form.validate_on_submit():
        try:
            chosen = services.assign_key_worker(
                case,
                user_or_404(record_id(form.key_worker_id.data) or 0),
                reason=form.reason.data or "",
                actor=current_user,
                expected_version=submitted_version(form),
            )
        except REFUSALS as refused:
            show_refusal(refused, form, "key_worker_id")
        else:
            assert chosen.key_worker is not None
            flash(f"{chosen.key_worker.full_name} is now the family's key worker.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "family/key_worker.html", form=form, case=case, record=record
    ), form_status(form)


def case_page_family(case: Case) -> CasePageSection:
    """The case page's family part, for the coordinator: the key worker, and the way to the
    family page."""
    return CasePageSection("family/_case_family.html", "work",
                           {"family_record": queries.family_record_of(case)})  # fmt: skip
