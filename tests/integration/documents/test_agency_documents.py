"""An agency's documents sent with its reporting form: the coordinators see them, no other
agency does; and a final post-mortem report kept with the case becomes the post-mortem's."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from ecdop.documents.models import Document, PostMortem
from ecdop.foundation.extensions import db
from tests.factories import requested_reports, submitted, triaged_case
from tests.helpers import audit_events, error_summary_targets, page_text
from tests.integration.documents.test_documents import stored, upload
from tests.integration.documents.test_post_mortem_and_inquest import NEEDED
from tests.unit.documents.test_content_checks import pdf_with_active_content


@pytest.fixture
def coordinator(app, demo, make_browser):
    return make_browser("coordinator@demo.test")


def send(browser, request, content: bytes, name: str, kind: str = "agency_chronology"):
    return browser.submit(f"/requests/{request.id}/documents/new",
                          {"kind": kind, "file": (io.BytesIO(content), name)},
                          content_type="multipart/form-data")  # fmt: skip


@pytest.fixture
def two_requests(demo):
    case = triaged_case()
    surgery, school = requested_reports(case, "Demo Surgery", "Demo Primary School")
    return case, surgery, school


def test_an_agencys_chronology_reaches_the_coordinator_and_no_other_agency(
    two_requests, coordinator, make_browser
):
    case, surgery, school = two_requests
    gp = make_browser("gp@demo.test")
    assert send(gp, surgery, pdf_with_active_content(), "chronology.pdf").status_code == 302
    document = db.session.scalar(select(Document))
    assert (document.reporting_request_id, document.case_id) == (surgery.id, case.id)
    assert "Agency chronology, sent" in page_text(gp.get(f"/requests/{surgery.id}"))

    # The coordinator finds it on the case and on the form, and downloads it.
    assert "Agency chronology from Demo Surgery" in page_text(coordinator.get(f"/cases/{case.id}"))
    review = coordinator.get(f"/reports/{surgery.id}")
    download = f"/cases/{case.id}/documents/{document.id}"
    assert download in review.get_data(as_text=True)
    assert coordinator.get(download).status_code == 200

    # The school sees nothing of it, on its own form or anywhere else.
    school_browser = make_browser("school@demo.test")
    assert "No document has been sent" in page_text(school_browser.get(f"/requests/{school.id}"))
    assert school_browser.get(f"/requests/{surgery.id}").status_code == 404
    assert school_browser.get(f"/requests/{surgery.id}/documents/new").status_code == 404
    assert school_browser.get(download).status_code == 403
    refused = send(school_browser, surgery, pdf_with_active_content(), "x.pdf")
    assert refused.status_code == 404
    assert stored()[0] == 1
    uploads = [e for e in audit_events() if e.action.value == "document_uploaded"]
    assert [e.actor.email for e in uploads] == ["gp@demo.test"]


def test_an_agency_cannot_send_a_document_once_its_form_is_submitted(two_requests, make_browser):
    _case, surgery, _school = two_requests
    submitted(surgery)
    gp = make_browser("gp@demo.test")
    response = send(gp, surgery, pdf_with_active_content(), "chronology.pdf")
    assert response.status_code == 400
    assert error_summary_targets(response) == ["file"]
    assert "This form has been submitted" in page_text(response)
    assert stored() == (0, 0)


def test_an_agencys_refused_document_is_refused_at_its_field(two_requests, make_browser):
    _case, surgery, _school = two_requests
    gp = make_browser("gp@demo.test")
    response = send(gp, surgery, b"MZ\x90\x00 an executable", "chronology.pdf")
    assert response.status_code == 400
    assert error_summary_targets(response) == ["file"]
    assert stored() == (0, 0)
    assert send(gp, surgery, pdf_with_active_content(), "x.pdf", kind="").status_code == 400


def test_a_final_report_kept_with_the_case_becomes_the_post_mortems(coordinator):
    case = triaged_case()
    assert coordinator.submit(f"/cases/{case.id}/post-mortem", NEEDED).status_code == 302
    assert upload(coordinator, case, pdf_with_active_content(), "report.pdf").status_code == 302
    document = db.session.scalar(select(Document))
    db.session.expire_all()
    record = db.session.scalar(select(PostMortem))
    assert record.final_report_document_id == document.id
    assert record.final_report_received_on == document.received_on
    assert not record.awaited

    # Withdrawn, it is no longer the post-mortem's report.
    coordinator.submit(f"/cases/{case.id}/documents/{document.id}/withdraw",
                       {"reason": "Another child's report"})  # fmt: skip
    db.session.expire_all()
    assert db.session.scalar(select(PostMortem)).final_report_document_id is None


def test_the_post_mortem_points_only_to_a_final_report_kept_with_its_case(coordinator):
    case = triaged_case()
    other = triaged_case(nhs_number=None, family_name="Other", date_of_birth=date(2025, 6, 1))
    upload(coordinator, other, pdf_with_active_content(), "report.pdf")
    elsewhere = db.session.scalar(select(Document))
    response = coordinator.submit(
        f"/cases/{case.id}/post-mortem", NEEDED | {"final_report_document_id": str(elsewhere.id)}
    )
    assert response.status_code == 400
    assert error_summary_targets(response) == ["final_report_document_id"]
    assert db.session.scalar(select(PostMortem)) is None
