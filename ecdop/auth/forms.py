"""Forms for signing in and for administering accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput
from wtforms import PasswordField
from wtforms.validators import EqualTo, Optional, ValidationError

from ecdop.auth.api_tokens import (
    API_TOKEN_LIFETIMES_IN_DAYS,
    API_TOKEN_NAME_MAX,
    DEFAULT_API_TOKEN_LIFETIME_IN_DAYS,
)
from ecdop.auth.models import OrganisationKind, Role
from ecdop.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem
from ecdop.foundation.forms import (
    GovCheckboxesField,
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    MaxLength,
    TextRequired,
    email_address,
    record_id,
    select_choices,
)


class LoginForm(FlaskForm):
    email = GovStringField(
        "Email address", validators=[TextRequired("Enter your email address"), MaxLength(254)]
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[TextRequired("Enter your password"), MaxLength(128)],
    )
    submit = GovSubmitField("Sign in")


class OrganisationForm(FlaskForm):
    name = GovStringField(
        "Organisation name",
        validators=[TextRequired("Enter the organisation's name"), MaxLength(160)],
    )
    kind = GovRadioField(
        "Type of organisation",
        choices=select_choices(OrganisationKind.choices()),
        validators=[TextRequired("Choose the type of organisation")],
    )
    area_ids = GovCheckboxesField(
        "Review areas it works with",
        description="Its people act only in these areas, and only their coordinators can ask "
        "it for information.",
        coerce=int,
        validators=[TextRequired("Choose at least one area the organisation works with")],
    )
    submit = GovSubmitField("Add organisation")


class OrganisationAreasForm(FlaskForm):
    area_ids = GovCheckboxesField(
        "Review areas it works with",
        coerce=int,
        validators=[TextRequired("Choose at least one area the organisation works with")],
    )
    submit = GovSubmitField("Save areas")


PASSWORD_ADVICE = (
    f"{MIN_PASSWORD_LENGTH} characters or more. Use three or four unrelated words: not your "
    "name, your email address or a password you use anywhere else."
)


def _account_details(form) -> tuple[str, str]:
    """Whose password this is: the account the view names, or the details typed alongside."""
    if account := getattr(form, "account", None):
        return account.full_name, account.email
    name = form.full_name.data if "full_name" in form else ""
    email = form.email.data if "email" in form else getattr(form, "account_email", "")
    return name or "", email or ""


def _acceptable_password(form, field) -> None:
    full_name, email = _account_details(form)
    if problem := password_problem(field.data or "", full_name=full_name, email=email):
        raise ValidationError(problem)


def _new_password_fields(label: str = "Create a password"):
    password = PasswordField(
        label,
        description=PASSWORD_ADVICE,
        widget=GovPasswordInput(),
        validators=[TextRequired(label), MaxLength(MAX_PASSWORD_LENGTH), _acceptable_password],
    )
    confirm = PasswordField(
        "Type the password again",
        widget=GovPasswordInput(),
        validators=[
            TextRequired("Type the password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )
    return password, confirm


class UserDetailsForm(FlaskForm):
    """Who a person is and what they may do: what an administrator can change later."""

    full_name = GovStringField(
        "Full name", validators=[TextRequired("Enter the person's full name"), MaxLength(120)]
    )
    job_title = GovStringField("Job title (optional)", validators=[Optional(), MaxLength(120)])
    phone = GovStringField("Telephone (optional)", validators=[Optional(), MaxLength(40)])
    role = GovRadioField(
        "Role",
        choices=select_choices(Role.choices()),
        validators=[TextRequired("Choose a role")],
    )
    organisation_id = GovSelectField(
        "Organisation", coerce=int, validators=[TextRequired("Choose an organisation")]
    )
    area_ids = GovCheckboxesField(
        "Review areas", coerce=int, validators=[TextRequired("Choose at least one area")]
    )
    submit = GovSubmitField("Save changes")


class UserForm(UserDetailsForm):
    email = GovStringField(
        "Email address",
        validators=[
            TextRequired("Enter an email address"),
            MaxLength(254),
            email_address,
        ],
    )
    password = PasswordField(
        "Initial password",
        description="12 characters or more, and hard to guess. Give it to the person by a "
        "separate, secure route: it works for their first sign-in only, when they choose "
        "their own.",
        widget=GovPasswordInput(),
        validators=[TextRequired("Enter an initial password"), _acceptable_password],
    )
    submit = GovSubmitField("Create user")


class InvitationForm(FlaskForm):
    full_name = GovStringField(
        "Contact's full name",
        validators=[TextRequired("Enter the contact's full name"), MaxLength(120)],
    )
    email = GovStringField(
        "Contact's work email address",
        validators=[
            TextRequired("Enter the contact's email address"),
            MaxLength(254),
            email_address,
        ],
    )
    area_id = GovSelectField(
        "Review area", coerce=int, validators=[TextRequired("Choose the review area")]
    )
    submit = GovSubmitField("Send invitation")


class AcceptInvitationForm(FlaskForm):
    full_name = GovStringField(
        "Full name", validators=[TextRequired("Enter your full name"), MaxLength(120)]
    )
    job_title = GovStringField(
        "Job title", validators=[TextRequired("Enter your job title"), MaxLength(120)]
    )
    phone = GovStringField("Work telephone (optional)", validators=[Optional(), MaxLength(40)])
    password, confirm_password = _new_password_fields()
    submit = GovSubmitField("Create account")


class ApiTokenForm(FlaskForm):
    user_id = GovSelectField(
        "Notifier the token acts for",
        description="Notifications sent with the token are sent as this person, from their "
        "organisation. Only notifiers can have tokens.",
        coerce=record_id,
        validate_choice=False,
        validators=[TextRequired("Choose the notifier the token acts for")],
    )
    name = GovStringField(
        "What system uses it",
        description="For example, the force's records management system",
        validators=[
            TextRequired("Enter what system uses the token"),
            MaxLength(API_TOKEN_NAME_MAX),
        ],
    )
    lifetime_in_days = GovRadioField(
        "How long it lasts",
        coerce=int,
        choices=select_choices((days, f"{days} days") for days in API_TOKEN_LIFETIMES_IN_DAYS),
        default=DEFAULT_API_TOKEN_LIFETIME_IN_DAYS,
        validators=[TextRequired("Choose how long the token lasts")],
    )
    submit = GovSubmitField("Create token")

    def validate_user_id(self, field) -> None:
        # The choices are the notifiers the view offers: anyone else is refused here.
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose the notifier the token acts for")


class ChoosePasswordForm(FlaskForm):
    """The first sign-in's own password, and a reset's."""

    password, confirm_password = _new_password_fields("Choose a new password")
    submit = GovSubmitField("Save password")


class ChangePasswordForm(FlaskForm):
    """The current password was asked for a moment before, when the person confirmed who
    they are."""

    password, confirm_password = _new_password_fields("New password")
    submit = GovSubmitField("Change password")


CODE_HINT = "The 6-digit code your authenticator app shows now."


class ConfirmIdentityForm(FlaskForm):
    """Before a sensitive account action. A demo account, with no second factor, has no code
    field (the view removes it)."""

    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[TextRequired("Enter your password"), MaxLength(MAX_PASSWORD_LENGTH)],
    )
    code = GovStringField(
        "Security code",
        description=CODE_HINT,
        validators=[TextRequired("Enter the code from your authenticator app"), MaxLength(20)],
    )
    submit = GovSubmitField("Continue")


class SecondFactorForm(FlaskForm):
    code = GovStringField(
        "Security code",
        description=CODE_HINT + " If you do not have the app, enter one of your recovery codes.",
        validators=[TextRequired("Enter the code from your authenticator app"), MaxLength(20)],
    )
    submit = GovSubmitField("Continue")


class EnrolmentForm(FlaskForm):
    code = GovStringField(
        "Security code from the app",
        description=CODE_HINT,
        validators=[TextRequired("Enter the 6-digit code from your authenticator app"),
                    MaxLength(20)],
    )  # fmt: skip
    submit = GovSubmitField("Confirm and continue")


class ForgottenPasswordForm(FlaskForm):
    email = GovStringField(
        "Email address",
        validators=[TextRequired("Enter your email address"), MaxLength(254), email_address],
    )
    submit = GovSubmitField("Send me a link")


class ResetPasswordForm(FlaskForm):
    password, confirm_password = _new_password_fields("Choose a new password")
    code = GovStringField(
        "Security code",
        description=CODE_HINT + " If you do not have the app, enter one of your recovery codes.",
        validators=[Optional(), MaxLength(20)],
    )
    submit = GovSubmitField("Save password")


class AreaLeadForm(FlaskForm):
    lead_id = GovSelectField("Area lead", validators=[TextRequired("Choose the area lead")])
    submit = GovSubmitField("Save area lead")
