"""The administrator's pages: users (with their sessions and second factor), organisations,
API tokens, and review areas with their leads."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

# The module, by another name: its functions share their names with this module's pages.
from ecdop.auth import api_tokens as token_service
from ecdop.auth import queries, services, sessions, sign_in
from ecdop.auth.forms import (
    ApiTokenForm,
    AreaLeadForm,
    OrganisationAreasForm,
    OrganisationForm,
    UserDetailsForm,
    UserForm,
)
from ecdop.auth.hooks import area_page
from ecdop.auth.models import OrganisationKind, Role, SessionEnd
from ecdop.auth.permissions import Permission, requires, requires_recent_confirmation
from ecdop.foundation.db import utc_now
from ecdop.foundation.forms import (
    Confirmation,
    ConfirmForm,
    form_status,
    list_filters,
    select_choices,
)
from ecdop.foundation.paging import requested_page
from ecdop.foundation.refusals import show_refusal

admin_blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@admin_blueprint.route("/users")
@requires(Permission.MANAGE_USERS)
def users():
    filters = list_filters(queries.USER_FILTERS, queries.USER_ORDERS)
    found = queries.user_page(
        show=filters.show.data, order=filters.sort.data, page=requested_page()
    )
    return render_template("admin/users.html", users=found, filters=filters)


def _offer_organisations_and_areas(form: UserDetailsForm) -> UserDetailsForm:
    form.organisation_id.choices = select_choices(
        (o.id, o.name) for o in queries.active_organisations()
    )
    form.area_ids.choices = select_choices(
        (a.id, f"{a.code}: {a.name}") for a in queries.all_areas()
    )
    return form


@admin_blueprint.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_user():
    form = _offer_organisations_and_areas(UserForm())
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
            show_refusal(error, form, "email")
        else:
            flash(f"User {user.email} created.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form), form_status(form)


@admin_blueprint.route("/users/<int:user_id>/change", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def change_user(user_id: int):
    account = queries.user_or_404(user_id)
    form = UserDetailsForm(data={
        "full_name": account.full_name, "job_title": account.job_title, "phone": account.phone,
        "role": account.role.value, "organisation_id": account.organisation_id,
        "area_ids": sorted(account.area_ids),
    })  # fmt: skip
    _offer_organisations_and_areas(form)
    if form.validate_on_submit():
        try:
            changed = services.change_user(
                account,
                full_name=form.full_name.data,
                job_title=form.job_title.data or "",
                phone=form.phone.data or "",
                role=Role(form.role.data),
                organisation=queries.organisation_or_404(form.organisation_id.data),
                areas=[a for a in queries.all_areas() if a.id in form.area_ids.data],
                actor=current_user,
            )
        except services.AccountError as error:
            show_refusal(error, form, "full_name")
        else:
            flash(f"{account.full_name}: {'saved' if changed else 'nothing changed'}.", "success")
            return redirect(url_for("admin.user", user_id=account.id))
    page = render_template("admin/user_change.html", form=form, account=account)
    return page, 400 if form.errors else 200


@admin_blueprint.route("/users/<int:user_id>/active", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def toggle_user(user_id: int):
    user = queries.user_or_404(user_id)
    if request.method == "GET":
        return _confirm_user_toggle(user)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user.id:
            flash("You cannot deactivate your own account.", "error")
        else:
            services.set_user_active(user, not user.active)
            flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))


def _confirm_user_toggle(user):
    verb = "Deactivate" if user.active else "Reactivate"
    consequences = (
        (
            "Every session of theirs ends at once, and they cannot sign in.",
            "What they did stays on the record; you can reactivate the account later.",
        )
        if user.active
        else ()
    )
    confirmation = Confirmation(
        question=f"{verb} {user.full_name}?",
        button=f"{verb} the account",
        cancel_url=url_for("admin.users"),
        rows=(
            ("Email address", user.email),
            ("Organisation", user.organisation.name),
            ("Role", user.role.label),
        ),  # fmt: skip
        consequences=consequences,
        irreversible=False,
        destructive=user.active,
    )
    return render_template("confirm.html", confirmation=confirmation)


@admin_blueprint.route("/users/<int:user_id>")
@requires(Permission.MANAGE_USERS)
def user(user_id: int):
    account = queries.user_or_404(user_id)
    return render_template(
        "admin/user.html",
        account=account,
        live_sessions=sessions.live_sessions_of(account),
        demo_account=sign_in.is_demo_account(account),
        confirm=ConfirmForm(),
    )


@admin_blueprint.route("/users/<int:user_id>/reset-second-factor", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
@requires_recent_confirmation
def reset_second_factor(user_id: int):
    account = queries.user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        sign_in.reset_second_factor(account, reset_by=current_user)
        flash(
            f"{account.email} must set up their authenticator app again at their next "
            "sign-in. We have emailed them.",
            "success",
        )
        return redirect(url_for("admin.user", user_id=account.id))
    return render_template("admin/confirm_reset_second_factor.html", account=account, form=form)


@admin_blueprint.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def end_sessions(user_id: int):
    account = queries.user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        ended = sessions.end_sessions_of(account, SessionEnd.ENDED_BY_ADMIN)
        flash(f"{account.email} is signed out everywhere ({ended} sessions ended).", "success")
    return redirect(url_for("admin.user", user_id=account.id))


@admin_blueprint.route("/api-tokens")
@requires(Permission.MANAGE_API_TOKENS)
def api_tokens():
    filters = list_filters(queries.TOKEN_FILTERS, [("", "")])
    tokens = queries.api_token_page(show=filters.show.data, page=requested_page())
    return render_template("admin/api_tokens.html", tokens=tokens, filters=filters, now=utc_now())


@admin_blueprint.route("/api-tokens/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_API_TOKENS)
@requires_recent_confirmation
def new_api_token():
    form = ApiTokenForm()
    notifiers = {user.id: user for user in queries.notifiers()}
    form.user_id.choices = select_choices(
        [("", "Choose a notifier")]
        + [(u.id, f"{u.full_name}, {u.organisation.name} ({u.email})") for u in notifiers.values()]
    )
    if form.validate_on_submit():
        issued = token_service.issue_api_token(
            notifiers[form.user_id.data],
            name=form.name.data,
            lifetime_in_days=form.lifetime_in_days.data,
            issued_by=current_user,
        )
        # Shown in this response only, never in an address or a flash message, which a browser
        # or a log might keep.
        return render_template("admin/api_token_created.html", issued=issued)
    return render_template("admin/api_token_form.html", form=form), form_status(form)


@admin_blueprint.route("/api-tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@requires(Permission.MANAGE_API_TOKENS)
def revoke_api_token(token_id: int):
    token = queries.api_token_or_404(token_id)
    if request.method == "GET":
        confirmation = Confirmation(
            question=f"Revoke the token {token.prefix}…?",
            button="Revoke the token",
            cancel_url=url_for("admin.api_tokens"),
            rows=(
                ("Token", f"{token.prefix}…"),
                ("Name", token.name),
                ("Notifies as", token.user.email),
            ),  # fmt: skip
            consequences=(
                "The system using it can no longer notify deaths or read its receipts.",
                "To connect it again, create a new token.",
            ),
        )
        return render_template("confirm.html", confirmation=confirmation)
    if ConfirmForm().validate_on_submit():
        token_service.revoke_api_token(token, revoked_by=current_user)
        flash(f"The token {token.prefix}… for {token.user.email} is revoked.", "success")
    return redirect(url_for("admin.api_tokens"))


@admin_blueprint.route("/organisations")
@requires(Permission.MANAGE_ORGANISATIONS)
def organisations():
    filters = list_filters(queries.ORGANISATION_FILTERS, [("", "")])
    found = queries.organisation_page(show=filters.show.data, page=requested_page())
    return render_template("admin/organisations.html", organisations=found, filters=filters)


def _area_choices(form) -> dict:
    areas = {area.id: area for area in queries.all_areas()}
    form.area_ids.choices = select_choices((a.id, f"{a.code}: {a.name}") for a in areas.values())
    return areas


@admin_blueprint.route("/organisations/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def new_organisation():
    form = OrganisationForm()
    areas = _area_choices(form)
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                form.name.data,
                OrganisationKind(form.kind.data),
                areas=[areas[area_id] for area_id in form.area_ids.data],
            )
        except services.AccountError as error:
            show_refusal(error, form, "name")
        else:
            flash(f"{organisation.name} added.", "success")
            return redirect(url_for("admin.organisations"))
    page = render_template("admin/organisation_form.html", form=form)
    return page, 400 if form.errors else 200


@admin_blueprint.route("/organisations/<int:organisation_id>/areas", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def organisation_areas(organisation_id: int):
    organisation = queries.organisation_or_404(organisation_id)
    form = OrganisationAreasForm(data={"area_ids": sorted(organisation.area_ids)})
    areas = _area_choices(form)
    if form.validate_on_submit():
        try:
            services.set_organisation_areas(
                organisation, [areas[area_id] for area_id in form.area_ids.data]
            )
        except services.AccountError as error:
            show_refusal(error, form, "area_ids")
        else:
            flash(f"The areas {organisation.name} works with are saved.", "success")
            return redirect(url_for("admin.organisations"))
    page = render_template("admin/organisation_areas.html", form=form, organisation=organisation)
    return page, 400 if form.errors else 200


@admin_blueprint.route("/organisations/<int:organisation_id>/active", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def toggle_organisation(organisation_id: int):
    organisation = queries.organisation_or_404(organisation_id)
    if request.method == "GET":
        return _confirm_organisation_toggle(organisation)
    if ConfirmForm().validate_on_submit():
        if organisation.id == current_user.organisation_id and organisation.active:
            flash("You cannot deactivate your own organisation.", "error")
        else:
            services.set_organisation_active(organisation, not organisation.active)
            state = "active" if organisation.active else "deactivated"
            flash(f"{organisation.name} is now {state}.", "success")
    return redirect(url_for("admin.organisations"))


def _confirm_organisation_toggle(organisation):
    deactivating = organisation.active
    verb = "Deactivate" if deactivating else "Reactivate"
    consequences = (
        (
            "Everyone in it is signed out and cannot sign in.",
            "No new requests or actions can be addressed to it; what it did stays on the "
            "record, and you can reactivate it later.",
        )
        if deactivating
        else ()
    )
    confirmation = Confirmation(
        question=f"{verb} {organisation.name}?",
        button=f"{verb} the organisation",
        cancel_url=url_for("admin.organisations"),
        rows=(("Kind", organisation.kind.label),),
        consequences=consequences,
        irreversible=False,
        destructive=deactivating,
    )
    return render_template("confirm.html", confirmation=confirmation)


@admin_blueprint.route("/areas")
@requires(Permission.MANAGE_DEADLINE_RULES)
def areas():
    return render_template("admin/areas.html", areas=queries.all_areas())


@admin_blueprint.route("/areas/<int:area_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_DEADLINE_RULES)
def area(area_id: int):
    """An area: what each feature sets for it (``area_page`` hook), and its lead."""
    area = queries.area_or_404(area_id)
    lead_form = AreaLeadForm(data={"lead_id": str(area.lead_id or "")})
    lead_form.lead_id.choices = select_choices(
        [("", "Choose someone"), *((str(user.id), f"{user.full_name} ({user.role.label})")
                                   for user in queries.possible_area_leads(area.id))]
    )  # fmt: skip
    if lead_form.validate_on_submit():
        lead = queries.user_or_404(int(lead_form.lead_id.data))
        services.set_area_lead(area, lead)
        flash(f"{lead.full_name} is now the lead for {area.name}.", "success")
        return redirect(url_for("admin.area", area_id=area.id))
    sections = area_page(area)
    return render_template(
        "admin/area.html",
        area=area,
        lead_form=lead_form,
        sections=sections,
        **{name: value for section in sections for name, value in section.context.items()},
    ), form_status(lead_form)
