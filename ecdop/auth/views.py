"""Signing in (the password, then the second factor, a first sign-in's own password and
authenticator), signing out, forgotten passwords, and agencies' invitations."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ecdop.auth import (
    invitations,
    password_resets,
    queries,
    second_factor,
    services,
    sessions,
    sign_in,
)
from ecdop.auth.forms import (
    AcceptInvitationForm,
    ChoosePasswordForm,
    EnrolmentForm,
    ForgottenPasswordForm,
    InvitationForm,
    LoginForm,
    ResetPasswordForm,
    SecondFactorForm,
)
from ecdop.auth.models import SessionEnd, User
from ecdop.auth.permissions import Permission, requires
from ecdop.foundation.extensions import limiter
from ecdop.foundation.forms import ConfirmForm, select_choices
from ecdop.foundation.refusals import show_refusal
from ecdop.foundation.urls import safe_next_path

auth_blueprint = Blueprint("auth", __name__)

LOGIN_FAILED_MESSAGE = "Enter a correct email address and password"


def _limited():
    return limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])


def _page(template: str, form, **context):
    return render_template(template, form=form, **context), 400 if form.errors else 200


def _carry_on_signing_in(user: User):
    """The next step of sign-in, or the person's first page once every step is done."""
    if step := sign_in.next_step(user):
        return redirect(url_for(step))
    return redirect(safe_next_path(sign_in.finish(user)) or url_for("home.index"))


@auth_blueprint.route("/login", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
@_limited()
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = sign_in.check_password(form.email.data, form.password.data)
        if user is not None:
            sessions.start_sign_in(user, safe_next_path(request.args.get("next")))
            response = _carry_on_signing_in(user)
            return response
        form.email.errors.append(LOGIN_FAILED_MESSAGE)
    return _page("auth/login.html", form)


def _step_or_carry_on(endpoint: str) -> tuple[User, object | None]:
    """The person signing in, and a redirect if this page is not their next step."""
    pending = sessions.pending_sign_in()
    assert pending is not None, "a sign-in step is open only part-way through signing in"
    user = pending.user
    if sign_in.next_step(user) != endpoint:
        response = _carry_on_signing_in(user)
        return user, response
    return user, None


@auth_blueprint.route("/sign-in/code", methods=["GET", "POST"])
@requires(Permission.SIGNING_IN)
@_limited()
def second_factor_step():
    user, elsewhere = _step_or_carry_on("auth.second_factor_step")
    if elsewhere:
        return elsewhere
    form = SecondFactorForm()
    if form.validate_on_submit():
        if sign_in.check_second_factor(user, form.code.data):
            sessions.pass_second_factor()
            response = _carry_on_signing_in(user)
            return response
        if sign_in.is_locked(user):
            flash(sign_in.LOCKED_MESSAGE, "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(sign_in.WRONG_CODE_MESSAGE)
    return _page("auth/second_factor.html", form)


@auth_blueprint.route("/sign-in/new-password", methods=["GET", "POST"])
@requires(Permission.SIGNING_IN)
@_limited()
def choose_password():
    user, elsewhere = _step_or_carry_on("auth.choose_password")
    if elsewhere:
        return elsewhere
    form = ChoosePasswordForm()
    form.account = user
    if form.validate_on_submit():
        try:
            sign_in.choose_password(
                user,
                form.password.data,
                reason=SessionEnd.PASSWORD_CHANGED,
                keep=sessions.pending_sign_in(),
            )
        except services.AccountError as error:
            show_refusal(error, form, "password")
        else:
            response = _carry_on_signing_in(user)
            return response
    return _page("auth/choose_password.html", form)


@auth_blueprint.route("/sign-in/authenticator", methods=["GET", "POST"])
@requires(Permission.SIGNING_IN)
@_limited()
def set_up_authenticator():
    user, elsewhere = _step_or_carry_on("auth.set_up_authenticator")
    if elsewhere:
        return elsewhere
    secret = second_factor.secret_offered_to(user)
    form = EnrolmentForm()
    if form.validate_on_submit():
        codes = sign_in.confirm_enrolment(user, secret, form.code.data)
        if codes is not None:
            sessions.pass_second_factor()
            next_path = sign_in.finish(user)
            # Shown in this answer only: the codes are kept hashed from now on.
            return render_template(
                "auth/recovery_codes.html",
                codes=codes.codes,
                made_at=codes.made_at,
                account_email=user.email,
                continue_to=safe_next_path(next_path) or url_for("home.index"),
            )
        form.code.errors.append(
            "The security code is not right. Check the app was set up with this QR code or "
            "key, then enter the code it shows now"
        )
    uri = second_factor.provisioning_uri(secret, user.email)
    return _page(
        "auth/set_up_authenticator.html",
        form,
        qr_code=second_factor.qr_code_svg(uri),
        secret=second_factor.grouped_secret(secret),
    )


@auth_blueprint.route("/logout", methods=["POST"])
@requires(Permission.SIGNED_IN)
def logout():
    if ConfirmForm().validate_on_submit():
        sessions.sign_out()
        flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@auth_blueprint.route("/forgotten-password", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
@_limited()
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        password_resets.send_reset_link(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("auth/reset_link_sent.html", email=form.email.data)
    return _page("auth/forgotten_password.html", form)


@auth_blueprint.route("/reset-password/<token>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
@_limited()
def reset_password(token: str):
    reset = password_resets.reset_for_token(token[:100])
    if reset is None:
        return render_template(
            "auth/link_unusable.html",
            problem="This link is not valid. Check you copied all of it from the email.",
        ), 404
    if problem := password_resets.reset_problem(reset):
        return render_template("auth/link_unusable.html", problem=problem), 410
    form = ResetPasswordForm()
    form.account = reset.user
    asks_for_code = sign_in.needs_second_factor(reset.user) and reset.user.has_second_factor
    if form.validate_on_submit():
        try:
            password_resets.reset_password(
                reset, new_password=form.password.data, code=form.code.data or ""
            )
        except services.AccountError as error:
            form[error.field or "password"].errors.append(str(error))
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.login"))
    return _page("auth/reset_password.html", form, asks_for_code=asks_for_code)


@auth_blueprint.route("/agencies/<int:organisation_id>/invite", methods=["GET", "POST"])
@requires(Permission.INVITE_AGENCY_CONTACTS)
def invite_agency_contact(organisation_id: int):
    organisation = queries.organisation_or_404(organisation_id)
    # Only for the areas both the coordinator and the organisation work in; an organisation of
    # none of them is not theirs to see.
    areas = {area.id: area for area in current_user.areas if organisation.works_in(area)}
    if not areas:
        abort(404)
    form = InvitationForm()
    form.area_id.choices = select_choices((a.id, f"{a.name} ({a.code})") for a in areas.values())
    if form.validate_on_submit():
        try:
            invitation = invitations.invite_agency_contact(
                organisation=organisation,
                full_name=form.full_name.data,
                email=form.email.data,
                area=areas[form.area_id.data],
                invited_by=current_user,
            )
        except services.AccountError as error:
            show_refusal(error, form, "email")
        else:
            flash(
                f"Invitation sent to {invitation.email}. The link works once, for 7 days.",
                "success",
            )
            return redirect(safe_next_path(request.args.get("next")) or url_for("home.dashboard"))
    page = render_template("admin/invite.html", form=form, organisation=organisation)
    return page, 400 if form.errors else 200


@auth_blueprint.route("/invitations/<token>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def accept_invitation(token: str):
    invitation = invitations.invitation_for_token(token[:100])
    if invitation is None:
        return render_template(
            "auth/invitation_unusable.html",
            problem="This invitation link is not valid. Check you copied "
            "all of it from the e-mail.",
        ), 404
    if problem := invitations.invitation_problem(invitation):
        return render_template("auth/invitation_unusable.html", problem=problem), 410
    form = AcceptInvitationForm(data={"full_name": invitation.full_name})
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(
                invitation,
                full_name=form.full_name.data,
                job_title=form.job_title.data,
                phone=form.phone.data or "",
                password=form.password.data,
            )
        except services.AccountError as error:
            show_refusal(error, form, "full_name")
        else:
            # The person chose their password; the second factor is still to set up.
            sessions.start_sign_in(user, None)
            response = _carry_on_signing_in(user)
            return response
    page = render_template("auth/accept_invitation.html", form=form, invitation=invitation)
    return page, 400 if form.errors else 200
