"""The coordinator's workflow over HTTP: triage, requesting reports, the agency's side, JAR and
CDRM, and the guards that keep a case from reaching panel before it is ready."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import Organisation, OrganisationKind
from ecdop.auth.services import create_organisation
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.mail.models import OutboxMessage
from ecdop.reporting_forms.models import ReportingRequest, RequestStatus
from tests.conftest import DEMO_PASSWORD
from tests.factories import (
    CORE_ANSWERS,
    OTHER_VALID_NHS_NUMBER,
    demo_area,
    notify,
    organisation,
    requested_reports,
    submitted,
    triaged_case,
)
from tests.helpers import error_summary_texts, page_text


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


class TestTriage:
    def triage(self, coordinator, case, **fields):
        data = {
            "in_scope": "yes",
            "expectation": "unexpected",
            "residence_area_id": str(case.area_id),
            "version": str(case.version_id),
            **fields,
        }
        return coordinator.submit(f"/cases/{case.id}/triage", data)

    def test_in_scope_starts_information_gathering(self, coordinator):
        _n, outcome = notify()
        response = self.triage(coordinator, outcome.case)
        assert response.status_code == 302
        db.session.refresh(outcome.case)
        assert outcome.case.stage is Stage.INFORMATION_GATHERING
        assert outcome.case.triaged_at is not None
        timeline = page_text(coordinator.get(f"/cases/{outcome.case.id}/timeline"))
        assert "Triaged: the death was unexpected" in timeline
        assert "Moved from Notified to Information gathering" in timeline

    def test_out_of_scope_needs_a_reason_then_withdraws(self, coordinator):
        _n, outcome = notify()
        response = self.triage(coordinator, outcome.case, in_scope="no")
        assert response.status_code == 400
        assert "Say why the death is out of scope" in page_text(response)
        db.session.refresh(outcome.case)
        assert outcome.case.stage is Stage.NOTIFIED
        response = self.triage(
            coordinator, outcome.case, in_scope="no", out_of_scope_reason="Stillbirth"
        )
        db.session.refresh(outcome.case)
        assert outcome.case.stage is Stage.WITHDRAWN
        timeline = page_text(coordinator.get(f"/cases/{outcome.case.id}/timeline"))
        assert "Moved from Notified to Withdrawn Reason: Stillbirth" in timeline

    def test_another_area_transfers_the_case_with_its_history(self, coordinator, make_browser):
        from ecdop.auth.models import OrganisationKind, Role
        from ecdop.auth.services import create_area, create_organisation, create_user

        other = create_area("NORTH", "North review area")
        council = create_organisation(
            "North Council", OrganisationKind.CHILDRENS_SOCIAL_CARE, areas=[other]
        )
        create_user(
            email="north@demo.test",
            full_name="Nia North",
            role=Role.COORDINATOR,
            organisation=council,
            areas=[other],
            password=DEMO_PASSWORD,
        )
        db.session.commit()
        _n, outcome = notify()
        case = outcome.case
        response = self.triage(coordinator, case, residence_area_id=str(other.id))
        assert response.status_code == 302
        db.session.refresh(case)
        assert case.area_id == other.id and case.stage is Stage.NOTIFIED
        assert coordinator.get(f"/cases/{case.id}").status_code == 404  # the sender lost access
        alert = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient_email == "north@demo.test")
        )
        assert alert.subject == f"Case transferred to your area: {case.reference}"
        assert "Testchild" not in alert.body
        north = make_browser("north@demo.test")
        timeline = page_text(north.get(f"/cases/{case.id}/timeline"))
        assert "Notification received" in timeline  # the history came along
        assert "Transferred from DEMO to NORTH" in timeline

    def test_a_stale_triage_is_refused_keeping_what_was_typed(self, coordinator):
        _n, outcome = notify()
        case = outcome.case
        stale = case.version_id
        case.postcode = "SW1A 1AA"  # someone else saves a change meanwhile
        db.session.commit()
        response = self.triage(
            coordinator, case, version=str(stale), expectation="expected", in_scope="yes"
        )
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        assert "Someone else changed this while you were working on it" in page_text(response)
        assert 'value="expected" checked' in html  # their choice is kept
        db.session.refresh(case)
        assert case.stage is Stage.NOTIFIED


class TestRequestingReports:
    def test_core_and_supplementary_forms_to_two_agencies(self, coordinator):
        case = triaged_case()
        gp, school = organisation("Demo Surgery"), organisation("Demo Primary School")
        response = coordinator.submit(
            f"/cases/{case.id}/reports/new",
            {
                "organisation_ids": [str(gp.id), str(school.id)],
                "supplementary_forms": ["sudi_sudc"],
                "due_on": ["18", "12", "2026"],
            },
        )
        assert response.status_code == 302
        requests = db.session.scalars(select(ReportingRequest)).all()
        assert sorted((r.organisation.name, r.form_type) for r in requests) == [
            ("Demo Primary School", "core"),
            ("Demo Primary School", "sudi_sudc"),
            ("Demo Surgery", "core"),
            ("Demo Surgery", "sudi_sudc"),
        ]
        told = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient_email == "gp@demo.test")
        )
        assert "SUDI/SUDC supplementary form" in told.body and "Testchild" not in told.body

    def test_the_agencies_the_notifier_named_are_ticked_and_what_they_wrote_is_shown(
        self, coordinator
    ):
        case = triaged_case(agencies_involved=["gp", "health_visitor", "other"],
                            agencies_detail="Demo Surgery; the family's church")  # fmt: skip
        page = coordinator.get(f"/cases/{case.id}/reports/new")
        assert ticked_agencies(page) == {"Demo Surgery", "Demo Hospitals NHS Trust"}
        said = page_text(page).split("What the notification said of agencies", 1)[1]
        assert "GP, Health visitor, Other" in said and "the family's church" in said

    def test_of_several_agencies_of_a_kind_only_one_named_is_ticked(self, coordinator):
        create_organisation("Riverside Academy", OrganisationKind.SCHOOL, areas=[demo_area()])
        db.session.commit()
        unnamed = triaged_case(agencies_involved=["school"], agencies_detail="",
                               nhs_number=None, family_name="Unnamed")  # fmt: skip
        assert ticked_agencies(coordinator.get(f"/cases/{unnamed.id}/reports/new")) == set()
        named = triaged_case(agencies_involved=["school"], agencies_detail="riverside academy",
                             nhs_number=None, family_name="Named",
                             date_of_birth=date(2020, 3, 4), postcode="LS1 4AP")  # fmt: skip
        assert ticked_agencies(coordinator.get(f"/cases/{named.id}/reports/new")) == {
            "Riverside Academy"
        }

    def test_an_agency_already_asked_is_not_ticked_again(self, coordinator):
        case = triaged_case()
        requested_reports(case, "Demo Surgery")
        page = coordinator.get(f"/cases/{case.id}/reports/new")
        assert ticked_agencies(page) == {"Demo Hospitals NHS Trust"}

    def test_asking_the_same_agency_for_the_same_form_twice_stores_nothing(self, coordinator):
        case = triaged_case()
        requested_reports(case, "Demo Surgery")
        school = organisation("Demo Primary School")
        response = coordinator.submit(
            f"/cases/{case.id}/reports/new",
            {
                "organisation_ids": [str(school.id), str(organisation("Demo Surgery").id)],
                "due_on": ["18", "12", "2026"],
            },
        )
        assert response.status_code == 400
        assert "Demo Surgery has already been sent the Reporting Form" in page_text(response)
        assert count(ReportingRequest) == 1

    @pytest.mark.parametrize(
        ("due_on", "message"),
        [
            (["19", "11", "2026"], "The due date must be today or in the future"),
            (["", "", ""], "Enter the date the reports are due"),
            (["31", "2", "2027"], "Due date must be a real date"),
        ],
    )
    def test_bad_due_dates(self, coordinator, due_on, message):
        case = triaged_case()
        response = coordinator.submit(
            f"/cases/{case.id}/reports/new",
            {"organisation_ids": [str(organisation("Demo Surgery").id)], "due_on": due_on},
        )
        assert response.status_code == 400 and message in page_text(response)
        assert count(ReportingRequest) == 0

    def test_not_before_triage(self, coordinator):
        _n, outcome = notify()
        response = coordinator.submit(
            f"/cases/{outcome.case.id}/reports/new",
            {
                "organisation_ids": [str(organisation("Demo Surgery").id)],
                "due_on": ["18", "12", "2026"],
            },
        )
        assert response.status_code == 400
        assert "only while the case is at Information gathering or Awaiting CDRM" in page_text(
            response
        )


class TestAgencySide:
    def test_the_agency_sees_only_its_own_requests(self, gp, make_browser):
        case = triaged_case()
        gp_core, school_core = requested_reports(case, "Demo Surgery", "Demo Primary School")
        text = page_text(gp.get("/requests"))
        assert "Amelia Rose Testchild" in text and "Reporting Form" in text
        assert gp.get(f"/requests/{gp_core.id}").status_code == 200
        assert gp.get(f"/requests/{school_core.id}").status_code == 404
        assert gp.get(f"/reports/{gp_core.id}").status_code == 403  # the coordinator's view
        assert gp.get(f"/cases/{case.id}").status_code == 403
        page = page_text(gp.get(f"/requests/{gp_core.id}"))
        assert "943 476 5919" in page and "1 March 2026" in page
        assert "Found unresponsive" not in page  # nothing of the notification
        assert "Sam Patel" not in page

    def form_data(self, request, **answers):
        data = {"version": str(request.version_id)}
        for key, value in answers.items():
            if key.endswith("_on"):
                day = value.split("-")
                data[key] = [day[2], day[1], day[0]]
            else:
                data[key] = value
        return data

    def submit_checked(self, gp, request, data):
        """Continue to the check page, then submit from it, as the agency does."""
        checking = gp.submit(f"/requests/{request.id}", {**data, "submit": "Continue"})
        if checking.status_code != 302:
            return checking
        assert checking.headers["Location"] == f"/requests/{request.id}/check"
        db.session.refresh(request)
        assert request.status is not RequestStatus.SUBMITTED  # nothing sent before the check
        return gp.submit(f"/requests/{request.id}/check", {"version": str(request.version_id)})

    def test_draft_then_submit_then_read_only(self, gp, coordinator):
        case = triaged_case()
        (request,) = requested_reports(case, "Demo Surgery")
        draft = self.form_data(request, involvement_summary="Registered patient")
        response = gp.submit(f"/requests/{request.id}", {**draft, "save_draft": "Save as draft"})
        assert response.status_code == 302
        db.session.refresh(request)
        assert request.status is RequestStatus.DRAFT
        assert request.answers == {"involvement_summary": "Registered patient"}

        draft["version"] = str(request.version_id)  # as the page after saving carries it
        response = self.submit_checked(gp, request, draft)
        assert response.status_code == 400
        text = page_text(response)
        assert 'Answer "Date of your agency\'s first contact with the child"' in text
        db.session.refresh(request)
        assert request.status is RequestStatus.DRAFT

        full = self.form_data(request, **CORE_ANSWERS)
        full.pop("first_contact_on")
        full["first_contact_on_not_known"] = "y"
        full["version"] = str(request.version_id)
        response = self.submit_checked(gp, request, full)
        assert response.status_code == 302
        db.session.refresh(request)
        assert request.status is RequestStatus.SUBMITTED
        assert request.not_known == ["first_contact_on"]
        assert response.headers["Location"] == "/requests"
        assert "first_contact_on" not in request.answers

        coordinator_view = page_text(coordinator.get(f"/reports/{request.id}"))
        assert "Date of your agency's first contact with the child Not known" in coordinator_view
        assert "At the time of death, was the child Not known to children's social care" in (
            coordinator_view
        )
        assert "Date of your agency's last contact with the child 10 November 2026" in (
            coordinator_view
        )

        again = gp.submit(f"/requests/{request.id}", {**full, "submit": "Continue"})
        assert again.status_code == 409
        assert "already been submitted" in page_text(again)
        assert "Registered patient since birth." in page_text(gp.get(f"/requests/{request.id}"))
        assert count(AuditEvent, AuditEvent.action == AuditAction.REPORT_SUBMITTED) == 1

    def test_check_your_answers_lists_each_answer_to_change_and_submits_what_was_checked(self, gp):
        (request,) = requested_reports(triaged_case(), "Demo Surgery")
        full = self.form_data(request, **CORE_ANSWERS)
        assert (
            gp.submit(f"/requests/{request.id}", {**full, "submit": "Continue"}).status_code == 302
        )
        check = gp.get(f"/requests/{request.id}/check")
        html, text = check.get_data(as_text=True), page_text(check)
        assert "Check your answers before submitting the form" in text
        assert "Registered patient since birth." in text
        assert f'href="/requests/{request.id}#involvement_summary"' in html
        assert f'href="/requests/{request.id}#first_contact_on-day"' in html
        db.session.refresh(request)
        seen_version = request.version_id
        # A colleague changes an answer after the check page was opened: that is not what
        # was checked, so it is not sent.
        changed = self.form_data(request, **{**CORE_ANSWERS, "learning": "Changed meanwhile"})
        gp.submit(f"/requests/{request.id}", {**changed, "save_draft": "Save"})
        stale = gp.submit(f"/requests/{request.id}/check", {"version": str(seen_version)})
        assert stale.headers["Location"] == f"/requests/{request.id}/check"
        db.session.refresh(request)
        assert request.status is RequestStatus.DRAFT

    def test_answer_and_not_known_together_is_refused(self, gp):
        (request,) = requested_reports(triaged_case(), "Demo Surgery")
        data = self.form_data(request, learning="Something")
        data["learning_not_known"] = "y"
        response = gp.submit(f"/requests/{request.id}", {**data, "save_draft": "Save"})
        assert response.status_code == 400
        assert 'Give an answer or tick "Not known", not both' in page_text(response)
        db.session.refresh(request)
        assert request.status is RequestStatus.REQUESTED

    @pytest.mark.parametrize(
        ("dates", "messages"),
        [
            ({"last_contact_on": "2026-11-19"},
             ['"Date of your agency\'s last contact with the child" cannot be after the '
              "child's death, on 18 November 2026"]),
            ({"first_contact_on": "2026-11-10", "last_contact_on": "2026-03-02"},
             ['"Date of your agency\'s last contact with the child" cannot be before "Date of '
              'your agency\'s first contact with the child"']),
            ({"first_contact_on": "2026-12-01", "last_contact_on": "2026-12-02"},
             ['"Date of your agency\'s first contact with the child" must be today or in the '
              "past", '"Date of your agency\'s last contact with the child" must be today or '
              "in the past"]),
        ],
    )  # fmt: skip
    def test_a_contact_date_that_cannot_be_true_is_refused_at_its_field(self, gp, dates,
                                                                       messages):  # fmt: skip
        """The reporting form accepted a last contact after the child's death."""
        (request,) = requested_reports(triaged_case(), "Demo Surgery")
        data = self.form_data(request, **{**CORE_ANSWERS, **dates})
        for button in ({"save_draft": "Save"}, {"submit": "Continue"}):
            response = gp.submit(f"/requests/{request.id}", {**data, **button})
            assert response.status_code == 400
            assert error_summary_texts(response) == messages
        db.session.refresh(request)
        assert request.answers == {} and request.status is RequestStatus.REQUESTED

    def test_a_choice_outside_the_definition_is_refused(self, gp):
        (request,) = requested_reports(triaged_case(), "Demo Surgery")
        data = self.form_data(request, legal_status="orphan")
        response = gp.submit(f"/requests/{request.id}", {**data, "save_draft": "Save"})
        assert response.status_code == 400
        db.session.refresh(request)
        assert request.answers == {}

    def test_two_people_at_the_agency_do_not_overwrite_each_other(self, gp):
        (request,) = requested_reports(triaged_case(), "Demo Surgery")
        first = self.form_data(request, involvement_summary="First version")
        second = self.form_data(request, involvement_summary="Second version")
        gp.submit(f"/requests/{request.id}", {**first, "save_draft": "Save"})
        response = gp.submit(f"/requests/{request.id}", {**second, "save_draft": "Save"})
        assert response.status_code == 409
        text = page_text(response)
        assert "First version" in text  # what is saved now
        assert "Second version" in response.get_data(as_text=True)  # their input, kept
        db.session.refresh(request)
        assert request.answers["involvement_summary"] == "First version"

    def test_returned_with_a_question_then_submitted_again(self, coordinator, gp):
        (request,) = requested_reports(triaged_case(), "Demo Surgery")
        submitted(request)
        response = coordinator.submit(
            f"/reports/{request.id}/return",
            {"question": "When was the last home visit?", "version": str(request.version_id)},
            form_page=f"/reports/{request.id}",
        )
        assert response.status_code == 302
        db.session.refresh(request)
        assert request.status is RequestStatus.RETURNED
        page = page_text(gp.get(f"/requests/{request.id}"))
        assert "When was the last home visit?" in page
        resubmit = self.form_data(request, **CORE_ANSWERS)
        response = self.submit_checked(gp, request, resubmit)
        assert response.status_code == 302
        db.session.refresh(request)
        assert request.status is RequestStatus.SUBMITTED


class TestGuards:
    def move(self, coordinator, case, target, reason=""):
        db.session.refresh(case)
        return coordinator.submit(
            f"/cases/{case.id}/stage",
            {"target": target, "reason": reason, "version": str(case.version_id)},
            form_page=f"/cases/{case.id}",
        )

    def test_ready_for_panel_waits_for_every_report_the_jar_and_the_cdrm(self, coordinator):
        from tests.factories import record_cdrm, record_jar

        case = triaged_case()
        gp_core, school_core = requested_reports(case, "Demo Surgery", "Demo Primary School")
        response = self.move(coordinator, case, "awaiting_cdrm")
        assert response.status_code == 400
        assert "Record the Joint Agency Response: the death was unexpected" in page_text(response)

        record_jar(case)
        assert self.move(coordinator, case, "awaiting_cdrm").status_code == 302
        submitted(gp_core)
        text = page_text(self.move(coordinator, case, "ready_for_panel"))
        assert "This case cannot move to Ready for panel yet." in text
        assert "Demo Primary School's Reporting Form has not arrived" in text
        assert "Record the Child Death Review Meeting" in text
        assert "Demo Surgery's Reporting Form" not in text

        record_cdrm(case)
        response = self.move(coordinator, case, "ready_for_panel")
        assert "Demo Primary School's Reporting Form has not arrived" in page_text(response)
        coordinator.submit(
            f"/reports/{school_core.id}/excuse",
            {"reason": "Child not on roll", "version": str(school_core.version_id)},
            form_page=f"/reports/{school_core.id}",
        )
        assert self.move(coordinator, case, "ready_for_panel").status_code == 302
        db.session.refresh(case)
        assert case.stage is Stage.READY_FOR_PANEL

    def test_a_move_the_table_does_not_allow(self, coordinator):
        case = triaged_case()
        response = self.move(coordinator, case, "closed")
        assert response.status_code == 400
        assert "A case at the Information gathering stage cannot move to Closed" in page_text(
            response
        )

    def test_a_move_another_screen_makes_is_refused_on_the_case_page(self, coordinator):
        """Merging (and triage, the agenda, sign-off) record what the move stands on: the
        case page's form cannot make them, or a case could be "merged" into nothing."""
        first = notify(nhs_number=None)[1].case
        flagged = notify(nhs_number=None, given_names="Other")[1].case
        assert flagged.possible_duplicate_of == first
        response = self.move(coordinator, flagged, "merged")
        assert response.status_code == 400
        assert "A case is moved to Merged through the decision on the possible duplicate" in (
            page_text(response)
        )
        db.session.refresh(flagged)
        assert flagged.stage is Stage.NOTIFIED and not flagged.is_merged

    def test_withdrawing_needs_a_reason(self, coordinator):
        case = triaged_case()
        response = self.move(coordinator, case, "withdrawn")
        assert "Give the reason for moving the case to Withdrawn" in page_text(response)
        response = self.move(coordinator, case, "withdrawn", reason="Notified in error")
        assert response.status_code == 302


class TestTimelineAndDashboard:
    def test_the_timeline_shows_every_step_in_order(self, coordinator):
        from tests.factories import record_cdrm, record_jar

        case = triaged_case()
        gp_core, school_core = requested_reports(case, "Demo Surgery", "Demo Primary School")
        submitted(gp_core)
        record_jar(case)
        record_cdrm(case)
        coordinator.get(f"/cases/{case.id}")  # reads are audited but are not steps
        text = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
        steps = [
            "Notification received",
            "Triaged: the death was unexpected",
            "Moved from Notified to Information gathering",
            "Reporting Form requested from Demo Surgery, due 18 December 2026",
            "Reporting Form requested from Demo Primary School",
            "Demo Surgery submitted the Reporting Form",
            "Joint Agency Response recorded",
            "Child Death Review Meeting recorded",
        ]
        positions = [text.index(step) for step in steps]
        assert positions == sorted(positions)
        assert "viewed" not in text.lower()

    def test_the_dashboard_shows_stages_outstanding_requests_and_what_waits(self, coordinator):
        untriaged = notify(nhs_number=OTHER_VALID_NHS_NUMBER, family_name="Other")[1].case
        case = triaged_case()
        gp_core, _school = requested_reports(case, "Demo Surgery", "Demo Primary School")
        submitted(gp_core)
        text = page_text(coordinator.get("/dashboard"))
        assert "Notified 1" in text and "Information gathering 1" in text
        assert "Demo Primary School 1 0" in text
        assert "Demo Surgery 1" not in text  # its form is in
        assert f"{untriaged.reference} Notified Triage" in text
        assert f"{case.reference} Information gathering Move on" not in text  # no JAR yet

        from tests.factories import record_jar

        record_jar(case)
        bare = triaged_case(nhs_number=None, family_name="Third", date_of_birth=date(2020, 1, 1))
        text = page_text(coordinator.get("/dashboard"))
        assert f"{case.reference} Information gathering Move on" in text
        assert f"{bare.reference} Information gathering Request reports from agencies" in text


class TestMoveCaseService:
    """The service applies the table's "who may" too, not only the routes."""

    def test_a_move_from_an_older_version_of_the_case_is_refused(self, demo):
        from ecdop.cases.services import move_case
        from ecdop.foundation.refusals import EditConflict
        from tests.factories import user

        case = triaged_case()
        with pytest.raises(EditConflict):
            move_case(
                case,
                Stage.WITHDRAWN,
                actor=user("coordinator@demo.test"),
                reason="In error",
                expected_version=case.version_id - 1,
            )
        assert case.stage is Stage.INFORMATION_GATHERING

    def test_a_role_without_the_moves_permission_is_refused(self, demo):
        from ecdop.cases.services import move_case
        from ecdop.foundation.refusals import ChangeRefused
        from tests.factories import user

        case = triaged_case()
        with pytest.raises(ChangeRefused, match="Your role cannot move a case to Withdrawn"):
            move_case(
                case,
                Stage.WITHDRAWN,
                actor=user("chair@demo.test"),
                reason="error",
                expected_version=case.version_id,
            )

    def test_each_move_is_recorded_with_its_reason_and_audited(self, demo):
        from ecdop.cases.models import StageChange
        from ecdop.cases.services import move_case
        from tests.factories import user

        case = triaged_case()
        coordinator = user("coordinator@demo.test")
        move_case(
            case,
            Stage.WITHDRAWN,
            actor=coordinator,
            reason="In error",
            expected_version=case.version_id,
        )
        db.session.flush()
        move_case(
            case,
            Stage.NOTIFIED,
            actor=coordinator,
            reason="Not in error",
            expected_version=case.version_id,
        )
        db.session.commit()
        changes = db.session.scalars(select(StageChange).order_by(StageChange.id)).all()
        assert [(c.from_stage, c.to_stage, c.reason) for c in changes] == [
            (Stage.NOTIFIED, Stage.INFORMATION_GATHERING, ""),
            (Stage.INFORMATION_GATHERING, Stage.WITHDRAWN, "In error"),
            (Stage.WITHDRAWN, Stage.NOTIFIED, "Not in error"),
        ]
        assert count(AuditEvent, AuditEvent.action == AuditAction.STAGE_CHANGED) == 3


def test_the_case_pages_latest_events_are_the_newest_first(coordinator):
    case = triaged_case()
    page = coordinator.get(f"/cases/{case.id}").get_data(as_text=True)
    latest = page.split("Latest events", 1)[1]
    triaged, notified = latest.find("Triaged:"), latest.find("Notification received")
    assert -1 < triaged < notified


def ticked_agencies(page) -> set[str]:
    """The names of the agencies ticked on the Request reports page."""
    html = page.get_data(as_text=True)
    ticked = re.findall(r'name="organisation_ids" type="checkbox" value="(\d+)"[^>]*checked', html)
    return {db.session.get(Organisation, int(value)).name for value in ticked}
