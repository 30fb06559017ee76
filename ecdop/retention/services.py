"""Setting and confirming an area's retention rules. Services flush; the request commits."""

from __future__ import annotations

from sqlalchemy import delete, select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused
from ecdop.retention.models import AreaRetentionRule, RetentionConfirmation
from ecdop.retention.queries import rules_for_area
from ecdop.retention.rules import OUTCOMES, RetainedData, RetentionRule

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
