"""Forms for the coordinator's case screens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from ecdop.cases.states import LISTED_STAGES, UNDER_WAY, WAITING_FOR, Stage
from ecdop.foundation.forms import (
    GovDateField,
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    GovTimeField,
    MaxLength,
    TextRequired,
    date_required,
    select_choices,
    value_required,
)
from ecdop.foundation.vocabulary import CategoryOfDeath, Expectation

# Browsing starts at the cases under way: the finished ones are the area's history, which
# grows for ever. A search looks at every stage unless one stage is chosen. A merged case is
# never listed (its reference leads to the case it joined), so "merged" is not a choice.
STAGE_CHOICES = [
    (UNDER_WAY, "Under way"),
    ("", "All stages"),
    *((stage.value, stage.label) for stage in LISTED_STAGES),
    *((name, words) for name, (_fact, words) in WAITING_FOR.items()),
]


# How the case list can be ordered; the first is the default.
CASE_ORDERS = [
    ("notified", "Date notified, newest first"),
    ("-notified", "Date notified, oldest first"),
    ("reference", "Case reference"),
    ("death", "Date of death, newest first"),
]


class CaseSearchForm(FlaskForm):
    """Searching by name or NHS number is posted, never put in the address: addresses end up
    in browser history and server logs."""

    query = GovStringField(
        "Search by case reference, name or NHS number",
        validators=[Optional(), MaxLength(100, message="Search must be 100 characters or fewer")],
    )
    stage = GovSelectField("Stage", choices=select_choices(STAGE_CHOICES), validators=[Optional()])
    sort = GovSelectField("Order", choices=select_choices(CASE_ORDERS), validators=[Optional()])
    page = IntegerField(
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message="Page must be a number from 1 to 100,000"),
        ],
        default=1,
    )
    submit = GovSubmitField("Search")


class TriageForm(FlaskForm):
    in_scope = GovRadioField(
        "Is this death in scope for child death review?",
        description="In scope: a child from birth to their 18th birthday, not a stillbirth or a "
        "legal termination of pregnancy.",
        choices=select_choices(
            [("yes", "Yes, in scope"), ("no", "No: out of scope, or notified in error")]
        ),
        validators=[TextRequired("Select whether the death is in scope")],
    )
    out_of_scope_reason = GovTextAreaField(
        "Why is it out of scope?",
        validators=[Optional(), MaxLength(2000)],
    )
    expectation = GovRadioField(
        "Was the death expected or unexpected?",
        description="Unexpected: not anticipated as a significant possibility 24 hours before.",
        choices=select_choices(Expectation.choices()),
        validators=[TextRequired("Select whether the death was expected or unexpected")],
    )
    provisional_category = GovSelectField(
        "Category of death, as far as it can be told now",
        description="Provisional: it lets ecdop warn of clusters early. The panel records the "
        "category after its review.",
        choices=select_choices([("", "Not yet known"), *CategoryOfDeath.choices()]),
        validators=[Optional()],
    )
    residence_area_id = GovSelectField(
        "Review area where the child lived",
        description="If the child lived in another area, the case is transferred there.",
        coerce=int,
        validators=[TextRequired("Choose the area where the child lived")],
    )
    version = HiddenField()
    submit = GovSubmitField("Save triage")


class MoveCaseForm(FlaskForm):
    target = GovRadioField(
        "Move this case to",
        # Every stage is accepted here so that the stage machine, not the form, explains why a
        # move is refused; only the moves open from the current stage are shown.
        choices=select_choices(Stage.choices()),
        validators=[TextRequired("Choose where to move the case")],
    )
    reason = GovTextAreaField("Reason", validators=[Optional(), MaxLength(2000)])
    version = HiddenField()
    submit = GovSubmitField("Move case")


class NationalDatabaseToldForm(FlaskForm):
    """When the National Child Mortality Database was told of the death; and, once recorded, a
    correction with its reason (the view leaves those fields out of a first record)."""

    told_on = GovDateField(
        "Date the national database was told",
        description="For example, 19 11 2026",
        validators=[date_required("Enter the date the national database was told")],
    )
    told_at = GovTimeField(
        "Time",
        description="24-hour clock, for example 14:30",
        validators=[value_required("Enter the time the national database was told")],
    )
    correction = GovRadioField(
        "What was wrong with the record?",
        choices=select_choices(
            [
                ("moment", "The date or time: it was told, at the date and time above"),
                ("not_told", "It has not been told: take the record away"),
            ]
        ),
        validators=[TextRequired("Choose what was wrong with the record")],
    )
    reason = GovTextAreaField(
        "Reason for the correction",
        validators=[TextRequired("Give the reason for correcting the record"), MaxLength(2000)],
    )
    version = HiddenField()
    submit = GovSubmitField("Record")
