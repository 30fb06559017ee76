"""Changes to an area's early-warning rules."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ecdop.analytics.choices import WarningRuleKind
from ecdop.analytics.early_warning import add_recommended_rules, ask_to_watch
from ecdop.analytics.models import WarningRule
from ecdop.analytics.queries import warning_rules_of
from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused
from ecdop.foundation.vocabulary import CategoryOfDeath


@dataclass(frozen=True)
class WarningRuleSettings:
    kind: WarningRuleKind
    category: CategoryOfDeath
    infants_only: bool
    min_deaths: int
    window_days: int
    active: bool


def save_warning_rule(
    area: Area, settings: WarningRuleSettings, *, actor: User, rule: WarningRule | None = None
) -> WarningRule:
    """Add a rule to the area, or change one of its rules; the area is checked against it at
    once, so a pattern already there is raised now rather than tomorrow."""
    if rule is None:
        rule = WarningRule(area_id=area.id)
        db.session.add(rule)
    for name, value in asdict(settings).items():
        setattr(rule, name, value)
    rule.changed_by_id = actor.id
    db.session.flush()
    details = {name: str(value) for name, value in asdict(settings).items()}
    record_event(AuditAction.WARNING_RULE_CHANGED, subject=rule, actor_id=actor.id, details=details)
    ask_to_watch(area.id)
    return rule


def start_with_recommended_rules(area: Area, *, actor: User) -> list[WarningRule]:
    if warning_rules_of(area.id):
        raise ChangeRefused(f"{area.name} already has early-warning rules")
    rules = add_recommended_rules(area)
    for rule in rules:
        rule.changed_by_id = actor.id
    record_event(
        AuditAction.WARNING_RULE_CHANGED,
        subject=area,
        actor_id=actor.id,
        details={"recommended_rules": len(rules)},
    )
    ask_to_watch(area.id)
    return rules
