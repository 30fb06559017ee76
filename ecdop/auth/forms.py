"""Forms for signing in and for administering accounts."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput
from wtforms import PasswordField
from wtforms.validators import EqualTo, Length, Optional, ValidationError

from ecdop.auth.models import OrganisationKind, Role
from ecdop.auth.services import (
    API_TOKEN_LIFETIMES_IN_DAYS,
    API_TOKEN_NAME_MAX,
    DEFAULT_API_TOKEN_LIFETIME_IN_DAYS,
    password_problem,
)
from ecdop.forms import (
    GovCheckboxesField,
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    TextRequired,
    record_id,
    select_choices,
)


class LoginForm(FlaskForm):
    email = GovStringField(
        "Email address", validators=[TextRequired("Enter your email address"), Length(max=254)]
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[TextRequired("Enter your password"), Length(max=128)],
    )
    submit = GovSubmitField("Sign in")


class OrganisationForm(FlaskForm):
    name = GovStringField(
        "Organisation name",
        validators=[TextRequired("Enter the organisation's name"), Length(max=160)],
    )
    kind = GovRadioField(
        "Type of organisation",
        choices=select_choices(OrganisationKind.choices()),
        validators=[TextRequired("Choose the type of organisation")],
    )
    submit = GovSubmitField("Add organisation")


def _email_address(form, field) -> None:
    # test_environment admits the reserved .test domain that the demo accounts use.
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.nhs.uk"
        ) from None


def _acceptable_password(form, field) -> None:
    if problem := password_problem(field.data or ""):
        raise ValidationError(problem)


class UserForm(FlaskForm):
    full_name = GovStringField(
        "Full name", validators=[TextRequired("Enter the person's full name"), Length(max=120)]
    )
    email = GovStringField(
        "Email address",
        validators=[
            TextRequired("Enter an email address"),
            Length(max=254),
            _email_address,
        ],
    )
    job_title = GovStringField("Job title (optional)", validators=[Optional(), Length(max=120)])
    phone = GovStringField("Telephone (optional)", validators=[Optional(), Length(max=40)])
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
    password = PasswordField(
        "Initial password",
        description="12 characters or more. Give it to the person by a separate, secure route.",
        widget=GovPasswordInput(),
        validators=[TextRequired("Enter an initial password"), _acceptable_password],
    )
    submit = GovSubmitField("Create user")


class InvitationForm(FlaskForm):
    full_name = GovStringField(
        "Contact's full name",
        validators=[TextRequired("Enter the contact's full name"), Length(max=120)],
    )
    email = GovStringField(
        "Contact's work email address",
        validators=[
            TextRequired("Enter the contact's email address"),
            Length(max=254),
            _email_address,
        ],
    )
    area_id = GovSelectField("Review area", coerce=int, validators=[TextRequired()])
    submit = GovSubmitField("Send invitation")


class AcceptInvitationForm(FlaskForm):
    full_name = GovStringField(
        "Full name", validators=[TextRequired("Enter your full name"), Length(max=120)]
    )
    job_title = GovStringField(
        "Job title", validators=[TextRequired("Enter your job title"), Length(max=120)]
    )
    phone = GovStringField("Work telephone (optional)", validators=[Optional(), Length(max=40)])
    password = PasswordField(
        "Create a password",
        description="12 characters or more.",
        widget=GovPasswordInput(),
        validators=[TextRequired("Create a password"), _acceptable_password],
    )
    confirm_password = PasswordField(
        "Type the password again",
        widget=GovPasswordInput(),
        validators=[
            TextRequired("Type the password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )
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
            Length(max=API_TOKEN_NAME_MAX),
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
