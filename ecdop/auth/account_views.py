"""A person's own account: their password, their second factor's recovery codes, and the
sessions they have open."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth import second_factor, services, sessions, sign_in
from ecdop.auth.forms import ChangePasswordForm, ConfirmIdentityForm
from ecdop.auth.models import SessionEnd
from ecdop.auth.permissions import Permission, requires, requires_recent_confirmation
from ecdop.foundation.forms import ConfirmForm, form_status
from ecdop.foundation.urls import safe_next_path

account_blueprint = Blueprint("account", __name__, url_prefix="/account")


@account_blueprint.route("")
@requires(Permission.SIGNED_IN)
def index():
    return render_template(
        "account/index.html",
        demo_account=sign_in.is_demo_account(current_user),
        recovery_codes_left=second_factor.recovery_codes_left(current_user),
        live_sessions=len(sessions.live_sessions_of(current_user)),
    )


@account_blueprint.route("/confirm-its-you", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def confirm_identity():
    """The password and a fresh code, before the sensitive action the person was going to."""
    form = ConfirmIdentityForm()
    if not sign_in.needs_second_factor(current_user):
        del form.code
    going_to = safe_next_path(request.args.get("next")) or url_for("account.index")
    if form.validate_on_submit():
        try:
            sign_in.confirm_identity(
                current_user, password=form.password.data, code=form.data.get("code")
            )
        except services.AccountError as error:
            if sign_in.is_locked(current_user):
                return _signed_out_after_lockout()
            form[error.field].errors.append(str(error))
        else:
            return redirect(going_to)
    page = render_template("account/confirm_identity.html", form=form)
    return page, form_status(form)


def _signed_out_after_lockout():
    """Guessing in a signed-in session locks the account and ends the session guessing."""
    sessions.sign_out()
    flash(sign_in.LOCKED_MESSAGE, "error")
    return redirect(url_for("auth.login"))


@account_blueprint.route("/password", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
@requires_recent_confirmation
def change_password():
    form = ChangePasswordForm()
    form.account = current_user
    if form.validate_on_submit():
        try:
            sign_in.change_password(current_user, new_password=form.password.data)
        except services.AccountError as error:
            form[error.field or "password"].errors.append(str(error))
        else:
            flash("Your password has been changed. Your other sessions are signed out.", "success")
            return redirect(url_for("account.index"))
    page = render_template("account/change_password.html", form=form)
    return page, form_status(form)


@account_blueprint.route("/recovery-codes", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
@requires_recent_confirmation
def recovery_codes():
    form = ConfirmForm()
    if sign_in.needs_second_factor(current_user) and form.validate_on_submit():
        codes = second_factor.issue_recovery_codes(current_user)
        record_event(AuditAction.RECOVERY_CODES_REISSUED, subject=current_user)
        return render_template(
            "auth/recovery_codes.html", codes=codes.codes, made_at=codes.made_at,
            account_email=current_user.email,
            continue_to=url_for("account.index"),
        )  # fmt: skip
    return render_template("account/new_recovery_codes.html", form=form)


@account_blueprint.route("/sessions")
@requires(Permission.SIGNED_IN)
def sessions_list():
    return render_template(
        "account/sessions.html",
        live_sessions=sessions.live_sessions_of(current_user),
        this_session=sessions.current_session(),
        confirm=ConfirmForm(),
        browser_named=sessions.browser_named,
    )


@account_blueprint.route("/sessions/<int:session_id>/end", methods=["POST"])
@requires(Permission.SIGNED_IN)
def end_session(session_id: int):
    record = next((s for s in sessions.live_sessions_of(current_user) if s.id == session_id), None)
    if record is not None and ConfirmForm().validate_on_submit():
        sessions.end_session(record, SessionEnd.ENDED_BY_PERSON)
        record_event(AuditAction.SESSION_ENDED, subject=current_user)
        current = sessions.current_session()
        if current is not None and record.id == current.id:
            return redirect(url_for("auth.login"))
        flash("That session is signed out.", "success")
    return redirect(url_for("account.sessions_list"))


@account_blueprint.route("/sessions/end-others", methods=["POST"])
@requires(Permission.SIGNED_IN)
def end_other_sessions():
    if ConfirmForm().validate_on_submit():
        ended = sessions.end_sessions_of(
            current_user, SessionEnd.ENDED_BY_PERSON, keep=sessions.current_session()
        )
        flash(f"Signed out of {ended} other sessions.", "success")
    return redirect(url_for("account.sessions_list"))


@account_blueprint.route("/keep-alive", methods=["POST"])
@requires(Permission.SIGNED_IN)
def keep_alive():
    """'Stay signed in' on the timeout warning."""
    if not ConfirmForm().validate_on_submit():
        return {"signed_in": False}, 400
    sessions.keep_alive_now()
    return {"signed_in": True, "idle_seconds": int(sessions.idle_timeout().total_seconds())}
