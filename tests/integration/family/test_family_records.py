"""The family section: parents and carers with how to reach them, a contact log kept as
history, bereavement support and the family's questions. Every bad answer is refused at its
field, stores nothing, and nothing of the family reaches the audit trail's words."""

from __future__ import annotations

import pytest

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.family.models import ContactLogEntry, FamilyContact, FamilyQuestion
from ecdop.family.queries import family_record_of
from ecdop.foundation.extensions import db
from tests.factories import triaged_case, user
from tests.helpers import audit_events, error_summary_targets, page_text

KEY_WORKER = "keyworker@demo.test"
PARENT = {
    "full_name": "Morgan Delacroix-Finch",
    "relationship_to_child": "mother",
    "phone": "07700 900461",
    "email": "morgan.df@example.org",
    "address": "14 Larkspur Row, Demoton, DM1 4QX",
    "preferred_method": "telephone",
    "language": "Polish",
    "interpreter_needed": "yes",
    "accessible_formats": ["large_print"],
    "do_not_contact": "no",
}
CALL = {
    "contact_id": "family",
    "contacted_on": ["19", "11", "2026"],
    "method": "telephone",
    "made_by": "Robin Ahmed",
    "summary": "Introduced myself as key worker; explained the review.",
    "milestones": ["told_about_review"],
}


@pytest.fixture
def case(app, demo, make_browser):
    case = triaged_case()
    coordinator = make_browser("coordinator@demo.test")
    coordinator.submit(f"/cases/{case.id}/key-worker", {"key_worker_id": str(user(KEY_WORKER).id)})
    return case


@pytest.fixture
def key_worker(make_browser):
    return make_browser(KEY_WORKER)


def count(model) -> int:
    db.session.expire_all()
    return db.session.query(model).count()


def test_a_key_worker_records_a_parent_and_the_family_page_shows_how_to_reach_them(
    case, key_worker
):
    response = key_worker.submit(f"/cases/{case.id}/family/contacts/new", PARENT)
    assert response.status_code == 302
    page = page_text(key_worker.get(f"/cases/{case.id}/family"))
    assert "Morgan Delacroix-Finch (mother)" in page
    assert "07700 900461" in page and "Polish, with an interpreter" in page
    assert "Large print" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"full_name": " "}, "full_name"),
        ({"relationship_to_child": ""}, "relationship_to_child"),
        ({"relationship_to_child": "uncle"}, "relationship_to_child"),
        ({"preferred_method": ""}, "preferred_method"),
        ({"email": "not an address"}, "email"),
        ({"phone": "0" * 41}, "phone"),
        ({"accessible_formats": ["smoke signals"]}, "accessible_formats"),
        ({"do_not_contact": "yes", "do_not_contact_reason": ""}, "do_not_contact_reason"),
    ],
)
def test_a_wrong_answer_about_a_parent_is_refused_at_its_field_and_nothing_is_kept(
    case, key_worker, change, field
):
    response = key_worker.submit(f"/cases/{case.id}/family/contacts/new", PARENT | change)
    assert response.status_code == 400
    assert error_summary_targets(response)[0].startswith(field)
    assert count(FamilyContact) == 0


def test_do_not_contact_goes_on_the_timeline_with_its_reason_and_never_the_name(
    case, key_worker, make_browser
):
    key_worker.submit(f"/cases/{case.id}/family/contacts/new", PARENT)
    contact = db.session.query(FamilyContact).one()
    response = key_worker.submit(
        f"/cases/{case.id}/family/contacts/{contact.id}",
        PARENT | {"do_not_contact": "yes", "do_not_contact_reason": "Wants time alone for now",
                  "version": str(contact.version_id)},
    )  # fmt: skip
    assert response.status_code == 302
    timeline = page_text(make_browser("coordinator@demo.test").get(f"/cases/{case.id}/timeline"))
    assert "A family contact asked not to be contacted" in timeline
    assert "Wants time alone for now" in timeline
    assert "Delacroix" not in timeline
    assert all("Delacroix" not in str(event.details) for event in audit_events())


def test_a_contact_is_logged_and_corrected_by_a_later_entry_never_edited(case, key_worker):
    assert key_worker.submit(f"/cases/{case.id}/family/contact-log/new", CALL).status_code == 302
    first = db.session.query(ContactLogEntry).one()
    correction = CALL | {"summary": "Introduced myself; the leaflet went by post.",
                         "milestones": ["told_about_review", "leaflet_given"],
                         "corrects": str(first.id)}  # fmt: skip
    path = f"/cases/{case.id}/family/contact-log/new?corrects={first.id}"
    assert key_worker.submit(path, correction).status_code == 302

    db.session.expire_all()
    entries = db.session.query(ContactLogEntry).order_by(ContactLogEntry.id).all()
    assert [entry.corrects_id for entry in entries] == [None, first.id]
    assert entries[0].summary == CALL["summary"] and not entries[0].leaflet_given
    page = page_text(key_worker.get(f"/cases/{case.id}/family"))
    assert "Corrected by a later entry" in page and "A correction" in page
    assert [e.action for e in audit_events(AuditAction.FAMILY_CONTACT_LOGGED,
                                           AuditAction.FAMILY_CONTACT_LOG_CORRECTED)] == [
        AuditAction.FAMILY_CONTACT_LOGGED, AuditAction.FAMILY_CONTACT_LOG_CORRECTED
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"contacted_on": ["21", "11", "2026"]}, "contacted_on", "must be today or in the past"),
        ({"contacted_on": ["1", "11", "2026"]}, "contacted_on", "before the date of death"),
        ({"contacted_on": ["31", "2", "2026"]}, "contacted_on", "must be a real date"),
        ({"summary": ""}, "summary", "Enter what was said"),
        ({"method": "carrier pigeon"}, "method", ""),
        ({"contact_id": "99999"}, "contact_id", ""),
    ],
)  # fmt: skip
def test_a_wrong_contact_is_refused_at_its_field(case, key_worker, change, field, message):
    response = key_worker.submit(f"/cases/{case.id}/family/contact-log/new", CALL | change)
    assert response.status_code == 400
    assert error_summary_targets(response)[0].startswith(field)
    assert message in page_text(response)
    assert count(ContactLogEntry) == 0


def test_correcting_an_entry_of_another_case_is_not_found(case, key_worker, make_browser):
    other = triaged_case(nhs_number="9434765870", given_names="Sasha")
    make_browser("coordinator@demo.test").submit(f"/cases/{other.id}/family/contact-log/new", CALL)
    theirs = db.session.query(ContactLogEntry).one()
    path = f"/cases/{case.id}/family/contact-log/new?corrects={theirs.id}"
    assert key_worker.get(path).status_code == 404


def test_bereavement_support_needs_who_offered_it(case, key_worker):
    path = f"/cases/{case.id}/family/support"
    refused = key_worker.submit(path, {"support_offered": "yes", "support_taken_up": "yes"})
    assert refused.status_code == 400 and error_summary_targets(refused) == ["support_offered_by"]
    version = str(family_record_of(case).version_id)
    saved = key_worker.submit(path, {"support_offered": "yes", "support_taken_up": "yes",
                                     "support_offered_by": "Child Bereavement UK",
                                     "version": version})  # fmt: skip
    assert saved.status_code == 302
    assert "Yes, by Child Bereavement UK" in page_text(key_worker.get(f"/cases/{case.id}/family"))


def test_a_question_is_recorded_then_answered_and_given_back(case, key_worker):
    path = f"/cases/{case.id}/family/questions/new"
    question = {"asked_on": ["19", "11", "2026"], "goes_to": "cdrm",
                "question": "Could the asthma review have been sooner?"}  # fmt: skip
    assert key_worker.submit(path, question).status_code == 302
    saved = db.session.query(FamilyQuestion).one()
    change = f"/cases/{case.id}/family/questions/{saved.id}"
    refused = key_worker.submit(change, question | {"answer_given_on": ["20", "11", "2026"],
                                                    "version": str(saved.version_id)})  # fmt: skip
    assert refused.status_code == 400 and error_summary_targets(refused) == ["answer"]
    answered = key_worker.submit(change, question | {
        "answer": "The CDRM found the review was six months late.",
        "answer_given_on": ["20", "11", "2026"], "version": str(saved.version_id)})  # fmt: skip
    assert answered.status_code == 302
    page = page_text(key_worker.get(f"/cases/{case.id}/family"))
    assert "six months late" in page and "Given back 20 November 2026" in page


def test_an_answer_cannot_be_given_back_before_the_question(case, key_worker):
    response = key_worker.submit(f"/cases/{case.id}/family/questions/new", {
        "asked_on": ["20", "11", "2026"], "goes_to": "panel", "question": "Why?",
        "answer": "Because.", "answer_given_on": ["19", "11", "2026"]})  # fmt: skip
    assert response.status_code == 400
    assert error_summary_targets(response)[0].startswith("answer_given_on")
    assert count(FamilyQuestion) == 0


def test_the_family_of_a_withdrawn_case_is_not_recorded(case, key_worker):
    from ecdop.cases.services import apply_transition
    from ecdop.cases.states import Stage

    apply_transition(case, Stage.WITHDRAWN, actor=user("coordinator@demo.test"), reason="Out")
    db.session.commit()
    response = key_worker.submit(f"/cases/{case.id}/family/contacts/new", PARENT)
    assert response.status_code == 400
    assert "only while the case is at" in page_text(response)
    assert (
        db.session.query(AuditEvent).filter_by(action=AuditAction.FAMILY_CONTACT_ADDED).count() == 0
    )
