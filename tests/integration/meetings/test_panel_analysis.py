"""The panel's analysis, the chair's sign-off, a closed case's read-only state, reopening, and
the actions the panel sets followed up through the tracker and the reminder sweep."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.cases.states import Stage
from ecdop.deadlines.models import Deadline, DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import ActionStatus
from ecdop.meetings.models import PanelAction, PanelAnalysis
from tests.deadline_helpers import all_messages, deliver, sweep_on
from tests.factories import on_agenda, organisation, panel_meeting, ready_for_panel_case, user
from tests.helpers import (
    assert_every_error_is_summarised,
    error_summary_texts,
    form_values,
    page_text,
)
from tests.panel_helpers import analysis_form, with_action


@pytest.fixture
def scheduled(demo):
    case = ready_for_panel_case()
    item = on_agenda(panel_meeting(), case)
    return case, item


def record(browser, item, data):
    return browser.submit(f"/agenda-items/{item.id}/analysis", data)


def gp_action(data=None, due=(10, 3, 2027)):
    return with_action(data or analysis_form(), organisation("Demo Surgery").id,
                       "Recall children who miss asthma reviews", due)  # fmt: skip


def analyses() -> int:
    return db.session.scalar(select(func.count(PanelAnalysis.id)))


def test_chair_records_the_analysis_and_the_case_is_panel_reviewed(scheduled, make_browser):
    case, item = scheduled
    response = record(make_browser("chair@demo.test"), item, gp_action())
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.PANEL_REVIEWED
    analysis = db.session.scalar(select(PanelAnalysis))
    assert analysis.category.value == "acute"
    assert analysis.service_score == 2 and analysis.factors == {"service": ["missed_appointments"]}
    [action] = analysis.actions
    assert action.organisation.name == "Demo Surgery" and action.due_on == date(2027, 3, 10)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": ""}, "Select the category of death"),
        ({"intrinsic_score": "3"}, "Score factors intrinsic to the child as 0, 1 or 2"),
        ({"social_score": "-1"}, "as 0, 1 or 2"),
        ({"modifiable": ""}, "Select whether modifiable factors were identified"),
        ({"actions-0-description": "Do something", "actions-0-organisation_id": ""},
         "Choose the organisation that owns action 1"),
        ({"actions-0-description": "Do something", "actions-0-due_on": ["1", "3", "2027"],
          "actions-0-organisation_id": "99999999999999999999"},
         "Choose the organisation that owns action 1"),
        ({"actions-0-organisation_id": "1", "actions-0-description": "",
          "actions-0-due_on": ["1", "3", "2027"]}, "Describe action 1"),
        ({"actions-0-organisation_id": "1", "actions-0-description": "Late",
          "actions-0-due_on": ["1", "1", "2026"]}, "Action 1 cannot be due before the meeting"),
        ({"actions-0-organisation_id": "1", "actions-0-description": "Typo",
          "actions-0-due_on": ["31", "2", "2027"]}, "must be a real date"),
    ],
)  # fmt: skip
def test_bad_analyses_are_refused_at_the_field_and_nothing_is_saved(
    scheduled, make_browser, overrides, message
):
    case, item = scheduled
    response = record(make_browser("coordinator@demo.test"), item, analysis_form(**overrides))
    assert response.status_code == 400
    # Listed in the error summary, as every problem is; it was once empty for a late action.
    assert message in " ".join(error_summary_texts(response))
    assert_every_error_is_summarised(response)
    assert analyses() == 0
    assert db.session.scalar(select(func.count(PanelAction.id))) == 0
    db.session.refresh(case)
    assert case.stage is Stage.SCHEDULED_FOR_PANEL


def test_only_a_chair_signs_off(scheduled, make_browser):
    case, item = scheduled
    coordinator = make_browser("coordinator@demo.test")
    record(coordinator, item, gp_action())
    analysis = db.session.scalar(select(PanelAnalysis))
    response = coordinator.submit(f"/analyses/{analysis.id}/sign-off",
                                  {"version": analysis.version_id},
                                  form_page=f"/agenda-items/{item.id}/analysis")  # fmt: skip
    assert response.status_code == 302
    followed = coordinator.get(response.headers["Location"])
    assert "Only a panel chair can sign off a review" in page_text(followed)
    db.session.refresh(case)
    assert case.stage is Stage.PANEL_REVIEWED and analysis.signed_off_at is None


def sign_off(item):
    from ecdop.meetings.services import sign_off as chair_signs

    analysis = db.session.scalar(select(PanelAnalysis).where(PanelAnalysis.case_id == item.case_id))
    chair_signs(analysis, actor=user("chair@demo.test"), expected_version=analysis.version_id)
    db.session.commit()
    return analysis


def test_chair_signs_off_and_the_case_closes_with_its_closure_deadline_met(scheduled, make_browser):
    case, item = scheduled
    chair = make_browser("chair@demo.test")
    record(chair, item, gp_action())
    analysis = db.session.scalar(select(PanelAnalysis))
    response = chair.submit(f"/analyses/{analysis.id}/sign-off", {"version": analysis.version_id},
                            form_page=f"/agenda-items/{item.id}/analysis")  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.CLOSED
    closure = db.session.scalar(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == DeadlineKind.CLOSURE)
    )
    assert closure.state is DeadlineState.MET
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.REVIEW_SIGNED_OFF)
    )
    page = page_text(chair.get(f"/agenda-items/{item.id}/analysis"))
    assert "Signed off by Dr Morgan Ellis" in page


def test_a_closed_case_refuses_a_second_analysis_and_other_edits(scheduled, make_browser):
    case, item = scheduled
    coordinator = make_browser("coordinator@demo.test")
    record(coordinator, item, gp_action())
    analysis = sign_off(item)
    response = record(coordinator, item, analysis_form(version=analysis.version_id))
    assert response.status_code == 400
    assert "This case is closed: its review was signed off. Reopen it" in page_text(response)
    assert analyses() == 1
    summary = coordinator.submit(
        f"/agenda-items/{item.id}/papers", {"panel_summary": "Changed", "version": item.version_id}
    )
    assert summary.status_code == 400 and "This case is closed" in page_text(summary)
    cdrm = coordinator.submit(
        f"/cases/{case.id}/child-death-review-meeting",
        {"held_on": ["20", "11", "2026"], "attendees-0-role": "Paediatrician",
         "summary": "Changed", "decisions": "Changed", "version": "1"},
    )  # fmt: skip
    assert cdrm.status_code == 400  # refused: the case is closed (no one else saved it)
    deadline = db.session.scalar(select(Deadline).where(Deadline.case_id == case.id))
    due = coordinator.submit(f"/deadlines/{deadline.id}/due-date",
                             {"due_on": ["1", "6", "2027"], "reason": "x",
                              "version": deadline.version_id})  # fmt: skip
    assert due.status_code == 400 and "This case is closed" in page_text(due)


def test_reopening_with_a_reason_supersedes_the_analysis(scheduled, make_browser):
    case, item = scheduled
    coordinator = make_browser("coordinator@demo.test")
    record(coordinator, item, gp_action())
    analysis = sign_off(item)
    refused = coordinator.submit(f"/cases/{case.id}/stage",
                                 {"target": "information_gathering", "reason": "",
                                  "version": case.version_id},
                                 form_page=f"/cases/{case.id}")  # fmt: skip
    assert refused.status_code == 400
    response = coordinator.submit(f"/cases/{case.id}/stage",
                                  {"target": "information_gathering",
                                   "reason": "Inquest found new evidence",
                                   "version": case.version_id},
                                  form_page=f"/cases/{case.id}")  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(case)
    db.session.refresh(analysis)
    assert case.stage is Stage.INFORMATION_GATHERING
    assert analysis.superseded_at is not None
    # The actions are still followed up.
    assert db.session.scalar(select(PanelAction)).status is ActionStatus.OPEN


def test_actions_appear_in_the_tracker_for_coordinator_and_owner_only(scheduled, make_browser):
    case, item = scheduled
    record(make_browser("chair@demo.test"), item, gp_action())
    sign_off(item)
    for email in ("coordinator@demo.test", "gp@demo.test"):
        page = page_text(make_browser(email).get("/actions"))
        assert "Recall children who miss asthma reviews" in page and case.reference in page
    school = make_browser("school@demo.test")
    assert "Recall children" not in page_text(school.get("/actions"))
    action = db.session.scalar(select(PanelAction))
    assert school.get(f"/actions/{action.id}").status_code == 404


def test_owner_updates_an_action_done_needs_a_note(scheduled, make_browser):
    case, item = scheduled
    record(make_browser("chair@demo.test"), item, gp_action())
    action = db.session.scalar(select(PanelAction))
    gp = make_browser("gp@demo.test")
    refused = gp.submit(f"/actions/{action.id}", {"status": "done", "note": "",
                                                  "version": action.version_id})  # fmt: skip
    assert refused.status_code == 400 and "Say what was done" in page_text(refused)
    not_accepted = gp.submit(f"/actions/{action.id}", {"status": "not_accepted", "note": "",
                                                       "version": action.version_id})  # fmt: skip
    assert "Give the reason the action is not accepted" in page_text(not_accepted)
    db.session.refresh(action)
    assert action.status is ActionStatus.OPEN
    done = gp.submit(f"/actions/{action.id}", {"status": "done", "note": "Recall list in place",
                                               "version": action.version_id})  # fmt: skip
    assert done.status_code == 302
    db.session.refresh(action)
    assert action.status is ActionStatus.DONE and action.status_changed_by.email == "gp@demo.test"
    deadline = db.session.scalar(select(Deadline).where(Deadline.panel_action_id == action.id))
    assert deadline.state is DeadlineState.MET
    again = gp.submit(f"/actions/{action.id}", {"status": "in_progress", "note": "",
                                                "version": action.version_id})  # fmt: skip
    assert again.status_code == 400  # finished actions stay finished
    timeline = page_text(make_browser("coordinator@demo.test").get(f"/cases/{case.id}/timeline"))
    assert "Panel analysis recorded" in timeline
    assert "A panel action is now done" in timeline
    assert "Added to the agenda of the panel meeting on 20 November 2026" in timeline


def test_an_overdue_action_reminds_its_owner_then_escalates(
    app, clock, scheduled, make_browser, smtp_sink
):
    case, item = scheduled
    record(make_browser("chair@demo.test"), item, gp_action(due=(11, 1, 2027)))
    sign_off(item)
    action = db.session.scalar(select(PanelAction))
    sweep_on(app, clock, date(2027, 1, 12))
    deliver(app)
    gp_subjects = smtp_sink.subjects_to("gp@demo.test")
    assert any(s.startswith("Overdue: Panel action for Demo Surgery") for s in gp_subjects)
    sweep_on(app, clock, date(2027, 1, 26))
    deliver(app)
    assert any(s.startswith("Escalation: Panel action for Demo Surgery")
               for s in smtp_sink.subjects_to("coordinator@demo.test"))  # fmt: skip
    paths = {m.action_path for m in all_messages() if "Panel action" in m.subject}
    assert paths == {f"/actions/{action.id}"}


def test_the_owner_sees_the_action_in_their_tasks(scheduled, make_browser):
    case, item = scheduled
    record(make_browser("chair@demo.test"), item, gp_action())
    page = page_text(make_browser("gp@demo.test").get("/tasks"))
    assert "Panel action for Demo Surgery" in page


def test_an_analysis_waits_for_the_meeting(demo, make_browser):
    case = ready_for_panel_case()
    item = on_agenda(panel_meeting(held_on=date(2026, 12, 10)), case)
    response = record(make_browser("chair@demo.test"), item, analysis_form())
    assert response.status_code == 400
    assert "The panel meets on 10 December 2026" in page_text(response)
    assert analyses() == 0


def test_closing_settles_every_open_deadline_and_the_national_database_can_still_be_told(
    scheduled, make_browser
):
    case, item = scheduled
    coordinator = make_browser("coordinator@demo.test")
    record(coordinator, item, analysis_form())  # no actions: nothing is followed up after
    sign_off(item)
    still_open = db.session.scalars(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.state == DeadlineState.OPEN)
    ).all()
    assert still_open == []
    national = db.session.scalar(
        select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == DeadlineKind.NATIONAL_DATABASE
        )
    )
    assert national.state is DeadlineState.NOT_NEEDED
    assert "closed before" in national.let_go_reason
    # Nobody is set a task they cannot do: not the coordinator, not the area lead.
    for email in ("coordinator@demo.test", "chair@demo.test"):
        assert case.reference not in page_text(make_browser(email).get("/tasks"))
    page = page_text(coordinator.get(f"/cases/{case.id}"))
    assert "closed before" in page
    told = form_values(coordinator.get(f"/cases/{case.id}/national-database"))
    response = coordinator.post(f"/cases/{case.id}/national-database", data=told)
    assert response.status_code == 302
    db.session.refresh(national)
    assert national.state is DeadlineState.MET
    db.session.refresh(case)
    assert case.stage is Stage.CLOSED and case.national_database_told_at is not None


def test_more_actions_are_added_without_saving_and_without_javascript(scheduled, make_browser):
    case, item = scheduled
    chair = make_browser("chair@demo.test")
    surgery = organisation("Demo Surgery").id
    data = analysis_form()
    for row in range(4):
        data = with_action(data, surgery, f"Action number {row + 1}", (10, 3, 2027), row=row)
        added = chair.submit(f"/agenda-items/{item.id}/analysis", {**data, "add_action": "1"})
        assert added.status_code == 200
        html = added.get_data(as_text=True)
        assert f'name="actions-{row + 1}-description"' in html  # a new empty row
        assert f"Action number {row + 1}" in html  # what was typed is kept
        assert analyses() == 0  # nothing saved yet
    # Each due date has visible Day, Month and Year labels.
    assert html.count('class="govuk-label govuk-date-input__label"') == 3 * 5
    saved = record(chair, item, data)
    assert saved.status_code == 302
    actions = db.session.scalars(select(PanelAction).order_by(PanelAction.id)).all()
    assert [a.description for a in actions] == [f"Action number {n}" for n in range(1, 5)]
