"""Deadlines follow the case: created, met, let go, reopened and recomputed as it changes."""

from __future__ import annotations

from datetime import date

import pytest

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.cases.services import (
    TriageDecision,
    move_case,
    record_national_database_told,
    triage_case,
)
from ecdop.cases.states import Stage
from ecdop.deadlines.models import DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import Expectation
from ecdop.reporting_forms.services import excuse_report, return_report
from tests.deadline_helpers import all_messages, deadline, request_deadline
from tests.factories import (
    notify,
    record_cdrm,
    record_jar,
    requested_reports,
    submitted,
    triaged_case,
    user,
)
from tests.helpers import error_summary_targets, form_values, page_text

K = DeadlineKind


def test_a_notification_opens_the_case_deadlines_from_the_rules(demo):
    # Notified on Friday 20 November 2026 at 10:30; the child died on 18 November.
    _n, outcome = notify()
    case = outcome.case
    due = {kind: deadline(case, kind).due_on for kind in
           (K.NATIONAL_DATABASE, K.JAR_MEETING, K.CDRM, K.PANEL_REVIEW, K.CLOSURE)}  # fmt: skip
    assert due == {
        K.NATIONAL_DATABASE: date(2026, 11, 22),
        K.JAR_MEETING: date(2026, 11, 27),
        K.CDRM: date(2027, 2, 16),
        K.PANEL_REVIEW: date(2027, 5, 18),
        K.CLOSURE: date(2027, 11, 18),
    }
    assert deadline(case, K.JAR_MEETING).starts_on == date(2026, 11, 20)


def test_a_death_triaged_as_expected_needs_no_jar(demo):
    _n, outcome = notify()  # notified as unexpected
    case = outcome.case
    assert deadline(case, K.JAR_MEETING).state is DeadlineState.OPEN
    decision = TriageDecision(True, "", Expectation.EXPECTED, case.area)
    triage_case(case, decision, actor=user("coordinator@demo.test"),
                expected_version=case.version_id)  # fmt: skip
    db.session.commit()
    assert deadline(case, K.JAR_MEETING).state is DeadlineState.NOT_NEEDED


def test_fulfilled_obligations_meet_their_deadlines(demo):
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")
    assert request_deadline(request).due_on == date(2026, 12, 18)
    record_jar(case)
    record_national_database_told(
        case, told_at=utc_now(), actor=user("coordinator@demo.test"),
        expected_version=case.version_id,
    )  # fmt: skip
    submitted(request)
    db.session.commit()
    for met in (deadline(case, K.JAR_MEETING), deadline(case, K.NATIONAL_DATABASE),
                request_deadline(request)):  # fmt: skip
        assert met.state is DeadlineState.MET, met
    assert deadline(case, K.CDRM).state is DeadlineState.OPEN
    record_cdrm(case)
    assert deadline(case, K.CDRM).state is DeadlineState.MET


def test_a_returned_report_is_owed_again_and_an_excused_one_is_not(demo):
    case = triaged_case()
    gp, school = requested_reports(case, "Demo Surgery", "Demo Primary School")
    submitted(gp)
    return_report(gp, question="Which clinic?", expected_version=gp.version_id)
    excuse_report(school, reason="The child was not at school", expected_version=school.version_id)
    db.session.commit()
    assert request_deadline(gp).state is DeadlineState.OPEN
    assert request_deadline(school).state is DeadlineState.NOT_NEEDED


def test_withdrawing_lets_every_deadline_go_and_reinstating_brings_them_back(demo):
    case = triaged_case()
    [request] = requested_reports(case, "Demo Surgery")
    coordinator = user("coordinator@demo.test")
    move_case(case, Stage.WITHDRAWN, actor=coordinator, reason="Stillbirth",
              expected_version=case.version_id)  # fmt: skip
    db.session.commit()
    assert {d.state for d in (deadline(case, K.CDRM), request_deadline(request))} == {
        DeadlineState.NOT_NEEDED
    }
    move_case(case, Stage.NOTIFIED, actor=coordinator, reason="Withdrawn in error",
              expected_version=case.version_id)  # fmt: skip
    db.session.commit()
    assert deadline(case, K.CDRM).state is DeadlineState.OPEN
    assert request_deadline(request).state is DeadlineState.OPEN


class TestTellingTheNationalDatabase:
    """Recording asks for the moment it was told, on its own page; one click recorded it once,
    with no date and no way back."""

    def path(self, case) -> str:
        return f"/cases/{case.id}/national-database"

    def record(self, browser, case, **fields):
        data = {"told_on": ["19", "11", "2026"], "told_at": "16:05",
                "version": str(case.version_id)} | fields  # fmt: skip
        return browser.submit(self.path(case), data)

    def test_the_case_page_leads_to_a_page_that_asks_when(self, coordinator):
        _n, outcome = notify()
        case = outcome.case
        page = coordinator.get(f"/cases/{case.id}").get_data(as_text=True)
        assert (
            f'href="{self.path(case)}"' in page
            and "<button" not in page.split('id="national-database-told"')[1][:200]
        )
        form = form_values(coordinator.get(self.path(case)))
        assert form["told_on"] == ["20", "11", "2026"]  # today by default
        assert deadline(case, K.NATIONAL_DATABASE).state is DeadlineState.OPEN

    def test_recording_the_moment_meets_the_deadline(self, coordinator):
        _n, outcome = notify()
        response = self.record(coordinator, outcome.case)
        assert response.status_code == 302
        db.session.refresh(outcome.case)
        assert outcome.case.national_database_told_at.isoformat() == "2026-11-19T16:05:00+00:00"
        assert deadline(outcome.case, K.NATIONAL_DATABASE).state is DeadlineState.MET

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"told_on": ["21", "11", "2026"]}, "told_on", "must be today or in the past"),
            ({"told_on": ["1", "11", "2026"]}, "told_on", "cannot be before the date of death"),
            ({"told_on": ["", "", ""]}, "told_on", "Enter the date the national database was"),
            ({"told_at": "25:00"}, "told_at", "Time must be a time"),
        ],
    )
    def test_an_impossible_moment_is_refused_at_its_field(self, coordinator, fields, field,
                                                          message):  # fmt: skip
        _n, outcome = notify()
        response = self.record(coordinator, outcome.case, **fields)
        assert response.status_code == 400
        assert message in page_text(response)
        assert field in error_summary_targets(response)[0]
        db.session.refresh(outcome.case)
        assert outcome.case.national_database_told_at is None

    def test_a_mistaken_record_is_corrected_with_a_reason_and_the_timeline_keeps_both(
        self, coordinator
    ):
        _n, outcome = notify()
        case = outcome.case
        self.record(coordinator, case)
        db.session.refresh(case)
        refused = self.record(coordinator, case, correction="not_told", reason="")
        assert refused.status_code == 400
        assert "Give the reason for correcting the record" in page_text(refused)
        corrected = self.record(coordinator, case, correction="not_told",
                                reason="Recorded against the wrong case")  # fmt: skip
        assert corrected.status_code == 302
        db.session.refresh(case)
        assert case.national_database_told_at is None
        assert deadline(case, K.NATIONAL_DATABASE).state is DeadlineState.OPEN
        timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
        assert "National database told of the death, 19 November 2026 at 16:05" in timeline
        assert "corrected: 19 November 2026 at 16:05 became not told" in timeline
        assert "Recorded against the wrong case" in timeline


class TestChangingADueDate:
    def _form(self, browser, deadline_id, **data):
        path = f"/deadlines/{deadline_id}/due-date"
        version = str(data.pop("version", 1))
        return browser.submit(path, {"version": version, **data})

    def test_a_reason_is_required(self, make_browser):
        case = triaged_case()
        [request] = requested_reports(case, "Demo Surgery")
        target = request_deadline(request)
        response = self._form(make_browser("coordinator@demo.test"), target.id,
                              due_on=["8", "1", "2027"], reason="",
                              version=target.version_id)  # fmt: skip
        assert response.status_code == 400
        assert "Give the reason for changing the due date" in page_text(response)
        db.session.refresh(target)
        assert target.due_on == date(2026, 12, 18)

    def test_a_date_before_the_obligation_began_is_refused(self, make_browser):
        case = triaged_case()
        [request] = requested_reports(case, "Demo Surgery")
        target = request_deadline(request)
        response = self._form(make_browser("coordinator@demo.test"), target.id,
                              due_on=["19", "11", "2026"], reason="Agreed with the practice",
                              version=target.version_id)  # fmt: skip
        assert response.status_code == 400
        assert "cannot be before the obligation began, on 20 November 2026" in page_text(response)
        db.session.refresh(target)
        assert (target.due_on, target.due_on_set_by_hand) == (date(2026, 12, 18), False)

    def test_a_new_date_moves_the_request_tells_the_agency_and_is_audited(self, make_browser):
        case = triaged_case()
        [request] = requested_reports(case, "Demo Surgery")
        target = request_deadline(request)
        response = self._form(make_browser("coordinator@demo.test"), target.id,
                              due_on=["8", "1", "2027"], reason="Practice manager on leave",
                              version=target.version_id)  # fmt: skip
        assert response.status_code == 302
        db.session.refresh(target)
        db.session.refresh(request)
        assert target.due_on == request.due_on == date(2027, 1, 8)
        assert target.due_on_set_by_hand
        told = [m for m in all_messages() if m.subject.startswith("New due date")]
        assert [m.recipient_email for m in told] == ["gp@demo.test"]
        event = (
            db.session.query(AuditEvent)
            .filter_by(action=AuditAction.DEADLINE_DUE_DATE_CHANGED)
            .one()
        )
        assert event.given_reason == "Practice manager on leave"
        assert event.details["from"] == "2026-12-18"

    def test_another_area_cannot_see_the_deadline(self, make_browser, demo):
        from ecdop.auth.services import create_area, create_user

        case = triaged_case()
        other = create_area("OTH", "Other area")
        council = user("coordinator@demo.test").organisation
        council.areas.append(other)
        create_user(email="other.coordinator@demo.test", full_name="Other", role=user(
            "coordinator@demo.test").role, organisation=council,
            areas=[other], password="correct-horse-battery")  # fmt: skip
        db.session.commit()
        browser = make_browser("other.coordinator@demo.test")
        assert browser.get(f"/deadlines/{deadline(case, K.CDRM).id}/due-date").status_code == 404


class TestDeadlineRules:
    def test_an_admin_changes_a_rule_and_open_deadlines_follow(self, make_browser):
        case = triaged_case()
        cdrm = deadline(case, K.CDRM)
        admin = make_browser("admin@demo.test")
        area_id = case.area_id
        response = admin.submit(f"/admin/areas/{area_id}/deadlines/cdrm",
                                {"amount": "60", "unit": "days"})  # fmt: skip
        assert response.status_code == 302
        db.session.refresh(cdrm)
        assert cdrm.due_on == date(2027, 1, 17)  # 60 days after the death on 18 November
        assert "60 days after the death" in page_text(admin.get(f"/admin/areas/{area_id}"))

    def test_a_date_set_by_hand_is_not_moved_by_a_rule(self, make_browser):
        case = triaged_case()
        panel = deadline(case, K.PANEL_REVIEW)
        coordinator = make_browser("coordinator@demo.test")
        coordinator.submit(f"/deadlines/{panel.id}/due-date",
                           {"due_on": ["1", "6", "2027"], "reason": "Panel in June",
                            "version": str(panel.version_id)})  # fmt: skip
        admin = make_browser("admin@demo.test")
        admin.submit(f"/admin/areas/{case.area_id}/deadlines/panel_review",
                     {"amount": "4", "unit": "months"})  # fmt: skip
        db.session.refresh(panel)
        assert panel.due_on == date(2027, 6, 1)

    @pytest.mark.parametrize(
        "amount, unit, message",
        [
            ("", "days", "Enter how long, as a whole number, like 20"),
            ("ten", "days", "How long must be a whole number, like 20"),
            ("0", "days", "Enter a number from 1 to 999"),
            ("1000", "days", "Enter a number from 1 to 999"),
            ("10", "fortnights", "choose from the options shown"),
        ],
    )
    def test_bad_rules_are_refused_at_the_field(self, make_browser, amount, unit, message):
        triaged_case()
        admin = make_browser("admin@demo.test")
        area_id = user("coordinator@demo.test").areas[0].id
        response = admin.submit(f"/admin/areas/{area_id}/deadlines/cdrm",
                                {"amount": amount, "unit": unit})  # fmt: skip
        assert response.status_code == 400
        assert message in page_text(response)
        from ecdop.deadlines.models import DeadlineRule

        assert db.session.query(DeadlineRule).count() == 0

    def test_the_request_form_offers_the_areas_rule(self, make_browser):
        case = triaged_case()
        page = make_browser("coordinator@demo.test").get(f"/cases/{case.id}/reports/new")
        # 20 working days from Friday 20 November 2026
        assert 'value="18"' in page.get_data(as_text=True)

    def test_the_admin_sets_the_area_lead(self, make_browser):
        admin = make_browser("admin@demo.test")
        area = user("coordinator@demo.test").areas[0]
        coordinator_id = user("coordinator@demo.test").id
        response = admin.submit(f"/admin/areas/{area.id}", {"lead_id": str(coordinator_id)})
        assert response.status_code == 302
        db.session.refresh(area)
        assert area.lead_id == coordinator_id


def test_the_demo_has_a_due_request_for_the_gp_and_overdue_items_for_the_coordinator(
    make_browser,
):
    from ecdop.demo import seed_demo_case

    demo_case = seed_demo_case()
    db.session.commit()
    assert seed_demo_case() is None  # seeding again adds nothing
    tasks = page_text(make_browser("gp@demo.test").get("/tasks"))
    assert f"{demo_case.reference} Reporting Form from Demo Surgery" in tasks
    assert "Due in 5 working days" in tasks
    assert f"{demo_case.late_reference} Reporting Form from Demo Surgery" in tasks
    dashboard = page_text(make_browser("coordinator@demo.test").get("/dashboard"))
    assert "JAR information-sharing meeting 1" in dashboard
    assert "Demo Surgery 2 1" in dashboard  # 2 outstanding, 1 overdue
    assert f"{demo_case.late_reference} Information gathering 21" in dashboard


def test_the_agencys_list_tags_what_is_overdue_and_due_soon(make_browser, clock):
    """The GP's /requests showed a late request with the same grey tag as one due next month."""
    from datetime import timedelta

    from ecdop.reporting_forms.services import request_reports
    from tests.factories import organisation

    for n, due_on in enumerate((date(2026, 11, 23), date(2026, 11, 26), date(2026, 12, 18))):
        request_reports(
            triaged_case(nhs_number=None, date_of_birth=date(2025, 1, n + 1)),
            organisations=[organisation("Demo Surgery")],
            supplementary_forms=[],
            due_on=due_on,
            actor=user("coordinator@demo.test"),
        )
    db.session.commit()
    clock.shift(timedelta(days=5))  # Wednesday 25 November
    page = make_browser("gp@demo.test").get("/requests?sort=due")
    html = page.get_data(as_text=True)
    rows = html.split('<tr class="govuk-table__row">')[2:]
    assert "govuk-tag--red" in rows[0] and "Overdue by 2 working days" in rows[0]
    assert "govuk-tag--yellow" in rows[1] and "Due in 1 working day" in rows[1]
    assert "Overdue" not in rows[2] and "Due in" not in rows[2]
