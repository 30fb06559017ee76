"""An agency's documents sent with its reporting form: its chronology, say. They go to the
case's coordinators; no other agency ever sees them."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.auth.permissions import Permission, requires
from ecdop.cases.states import INVESTIGATIONS
from ecdop.documents import queries, services
from ecdop.documents.choices import DocumentKind
from ecdop.documents.forms import AttachmentForm
from ecdop.foundation.files import accepts_files, chosen_file
from ecdop.foundation.forms import form_status
from ecdop.foundation.refusals import REFUSALS, show_refusal
from ecdop.reporting_forms.hooks import ReportPageSection
from ecdop.reporting_forms.models import OPEN_STATUSES, ReportingRequest
from ecdop.reporting_forms.queries import request_for_agency_or_404

report_documents_blueprint = Blueprint("report_documents", __name__)


@report_documents_blueprint.route("/requests/<int:request_id>/documents/new",
                                  methods=["GET", "POST"])  # fmt: skip
@requires(Permission.RESPOND_TO_REQUESTS)
@accepts_files("DOCUMENT_MAX_BYTES")
def send_document(request_id: int):
    request = request_for_agency_or_404(current_user, request_id)
    largest = current_app.config["DOCUMENT_MAX_BYTES"]
    form = AttachmentForm()
    if form.validate_on_submit():
        content, name = chosen_file(form.file.data)
        try:
            services.attach_to_report(request, DocumentKind(form.kind.data), content, name,
                                      actor=current_user, largest=largest)  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "file")
        else:
            flash("The document is sent to the CDOP coordinators.", "success")
            return redirect(url_for("reporting_forms.respond", request_id=request.id))
    return render_template(
        "documents/send_document.html", form=form, reporting_request=request,
        largest=largest // 2**20,
    ), form_status(form)  # fmt: skip


def report_page_documents(request: ReportingRequest, for_agency: bool) -> ReportPageSection:
    """The documents sent with a reporting form: named to the agency that sent them, and
    to be downloaded by the coordinator reading the form."""
    context = {
        "attachments": queries.attachments_of(request),
        "for_agency": for_agency,
        "may_send": (
            for_agency and request.status in OPEN_STATUSES and INVESTIGATIONS.open_for(request.case)
        ),
    }
    return ReportPageSection("documents/_report_documents.html", context)
