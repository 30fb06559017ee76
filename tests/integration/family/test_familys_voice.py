"""The family's voice in the review: their questions reach the CDRM's record and the panel's
pack (redacted: never their names or how to reach them), and the panel says whether they were
answered and what was learnt from them."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ecdop.foundation.extensions import db
from ecdop.meetings.models import PanelAnalysis
from ecdop.meetings.pack import pack_for, pack_pdf
from tests.factories import on_agenda, panel_meeting, ready_for_panel_case, user
from tests.helpers import error_summary_targets, page_text
from tests.panel_helpers import analysis_form

KEY_WORKER = "keyworker@demo.test"
PARENT = {
    "full_name": "Morgan Delacroix-Finch", "relationship_to_child": "mother",
    "phone": "07700 900461", "email": "morgan.df@example.org",
    "address": "14 Larkspur Row\nDemoton DM1 4QX", "preferred_method": "telephone",
    "interpreter_needed": "no", "do_not_contact": "no",
}  # fmt: skip
# The family's own words name them, their home and their number: the papers must not.
QUESTION = ("Morgan Delacroix-Finch asks why nobody rang 07700 900461 or came to "
            "14 Larkspur Row after the missed asthma review.")  # fmt: skip


@pytest.fixture
def case(app, demo, make_browser):
    case = ready_for_panel_case()
    coordinator = make_browser("coordinator@demo.test")
    coordinator.submit(f"/cases/{case.id}/key-worker", {"key_worker_id": str(user(KEY_WORKER).id)})
    key_worker = make_browser(KEY_WORKER)
    key_worker.submit(f"/cases/{case.id}/family/contacts/new", PARENT)
    key_worker.submit(f"/cases/{case.id}/family/questions/new", {
        "asked_on": ["19", "11", "2026"], "goes_to": "cdrm", "question": QUESTION})  # fmt: skip
    return case


def test_the_cdrm_record_shows_the_questions_sent_to_it(case, make_browser):
    coordinator = make_browser("coordinator@demo.test")
    for path in (f"/cases/{case.id}/child-death-review-meeting", f"/cases/{case.id}"):
        assert QUESTION in page_text(coordinator.get(path)), path


def test_the_pack_carries_the_question_redacted_with_whether_it_was_answered(case):
    meeting = panel_meeting()
    on_agenda(meeting, case)
    pdf = pack_pdf(pack_for(meeting))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "The family's questions" in text
    assert "asks why nobody rang" in text and "(not answered yet)" in text
    for identifying in ("Morgan", "Delacroix", "Finch", "07700", "900461", "Larkspur",
                        "morgan.df@example.org"):  # fmt: skip
        assert identifying not in text, identifying


def test_the_analysis_asks_whether_the_familys_questions_were_answered(case, make_browser):
    item = on_agenda(panel_meeting(), case)
    chair = make_browser("chair@demo.test")
    path = f"/agenda-items/{item.id}/analysis"
    page = page_text(chair.get(path))
    assert "asks why nobody rang" in page and "Delacroix" not in page

    refused = chair.submit(path, analysis_form())
    assert refused.status_code == 400
    assert error_summary_targets(refused)[0].startswith("family_questions_answered")
    assert db.session.scalar(select(PanelAnalysis)) is None

    saved = chair.submit(path, analysis_form(
        family_questions_answered="some",
        family_learning="Families need a call when a review is missed."))  # fmt: skip
    assert saved.status_code == 302
    analysis = db.session.scalar(select(PanelAnalysis))
    assert analysis.family_questions_answered.value == "some"
    assert analysis.family_learning == "Families need a call when a review is missed."
