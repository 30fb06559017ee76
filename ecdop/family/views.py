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
from ecdop.cases.states import FAMILY_WORK
from ecdop.family import queries, services
from ecdop.family.choices import (
    ContactMethod,
    LetterKind,
    QuestionFor,
    Relationship,
    SupportOffered,
    SupportTakenUp,
)
from ecdop.family.forms import (
    ContactLogForm,
    FamilyContactForm,
    FamilyQuestionForm,
    KeyWorkerForm,
    SupportForm,
)
from ecdop.family.models import FamilyContact, FamilyQuestion
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
        contacts=queries.contacts_of(case),
        log=queries.contact_log_of(case),
        questions=queries.questions_of(case),
        letters=queries.letters_by_log_entry(case),
        letter_kinds=list(LetterKind),
        may_record=FAMILY_WORK.open_for(case),
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


@family_blueprint.route("/cases/<int:case_id>/family/contacts/new", methods=["GET", "POST"])
@requires(Permission.WORK_WITH_FAMILIES)
def new_contact(case_id: int):
    case = queries.family_case_or_404(current_user, case_id)
    return _save_contact(case, None, FamilyContactForm(data={"interpreter_needed": "no",
                                                              "do_not_contact": "no"}))  # fmt: skip


@family_blueprint.route(
    "/cases/<int:case_id>/family/contacts/<int:contact_id>", methods=["GET", "POST"]
)
@requires(Permission.WORK_WITH_FAMILIES)
def change_contact(case_id: int, contact_id: int):
    case = queries.family_case_or_404(current_user, case_id)
    contact = queries.contact_or_404(case, contact_id)
    return _save_contact(case, contact, FamilyContactForm(data=_contact_data(contact)))


def _contact_data(contact: FamilyContact) -> dict:
    data = {name: getattr(contact, name) for name in
            ("full_name", "phone", "email", "address", "language", "accessible_formats",
             "do_not_contact_reason")}  # fmt: skip
    return data | {
        "relationship_to_child": contact.relationship_to_child.value,
        "preferred_method": contact.preferred_method.value,
        "interpreter_needed": "yes" if contact.interpreter_needed else "no",
        "do_not_contact": "yes" if contact.do_not_contact else "no",
        "version": contact.version_id,
    }


def _save_contact(case: Case, contact: FamilyContact | None, form: FamilyContactForm):
    _record_read(case, "family contact")
    if form.validate_on_submit():
        try:
            version = submitted_version(form)
            services.save_contact(case, _contact_details(form), actor=current_user,
                                  contact=contact, expected_version=version)  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "full_name")
        else:
            flash("The family contact is saved.", "success")
            return redirect(url_for("family.family", case_id=case.id))
    return render_template(
        "family/contact_form.html", form=form, case=case, contact=contact
    ), form_status(form)


def _contact_details(form: FamilyContactForm) -> services.ContactDetails:
    return services.ContactDetails(
        full_name=form.full_name.data,
        relationship_to_child=Relationship(form.relationship_to_child.data),
        phone=form.phone.data or "",
        email=form.email.data or "",
        address=form.address.data or "",
        preferred_method=ContactMethod(form.preferred_method.data),
        language=form.language.data or "",
        interpreter_needed=form.interpreter_needed.data == "yes",
        accessible_formats=list(form.accessible_formats.data or []),
        do_not_contact=form.do_not_contact.data == "yes",
        do_not_contact_reason=form.do_not_contact_reason.data or "",
    )


@family_blueprint.route("/cases/<int:case_id>/family/contact-log/new", methods=["GET", "POST"])
@requires(Permission.WORK_WITH_FAMILIES)
def log_contact(case_id: int):
    """Record a contact with the family; ``corrects`` names an earlier entry it puts right."""
    case = queries.family_case_or_404(current_user, case_id)
    corrects_id = record_id(request.values.get("corrects"))
    corrects = queries.log_entry_or_404(case, corrects_id) if corrects_id else None
    form = ContactLogForm(data={"made_by": current_user.full_name, "corrects": corrects_id or ""})
    form.contact_id.choices = select_choices(
        [("family", "The family"), *((str(c.id), c.full_name) for c in queries.contacts_of(case))]
    )
    _record_read(case, "contact log")
    if form.validate_on_submit():
        try:
            services.log_contact(case, _contact(case, form), actor=current_user, corrects=corrects)
        except REFUSALS as refused:
            show_refusal(refused, form, "summary")
        else:
            flash("The contact is recorded.", "success")
            return redirect(url_for("family.family", case_id=case.id))
    return render_template(
        "family/contact_log_form.html", form=form, case=case, corrects=corrects
    ), form_status(form)


def _contact(case: Case, form: ContactLogForm) -> services.Contact:
    chosen = record_id(form.contact_id.data)
    return services.Contact(
        contact=queries.contact_or_404(case, chosen) if chosen else None,
        contacted_on=form.contacted_on.data,
        method=ContactMethod(form.method.data),
        made_by=form.made_by.data,
        summary=form.summary.data,
        milestones=frozenset(form.milestones.data or ()),
    )


@family_blueprint.route("/cases/<int:case_id>/family/support", methods=["GET", "POST"])
@requires(Permission.WORK_WITH_FAMILIES)
def support(case_id: int):
    case = queries.family_case_or_404(current_user, case_id)
    record = queries.family_record_of(case)
    form = SupportForm(data={
        "support_offered": record.support_offered.value if record else "",
        "support_offered_by": record.support_offered_by if record else "",
        "support_taken_up": record.support_taken_up.value if record else "",
        "version": record.version_id if record else "",
    })  # fmt: skip
    _record_read(case, "bereavement support")
    if form.validate_on_submit():
        chosen = services.Support(
            SupportOffered(form.support_offered.data),
            form.support_offered_by.data or "",
            SupportTakenUp(form.support_taken_up.data),
        )
        try:
            services.record_support(case, chosen, actor=current_user,
                                    expected_version=submitted_version(form))  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "support_offered")
        else:
            flash("Bereavement support is recorded.", "success")
            return redirect(url_for("family.family", case_id=case.id))
    return render_template("family/support_form.html", form=form, case=case), form_status(form)


@family_blueprint.route("/cases/<int:case_id>/family/questions/new", methods=["GET", "POST"])
@requires(Permission.WORK_WITH_FAMILIES)
def new_question(case_id: int):
    case = queries.family_case_or_404(current_user, case_id)
    return _save_question(case, None, FamilyQuestionForm(data={"answer_given_on": None}))


@family_blueprint.route(
    "/cases/<int:case_id>/family/questions/<int:question_id>", methods=["GET", "POST"]
)
@requires(Permission.WORK_WITH_FAMILIES)
def change_question(case_id: int, question_id: int):
    case = queries.family_case_or_404(current_user, case_id)
    question = queries.question_or_404(case, question_id)
    data = {name: getattr(question, name) for name in
            ("asked_on", "question", "answerer", "answer", "answer_given_on")}  # fmt: skip
    data |= {"asked_by_id": str(question.asked_by_id or ""), "goes_to": question.goes_to.value,
             "version": question.version_id}  # fmt: skip
    return _save_question(case, question, FamilyQuestionForm(data=data))


def _save_question(case: Case, question: FamilyQuestion | None, form: FamilyQuestionForm):
    form.asked_by_id.choices = select_choices(
        [("", "The family"), *((str(c.id), c.full_name) for c in queries.contacts_of(case))]
    )
    _record_read(case, "family question")
    if form.validate_on_submit():
        asked_by_id = record_id(form.asked_by_id.data)
        asked = services.Question(
            asked_by=queries.contact_or_404(case, asked_by_id) if asked_by_id else None,
            asked_on=form.asked_on.data,
            question=form.question.data,
            goes_to=QuestionFor(form.goes_to.data),
            answerer=form.answerer.data or "",
            answer=form.answer.data or "",
            answer_given_on=form.answer_given_on.data,
        )
        try:
            services.save_question(case, asked, actor=current_user, question=question,
                                   expected_version=submitted_version(form))  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "question")
        else:
            flash("The family's question is saved.", "success")
            return redirect(url_for("family.family", case_id=case.id))
    return render_template(
        "family/question_form.html", form=form, case=case, question=question
    ), form_status(form)


def _record_read(case: Case, page: str) -> None:
    """A form of the family's shows what is held of them: shown, it is a read of the case."""
    if request.method == "GET":
        record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case,
                     details={"page": page})  # fmt: skip


def case_page_family(case: Case) -> CasePageSection:
    """The case page's family part, for the coordinator: the key worker, and the way to the
    family page."""
    return CasePageSection("family/_case_family.html", "work",
                           {"family_record": queries.family_record_of(case)})  # fmt: skip
