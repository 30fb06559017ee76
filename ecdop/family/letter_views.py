"""The family's documents: write a letter from its template, preview it, make its PDF,
download a letter that was sent, and a parent's own records for their subject access request.
Every page goes through ``family_case_or_404``."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.family import queries, services
from ecdop.family.choices import LetterKind
from ecdop.family.forms import LetterForm
from ecdop.family.letters import default_wording, letter_of
from ecdop.family.subject_access import records_of, subject_access_pdf
from ecdop.foundation.forms import form_status
from ecdop.foundation.refusals import REFUSALS, show_refusal

family_letters_blueprint = Blueprint("family_letters", __name__)


@family_letters_blueprint.route(
    "/cases/<int:case_id>/family/contacts/<int:contact_id>/letters/<kind>",
    methods=["GET", "POST"],
)
@requires(Permission.WORK_WITH_FAMILIES)
def write(case_id: int, contact_id: int, kind: str):
    case = queries.family_case_or_404(current_user, case_id)
    contact = queries.contact_or_404(case, contact_id)
    if kind not in LetterKind._value2member_map_:
        abort(404)
    letter_kind = LetterKind(kind)
    record = queries.family_record_of(case)
    key_worker = record.key_worker if record and record.key_worker else current_user
    form = LetterForm()
    if not form.is_submitted():
        form.wording.data = default_wording(letter_kind, case, contact, key_worker)
        record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=contact,
                     details={"page": "family letter"})  # fmt: skip
    elif form.validate_on_submit() and form.make.data:
        try:
            services.send_letter(case, contact, letter_kind, form.wording.data, actor=current_user)
        except REFUSALS as refused:
            show_refusal(refused, form, "wording")
        else:
            flash(f"The letter is made: download it from the contact log to print or send "
                  f"to {contact.full_name}.", "success")  # fmt: skip
            return redirect(url_for("family.family", case_id=case.id))
    letter = letter_of(letter_kind, contact, key_worker, form.wording.data or "")
    return render_template(
        "family/letter_form.html", form=form, case=case, contact=contact, letter=letter
    ), form_status(form)


@family_letters_blueprint.route("/cases/<int:case_id>/family/letters/<int:letter_id>")
@requires(Permission.WORK_WITH_FAMILIES)
def download(case_id: int, letter_id: int):
    case = queries.family_case_or_404(current_user, case_id)
    letter = queries.letter_or_404(case, letter_id)
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=letter,
                 details={"download": "family letter", "sha256": letter.sha256})  # fmt: skip
    return Response(
        letter.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{letter.filename}"',
            "Cache-Control": "no-store",
        },
    )


@family_letters_blueprint.route(
    "/cases/<int:case_id>/family/contacts/<int:contact_id>/subject-access"
)
@requires(Permission.ANSWER_SUBJECT_ACCESS)
def subject_access(case_id: int, contact_id: int):
    """One PDF of what is held about this parent or carer, for their subject access request."""
    case = queries.family_case_or_404(current_user, case_id)
    contact = queries.contact_or_404(case, contact_id)
    records = records_of(case, contact)
    pdf = subject_access_pdf(records)
    details = {"sha256": hashlib.sha256(pdf).hexdigest(), "letters": len(records.letters),
               "contacts": len(records.contacts_made)}  # fmt: skip
    record_event(AuditAction.SUBJECT_ACCESS_EXPORTED, case_id=case.id, subject=contact,
                 details=details)  # fmt: skip
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="ecdop-subject-access.pdf"',
            "Cache-Control": "no-store",
        },
    )
