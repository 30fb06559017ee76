"""Documents never reach a panel pack: the coordinator writes an extract from one, checked for
the child's identifiers and confirmed like an agency report's, and only that goes in,
redacted once more; a withdrawn document's extract goes with it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from ecdop.documents.models import Document, DocumentExtract
from ecdop.foundation.extensions import db
from ecdop.meetings.pack import pack_for, pack_html
from tests.factories import on_agenda, panel_meeting, ready_for_panel_case
from tests.helpers import error_summary_targets, page_text
from tests.unit.documents.test_content_checks import pdf_with_active_content

FINDINGS = "The pathologist found acute bronchopneumonia. No injuries. Natural causes."


@pytest.fixture
def coordinator(app, demo, make_browser):
    return make_browser("coordinator@demo.test")


@pytest.fixture
def on_the_agenda(coordinator):
    case = ready_for_panel_case()
    meeting = panel_meeting()
    item = on_agenda(meeting, case)
    upload = {"kind": "final_post_mortem", "received_on": ["20", "11", "2026"],
              "file": (io.BytesIO(pdf_with_active_content()), "report.pdf")}  # fmt: skip
    coordinator.submit(f"/cases/{case.id}/documents/new", upload,
                       content_type="multipart/form-data")  # fmt: skip
    document = db.session.scalar(select(Document))
    return case, meeting, item, document


def test_only_the_confirmed_extract_of_a_document_reaches_the_pack(coordinator, on_the_agenda):
    case, meeting, item, document = on_the_agenda
    papers = page_text(coordinator.get(f"/agenda-items/{item.id}/papers"))
    assert "Post-mortem report (final), came 20 November 2026: No extract: not in the pack" in (
        papers
    )
    assert "From documents kept with the case" not in pack_html(pack_for(meeting))

    path = f"/cases/{case.id}/documents/{document.id}/extract"
    assert coordinator.submit(path, {"text": FINDINGS}).status_code == 302
    html = pack_html(pack_for(meeting))
    assert "From documents kept with the case" in html
    assert "Post-mortem report (final)" in html and "acute bronchopneumonia" in html
    assert "came 20 November 2026" not in html  # no dates of its own in the pack
    assert "Confirmed" in page_text(coordinator.get(f"/agenda-items/{item.id}/papers"))
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Extract of a document confirmed for the panel pack" in timeline


def test_an_extract_naming_the_child_is_refused_and_nothing_is_kept(coordinator, on_the_agenda):
    case, _meeting, _item, document = on_the_agenda
    path = f"/cases/{case.id}/documents/{document.id}/extract"
    refused = coordinator.submit(path, {"text": f"Amelia had bronchopneumonia. {FINDINGS}"})
    assert refused.status_code == 400
    assert error_summary_targets(refused) == ["text"]
    assert "may identify the child" in page_text(refused)
    assert db.session.scalar(select(DocumentExtract)) is None
    assert coordinator.submit(path, {"text": " "}).status_code == 400


def test_a_withdrawn_documents_extract_leaves_the_pack(coordinator, on_the_agenda):
    case, meeting, _item, document = on_the_agenda
    path = f"/cases/{case.id}/documents/{document.id}"
    coordinator.submit(f"{path}/extract", {"text": FINDINGS})
    coordinator.submit(f"{path}/withdraw", {"reason": "Another child's report"})
    assert "acute bronchopneumonia" not in pack_html(pack_for(meeting))
    refused = coordinator.submit(f"{path}/extract", {"text": FINDINGS, "version": "1"})
    assert refused.status_code == 400


@pytest.mark.parametrize("email", ["panel@demo.test", "chair@demo.test", "board@demo.test",
                                   "gp@demo.test", "police@demo.test"])  # fmt: skip
def test_nobody_but_coordinators_writes_an_extract(on_the_agenda, make_browser, email):
    case, _meeting, _item, document = on_the_agenda
    browser = make_browser(email)
    assert browser.get(f"/cases/{case.id}/documents/{document.id}/extract").status_code == 403
