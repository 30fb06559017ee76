"""The declared stage machine: every move in the table, allowed and refused, by its guards;
every move not in the table refused with a message that names both stages."""

from __future__ import annotations

import itertools

import pytest

from ecdop.auth.models import Role
from ecdop.auth.permissions import ROLE_PERMISSIONS, Permission
from ecdop.cases import states
from ecdop.cases.states import (
    FINISHED_STAGES,
    TRANSITION_TABLE,
    TRANSITIONS,
    UNDER_WAY_STAGES,
    CaseFacts,
    Stage,
    TransitionNotAllowed,
    transition_between,
    transitions_from,
)

# Facts under which every guard in the table is satisfied.
ALL_MET = CaseFacts(
    triaged=True,
    unexpected=True,
    jar_recorded=True,
    cdrm_recorded=True,
    reports_requested=2,
    on_panel_agenda=True,
    analysis_recorded=True,
    signed_off=True,
)
ALL_MET_OFF_AGENDA = CaseFacts(**{**ALL_MET.__dict__, "on_panel_agenda": False})
# Merging is for a case matching flagged as a possible duplicate.
FLAGGED = CaseFacts(**{**ALL_MET.__dict__, "possible_duplicate_of": "DEMO-2026-0001"})
# The facts every guard of a move is met under.
MET_FOR = {
    (Stage.SCHEDULED_FOR_PANEL, Stage.READY_FOR_PANEL): ALL_MET_OFF_AGENDA,
    (Stage.NOTIFIED, Stage.MERGED): FLAGGED,
}

# For each move, a fact that blocks it and the guard that refuses it.
BLOCKERS = {
    (Stage.NOTIFIED, Stage.INFORMATION_GATHERING): [
        ({"triaged": False}, states.triage_recorded),
        ({"possible_duplicate_of": "DEMO-2026-0001"}, states.duplicate_decided),
    ],
    (Stage.INFORMATION_GATHERING, Stage.AWAITING_CDRM): [
        ({"jar_recorded": False}, states.jar_recorded_if_unexpected),
        ({"reports_requested": 0}, states.reports_requested),
    ],
    (Stage.AWAITING_CDRM, Stage.READY_FOR_PANEL): [
        ({"jar_recorded": False}, states.jar_recorded_if_unexpected),
        ({"cdrm_recorded": False}, states.cdrm_recorded),
        ({"outstanding_reports": ("Demo Primary School's Reporting Form",)},
         states.every_report_in),
    ],
    (Stage.READY_FOR_PANEL, Stage.SCHEDULED_FOR_PANEL): [
        ({"on_panel_agenda": False}, states.on_panel_agenda),
    ],
    (Stage.SCHEDULED_FOR_PANEL, Stage.READY_FOR_PANEL): [
        ({"on_panel_agenda": True}, states.off_panel_agenda),
    ],
    (Stage.SCHEDULED_FOR_PANEL, Stage.PANEL_REVIEWED): [
        ({"analysis_recorded": False}, states.analysis_recorded),
    ],
    (Stage.PANEL_REVIEWED, Stage.CLOSED): [
        ({"signed_off": False}, states.signed_off),
    ],
    (Stage.NOTIFIED, Stage.MERGED): [
        ({"possible_duplicate_of": None}, states.flagged_as_duplicate),
    ],
}  # fmt: skip

UNGUARDED = {
    (Stage.NOTIFIED, Stage.WITHDRAWN),
    (Stage.INFORMATION_GATHERING, Stage.WITHDRAWN),
    (Stage.AWAITING_CDRM, Stage.INFORMATION_GATHERING),
    (Stage.AWAITING_CDRM, Stage.WITHDRAWN),
    (Stage.READY_FOR_PANEL, Stage.INFORMATION_GATHERING),
    (Stage.CLOSED, Stage.INFORMATION_GATHERING),
    (Stage.WITHDRAWN, Stage.NOTIFIED),
}


def test_the_table_is_exactly_the_guarded_and_unguarded_moves_listed_here():
    assert set(TRANSITION_TABLE) == set(BLOCKERS) | UNGUARDED
    assert len(TRANSITION_TABLE) == len(TRANSITIONS)  # no move declared twice


@pytest.mark.parametrize("move", sorted(TRANSITION_TABLE), ids=lambda m: f"{m[0]}->{m[1]}")
def test_every_move_is_allowed_when_its_guards_are_met(move):
    facts = MET_FOR.get(move, ALL_MET)
    assert transition_between(*move).obstacles(facts) == []


@pytest.mark.parametrize(
    ("move", "blocking", "guard"),
    [(move, blocking, guard) for move, cases in BLOCKERS.items() for blocking, guard in cases],
    ids=lambda value: f"{value[0]}->{value[1]}" if isinstance(value, tuple) else None,
)
def test_every_guard_refuses_the_move_it_guards(move, blocking, guard):
    facts = CaseFacts(**{**MET_FOR.get(move, ALL_MET).__dict__, **blocking})
    transition = transition_between(*move)
    assert [refusing for refusing in transition.guards if refusing(facts)] == [guard]
    # What it says is what the coordinator is shown, one line for each thing missing.
    assert transition.obstacles(facts) == guard(facts) and all(guard(facts))


def test_a_report_still_awaited_is_named_so_the_coordinator_can_chase_it():
    facts = CaseFacts(
        **{**ALL_MET.__dict__, "outstanding_reports": ("Demo Surgery's Reporting Form",)}
    )
    [line] = states.every_report_in(facts)
    assert line.startswith("Demo Surgery's Reporting Form has not arrived")


def test_an_expected_death_needs_no_jar():
    facts = CaseFacts(**{**ALL_MET.__dict__, "unexpected": False, "jar_recorded": False})
    assert (
        transition_between(Stage.INFORMATION_GATHERING, Stage.AWAITING_CDRM).obstacles(facts) == []
    )


@pytest.mark.parametrize(
    "move",
    [pair for pair in itertools.product(Stage, Stage) if pair not in TRANSITION_TABLE],
    ids=lambda m: f"{m[0]}->{m[1]}",
)
def test_every_move_outside_the_table_is_refused(move):
    source, target = move
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_between(source, target)
    assert str(refused.value) == (
        f"A case at the {source.label} stage cannot move to {target.label}"
    )


def test_moves_back_and_out_need_a_reason():
    needing = {move for move, transition in TRANSITION_TABLE.items() if transition.needs_reason}
    assert needing == UNGUARDED


def test_every_move_names_a_permission_some_role_holds():
    held = set().union(*ROLE_PERMISSIONS.values())
    for transition in TRANSITIONS:
        assert transition.permission in held, transition


def test_coordinators_make_the_moves_up_to_panel_and_chairs_sign_off():
    coordinator = ROLE_PERMISSIONS[Role.COORDINATOR]
    for source, target in UNGUARDED | set(list(BLOCKERS)[:3]):
        assert TRANSITION_TABLE[(source, target)].permission in coordinator
    assert (
        TRANSITION_TABLE[(Stage.PANEL_REVIEWED, Stage.CLOSED)].permission
        in ROLE_PERMISSIONS[Role.PANEL_CHAIR]
    )


def test_merged_is_terminal_and_only_a_duplicate_decision_reaches_it():
    assert transitions_from(Stage.MERGED) == []
    [merge] = [transition for transition in TRANSITIONS if transition.target is Stage.MERGED]
    assert (merge.source, merge.permission) == (Stage.NOTIFIED, Permission.DECIDE_DUPLICATES)
    assert Stage.MERGED in FINISHED_STAGES and Stage.MERGED not in UNDER_WAY_STAGES
