"""The family's deadlines: declared by the family's records, answered for by the key worker,
reminded and escalated like every other deadline, each step once; "do not contact" lets them
go, with the reason on the timeline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ecdop.deadlines.models import Deadline, DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.meetings.models import PanelAnalysis
from tests.deadline_helpers import deadline, reminder_keys, sweep_on
from tests.factories import on_agenda, panel_meeting, ready_for_panel_case, triaged_case, user
from tests.helpers import page_text
from tests.panel_helpers import analysis_form

KEY_WORKER = "keyworker@demo.test"
COORDINATOR = "coordinator@demo.test"
CALL = {"contact_id": "family", "contacted_on": ["20", "11", "2026"], "method": "telephone",
        "made_by": "Robin Ahmed", "summary": "Introduced myself."}  # fmt: skip
QUESTION = {"asked_on": ["19", "11", "2026"], "goes_to": "cdrm",
            "question": "Could the asthma review have been sooner?"}  # fmt: skip


@pytest.fixture
def coordinator(make_browser):
    return make_browser(COORDINATOR)


@pytest.fixture
def key_worker(make_browser):
    return make_browser(KEY_WORKER)


def with_key_worker(coordinator, case):
    response = coordinator.submit(f"/cases/{case.id}/key-worker",
                                  {"key_worker_id": str(user(KEY_WORKER).id)})  # fmt: skip
    assert response.status_code == 302
    return case


def signed_off(coordinator, case):
    item = on_agenda(panel_meeting(), case)
    assert coordinator.submit(f"/agenda-items/{item.id}/analysis",
                              analysis_form()).status_code == 302  # fmt: skip
    from ecdop.meetings.services import sign_off

    analysis = db.session.scalar(select(PanelAnalysis).where(PanelAnalysis.case_id == case.id))
    sign_off(analysis, actor=user("chair@demo.test"), expected_version=analysis.version_id)
    db.session.commit()


def key_worker_not_in_touch(coordinator, key_worker):
    return with_key_worker(coordinator, triaged_case())


def family_not_told(coordinator, key_worker):
    case = with_key_worker(coordinator, triaged_case())
    key_worker.submit(f"/cases/{case.id}/family/contact-log/new", CALL)
    return case


def question_not_answered(coordinator, key_worker):
    case = with_key_worker(coordinator, ready_for_panel_case())  # its CDRM: 20 November
    key_worker.submit(f"/cases/{case.id}/family/questions/new", QUESTION)
    return case


def outcome_not_shared(coordinator, key_worker):
    case = with_key_worker(coordinator, ready_for_panel_case())
    signed_off(coordinator, case)
    return case


SETUPS = {
    DeadlineKind.KEY_WORKER_CONTACT: key_worker_not_in_touch,
    DeadlineKind.FAMILY_TOLD: family_not_told,
    DeadlineKind.FAMILY_QUESTIONS: question_not_answered,
    DeadlineKind.OUTCOME_SHARED: outcome_not_shared,
}


@pytest.mark.parametrize("kind", list(SETUPS), ids=lambda kind: kind.value)
def test_each_family_deadline_reminds_the_key_worker_and_escalates_once(
    app, clock, demo, coordinator, key_worker, kind
):
    case = SETUPS[kind](coordinator, key_worker)
    owed = deadline(case, kind)
    assert owed.state is DeadlineState.OPEN and owed.owed_by_user_id == user(KEY_WORKER).id
    day, last = date(2026, 11, 20), owed.due_on + timedelta(days=21)
    while day <= last:
        sweep_on(app, clock, day)
        sweep_on(app, clock, day)  # a second sweep the same day adds nothing
        day += timedelta(days=1)

    keys = reminder_keys(deadline(case, kind))
    assert len(keys) == len(set(keys)), "a step was sent twice"
    assert [key for key in keys if key[0] == "escalation"] == [("escalation", COORDINATOR)]
    reminders = [key for key in keys if key[0] != "escalation"]
    assert ("overdue", KEY_WORKER) in reminders
    assert all(email == KEY_WORKER for _step, email in reminders)
    # The key worker finds it among their tasks, leading to the family page (signed in again:
    # three weeks on, their session has long timed out).
    key_worker.login(KEY_WORKER)
    tasks = key_worker.get("/tasks").get_data(as_text=True)
    assert kind.label.replace("'", "&#39;") in tasks and f"/cases/{case.id}/family" in tasks


def test_the_deadlines_are_met_by_what_the_key_worker_records(app, demo, coordinator, key_worker):
    case = with_key_worker(coordinator, ready_for_panel_case())
    key_worker.submit(f"/cases/{case.id}/family/questions/new", QUESTION)
    key_worker.submit(f"/cases/{case.id}/family/contact-log/new",
                      CALL | {"milestones": ["told_about_review", "leaflet_given"]})  # fmt: skip
    question = case_question(case)
    key_worker.submit(f"/cases/{case.id}/family/questions/{question.id}", QUESTION | {
        "answer": "Yes: the CDRM found it six months late.",
        "answer_given_on": ["20", "11", "2026"], "version": str(question.version_id)})  # fmt: skip
    db.session.expire_all()
    for kind in (DeadlineKind.KEY_WORKER_CONTACT, DeadlineKind.FAMILY_TOLD,
                 DeadlineKind.FAMILY_QUESTIONS):  # fmt: skip
        assert deadline(case, kind).state is DeadlineState.MET, kind


def case_question(case):
    from ecdop.family.models import FamilyQuestion

    return db.session.scalar(select(FamilyQuestion).where(FamilyQuestion.case_id == case.id))


def test_do_not_contact_lets_the_family_deadlines_go_with_its_reason(
    app, clock, demo, coordinator, key_worker
):
    case = with_key_worker(coordinator, triaged_case())
    key_worker.submit(f"/cases/{case.id}/family/contacts/new", {
        "full_name": "Morgan Delacroix-Finch", "relationship_to_child": "father",
        "preferred_method": "letter", "interpreter_needed": "no", "do_not_contact": "yes",
        "do_not_contact_reason": "Asked through the hospital to be left alone"})  # fmt: skip
    db.session.expire_all()
    owed = deadline(case, DeadlineKind.KEY_WORKER_CONTACT)
    assert owed.state is DeadlineState.NOT_NEEDED
    assert owed.let_go_reason == "The family asked not to be contacted"
    sweep_on(app, clock, date(2026, 12, 31))
    assert reminder_keys(owed) == []
    coordinator.login(COORDINATOR)
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Asked through the hospital to be left alone" in timeline


def test_a_review_signed_off_before_the_family_had_a_key_worker_owes_no_outcome(
    app, demo, coordinator
):
    """Reviews signed off before ecdop kept the family's part are not all owed it at once."""
    case = ready_for_panel_case()
    # Support recorded makes the family's record, but no key worker was ever assigned.
    coordinator.submit(f"/cases/{case.id}/family/support",
                       {"support_offered": "no", "support_taken_up": "no"})  # fmt: skip
    signed_off(coordinator, case)
    db.session.expire_all()
    kinds = {d.kind: d.state for d in db.session.scalars(
        select(Deadline).where(Deadline.case_id == case.id))}  # fmt: skip
    assert DeadlineKind.OUTCOME_SHARED not in kinds
    assert kinds[DeadlineKind.KEY_WORKER_CONTACT] is DeadlineState.NOT_NEEDED  # closed first
