"""What a review waits for outside the agencies: the CDRM held before the final post-mortem
report, and a move to panel with the inquest open, each ask a reason the timeline keeps; the
dashboard counts the cases waiting, and the case list finds them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ecdop.cases.models import Case
from ecdop.cases.services import apply_transition
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.review_meetings.models import ChildDeathReviewMeeting
from tests.factories import record_jar, requested_reports, submitted, triaged_case, user
from tests.helpers import error_summary_targets, page_text
from tests.integration.documents.test_post_mortem_and_inquest import NEEDED, OPENED

CDRM = {"held_on": ["20", "11", "2026"], "attendees-0-role": "Consultant paediatrician",
        "attendees-0-organisation": "Demo Hospitals", "summary": "Professionals met.",
        "decisions": "Ready for panel."}  # fmt: skip


@pytest.fixture
def coordinator(app, demo, make_browser):
    return make_browser("coordinator@demo.test")


def awaiting_cdrm(coordinator) -> Case:
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")
    submitted(request)
    record_jar(case)
    apply_transition(case, Stage.AWAITING_CDRM, actor=user("coordinator@demo.test"))
    db.session.commit()
    return case


def test_the_cdrm_before_the_final_report_asks_why_and_the_timeline_keeps_it(coordinator):
    case = awaiting_cdrm(coordinator)
    coordinator.submit(f"/cases/{case.id}/post-mortem", NEEDED)
    path = f"/cases/{case.id}/child-death-review-meeting"
    assert "NCMD advises holding" in page_text(coordinator.get(path))

    refused = coordinator.submit(path, CDRM)
    assert refused.status_code == 400
    assert error_summary_targets(refused) == ["reason_before_post_mortem_report"]
    assert "The final post-mortem report has not come" in page_text(refused)
    assert db.session.scalar(select(ChildDeathReviewMeeting)) is None

    reason = "The pathologist confirmed the cause by telephone; the family asked us not to wait."
    saved = coordinator.submit(path, CDRM | {"reason_before_post_mortem_report": reason})
    assert saved.status_code == 302
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Child Death Review Meeting recorded before the final post-mortem report came" in (
        timeline
    )
    assert reason in timeline


def test_the_cdrm_after_the_final_report_asks_nothing(coordinator):
    case = awaiting_cdrm(coordinator)
    arrived = NEEDED | {"final_report_received_on": ["20", "11", "2026"]}
    coordinator.submit(f"/cases/{case.id}/post-mortem", arrived)
    path = f"/cases/{case.id}/child-death-review-meeting"
    assert "NCMD advises holding" not in page_text(coordinator.get(path))
    assert coordinator.submit(path, CDRM).status_code == 302


def test_ready_for_panel_with_the_inquest_open_asks_why(coordinator):
    case = awaiting_cdrm(coordinator)
    coordinator.submit(f"/cases/{case.id}/inquest", OPENED)
    coordinator.submit(f"/cases/{case.id}/child-death-review-meeting", CDRM)
    move = {"target": "ready_for_panel", "reason": ""}

    def moved(reason: str):
        db.session.refresh(case)
        return coordinator.submit(f"/cases/{case.id}/stage",
                                  move | {"reason": reason, "version": str(case.version_id)},
                                  form_page=f"/cases/{case.id}")  # fmt: skip

    refused = moved("")
    assert refused.status_code == 400
    assert error_summary_targets(refused) == ["reason"]
    assert "The inquest has not concluded" in page_text(refused)
    db.session.refresh(case)
    assert case.stage is Stage.AWAITING_CDRM

    assert (
        moved("The coroner expects no new evidence; the panel meets in March.").status_code == 302
    )
    db.session.refresh(case)
    assert case.stage is Stage.READY_FOR_PANEL
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "The coroner expects no new evidence" in timeline


def test_the_dashboard_counts_and_the_case_list_finds_what_each_case_waits_for(coordinator):
    waiting_for_pathologist = triaged_case()
    coordinator.submit(f"/cases/{waiting_for_pathologist.id}/post-mortem", NEEDED)

    waiting_for_coroner = triaged_case(nhs_number=None, family_name="Other",
                                       date_of_birth=date(2025, 6, 1))  # fmt: skip
    coordinator.submit(f"/cases/{waiting_for_coroner.id}/inquest", OPENED)

    dashboard = page_text(coordinator.get("/dashboard"))
    assert "Waiting for post-mortem : 1 case" in dashboard
    assert "Waiting for inquest : 1 case" in dashboard
    pathologist = page_text(coordinator.get("/cases?stage=waiting_for_post_mortem"))
    assert waiting_for_pathologist.reference in pathologist
    assert waiting_for_coroner.reference not in pathologist
    coroner = page_text(coordinator.get("/cases?stage=waiting_for_inquest"))
    assert waiting_for_coroner.reference in coroner
    assert waiting_for_pathologist.reference not in coroner
