"""Emerging patterns for coordinators, and each area's early-warning rules for admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.analytics import queries, services
from ecdop.analytics.choices import WarningRuleKind
from ecdop.analytics.forms import WarningRuleForm
from ecdop.analytics.models import WarningRule
from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.hooks import AreaPageSection
from ecdop.auth.models import Area
from ecdop.auth.permissions import Permission, requires
from ecdop.auth.queries import area_or_404
from ecdop.foundation.forms import ConfirmForm, list_filters
from ecdop.foundation.paging import requested_page
from ecdop.foundation.refusals import ChangeRefused, refusal_message, show_refusal
from ecdop.foundation.vocabulary import CategoryOfDeath

analytics_blueprint = Blueprint("analytics", __name__)


@analytics_blueprint.route("/patterns")
@requires(Permission.VIEW_EMERGING_PATTERNS)
def patterns():
    filters = list_filters(queries.PATTERN_FILTERS, [("", "")])
    found = queries.pattern_page(current_user, show=filters.show.data, page=requested_page())
    return render_template("analytics/patterns.html", patterns=found, filters=filters)


@analytics_blueprint.route("/patterns/<int:pattern_id>")
@requires(Permission.VIEW_EMERGING_PATTERNS)
def pattern(pattern_id: int):
    pattern = queries.pattern_for_coordinator_or_404(current_user, pattern_id)
    record_event(
        AuditAction.EMERGING_PATTERN_VIEWED,
        subject=pattern,
        details={"cases": [case.reference for case in pattern.cases]},
    )
    return render_template(
        "analytics/pattern.html", pattern=pattern, deaths=queries.deaths_behind(pattern)
    )


@analytics_blueprint.route("/admin/areas/<int:area_id>/warning-rules", methods=["GET", "POST"])
@requires(Permission.MANAGE_WARNING_RULES)
def warning_rules(area_id: int):
    area = area_or_404(area_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.start_with_recommended_rules(area, actor=current_user)
        except ChangeRefused as refused:
            show_refusal(refused)
            flash(refusal_message(refused), "error")
        else:
            flash(f"{area.name} now has the recommended early-warning rules.", "success")
        return redirect(url_for("analytics.warning_rules", area_id=area.id))
    return render_template(
        "analytics/warning_rules.html",
        area=area,
        rules=queries.warning_rules_of(area.id),
        form=form,
    )


@analytics_blueprint.route("/admin/areas/<int:area_id>/warning-rules/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_WARNING_RULES)
def new_warning_rule(area_id: int):
    area = area_or_404(area_id)
    form = WarningRuleForm(data={"window_days": 60, "infants_only": "no", "active": "yes"})
    return _save_rule(form, area)


@analytics_blueprint.route("/admin/warning-rules/<int:rule_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_WARNING_RULES)
def warning_rule(rule_id: int):
    rule = queries.warning_rule_or_404(rule_id)
    form = WarningRuleForm(data=_form_values(rule))
    return _save_rule(form, rule.area, rule)


def _form_values(rule: WarningRule) -> dict:
    return {
        "kind": rule.kind.value,
        "category": rule.category.value,
        "infants_only": "yes" if rule.infants_only else "no",
        "min_deaths": rule.min_deaths,
        "window_days": rule.window_days,
        "active": "yes" if rule.active else "no",
    }


def _save_rule(form: WarningRuleForm, area, rule: WarningRule | None = None):
    if form.validate_on_submit():
        services.save_warning_rule(area, _settings(form), actor=current_user, rule=rule)
        flash("Early-warning rule saved.", "success")
        return redirect(url_for("analytics.warning_rules", area_id=area.id))
    return render_template(
        "analytics/warning_rule_form.html", form=form, area=area, rule=rule
    ), 400 if form.errors else 200


def _settings(form: WarningRuleForm) -> services.WarningRuleSettings:
    return services.WarningRuleSettings(
        kind=WarningRuleKind(form.kind.data),
        category=CategoryOfDeath(form.category.data),
        infants_only=form.infants_only.data == "yes",
        min_deaths=form.min_deaths.data,
        window_days=form.window_days.data,
        active=form.active.data == "yes",
    )


def area_page_warning_rules(area: Area) -> AreaPageSection:
    """The way from an area's page to its early-warning rules."""
    return AreaPageSection("analytics/_area_warning_rules.html")
