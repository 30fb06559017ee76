"""Reading the retention rules, and the record of processing built from the models."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ecdop.auth.permissions import ROLE_PERMISSIONS, Permission
from ecdop.cases.models import Case
from ecdop.deadlines.hooks import CaseOwed
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.foundation.personal_data import DataSubject, PersonalData, declaration_of
from ecdop.retention.models import AreaRetentionRule, LegalHold, RetentionConfirmation
from ecdop.retention.rules import (
    DEFAULT_RULES,
    READ_WITH,
    RETAINED_UNDER,
    KeptWithTheService,
    RetainedData,
    RetentionRule,
)


def rules_for_area(area_id: int) -> dict[RetainedData, RetentionRule]:
    """The area's rule for each kind of data: its own where set, else the default."""
    statement = select(AreaRetentionRule).where(AreaRetentionRule.area_id == area_id)
    return DEFAULT_RULES | {row.kind: row.rule for row in db.session.scalars(statement)}


def area_rule_settings(area_id: int) -> dict[RetainedData, AreaRetentionRule]:
    statement = select(AreaRetentionRule).where(AreaRetentionRule.area_id == area_id)
    return {row.kind: row for row in db.session.scalars(statement)}


def confirmation_of(area_id: int) -> RetentionConfirmation | None:
    return db.session.get(RetentionConfirmation, area_id)


@dataclass(frozen=True)
class ProcessingEntry:
    """One table's personal data, as the record of processing lists it."""

    table: str
    whose: DataSubject
    columns: tuple[tuple[str, PersonalData], ...]
    kept: str  # how long, in words
    read_by: tuple[str, ...]  # the roles that may read it


def record_of_processing() -> list[ProcessingEntry]:
    """Every table holding personal data, by whose it is: what is held and why, what
    de-identification does to it, how long it is kept, and who may read it. Built from the
    columns' declarations and the authorisation table, never kept by hand."""
    entries = []
    for table in db.metadata.sorted_tables:
        declared = [(column.name, found) for column in table.columns
                    if isinstance(found := declaration_of(column), PersonalData)]  # fmt: skip
        for whose in DataSubject:
            columns = tuple((name, found) for name, found in declared if found.whose is whose)
            if columns:
                entries.append(ProcessingEntry(table.name, whose, columns, *_kept(table.name)))
    return sorted(entries, key=lambda entry: (list(DataSubject).index(entry.whose), entry.table))


def _kept(table: str) -> tuple[str, tuple[str, ...]]:
    rule = RETAINED_UNDER.get(table)
    if rule is None:
        return "No retention rule: add one", ()
    if isinstance(rule, KeptWithTheService):
        return rule.how_long, _roles_with(rule.read_with)
    default = DEFAULT_RULES[rule]
    how_long = (f"Each area's rule for {rule.short.lower()}: by default "
                f"{default.describe()}, then {default.outcome.short.lower()}")  # fmt: skip
    return how_long, _roles_with(READ_WITH[rule])


def _roles_with(permissions: tuple[Permission, ...]) -> tuple[str, ...]:
    return tuple(
        role.label
        for role, granted in ROLE_PERMISSIONS.items()
        if any(permission in granted for permission in permissions)
    )


def current_hold_of(case: Case) -> LegalHold | None:
    statement = select(LegalHold).where(LegalHold.case_id == case.id, LegalHold.lifted_on.is_(None))
    return db.session.scalar(statement)


def holds_of(case: Case) -> list[LegalHold]:
    statement = select(LegalHold).where(LegalHold.case_id == case.id)
    return list(db.session.scalars(statement.order_by(LegalHold.placed_on, LegalHold.id)))


def deadline_owed_by_the_hold(case: Case) -> list[CaseOwed]:
    """For ``deadlines.hooks.owed_by_case``: a held case is reviewed a year after the hold was
    placed or last reviewed; each review moves it on a year, and lifting the hold ends it. It
    goes on after the case closes: closure is when retention starts to count."""
    hold = current_hold_of(case)
    if hold is None:
        return []
    return [CaseOwed(DeadlineKind.LEGAL_HOLD_REVIEW, hold.last_reviewed_on, met=False,
                     goes_on_after_closure=True)]  # fmt: skip
