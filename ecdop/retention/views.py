"""The administrator's pages (an area's retention rules, the record of processing) and the
coordinator's (a case's legal hold)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.hooks import AreaPageSection
from ecdop.auth.models import Area
from ecdop.auth.permissions import Permission, requires, user_may
from ecdop.auth.queries import area_or_404
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.cases.queries import case_for_coordinator_or_404
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_datetime
from ecdop.foundation.forms import ConfirmForm, form_status, posted_version, select_choices
from ecdop.foundation.refusals import REFUSALS, refusal_message, show_refusal
from ecdop.notifications.models import Notification
from ecdop.notifications.queries import notifications_of
from ecdop.retention import queries, services
from ecdop.retention.forms import ErasureForm, LegalHoldForm, LiftHoldForm, RetentionRuleForm
from ecdop.retention.models import ErasureReason, NotificationErasure, RetentionReview
from ecdop.retention.rules import (
    DEFAULT_RULES,
    OUTCOMES,
    HoldReason,
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


@retention_blueprint.route("/cases/<int:case_id>/legal-hold", methods=["GET", "POST"])
@requires(Permission.HOLD_CASES)
def legal_hold(case_id: int):
    """The case's legal hold: put on, or, while it stands, reviewed or lifted."""
    case = case_for_coordinator_or_404(current_user, case_id)
    hold = queries.current_hold_of(case)
    form = LegalHoldForm()
    if hold is None and form.validate_on_submit():
        try:
            services.place_hold(case, HoldReason(form.reason.data), form.details.data or "",
                                actor=current_user)  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "reason")
        else:
            flash("The case is on legal hold: it will not be de-identified until the hold is "
                  "lifted.", "success")  # fmt: skip
            return redirect(url_for("cases.show", case_id=case.id))
    if request.method == "GET":
        record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case,
                     details={"page": "legal hold"})  # fmt: skip
    review = ConfirmForm(formdata=None)
    return render_template(
        "retention/legal_hold.html", case=case, hold=hold, form=form, review=review,
        lift=LiftHoldForm(formdata=None), holds=queries.holds_of(case),
    ), form_status(form)  # fmt: skip


@retention_blueprint.route("/cases/<int:case_id>/legal-hold/review", methods=["POST"])
@requires(Permission.HOLD_CASES)
def review_legal_hold(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    hold = queries.current_hold_of(case) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.review_hold(hold, case, actor=current_user,
                                 expected_version=posted_version())  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused)
            flash(refusal_message(refused), "error")
            return redirect(url_for("retention.legal_hold", case_id=case.id))
        flash("The hold is reviewed: the next review is due in a year.", "success")
    return redirect(url_for("retention.legal_hold", case_id=case.id))


@retention_blueprint.route("/cases/<int:case_id>/legal-hold/lift", methods=["POST"])
@requires(Permission.HOLD_CASES)
def lift_legal_hold(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    hold = queries.current_hold_of(case) or abort(404)
    lift = LiftHoldForm()
    if lift.validate_on_submit():
        try:
            services.lift_hold(hold, case, lift.because.data, actor=current_user)
        except REFUSALS as refused:
            show_refusal(refused, lift, "because")
        else:
            flash("The hold is lifted: the case's retention rule applies again.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    # ``form`` is the one whose errors the page's summary lists: here, the lifting.
    page = render_template(
        "retention/legal_hold.html", case=case, hold=hold, form=lift,
        review=ConfirmForm(formdata=None), lift=lift, holds=queries.holds_of(case),
    )  # fmt: skip
    return page, 400


def case_page_legal_hold(case: Case) -> CasePageSection:
    """The case page's legal hold: whether the case is kept whole whatever its rule."""
    return CasePageSection("retention/_case_legal_hold.html", "record",
                           {"legal_hold": queries.current_hold_of(case)})  # fmt: skip


# -- The monthly lists: put forward by an administrator, approved by a second person ----------


def _reviews_area_ids() -> set[int] | None:
    """Whose lists the user sees: an administrator every area's, a coordinator their own."""
    return None if user_may(Permission.MANAGE_RETENTION) else current_user.area_ids


def _review_or_404(review_id: int) -> RetentionReview:
    review = db.session.get(RetentionReview, review_id)
    area_ids = _reviews_area_ids()
    if review is None or (area_ids is not None and review.area_id not in area_ids):
        abort(404)
    return review


@retention_blueprint.route("/retention-reviews")
@requires(Permission.APPROVE_RETENTION)
def reviews():
    """The lists of cases whose retention has passed, not yet done."""
    return render_template("retention/reviews.html",
                           reviews=queries.reviews_to_see(_reviews_area_ids()))  # fmt: skip


@retention_blueprint.route("/retention-reviews/<int:review_id>")
@requires(Permission.APPROVE_RETENTION)
def review(review_id: int):
    review = _review_or_404(review_id)
    return render_template("retention/review.html", review=review, form=ConfirmForm(formdata=None))


@retention_blueprint.route("/retention-reviews/<int:review_id>/put-forward", methods=["POST"])
@requires(Permission.MANAGE_RETENTION)
def put_forward(review_id: int):
    review = _review_or_404(review_id)
    return _decide(review, services.put_forward,
                   "The list is put forward: another administrator, or a coordinator of the "
                   "area, must now approve it.", _review_page(review))  # fmt: skip


@retention_blueprint.route("/retention-reviews/<int:review_id>/approve", methods=["POST"])
@requires(Permission.APPROVE_RETENTION)
def approve(review_id: int):
    review = _review_or_404(review_id)
    return _decide(review, services.approve,
                   "The list is approved: its cases are de-identified within the next few "
                   "minutes, and each is recorded in its timeline.",
                   _review_page(review))  # fmt: skip


def _review_page(review: RetentionReview) -> str:
    return url_for("retention.review", review_id=review.id)


def _erasure_page(erasure: NotificationErasure) -> str:
    return url_for("retention.erasure", erasure_id=erasure.id)


def _decide(record, decision, done: str, back: str):
    """A second person's decision on a list or an erasure, confirmed on its page: a refusal
    (a stale page, the same person twice) is shown there."""
    if ConfirmForm().validate_on_submit():
        try:
            decision(record, actor=current_user, expected_version=posted_version())
        except REFUSALS as refused:
            show_refusal(refused)
            flash(refusal_message(refused), "error")
        else:
            flash(done, "success")
    return redirect(back)


# -- Erasing a notification sent in error: asked by a coordinator, confirmed by another ------


@retention_blueprint.route("/cases/<int:case_id>/erasure", methods=["GET", "POST"])
@requires(Permission.ERASE_NOTIFICATIONS)
def ask_erasure(case_id: int):
    case = case_for_coordinator_or_404(current_user, case_id)
    notifications = [n for n in notifications_of(case) if n.erased_at is None]
    form = ErasureForm()
    form.notification.choices = select_choices(
        (str(n.id), f"Notification {n.id}, from {n.organisation.name}, "
                    f"sent {uk_datetime(n.submitted_at)}") for n in notifications
    )  # fmt: skip
    if form.validate_on_submit():
        chosen = next(n for n in notifications if str(n.id) == form.notification.data)
        try:
            erasure = services.ask_to_erase(chosen, ErasureReason(form.reason.data),
                                            actor=current_user)  # fmt: skip
        except REFUSALS as refused:
            show_refusal(refused, form, "notification")
        else:
            flash("Erasing the notification is asked for: another coordinator of the area, or "
                  "an administrator, must now confirm it.", "success")  # fmt: skip
            return redirect(url_for("retention.erasure", erasure_id=erasure.id))
    if request.method == "GET":
        record_event(AuditAction.CASE_VIEWED, case_id=case.id, subject=case,
                     details={"page": "erasure"})  # fmt: skip
    return render_template("retention/ask_erasure.html", case=case, form=form,
                           erasures=queries.erasures_of(case)), form_status(form)  # fmt: skip


def _erasure_or_404(erasure_id: int) -> NotificationErasure:
    erasure = db.session.get(NotificationErasure, erasure_id)
    area_ids = _reviews_area_ids()
    if erasure is None:
        abort(404)
    notification = db.session.get(Notification, erasure.notification_id)
    if notification is None or (
        area_ids is not None and queries.deciding_area_id(notification) not in area_ids
    ):
        abort(404)
    return erasure


@retention_blueprint.route("/erasures/<int:erasure_id>")
@requires(Permission.APPROVE_RETENTION)
def erasure(erasure_id: int):
    erasure = _erasure_or_404(erasure_id)
    notification = db.session.get(Notification, erasure.notification_id)
    return render_template("retention/erasure.html", erasure=erasure, notification=notification,
                           form=ConfirmForm(formdata=None))  # fmt: skip


@retention_blueprint.route("/erasures/<int:erasure_id>/confirm", methods=["POST"])
@requires(Permission.APPROVE_RETENTION)
def confirm_erasure(erasure_id: int):
    erasure = _erasure_or_404(erasure_id)
    return _decide(erasure, services.confirm_erasure,
                   "The notification is erased, and its notifier's organisation told.",
                   _erasure_page(erasure))  # fmt: skip


@retention_blueprint.route("/erasures/<int:erasure_id>/cancel", methods=["POST"])
@requires(Permission.APPROVE_RETENTION)
def cancel_erasure(erasure_id: int):
    erasure = _erasure_or_404(erasure_id)
    return _decide(erasure, services.cancel_erasure,
                   "Not erased: the notification stays as it was.",
                   _erasure_page(erasure))  # fmt: skip


def case_page_erasure(case: Case) -> CasePageSection:
    """The way to erase a notification sent in error, and any erasure waiting."""
    waiting = [erasure for erasure in queries.erasures_of(case) if erasure.waiting]
    return CasePageSection("retention/_case_erasure.html", "record", {"erasures_waiting": waiting})
