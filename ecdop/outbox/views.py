"""The administrator's outbox page: what is unsent or failing, the scheduler's heartbeat, and
what becomes of the mail a restore held."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.permissions import Permission, requires
from ecdop.foundation.forms import select_choices
from ecdop.outbox import queries, services
from ecdop.outbox.forms import HeldMailForm
from ecdop.scheduler.heartbeat import last_heartbeat, scheduler_is_beating

outbox_blueprint = Blueprint("outbox", __name__)


@outbox_blueprint.route("/admin/outbox")
@requires(Permission.VIEW_OUTBOX)
def show():
    record_event(AuditAction.OUTBOX_VIEWED)
    return _outbox_page(HeldMailForm())


@outbox_blueprint.route("/admin/outbox/held", methods=["POST"])
@requires(Permission.DECIDE_HELD_MAIL)
def decide_held_mail():
    form = HeldMailForm()
    held = queries.held_mail(examples=0)
    form.priorities.choices = select_choices((int(kind.priority), kind.label) for kind in held)
    if not form.validate_on_submit():
        return _outbox_page(form), 400
    send = form.decision.data == "send"
    changed = services.decide_held_mail(form.priorities.data, send=send, actor=current_user)
    verb = "queued to be sent" if send else "withdrawn: they will not be sent"
    flash(f"{changed} held message{'s' if changed != 1 else ''} {verb}.", "success")
    return redirect(url_for("outbox.show"))


def _outbox_page(form: HeldMailForm):
    held = queries.held_mail()
    form.priorities.choices = select_choices(
        (int(kind.priority), f"{kind.label} ({kind.count})") for kind in held
    )
    before = request.args.get("before", "")
    summary = queries.outbox_summary(before=int(before) if before.isdigit() else None)
    heartbeat = last_heartbeat()
    return render_template(
        "outbox/outbox.html", summary=summary, held=held, form=form, heartbeat=heartbeat,
        scheduler_beating=scheduler_is_beating(heartbeat),
    )  # fmt: skip
