"""The form for an area's retention rule."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import NumberRange

from ecdop.foundation.forms import (
    GovIntegerField,
    GovRadioField,
    GovSubmitField,
    TextRequired,
    select_choices,
)
from ecdop.retention.rules import RetentionOutcome, RetentionTrigger


class RetentionRuleForm(FlaskForm):
    years = GovIntegerField(
        "How many years",
        validators=[
            TextRequired("Enter how many years, as a whole number, like 10"),
            NumberRange(min=1, max=100, message="Enter a number of years from 1 to 100"),
        ],
    )
    trigger = GovRadioField(
        "Counted from",
        choices=select_choices(RetentionTrigger.choices()),
        validators=[TextRequired("Choose what the years are counted from")],
    )
    outcome = GovRadioField(
        "At the end of the period",
        choices=select_choices(RetentionOutcome.choices()),
        validators=[TextRequired("Choose what happens at the end of the period")],
    )
    submit = GovSubmitField("Save rule")
