"""Pages for notifiers: notify a death, see receipts, download them as PDF."""

from __future__ import annotations

from dataclasses import asdict
from types import SimpleNamespace
from typing import cast

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.cases.hooks import CasePageSection
from ecdop.cases.models import Case
from ecdop.foundation.forms import form_status, list_filters, select_choices
from ecdop.foundation.paging import requested_page
from ecdop.foundation.pdf import render_pdf
from ecdop.foundation.transactions import retry_lost_race
from ecdop.notifications import queries
from ecdop.notifications.forms import NotificationForm
from ecdop.notifications.models import Notification
from ecdop.notifications.receipts import receipt_sections
from ecdop.notifications.services import earlier_same_submission, submit_notification

notifications_blueprint = Blueprint("notifications", __name__, url_prefix="/notifications")


def _prefill_notifier(form: NotificationForm) -> None:
    form.notifier_name.data = form.notifier_name.data or current_user.full_name
    form.notifier_role.data = form.notifier_role.data or current_user.job_title
    form.notifier_phone.data = form.notifier_phone.data or current_user.phone


@notifications_blueprint.route("/")
@requires(Permission.VIEW_OWN_NOTIFICATIONS)
def index():
    filters = list_filters(queries.NOTIFICATION_FILTERS, queries.NOTIFICATION_ORDERS)
    notifications = queries.organisation_notifications(
        current_user, show=filters.show.data, order=filters.sort.data, page=requested_page()
    )
    details = {"shown": len(notifications.items), "of": notifications.total,
               "page": notifications.number, "show": filters.show.data}  # fmt: skip
    record_event(AuditAction.NOTIFICATIONS_LISTED, details=details)
    return render_template("notifications/index.html", notifications=notifications, filters=filters)


# The check page's buttons: send what was checked, or go back to the form to change it.
SEND = "send"
CHANGE = "change"


@notifications_blueprint.route("/new", methods=["GET", "POST"])
@requires(Permission.NOTIFY_DEATH)
def new():
    """The form, then GOV.UK's "Check your answers", then the receipt. What was typed travels
    in the check page's own form, never in an address and never stored until it is sent."""
    form = NotificationForm()
    areas = {area.id: area for area in current_user.areas}
    form.area_id.choices = select_choices(
        (area.id, f"{area.name} ({area.code})") for area in areas.values()
    )
    if len(areas) == 1 and form.area_id.data is None:
        form.area_id.data = next(iter(areas))
    changing = form.is_submitted() and CHANGE in request.form
    if not changing and form.validate_on_submit():
        details, area = form.to_details(), areas[form.area_id.data]
        if SEND not in request.form:
            return render_template("notifications/check.html", form=form, area=area,
                                   sections=checked_sections(details), send=SEND,
                                   change=CHANGE)  # fmt: skip
        return _send(details, area)
    if not form.is_submitted():
        _prefill_notifier(form)
    page = render_template("notifications/new.html", form=form, single_area=len(areas) == 1)
    return page, form_status(form)


def checked_sections(details) -> list:
    """The receipt's sections for what is about to be sent, with each section's first box."""
    # The sections read a notification's fields: what was typed has each, by the same name.
    sent = cast(Notification, SimpleNamespace(**asdict(details),
                                              organisation=current_user.organisation))  # fmt: skip
    return list(zip(receipt_sections(sent), SECTION_STARTS, strict=True))


# Where each section of the form starts: a "Change" button goes back to it.
SECTION_STARTS = ("given_names", "date_of_death-day", "circumstances", "notifier_name")


def _send(details, area):
    """Send, unless this person sent the very same a few minutes ago: then it is the first
    notification's receipt they see, with nothing sent twice."""
    earlier = earlier_same_submission(details, notifier=current_user, area=area)
    if earlier is not None:
        flash("You had already sent this notification: this is its receipt.", "success")
        return redirect(url_for("notifications.receipt", notification_id=earlier.id))
    notification, _outcome = retry_lost_race(
        lambda: submit_notification(details, notifier=current_user, area=area)
    )
    return redirect(url_for("notifications.receipt", notification_id=notification.id))


@notifications_blueprint.route("/<int:notification_id>")
@requires(Permission.VIEW_OWN_NOTIFICATIONS)
def receipt(notification_id: int):
    notification = queries.own_organisation_notification_or_404(current_user, notification_id)
    if notification.erased_at is not None:
        abort(404)  # erased as sent in error: nothing of it is left to show
    record_event(
        AuditAction.NOTIFICATION_VIEWED, case_id=notification.case_id, subject=notification
    )
    return render_template("notifications/receipt.html", notification=notification)


@notifications_blueprint.route("/<int:notification_id>/receipt.pdf")
@requires(Permission.VIEW_OWN_NOTIFICATIONS)
def receipt_pdf(notification_id: int):
    notification = queries.own_organisation_notification_or_404(current_user, notification_id)
    if notification.erased_at is not None:
        abort(404)
    pdf = render_pdf(render_template("notifications/receipt_pdf.html", notification=notification))
    record_event(AuditAction.RECEIPT_DOWNLOADED, case_id=notification.case_id, subject=notification)
    # The file name carries the notification number only, never the child's name.
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="notification-{notification.id}.pdf"'
        },
    )


def case_page_notifications(case: Case) -> CasePageSection:
    """The case page's notifications, each as its notifier sent it."""
    notifications = queries.notifications_of(case)
    return CasePageSection(
        "notifications/_case_notifications.html", "record", {"notifications": notifications}
    )
