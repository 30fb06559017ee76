"""Forms for due dates, deadline rules, area leads and the agency timeliness period."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import NumberRange

from ecdop.deadlines.rules import RuleUnit
from ecdop.foundation.forms import (
    GovDateField,
    GovIntegerField,
    GovRadioField,
    GovSelectField,
    GovSubmitField,
    GovTextAreaField,
    MaxLength,
    TextRequired,
    date_required,
    select_choices,
)


class DueDateForm(FlaskForm):
    due_on = GovDateField("New due date", validators=[date_required("Enter the new due date")])
    reason = GovTextAreaField(
        "Why is the due date changing?",
        validators=[TextRequired("Give the reason for changing the due date"), MaxLength(2000)],
    )
    version = HiddenField()
    submit = GovSubmitField("Change due date")


class DeadlineRuleForm(FlaskForm):
    amount = GovIntegerField(
        "How long",
        validators=[
            TextRequired("Enter how long, as a whole number, like 20"),
            NumberRange(min=1, max=999, message="Enter a number from 1 to 999"),
        ],
    )
    unit = GovRadioField(
        "Counted in",
        choices=select_choices(RuleUnit.choices()),
        validators=[TextRequired("Choose what the time is counted in")],
    )
    # Only for the kinds chased at their own pace; the view drops it for the others.
    chase_every_weeks = GovIntegerField(
        "Chase every",
        validators=[
            TextRequired("Enter how many weeks apart to chase it, like 4"),
            NumberRange(min=1, max=52, message="Enter a number of weeks from 1 to 52"),
        ],
    )
    submit = GovSubmitField("Save rule")


class PeriodForm(FlaskForm):
    period = GovSelectField("Period")

    class Meta:
        csrf = False
