"""Reading the retention rules, and the record of processing built from the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from ecdop.auth.permissions import ROLE_PERMISSIONS, Permission
from ecdop.cases.models import Case, StageChange
from ecdop.cases.states import FINISHED_STAGES
from ecdop.deadlines.hooks import CaseOwed
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.personal_data import DataSubject, PersonalData, declaration_of
from ecdop.notifications.models import Notification
from ecdop.retention.deidentify import has_data_of
from ecdop.retention.models import (
    AreaRetentionRule,
    LegalHold,
    NotificationErasure,
    RetentionConfirmation,
    RetentionReview,
    ReviewState,
)
from ecdop.retention.rules import (
    DEFAULT_RULES,
    READ_WITH,
    RETAINED_UNDER,
    KeptWithTheService,
    RetainedData,
    RetentionRule,
    RetentionTrigger,
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


@dataclass(frozen=True)
class FallingDue:
    """One case's data whose retention has passed: what, under which rule, since when."""

    case_id: int
    kind: RetainedData
    rule: str
    due_on: date


def falling_due(area_id: int, today: date) -> list[FallingDue]:
    """The area's finished cases with data whose retention period has passed by ``today``, not
    on legal hold and not yet gone. A case due to be de-identified takes its family's part and
    its documents with it, so it is listed once, for the case."""
    rules = rules_for_area(area_id)
    due = []
    for case_id, finished_on, born_on in _finished_cases(area_id):
        for kind, rule in rules.items():
            due_on = _end_of_retention(rule, finished_on, born_on)
            if due_on <= today and _still_held(case_id, kind):
                due.append(FallingDue(case_id, kind, rule_in_words(rule), due_on))
                if kind is RetainedData.CASE:
                    break
    return due


def rule_in_words(rule: RetentionRule) -> str:
    return f"{rule.describe()}, then {rule.outcome.short.lower()}"


def _finished_cases(area_id: int) -> list[tuple[int, date, date]]:
    """Each finished case not yet de-identified nor held: its id, the day it was finished (its
    last move to closed, withdrawn or merged) and the child's date of birth."""
    finished_at = func.max(StageChange.changed_at)
    held = select(LegalHold.id).where(LegalHold.case_id == Case.id, LegalHold.lifted_on.is_(None))
    rows = db.session.execute(
        select(Case.id, finished_at, Case.date_of_birth)
        .join(StageChange, StageChange.case_id == Case.id)
        .where(
            Case.area_id == area_id,
            Case.stage.in_(FINISHED_STAGES),
            StageChange.to_stage.in_(FINISHED_STAGES),
            Case.deidentified_at.is_(None),
            ~held.exists(),
        )
        .group_by(Case.id, Case.date_of_birth)
        .order_by(Case.id)
    )
    return [(case_id, uk_calendar_date(at), born_on) for case_id, at, born_on in rows]


def _end_of_retention(rule: RetentionRule, finished_on: date, born_on: date) -> date:
    if rule.trigger is RetentionTrigger.EIGHTEENTH_BIRTHDAY:
        # Kept until the review is finished, at least, whatever the birthday says.
        return max(born_on + relativedelta(years=18 + rule.years), finished_on)
    return finished_on + relativedelta(years=rule.years)


def _still_held(case_id: int, kind: RetainedData) -> bool:
    """Whether there is anything of the kind left to take away."""
    if kind is RetainedData.CASE:
        return True  # the query left out the cases already de-identified
    return has_data_of(case_id, kind)


def waiting_review_of(area_id: int, state: ReviewState) -> RetentionReview | None:
    statement = select(RetentionReview).where(
        RetentionReview.area_id == area_id, RetentionReview.state == state
    )
    return db.session.scalar(statement.order_by(RetentionReview.id.desc()).limit(1))


def reviews_to_see(area_ids: set[int] | None) -> list[RetentionReview]:
    """The lists not yet done, newest first: of every area (None), or of these areas."""
    statement = select(RetentionReview).where(RetentionReview.state != ReviewState.DONE)
    if area_ids is not None:
        statement = statement.where(RetentionReview.area_id.in_(area_ids))
    return list(db.session.scalars(statement.order_by(RetentionReview.id.desc())))


def waiting_erasure_of(notification: Notification) -> NotificationErasure | None:
    statement = select(NotificationErasure).where(
        NotificationErasure.notification_id == notification.id,
        NotificationErasure.confirmed_at.is_(None),
        NotificationErasure.cancelled_at.is_(None),
    )
    return db.session.scalar(statement)


def deciding_area_id(notification: Notification) -> int:
    """Whose coordinators decide on erasing it: its case's area (where the child lived, after
    a transfer), else the area it was notified to."""
    return notification.case.area_id if notification.case else notification.area_id


def erasures_of(case: Case) -> list[NotificationErasure]:
    statement = select(NotificationErasure).where(NotificationErasure.case_id == case.id)
    return list(db.session.scalars(statement.order_by(NotificationErasure.id)))
