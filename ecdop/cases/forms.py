"""Forms for the coordinator's case screens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ecdop.cases.states import Stage
from ecdop.forms import (
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    select_choices,
)

STAGE_CHOICES = [("", "All stages"), *Stage.choices()]


class CaseSearchForm(FlaskForm):
    """Searching by name or NHS number is posted, never put in the address: addresses end up
    in browser history and server logs."""

    query = GovStringField(
        "Search by case reference, name or NHS number",
        validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")],
    )
    stage = GovSelectField("Stage", choices=select_choices(STAGE_CHOICES), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)], default=1)
    submit = GovSubmitField("Search")


class DuplicateDecisionForm(FlaskForm):
    decision = GovRadioField(
        "Is this the same child?",
        choices=select_choices(
            [
                ("same", "Yes, the same child: merge this case into the other"),
                ("different", "No, a different child: remove the flag"),
            ]
        ),
        validators=[InputRequired("Select whether this is the same child")],
    )
    version = HiddenField(validators=[InputRequired()])
    submit = GovSubmitField("Save decision")
