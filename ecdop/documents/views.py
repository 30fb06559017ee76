"""The coordinator's pages for the post-mortem and the inquest of a case."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.cases.queries import case_for_coordinator_or_404
from ecdop.cases.states import INVESTIGATIONS
from ecdop.documents import queries, services
from ecdop.documents.choices import (
    DocumentKind,
    InquestConclusion,
    OrderedBy,
    PostMortemNeeded,
    PostMortemType,
)
from ecdop.documents.content import DocumentFormat
from ecdop.documents.forms import DocumentForm, InquestForm, PostMortemForm, WithdrawDocumentForm
from ecdop.documents.storage import document_store
from ecdop.foundation.files import accepts_files, chosen_file
from ecdop.foundation.formatting import uk_date
from ecdop.foundation.forms import form_status, select_choices, submitted_version
from ecdop.foundation.refusals import REFUSALS, show_refusal
from ecdop.meetings.forms import ExtractForm
from ecdop.meetings.papers_views import offer_words_to_confirm

documents_blueprint = Blueprint("documents", __name__)


@documents_blueprint.route("/cases/<int:case_id>/post-mortem", methods=["GET", "POST"])
@requires(Permission.RECORD_POST_MORTEMS_AND_INQUESTS)
def post_mortem(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    record = queries.post_mortem_of(case)
    form = PostMortemForm(data=_post_mortem_data(record))
    form.final_report_document_id.choices = select_choices(
        [("", "None kept yet")]
        + [(str(d.id), f"{d.kind.label}, came {uk_date(d.received_on)}")
           for d in queries.final_reports_of(case)]
    )  # fmt: skip
    _read(case, "post-mortem")
    if form.validate_on_submit():
        try:
            services.save_post_mortem(case, _post_mortem_details(form), actor=current_user,
                                      expected_version=submitted_version(form))  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "needed")
        else:
            flash("The post-mortem is recorded.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("documents/post_mortem.html", form=form, case=case), form_status(form)


def _post_mortem_data(record) -> dict:
    if record is None:
        return {"version": ""}
    return {
        "needed": record.needed.value,
        "ordered_by": record.ordered_by.value if record.ordered_by else "",
        "kind": record.kind.value if record.kind else "",
        "performed_on": record.performed_on,
        "provisional_cause_received_on": record.provisional_cause_received_on,
        "provisional_cause": record.provisional_cause,
        "final_report_received_on": record.final_report_received_on,
        "final_report_document_id": str(record.final_report_document_id or ""),
        "version": record.version_id,
    }


def _post_mortem_details(form: PostMortemForm) -> services.PostMortemDetails:
    return services.PostMortemDetails(
        needed=PostMortemNeeded(form.needed.data),
        ordered_by=OrderedBy(form.ordered_by.data) if form.ordered_by.data else None,
        kind=PostMortemType(form.kind.data) if form.kind.data else None,
        performed_on=form.performed_on.data,
        provisional_cause_received_on=form.provisional_cause_received_on.data,
        provisional_cause=form.provisional_cause.data or "",
        final_report_received_on=form.final_report_received_on.data,
        final_report_document_id=int(form.final_report_document_id.data or 0) or None,
    )


@documents_blueprint.route("/cases/<int:case_id>/inquest", methods=["GET", "POST"])
@requires(Permission.RECORD_POST_MORTEMS_AND_INQUESTS)
def inquest(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    record = queries.inquest_of(case)
    form = InquestForm(data=_inquest_data(record))
    _read(case, "inquest")
    if form.validate_on_submit():
        try:
            services.save_inquest(case, _inquest_details(form), actor=current_user,
                                  expected_version=submitted_version(form))  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "coroner_area")
        else:
            flash("The inquest is recorded.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("documents/inquest.html", form=form, case=case), form_status(form)


def _inquest_data(record) -> dict:
    if record is None:
        return {"version": "", "prevention_of_future_deaths_report": "no"}
    data = {name: getattr(record, name) for name in
            ("coroner_area", "coroner_reference", "opened_on", "expected_on", "concluded_on",
             "report_sent_to")}  # fmt: skip
    return data | {
        "conclusion": record.conclusion.value if record.conclusion else "",
        "prevention_of_future_deaths_report": (
            "yes" if record.prevention_of_future_deaths_report else "no"
        ),
        "version": record.version_id,
    }


def _inquest_details(form: InquestForm) -> services.InquestDetails:
    return services.InquestDetails(
        coroner_area=form.coroner_area.data,
        opened_on=form.opened_on.data,
        coroner_reference=form.coroner_reference.data or "",
        expected_on=form.expected_on.data,
        concluded_on=form.concluded_on.data,
        conclusion=InquestConclusion(form.conclusion.data) if form.conclusion.data else None,
        prevention_of_future_deaths_report=form.prevention_of_future_deaths_report.data == "yes",
        report_sent_to=form.report_sent_to.data or "",
    )


@documents_blueprint.route("/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
@requires(Permission.KEEP_DOCUMENTS)
@accepts_files("DOCUMENT_MAX_BYTES")
def new_document(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    largest = current_app.config["DOCUMENT_MAX_BYTES"]
    form = DocumentForm()
    _read(case, "new document")
    if form.validate_on_submit():
        content, name = chosen_file(form.file.data)
        try:
            kind, received_on = DocumentKind(form.kind.data), form.received_on.data
            services.upload_document(case, kind, received_on, content, name,
                                     actor=current_user, largest=largest)  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "file")
        else:
            flash("The document is kept with the case.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "documents/new_document.html", form=form, case=case, largest=largest // 2**20
    ), form_status(form)


@documents_blueprint.route("/cases/<int:case_id>/documents/<int:document_id>")
@requires(Permission.KEEP_DOCUMENTS)
def download_document(case_id: int, document_id: int):
    """The document as an attachment, under a name with no child's name in it, never run
    or sniffed by the browser, never cached."""
    case = case_for_coordinator_or_404(current_user, case_id)
    document = queries.document_or_404(case, document_id)
    if document.withdrawn_at is not None or document.erased_at is not None:
        abort(410)
    record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=document,
                 details={"download": "document", "sha256": document.sha256})  # fmt: skip
    return Response(
        stream_with_context(document_store().read(document)),
        mimetype=DocumentFormat(document.format).media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "Content-Length": str(document.size),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )


@documents_blueprint.route(
    "/cases/<int:case_id>/documents/<int:document_id>/withdraw", methods=["GET", "POST"]
)
@requires(Permission.KEEP_DOCUMENTS)
def withdraw_document(case_id: int, document_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    document = queries.document_or_404(case, document_id)
    form = WithdrawDocumentForm()
    if form.validate_on_submit():
        try:
            services.withdraw_document(document, case, reason=form.reason.data,
                                       actor=current_user)  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "reason")
        else:
            flash("The document is withdrawn and its content erased.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "documents/withdraw.html", form=form, case=case, document=document
    ), form_status(form)


@documents_blueprint.route(
    "/cases/<int:case_id>/documents/<int:document_id>/extract", methods=["GET", "POST"]
)
@requires(Permission.KEEP_DOCUMENTS)
def extract(case_id: int, document_id: int):
    """What the panel reads of a document: the coordinator's extract, checked and confirmed."""
    case = case_for_coordinator_or_404(current_user, case_id)
    document = queries.document_or_404(case, document_id)
    if document.erased_at is not None:
        abort(410)  # erased under the retention rule: nothing is left to write from
    current = queries.extract_of(document)
    form = ExtractForm(data={"text": current.text if current else "",
                             "version": current.version_id if current else ""})  # fmt: skip
    findings = []
    if form.validate_on_submit():
        try:
            services.confirm_document_extract(
                document, case, form.text.data, actor=current_user,
                expected_version=submitted_version(form),
                not_identifiers=form.not_identifiers.data or [],
            )  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "text")
            findings = offer_words_to_confirm(form, refused)
            current = queries.extract_of(document)
            form.version.data = current.version_id if current else ""
        else:
            flash("Extract confirmed for the panel pack.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    _read(case, "document extract")
    page = render_template("documents/extract.html", case=case, document=document,
                           extract=current, form=form, findings=findings)  # fmt: skip
    return page, form_status(form)


def _read(case: Case, page: str) -> None:
    if request.method == "GET":
        record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case,
                     details={"page": page})  # fmt: skip


def case_page_investigations(case: Case) -> CasePageSection:
    """The case page's post-mortem and inquest: what the review may be waiting for."""
    context = {
        "post_mortem": queries.post_mortem_of(case),
        "inquest": queries.inquest_of(case),
        "documents": queries.documents_of(case),
        "extracted": queries.documents_with_extracts(case),
        "investigations_open": INVESTIGATIONS.open_for(case),
    }
    return CasePageSection("documents/_case_investigations.html", "work", context)
