"""A parent's subject access request: one PDF of their own records, holding that person's
details, contacts, questions and letters, and nobody else's, nor the agencies' reports."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.family.models import FamilyContact
from ecdop.foundation.extensions import db
from tests.factories import ready_for_panel_case, user
from tests.helpers import audit_events, form_values
from tests.pdf_checks import accessibility_problems

pytestmark = pytest.mark.slow

KEY_WORKER = "keyworker@demo.test"
MOTHER = {
    "full_name": "Morgan Delacroix-Finch", "relationship_to_child": "mother",
    "phone": "07700 900461", "address": "14 Larkspur Row\nDemoton DM1 4QX",
    "preferred_method": "telephone", "interpreter_needed": "no", "do_not_contact": "no",
}  # fmt: skip
FATHER = MOTHER | {
    "full_name": "Sasha Whitlow-Bray", "relationship_to_child": "father",
    "phone": "07700 900777", "address": "2 Quarry Lane\nElsewhere EL2 9ZZ",
}  # fmt: skip


def call(contact_id: int, summary: str) -> dict:
    return {"contact_id": str(contact_id), "contacted_on": ["19", "11", "2026"],
            "method": "telephone", "made_by": "Robin Ahmed", "summary": summary}  # fmt: skip


def test_the_subject_access_pdf_holds_that_parents_records_and_no_one_elses(
    app, demo, make_browser
):
    case = ready_for_panel_case()
    coordinator, key_worker = make_browser("coordinator@demo.test"), make_browser(KEY_WORKER)
    coordinator.submit(f"/cases/{case.id}/key-worker", {"key_worker_id": str(user(KEY_WORKER).id)})
    family = f"/cases/{case.id}/family"
    key_worker.submit(f"{family}/contacts/new", MOTHER)
    key_worker.submit(f"{family}/contacts/new", FATHER)
    mother, father = db.session.scalars(select(FamilyContact).order_by(FamilyContact.id)).all()
    key_worker.submit(f"{family}/contact-log/new", call(mother.id, "Mother asked about the GP."))
    key_worker.submit(f"{family}/contact-log/new", call(father.id, "Father wants no letters yet."))
    key_worker.submit(f"{family}/contact-log/new", call("family", "Both parents at the visit."))
    key_worker.submit(f"{family}/questions/new", {"asked_by_id": str(mother.id), "goes_to": "cdrm",
        "asked_on": ["19", "11", "2026"], "question": "Was the asthma review missed?"})  # fmt: skip
    key_worker.submit(f"{family}/questions/new", {"asked_by_id": str(father.id), "goes_to": "panel",
        "asked_on": ["19", "11", "2026"], "question": "Who decides what changes?"})  # fmt: skip
    for contact in (mother, father):
        letter = f"{family}/contacts/{contact.id}/letters/introduction"
        key_worker.post(letter, data=form_values(key_worker.get(letter)) | {"make": "Make"})

    # A key worker keeps the family's records; answering a request is the coordinator's.
    path = f"{family}/contacts/{mother.id}/subject-access"
    assert key_worker.get(path).status_code == 403
    response = coordinator.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())

    for theirs in ("Morgan Delacroix-Finch", "07700 900461", "14 Larkspur Row",
                   "Mother asked about the GP.", "Was the asthma review missed?",
                   "Dear Morgan Delacroix-Finch"):  # fmt: skip
        assert theirs in text, theirs
    for not_theirs in ("Whitlow", "900777", "Quarry Lane", "Father wants no letters",
                       "Both parents at the visit", "Who decides what changes",
                       "Follow up missed asthma reviews", "Parental smoking"):  # fmt: skip
        assert not_theirs not in text, not_theirs
    assert accessibility_problems(pdf) == []
    [exported] = audit_events(AuditAction.SUBJECT_ACCESS_EXPORTED)
    assert exported.case_id == case.id and exported.details["letters"] == 1
