"""The notification form (the fields of the national Notification Form), and the coordinator's
decision on a possible duplicate."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Optional, ValidationError

from ecdop.foundation.forms import (
    GovCheckboxesField,
    GovDateField,
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    GovTimeField,
    MaxLength,
    TextRequired,
    select_choices,
    strip,
)
from ecdop.foundation.vocabulary import CircumstancesType, Ethnicity, Expectation, PlaceOfDeath, Sex
from ecdop.notifications import rules
from ecdop.notifications.choices import AgencyKind
from ecdop.notifications.services import NotificationDetails

NAME_MAX = 100
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 2000
CIRCUMSTANCES_MAX = 5000


def _follows(rule: Callable) -> Callable:
    """A WTForms validator from a shared rule: the field keeps the cleaned value."""

    def validate(form, field) -> None:
        try:
            field.data = rule(field.data)
        except rules.RuleBroken as broken:
            raise ValidationError(str(broken)) from None

    return validate


class TimeOfDeathField(GovTimeField):
    """The 24-hour time the API takes too (the shared rule), shown back just as it was typed:
    a page the form drew must be accepted when it is sent again."""

    def process_formdata(self, valuelist):
        self.raw_text = strip(valuelist[0]) if valuelist else ""
        try:
            self.data = rules.clean_time_of_death(self.raw_text)
        except rules.RuleBroken as broken:
            self.data = None
            raise ValueError(str(broken)) from None


def _required(message: str) -> InputRequired:
    return TextRequired(message)


class NotificationForm(FlaskForm):
    area_id = GovSelectField("Review area", coerce=int)

    given_names = GovStringField(
        "Given names",
        validators=[_required("Enter the child's given names"), MaxLength(NAME_MAX)],
    )
    family_name = GovStringField(
        "Family name",
        validators=[_required("Enter the child's family name"), MaxLength(NAME_MAX)],
    )
    nhs_number = GovStringField(
        "NHS number (optional)",
        description="10 digits, like 943 476 5919. Leave blank if you do not know it.",
        validators=[Optional(), MaxLength(20), _follows(rules.clean_nhs_number)],
    )
    date_of_birth = GovDateField(
        "Date of birth",
        description="For example, 27 3 2019",
        validators=[_required("Enter the child's date of birth")],
    )
    sex = GovRadioField(
        "Sex",
        choices=select_choices(Sex.choices()),
        validators=[_required("Select the child's sex")],
    )
    ethnicity = GovSelectField(
        "Ethnicity",
        choices=select_choices([("", "Choose an ethnic group"), *Ethnicity.choices()]),
        validators=[_required("Choose the child's ethnic group, or 'Not known'")],
    )
    address = GovTextAreaField(
        "Home address",
        description="The address where the child usually lived, without the postcode",
        validators=[_required("Enter the child's home address"), MaxLength(SHORT_TEXT_MAX)],
    )
    postcode = GovStringField(
        "Postcode",
        validators=[
            _required("Enter the postcode of the child's home address"),
            MaxLength(10, message="Enter a real UK postcode, like SW1A 2AA"),
            _follows(rules.clean_postcode),
        ],
    )

    date_of_death = GovDateField(
        "Date of death",
        description="For example, 14 11 2026",
        validators=[_required("Enter the date of death")],
    )
    time_of_death = TimeOfDeathField(
        "Time of death (optional)",
        description="24-hour clock, for example 14:30",
        validators=[Optional()],
    )
    place_of_death = GovSelectField(
        "Place of death",
        choices=select_choices([("", "Choose a place"), *PlaceOfDeath.choices()]),
        validators=[_required("Choose where the child died")],
    )
    place_of_death_detail = GovStringField(
        "Place of death: details (optional)",
        description="For example, the name of the hospital or ward",
        validators=[Optional(), MaxLength(SHORT_TEXT_MAX)],
    )
    expectation = GovRadioField(
        "Was the death expected?",
        description="Unexpected means not anticipated as a significant possibility 24 hours "
        "before the death.",
        choices=select_choices(Expectation.choices()),
        validators=[
            _required("Select whether the death was expected, unexpected or not yet known")
        ],
    )

    circumstances = GovTextAreaField(
        "What happened",
        description="A summary of the circumstances of the death, as far as they are known",
        validators=[
            _required("Enter a summary of what happened"),
            MaxLength(CIRCUMSTANCES_MAX),
        ],
    )
    circumstances_type = GovRadioField(
        "What kind of death does this appear to be?",
        description="Your first view is enough; the panel decides the category later. Choose "
        "'Not known' if you cannot say.",
        choices=select_choices(CircumstancesType.choices()),
        validators=[_required("Select what kind of death this appears to be, or 'Not known'")],
    )
    parental_responsibility = GovTextAreaField(
        "People with parental responsibility (optional)",
        validators=[Optional(), MaxLength(LONG_TEXT_MAX)],
    )
    other_children = GovTextAreaField(
        "Other children in the household (optional)",
        validators=[Optional(), MaxLength(LONG_TEXT_MAX)],
    )
    agencies_involved = GovCheckboxesField(
        "Agencies known to be involved (optional)",
        description="Select all that apply",
        choices=select_choices(AgencyKind.choices()),
        validate_choice=True,
    )
    agencies_detail = GovTextAreaField(
        "Agencies: details (optional)",
        description="For example, the name of the school or GP practice",
        validators=[Optional(), MaxLength(LONG_TEXT_MAX)],
    )

    notifier_name = GovStringField(
        "Your name", validators=[_required("Enter your name"), MaxLength(120)]
    )
    notifier_role = GovStringField(
        "Your role", validators=[_required("Enter your role"), MaxLength(120)]
    )
    notifier_phone = GovStringField(
        "Your telephone number",
        validators=[_required("Enter a telephone number we can reach you on"), MaxLength(40)],
    )
    submit = GovSubmitField("Continue")

    def validate(self, extra_validators=None) -> bool:
        fields_valid = super().validate(extra_validators)
        problems = rules.date_problems(
            self.date_of_birth.data,
            self.date_of_death.data,
            self.time_of_death.data if not self.time_of_death.errors else None,
        )
        for field_name, message in problems.items():
            field = getattr(self, field_name)
            if not field.errors:
                field.errors.append(message)
        return fields_valid and not problems

    def to_details(self) -> NotificationDetails:
        return NotificationDetails(
            given_names=self.given_names.data,
            family_name=self.family_name.data,
            nhs_number=self.nhs_number.data or None,
            date_of_birth=self.date_of_birth.data,
            sex=Sex(self.sex.data),
            ethnicity=Ethnicity(self.ethnicity.data),
            address=self.address.data,
            postcode=self.postcode.data,
            date_of_death=self.date_of_death.data,
            time_of_death=self.time_of_death.data or None,
            place_of_death=PlaceOfDeath(self.place_of_death.data),
            place_of_death_detail=self.place_of_death_detail.data or "",
            expectation=Expectation(self.expectation.data),
            circumstances=self.circumstances.data,
            circumstances_type=CircumstancesType(self.circumstances_type.data),
            parental_responsibility=self.parental_responsibility.data or "",
            other_children=self.other_children.data or "",
            agencies_involved=list(self.agencies_involved.data or []),
            agencies_detail=self.agencies_detail.data or "",
            notifier_name=self.notifier_name.data,
            notifier_role=self.notifier_role.data,
            notifier_phone=self.notifier_phone.data,
        )


class DuplicateDecisionForm(FlaskForm):
    decision = GovRadioField(
        "Is this the same child?",
        choices=select_choices(
            [
                ("same", "Yes, the same child: merge this case into the other"),
                ("different", "No, a different child: remove the flag"),
            ]
        ),
        validators=[TextRequired("Select whether this is the same child")],
    )
    # Sent by the page itself: missing only if the page was not ecdop's.
    version = HiddenField(
        validators=[TextRequired("The page was out of date: look at the case again and decide")]
    )
    submit = GovSubmitField("Save decision")
