"""Signing in and out, and the administrator's pages for users, organisations and API
tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth import queries, services
from ecdop.auth.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    LoginForm,
    OrganisationForm,
    UserForm,
)
from ecdop.auth.models import OrganisationKind, Role
from ecdop.auth.permissions import Permission, requires
from ecdop.db import utc_now
from ecdop.extensions import db, limiter
from ecdop.forms import ConfirmForm, select_choices

auth_blueprint = Blueprint("auth", __name__)
admin_blueprint = Blueprint("admin", __name__, url_prefix="/admin")

LOGIN_FAILED_MESSAGE = "Enter a correct email address and password"


def _safe_next(target: str | None) -> str | None:
    """Only our own paths: never another host, scheme or protocol-relative address, and never
    a character that could not stand in a Location header."""
    if not target or not target.isprintable() or any(c.isspace() for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@auth_blueprint.route("/login", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        form.email.errors.append(LOGIN_FAILED_MESSAGE)
    return render_template("auth/login.html", form=form)


@auth_blueprint.route("/logout", methods=["POST"])
@requires(Permission.SIGNED_IN)
def logout():
    if ConfirmForm().validate_on_submit():
        record_event(AuditAction.LOGGED_OUT)
        db.session.commit()
        logout_user()
        flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@admin_blueprint.route("/users")
@requires(Permission.MANAGE_USERS)
def users():
    return render_template("admin/users.html", users=queries.all_users(), toggle=ConfirmForm())


@admin_blueprint.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_user():
    form = UserForm()
    form.organisation_id.choices = select_choices(
        (o.id, o.name) for o in queries.active_organisations()
    )
    form.area_ids.choices = select_choices(
        (a.id, f"{a.code}: {a.name}") for a in queries.all_areas()
    )
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data,
                full_name=form.full_name.data,
                job_title=form.job_title.data or "",
                phone=form.phone.data or "",
                role=Role(form.role.data),
                organisation=queries.organisation_or_404(form.organisation_id.data),
                areas=[a for a in queries.all_areas() if a.id in form.area_ids.data],
                password=form.password.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            db.session.commit()
            flash(f"User {user.email} created.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form)


@admin_blueprint.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def toggle_user(user_id: int):
    user = queries.user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user.id:
            flash("You cannot deactivate your own account.", "error")
        else:
            services.set_user_active(user, not user.active)
            db.session.commit()
            flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))


@admin_blueprint.route("/api-tokens")
@requires(Permission.MANAGE_API_TOKENS)
def api_tokens():
    return render_template(
        "admin/api_tokens.html",
        tokens=queries.all_api_tokens(),
        now=utc_now(),
        revoke=ConfirmForm(),
    )


@admin_blueprint.route("/api-tokens/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_API_TOKENS)
def new_api_token():
    form = ApiTokenForm()
    notifiers = {user.id: user for user in queries.notifiers()}
    form.user_id.choices = select_choices(
        [("", "Choose a notifier")]
        + [(u.id, f"{u.full_name}, {u.organisation.name} ({u.email})") for u in notifiers.values()]
    )
    if form.validate_on_submit():
        issued = services.issue_api_token(
            notifiers[form.user_id.data],
            name=form.name.data,
            lifetime_in_days=form.lifetime_in_days.data,
            issued_by=current_user,
        )
        db.session.commit()
        # Shown in this response only, never in an address or a flash message, which a browser
        # or a log might keep.
        return render_template("admin/api_token_created.html", issued=issued)
    return render_template("admin/api_token_form.html", form=form)


@admin_blueprint.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@requires(Permission.MANAGE_API_TOKENS)
def revoke_api_token(token_id: int):
    token = queries.api_token_or_404(token_id)
    if ConfirmForm().validate_on_submit():
        services.revoke_api_token(token, revoked_by=current_user)
        db.session.commit()
        flash(f"The token {token.prefix}… for {token.user.email} is revoked.", "success")
    return redirect(url_for("admin.api_tokens"))


@admin_blueprint.route("/organisations")
@requires(Permission.MANAGE_ORGANISATIONS)
def organisations():
    return render_template(
        "admin/organisations.html",
        organisations=queries.all_organisations(),
        toggle=ConfirmForm(),
    )


@admin_blueprint.route("/organisations/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                form.name.data, OrganisationKind(form.kind.data)
            )
        except services.AccountError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{organisation.name} added.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form)


@admin_blueprint.route("/organisations/<int:organisation_id>/active", methods=["POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def toggle_organisation(organisation_id: int):
    organisation = queries.organisation_or_404(organisation_id)
    if ConfirmForm().validate_on_submit():
        if organisation.id == current_user.organisation_id and organisation.active:
            flash("You cannot deactivate your own organisation.", "error")
        else:
            services.set_organisation_active(organisation, not organisation.active)
            db.session.commit()
            state = "active" if organisation.active else "deactivated"
            flash(f"{organisation.name} is now {state}.", "success")
    return redirect(url_for("admin.organisations"))


@auth_blueprint.route("/agencies/<int:organisation_id>/invite", methods=["GET", "POST"])
@requires(Permission.INVITE_AGENCY_CONTACTS)
def invite_agency_contact(organisation_id: int):
    organisation = queries.organisation_or_404(organisation_id)
    form = InvitationForm()
    areas = {area.id: area for area in current_user.areas}
    form.area_id.choices = select_choices((a.id, f"{a.name} ({a.code})") for a in areas.values())
    if form.validate_on_submit():
        try:
            invitation = services.invite_agency_contact(
                organisation=organisation,
                full_name=form.full_name.data,
                email=form.email.data,
                area=areas[form.area_id.data],
                invited_by=current_user,
            )
        except services.AccountError as error:
            db.session.rollback()
            form[error.field or "email"].errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"Invitation sent to {invitation.email}. The link works once, for 7 days.",
                "success",
            )
            return redirect(_safe_next(request.args.get("next")) or url_for("cases.dashboard"))
    page = render_template("admin/invite.html", form=form, organisation=organisation)
    return page, 400 if form.errors else 200


@auth_blueprint.route("/invitations/<token>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def accept_invitation(token: str):
    invitation = services.invitation_for_token(token[:100])
    if invitation is None:
        return render_template(
            "auth/invitation_unusable.html",
            problem="This invitation link is not valid. Check you copied "
            "all of it from the e-mail.",
        ), 404
    if problem := services.invitation_problem(invitation):
        return render_template("auth/invitation_unusable.html", problem=problem), 410
    form = AcceptInvitationForm(data={"full_name": invitation.full_name})
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                invitation,
                full_name=form.full_name.data,
                job_title=form.job_title.data,
                phone=form.phone.data or "",
                password=form.password.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            form[error.field or "full_name"].errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash("Your account is ready. These are your requests for information.", "success")
            return redirect(url_for("home.index"))
    page = render_template("auth/accept_invitation.html", form=form, invitation=invitation)
    return page, 400 if form.errors else 200
