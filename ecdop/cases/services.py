"""Changes to cases: opening and merging them, moving them through the stage machine,
triage and transfer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.auth.permissions import role_may
from ecdop.auth.queries import active_coordinators_of
from ecdop.cases.hooks import case_changed, case_reopened, death_recorded
from ecdop.cases.models import (
    SEARCH_LIFETIME,
    Case,
    CaseReferenceCounter,
    CaseSearch,
    StageChange,
)
from ecdop.cases.queries import (
    case_facts,
    case_with_nhs_number,
    flagged_as_duplicate_of,
)
from ecdop.cases.states import (
    INITIAL_STAGE,
    TRANSITION_TABLE,
    TRIAGE,
    Stage,
    TransitionNotAllowed,
    transition_between,
)
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date, uk_date
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.foundation.urls import app_path
from ecdop.foundation.vocabulary import CategoryOfDeath, Expectation, age_band
from ecdop.mail import keys as mail_keys
from ecdop.mail.services import queue_message_to_each


def name_key(name: str) -> str:
    """What name search matches on: case- and space-insensitive."""
    return " ".join(name.lower().split())


def _next_sequence(area_id: int, year: int) -> int:
    """The next number in the area's sequence for the year.

    The UPDATE takes a row lock, so concurrent notifications are numbered one after another.
    A first case of the year inserts the counter; if two race to do so, the loser's unique
    violation makes the request retry (see ecdop.foundation.transactions).
    """
    bump = (
        update(CaseReferenceCounter)
        .where(CaseReferenceCounter.area_id == area_id, CaseReferenceCounter.year == year)
        .values(last_sequence=CaseReferenceCounter.last_sequence + 1)
        .returning(CaseReferenceCounter.last_sequence)
        .execution_options(synchronize_session=False)
    )
    sequence = db.session.scalar(bump)
    if sequence is None:
        db.session.add(CaseReferenceCounter(area_id=area_id, year=year, last_sequence=1))
        db.session.flush()
        sequence = 1
    return sequence


def open_case(area: Area, **details) -> Case:
    """Open a case for a newly notified death in ``area``, numbered in the area's sequence for
    the year (``details``: the child and the death, as ``Case`` holds them)."""
    year = uk_today().year
    sequence = _next_sequence(area.id, year)
    case = Case(
        reference=f"{area.code}-{year}-{sequence:04d}",
        area_id=area.id,
        year=year,
        sequence=sequence,
        stage=INITIAL_STAGE,
        given_names_key=name_key(details["given_names"]),
        family_name_key=name_key(details["family_name"]),
        age_band=age_band(details["date_of_birth"], details["date_of_death"]),
        **details,
    )
    db.session.add(case)
    # A concurrent case for the same NHS number fails here, on the partial unique index.
    db.session.flush()
    record_event(AuditAction.CASE_CREATED, case_id=case.id, subject=case)
    return case


def merge_into(case: Case, survivor: Case, *, actor: User) -> None:
    """Merge ``case`` into ``survivor``, the same child's case, through the stage machine's
    terminal move: the merged case keeps its history, and its reference leads to the survivor
    from then on. Cannot be undone."""
    if survivor.is_merged:
        raise ChangeRefused(f"{survivor.reference} has itself been merged; decide on it first")
    apply_transition(case, Stage.MERGED, actor=actor)
    case.possible_duplicate_of = None
    case.merged_into = survivor
    db.session.flush()  # the merged case leaves the unique NHS index before the survivor joins it
    if survivor.nhs_number is None and case.nhs_number is not None:
        survivor.nhs_number = case.nhs_number
    _repoint_flags(case, survivor)
    details = {"merged": case.reference, "into": survivor.reference}
    # Once, on the surviving case: its timeline holds the merged case's history too.
    record_event(AuditAction.DUPLICATE_CONFIRMED_AND_MERGED, case_id=survivor.id, subject=case,
                 details=details)  # fmt: skip
    db.session.flush()


def _repoint_flags(merged: Case, survivor: Case) -> None:
    flagged = select(Case).where(Case.possible_duplicate_of_id == merged.id)
    for other in db.session.scalars(flagged):
        other.possible_duplicate_of = survivor


def move_case(
    case: Case, target: Stage, *, actor: User, reason: str = "", expected_version: int | None
) -> StageChange:
    """The coordinator's move of a case, from a page showing ``expected_version`` of it. A
    move another screen makes (triage, the agenda, a merge) is refused here: that screen
    records what the move stands on."""
    check_version(case, expected_version, "target")
    transition = TRANSITION_TABLE.get((case.stage, target))
    if transition is not None and transition.made_by:
        raise ChangeRefused(
            f"A case is moved to {target.label} through the {transition.made_by}", "target"
        )
    return apply_transition(case, target, actor=actor, reason=reason)


def apply_transition(case: Case, target: Stage, *, actor: User, reason: str = "") -> StageChange:
    """Move the case to ``target`` if the stage machine allows it now; the only place that
    changes ``case.stage``. Other features' services (triage, the panel agenda, the analysis,
    sign-off) move cases through it too."""
    if case.deidentified_at is not None:
        raise ChangeRefused("This case was de-identified under its retention rule: it cannot "
                            "move on or be reopened", "target")  # fmt: skip
    try:
        transition = transition_between(case.stage, target)
    except TransitionNotAllowed as not_allowed:
        raise ChangeRefused(str(not_allowed), "target") from None
    if not role_may(actor.role, transition.permission):
        raise ChangeRefused(f"Your role cannot move a case to {target.label}", "target")
    if transition.needs_reason and not reason.strip():
        raise ChangeRefused(f"Give the reason for moving the case to {target.label}", "reason")
    facts = case_facts(case)
    if problems := transition.obstacles(facts):
        raise ChangeRefused(
            f"This case cannot move to {target.label} yet. {_sentences(problems)}", "target"
        )
    if (awaited := transition.reasons_asked(facts)) and not reason.strip():
        raise ChangeRefused(" ".join(awaited) + f" Give the reason for moving the case to "
                            f"{target.label} now", "reason")  # fmt: skip
    if transition.source is Stage.CLOSED:
        case_reopened(case)
    change = StageChange(
        case_id=case.id,
        from_stage=case.stage,
        to_stage=target,
        reason=reason.strip(),
        changed_by_id=actor.id,
    )
    db.session.add(change)
    case.stage = target
    db.session.flush()
    details = {"from": transition.source.value, "to": target.value}
    record_event(AuditAction.STAGE_CHANGED, case_id=case.id, subject=change, details=details)
    case_changed(case)
    return change


def _sentences(problems: list[str]) -> str:
    return " ".join(f"{problem}." for problem in problems)


@dataclass(frozen=True)
class TriageDecision:
    in_scope: bool
    out_of_scope_reason: str
    expectation: Expectation
    residence_area: Area
    provisional_category: CategoryOfDeath | None = None  # None keeps the notifier's view


def triage_case(
    case: Case, decision: TriageDecision, *, actor: User, expected_version: int | None
) -> str:
    """Record the coordinator's triage and act on it: withdraw a case out of scope, transfer a
    child who lived elsewhere, or start gathering information. Returns what happened."""
    check_version(case, expected_version, "in_scope")
    TRIAGE.refuse_unless_open(case, "in_scope")
    if not decision.in_scope:
        if not decision.out_of_scope_reason.strip():
            raise ChangeRefused("Say why the death is out of scope", "out_of_scope_reason")
        apply_transition(case, Stage.WITHDRAWN, actor=actor, reason=decision.out_of_scope_reason)
        return f"{case.reference} withdrawn as out of scope."
    if decision.residence_area.id != case.area_id:
        transfer_case(case, decision.residence_area)
        return f"{case.reference} transferred to {decision.residence_area.name}."
    case.expectation = decision.expectation
    if decision.provisional_category is not None:
        case.provisional_category = decision.provisional_category
    case.triaged_at = utc_now()
    case.triaged_by_id = actor.id
    details = {
        "expectation": decision.expectation.value,
        "provisional_category": getattr(case.provisional_category, "value", None),
    }
    record_event(AuditAction.CASE_TRIAGED, case_id=case.id, subject=case, details=details)
    apply_transition(case, Stage.INFORMATION_GATHERING, actor=actor)
    death_recorded(case)
    return f"{case.reference} triaged: information gathering has started."


def transfer_case(case: Case, area: Area) -> None:
    """Hand the case, with all its history, to the area where the child lived. The sending area
    loses sight of it; the receiving area's coordinators are alerted and triage it."""
    if case.possible_duplicate_of_id is not None or flagged_as_duplicate_of(case):
        raise ChangeRefused(
            "Decide the possible duplicate before transferring the case", "residence_area"
        )
    if case.nhs_number and case_with_nhs_number(area.id, case.nhs_number):
        raise ChangeRefused(
            f"{area.name} already has a case for this NHS number. Contact its coordinator to "
            "agree which area reviews the death.",
            "residence_area",
        )
    details = {"from_area": case.area.code, "to_area": area.code}
    case.area = area
    db.session.flush()
    transfer = record_event(
        AuditAction.CASE_TRANSFERRED, case_id=case.id, subject=case, details=details
    )
    db.session.flush()
    case_changed(case)  # the receiving area's rules now apply
    queue_message_to_each(
        active_coordinators_of(area.id),
        event_key=mail_keys.case_transferred(transfer.id),
        subject=f"Case transferred to your area: {case.reference}",
        template="email/case_transferred.txt",
        action_path=app_path("cases.show", case_id=case.id),
        case=case,
        from_area=details["from_area"],
    )


def record_national_database_told(
    case: Case, *, told_at: datetime, actor: User, expected_version: int | None
) -> None:
    """The coordinator has told the National Child Mortality Database of the death, at
    ``told_at``. This can be recorded after the case is closed: it is a fact about the past,
    not an edit."""
    check_version(case, expected_version, "told_on")
    if case.national_database_told_at is not None:
        raise ChangeRefused("The national database has already been told of this death")
    if not case.is_live:
        raise ChangeRefused("This case is not live: there is nothing to tell")
    _refuse_an_impossible_moment(case, told_at)
    case.national_database_told_at = told_at
    record_event(AuditAction.NATIONAL_DATABASE_TOLD, case_id=case.id, subject=case,
                 details={"told_at": told_at.isoformat()})  # fmt: skip
    db.session.flush()
    case_changed(case)


def correct_national_database_told(
    case: Case, *, told_at: datetime | None, reason: str, actor: User, expected_version: int | None
) -> None:
    """A mistaken record put right: another moment, or not told at all (``told_at`` None), with
    the reason. The timeline keeps the record and its correction."""
    check_version(case, expected_version, "told_on")
    was = case.national_database_told_at
    if was is None:
        raise ChangeRefused("There is no record to correct: record when it was told instead")
    if not reason.strip():
        raise ChangeRefused("Give the reason for correcting the record", "reason")
    if told_at is not None:
        _refuse_an_impossible_moment(case, told_at)
        if told_at == was:
            raise ChangeRefused("That is already the date and time recorded", "told_on")
    case.national_database_told_at = told_at
    record_event(AuditAction.NATIONAL_DATABASE_TOLD_CORRECTED, case_id=case.id, subject=case,
                 details={"was": was.isoformat(),
                          "now": told_at.isoformat() if told_at else None},
                 reason=reason)  # fmt: skip
    db.session.flush()
    case_changed(case)


def _refuse_an_impossible_moment(case: Case, told_at: datetime) -> None:
    if told_at > utc_now():
        raise ChangeRefused("The date the national database was told must be today or in the "
                            "past", "told_on")  # fmt: skip
    if uk_calendar_date(told_at) < case.date_of_death:
        raise ChangeRefused(
            "The date the national database was told cannot be before the date of death, "
            f"{uk_date(case.date_of_death)}",
            "told_on",
        )


def forget_searches_for(*words: str) -> None:
    """Forget the recent searches that hold any of these words (a child's names, an NHS
    number), before what they named is erased."""
    wanted = [word.casefold() for word in words if len(word) > 1]
    if wanted:
        lowered = func.lower(CaseSearch.query)
        db.session.execute(
            delete(CaseSearch).where(or_(*(lowered.contains(word) for word in wanted)))
        )


def remember_search(user: User, query: str, stage: Stage | None) -> CaseSearch:
    """Keep the search under a random id; searches past their time are forgotten here, so the
    table holds only the last half hour's."""
    forgotten = utc_now() - SEARCH_LIFETIME
    db.session.execute(delete(CaseSearch).where(CaseSearch.created_at < forgotten))
    search = CaseSearch(id=secrets.token_urlsafe(16), user_id=user.id, query=query, stage=stage)
    db.session.add(search)
    db.session.flush()
    return search
