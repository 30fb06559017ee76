"""The administrator's pages: an area's retention rules, and the record of processing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.hooks import AreaPageSection
from ecdop.auth.models import Area
from ecdop.auth.permissions import Permission, requires
from ecdop.auth.queries import area_or_404
from ecdop.foundation.forms import ConfirmForm, form_status, select_choices
from ecdop.foundation.refusals import REFUSALS, show_refusal
from ecdop.retention import queries, services
from ecdop.retention.forms import RetentionRuleForm
from ecdop.retention.rules import (
    DEFAULT_RULES,
    OUTCOMES,
    RetainedData,
    RetentionOutcome,
    RetentionRule,
    RetentionTrigger,
)

retention_blueprint = Blueprint("retention", __name__)


@retention_blueprint.route("/admin/areas/<int:area_id>/retention", methods=["GET", "POST"])
@requires(Permission.MANAGE_RETENTION)
def area_rules(area_id: int):
    """The area's rules, and the confirmation that lets its purge run."""
    area = area_or_404(area_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.confirm_rules(area, actor=current_user)
        flash(f"{area.name}'s retention rules are confirmed.", "success")
        return redirect(url_for("retention.area_rules", area_id=area.id))
    return render_template(
        "retention/area_rules.html", area=area, form=form,
        rules=queries.rules_for_area(area.id), settings=queries.area_rule_settings(area.id),
        defaults=DEFAULT_RULES, confirmation=queries.confirmation_of(area.id),
    )  # fmt: skip


@retention_blueprint.route("/admin/areas/<int:area_id>/retention/<kind>", methods=["GET", "POST"])
@requires(Permission.MANAGE_RETENTION)
def area_rule(area_id: int, kind: str):
    area = area_or_404(area_id)
    if kind not in RetainedData._value2member_map_:
        abort(404)
    data = RetainedData(kind)
    current = queries.rules_for_area(area.id)[data]
    form = RetentionRuleForm(data={"years": current.years, "trigger": current.trigger.value,
                                   "outcome": current.outcome.value})  # fmt: skip
    form.outcome.choices = select_choices((o.value, o.label) for o in OUTCOMES[data])
    if form.validate_on_submit():
        rule = RetentionRule(form.years.data, RetentionTrigger(form.trigger.data),
                             RetentionOutcome(form.outcome.data))  # fmt: skip
        try:
            services.change_rule(area, data, rule, actor=current_user)
        except REFUSALS as refused:
            show_refusal(refused, form, "years")
        else:
            flash(f"{data.short}: now {rule.describe()}. Confirm {area.name}'s "
                  "rules again before the next purge.", "success")  # fmt: skip
            return redirect(url_for("retention.area_rules", area_id=area.id))
    return render_template(
        "retention/rule_form.html", area=area, kind=data, form=form, default=DEFAULT_RULES[data]
    ), form_status(form)


@retention_blueprint.route("/admin/record-of-processing")
@requires(Permission.MANAGE_RETENTION)
def record_of_processing():
    """What personal data ecdop holds, why, for how long and who may read it: built from the
    models' declarations and the authorisation table, the basis of a DPIA."""
    record_event(AuditAction.RECORD_OF_PROCESSING_VIEWED)
    return render_template(
        "retention/record_of_processing.html", entries=queries.record_of_processing()
    )


def area_page_retention(area: Area) -> AreaPageSection:
    """The way from an area's page to its retention rules."""
    return AreaPageSection("retention/_area_retention.html")
