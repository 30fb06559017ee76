"""Setting and confirming an area's retention rules, and legal holds on cases. Services
flush; the request commits."""

from __future__ import annotations

from sqlalchemy import delete, select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.cases.models import Case
from ecdop.deadlines.services import refresh_deadlines
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.retention.models import AreaRetentionRule, LegalHold, RetentionConfirmation
from ecdop.retention.queries import current_hold_of, rules_for_area
from ecdop.retention.rules import OUTCOMES, HoldReason, RetainedData, RetentionRule

# Longer than any child's record is kept under any policy we know of; a typo's guard.
MOST_YEARS = 100


def change_rule(area: Area, kind: RetainedData, rule: RetentionRule, *, actor: User) -> None:
    """Set the area's rule for one kind of data. The area's rules must then be confirmed
    again before anything of it is purged."""
    if not 1 <= rule.years <= MOST_YEARS:
        raise ChangeRefused(f"Enter a number of years from 1 to {MOST_YEARS}", "years")
    if rule.outcome not in OUTCOMES[kind]:
        raise ChangeRefused("Choose what happens at the end of the period", "outcome")
    current = rules_for_area(area.id)[kind]
    if rule == current:
        raise ChangeRefused(f"The rule is already {rule.describe()}", "years")
    setting = db.session.scalar(
        select(AreaRetentionRule).where(
            AreaRetentionRule.area_id == area.id, AreaRetentionRule.kind == kind
        )
    )
    if setting is None:
        setting = AreaRetentionRule(area_id=area.id, kind=kind)
        db.session.add(setting)
    setting.years, setting.trigger, setting.outcome = rule.years, rule.trigger, rule.outcome
    setting.changed_by_id = actor.id
    db.session.execute(
        delete(RetentionConfirmation).where(RetentionConfirmation.area_id == area.id)
    )
    db.session.flush()
    details = {"data": kind.label, "from": _words(current), "to": _words(rule)}
    record_event(AuditAction.RETENTION_RULE_CHANGED, actor_id=actor.id, subject=area,
                 details=details)  # fmt: skip


def confirm_rules(area: Area, *, actor: User) -> None:
    """The administrator has read the area's rules as they stand and confirms them."""
    confirmation = db.session.get(RetentionConfirmation, area.id)
    if confirmation is None:
        confirmation = RetentionConfirmation(area_id=area.id)
        db.session.add(confirmation)
    confirmation.confirmed_by_id, confirmation.confirmed_at = actor.id, utc_now()
    db.session.flush()
    rules = {kind.label: _words(rule) for kind, rule in rules_for_area(area.id).items()}
    record_event(AuditAction.RETENTION_RULES_CONFIRMED, actor_id=actor.id, subject=area,
                 details={"rules": rules})  # fmt: skip


def _words(rule: RetentionRule) -> str:
    return f"{rule.describe()}, then {rule.outcome.short.lower()}"


def place_hold(case: Case, reason: HoldReason, details: str, *, actor: User) -> LegalHold:
    """Keep the case whole, whatever its retention rule, until the hold is lifted."""
    if current_hold_of(case) is not None:
        raise ChangeRefused("This case is already on legal hold", "reason")
    if reason is HoldReason.OTHER and not details.strip():
        raise ChangeRefused("Say what the hold is for", "details")
    today = uk_today()
    hold = LegalHold(case_id=case.id, reason=reason, details=details.strip(),
                     placed_by_id=actor.id, placed_on=today, last_reviewed_on=today)  # fmt: skip
    db.session.add(hold)
    db.session.flush()
    record_event(AuditAction.LEGAL_HOLD_PLACED, actor_id=actor.id, case_id=case.id,
                 subject=hold, details={"hold": reason.label})  # fmt: skip
    refresh_deadlines(case)
    return hold


def review_hold(hold: LegalHold, case: Case, *, actor: User, expected_version: int | None) -> None:
    """The hold is still needed: its next review is a year from today."""
    check_version(hold, expected_version, "reason")
    if not hold.held:
        raise ChangeRefused("This hold has been lifted", "reason")
    hold.last_reviewed_on = uk_today()
    db.session.flush()
    record_event(AuditAction.LEGAL_HOLD_REVIEWED, actor_id=actor.id, case_id=case.id,
                 subject=hold, details={"hold": hold.reason.label})  # fmt: skip
    refresh_deadlines(case)


def lift_hold(hold: LegalHold, case: Case, because: str, *, actor: User) -> None:
    """The hold is no longer needed: the case's retention rule applies again."""
    if not hold.held:
        raise ChangeRefused("This hold has already been lifted", "because")
    if not because.strip():
        raise ChangeRefused("Give the reason for lifting the hold", "because")
    hold.lifted_on, hold.lifted_by_id, hold.lifted_because = uk_today(), actor.id, because.strip()
    db.session.flush()
    record_event(AuditAction.LEGAL_HOLD_LIFTED, actor_id=actor.id, case_id=case.id,
                 subject=hold, details={"hold": hold.reason.label})  # fmt: skip
    refresh_deadlines(case)
