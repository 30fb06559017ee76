"""Documents kept with a case: uploaded by coordinators with their active content taken out,
downloaded as attachments that cannot run, withdrawn with their content erased. Every refusal
is at the file's field, and nothing is stored."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select

from ecdop.documents.models import Document, DocumentChunk
from ecdop.foundation.extensions import db
from tests.factories import triaged_case
from tests.helpers import audit_events, error_summary_targets, page_text
from tests.unit.documents.test_content_checks import (
    encrypted_pdf,
    jpeg_with_gps,
    pdf_with_active_content,
    zip_of,
)

KEPT = {"kind": "final_post_mortem", "received_on": ["20", "11", "2026"]}


@pytest.fixture
def coordinator(app, demo, make_browser):
    return make_browser("coordinator@demo.test")


def upload(browser, case, content: bytes, name: str, **changes):
    data = KEPT | changes | {"file": (io.BytesIO(content), name)}
    return browser.submit(f"/cases/{case.id}/documents/new", data,
                          content_type="multipart/form-data")  # fmt: skip


def stored() -> tuple[int, int]:
    db.session.expire_all()
    return (len(db.session.scalars(select(Document)).all()),
            len(db.session.scalars(select(DocumentChunk)).all()))  # fmt: skip


def test_a_post_mortem_report_is_kept_without_its_scripts_and_downloads_safely(coordinator):
    case = triaged_case()
    assert upload(coordinator, case, pdf_with_active_content(), "report.pdf").status_code == 302
    page = page_text(coordinator.get(f"/cases/{case.id}"))
    assert "Post-mortem report (final), came 20 November 2026" in page
    assert "taken out: an action run on opening" in page
    document = db.session.scalar(select(Document))
    response = coordinator.get(f"/cases/{case.id}/documents/{document.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ecdop-document-{document.id}-final-post-mortem.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    with pikepdf.open(io.BytesIO(response.get_data())) as pdf:
        assert "/OpenAction" not in pdf.Root and not pdf.attachments
    downloads = [e for e in audit_events() if e.details.get("download") == "document"]
    assert [(e.case_id, e.details["sha256"]) for e in downloads] == [(case.id, document.sha256)]


def test_a_photograph_loses_its_gps_position(coordinator):
    case = triaged_case()
    assert upload(coordinator, case, jpeg_with_gps(), "scene.jpg",
                  kind="other").status_code == 302  # fmt: skip
    document = db.session.scalar(select(Document))
    content = coordinator.get(f"/cases/{case.id}/documents/{document.id}").get_data()
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 an executable", "report.pdf", "must be a PDF, a Word document"),
        (b"", "report.pdf", "The selected file is empty"),
        (b"%PDF-1.7" + b"0" * (21 * 2**20), "report.pdf", "smaller than 20 MB"),
        (b"", "", "Select the document to keep"),
        (encrypted_pdf(), "report.pdf", "protected with a password"),
        (zip_of("payload.exe", b"MZ\x90\x00"), "chronology.docx", "a ZIP of something else"),
        (jpeg_with_gps(), "report.pdf", "is a JPEG but its name says otherwise"),
    ],
    ids=[
        "executable",
        "empty",
        "21-mb",
        "nothing-chosen",
        "encrypted",
        "docx-of-else",
        "name-disagrees",
    ],
)
def test_a_file_that_cannot_be_kept_is_refused_at_its_field(coordinator, content, name, message):
    case = triaged_case()
    response = upload(coordinator, case, content, name)
    assert response.status_code == 400
    assert error_summary_targets(response) == ["file"]
    assert message in page_text(response)
    assert stored() == (0, 0)


def test_a_withdrawn_document_is_erased_and_the_timeline_says_why(coordinator):
    case = triaged_case()
    upload(coordinator, case, pdf_with_active_content(), "report.pdf")
    document = db.session.scalar(select(Document))
    path = f"/cases/{case.id}/documents/{document.id}/withdraw"
    refused = coordinator.submit(path, {"reason": " "})
    assert refused.status_code == 400 and error_summary_targets(refused) == ["reason"]
    assert coordinator.submit(path, {"reason": "Uploaded to the wrong case"}).status_code == 302
    assert stored() == (1, 0)
    assert coordinator.get(f"/cases/{case.id}/documents/{document.id}").status_code == 410
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Document withdrawn, its content erased" in timeline
    assert "Uploaded to the wrong case" in timeline


@pytest.mark.parametrize("email", ["gp@demo.test", "panel@demo.test", "board@demo.test",
                                   "police@demo.test", "keyworker@demo.test"])  # fmt: skip
def test_nobody_but_coordinators_reaches_a_document(app, demo, coordinator, make_browser, email):
    case = triaged_case()
    upload(coordinator, case, pdf_with_active_content(), "report.pdf")
    document = db.session.scalar(select(Document))
    browser = make_browser(email)
    for path in (f"/cases/{case.id}/documents/{document.id}", f"/cases/{case.id}/documents/new",
                 f"/cases/{case.id}/documents/{document.id}/withdraw"):  # fmt: skip
        assert browser.get(path).status_code == 403, (email, path)
