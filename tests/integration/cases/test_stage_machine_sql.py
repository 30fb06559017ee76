"""The stage machine's guards say the same in SQL as in Python. The dashboard's "ready to move
on" list finds cases with the guards' SQL form; the case page and the move itself use their
Python form. On seeded cases at every stage, each guard in the transition table must let
through exactly the cases its Python form lets through, and must hold for some and fail for
others, so that neither form can drift from the other unseen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ecdop.cases.models import Case
from ecdop.cases.queries import case_facts, case_facts_in_sql, cases_waiting_on_coordinator
from ecdop.cases.states import TRANSITIONS, CaseFacts
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import Expectation
from ecdop.synthetic import seed_synthetic
from tests.factories import (
    demo_area,
    notify,
    on_agenda,
    panel_meeting,
    ready_for_panel_case,
    requested_reports,
    submitted,
    triaged_case,
    user,
)

EVERY_GUARD = sorted(
    {guard for transition in TRANSITIONS for guard in transition.guards},
    key=lambda guard: guard.name,
)


@pytest.fixture
def cases_at_every_stage(demo):
    """Synthetic cases through every stage, and what it leaves out: a possible duplicate, an
    unexpected death with a report awaited and no JAR, a case with its reports in and ready to
    move on, and one ready for panel and on a meeting's agenda."""
    seed_synthetic(demo_area(), cases=80, seed=11, today=date(2026, 11, 20))
    notify(nhs_number=None)
    notify(nhs_number=None, given_names="Other")  # the same dates and sex: flagged
    unexpected = child(2025, expectation=Expectation.UNEXPECTED)
    requested_reports(unexpected, "Demo Surgery")
    submitted(requested_reports(child(2024, expectation=Expectation.EXPECTED), "Demo Surgery")[0])
    on_agenda(
        panel_meeting(), ready_for_panel_case(nhs_number=None, date_of_birth=date(2023, 5, 5))
    )
    db.session.commit()
    return list(db.session.scalars(select(Case).where(Case.merged_into_id.is_(None))))


def child(born: int, **details) -> Case:
    """A triaged case, no NHS number, born in ``born``: no other seeded case matches it."""
    return triaged_case(nhs_number=None, date_of_birth=date(born, 2, 2), **details)


def _where_in_sql(condition) -> set[int]:
    return set(db.session.scalars(select(Case.id).where(condition)))


@pytest.mark.parametrize("guard", EVERY_GUARD, ids=lambda guard: guard.name)
def test_every_guard_lets_through_the_same_cases_in_sql_and_in_python(cases_at_every_stage, guard):
    facts = {case.id: case_facts(case) for case in cases_at_every_stage}
    in_python = {case_id for case_id, known in facts.items() if not guard(known)}
    in_sql = _where_in_sql(guard.holds_in_sql(case_facts_in_sql())) & set(facts)
    assert in_sql == in_python
    assert in_python and set(facts) - in_python, f"{guard.name} was not tried both ways"


def test_every_fact_in_sql_is_true_where_the_fact_is(cases_at_every_stage):
    sql = case_facts_in_sql()
    assert set(vars(sql)) == set(CaseFacts.__dataclass_fields__)
    for name, condition in vars(sql).items():
        where_true = _where_in_sql(condition)
        for case in cases_at_every_stage:
            assert (case.id in where_true) == bool(getattr(case_facts(case), name)), (
                name,
                case.reference,
            )


def test_the_ready_to_move_on_list_is_the_cases_whose_next_step_forward_is_open(
    cases_at_every_stage,
):
    forward = {transition.source: transition for transition in TRANSITIONS
               if transition.is_step_forward}  # fmt: skip
    ready = {
        case.id
        for case in cases_at_every_stage
        if case.stage in forward and not forward[case.stage].obstacles(case_facts(case))
    }
    listed = {
        case.id
        for case, step in cases_waiting_on_coordinator(user("coordinator@demo.test"))
        if step.startswith("Move on")
    }
    assert listed == ready and ready
