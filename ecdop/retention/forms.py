"""The forms for an area's retention rule and a case's legal hold."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import NumberRange, Optional

from ecdop.foundation.forms import (
    GovIntegerField,
    GovRadioField,
    GovSubmitField,
    GovTextAreaField,
    MaxLength,
    TextRequired,
    select_choices,
)
from ecdop.retention.models import ErasureReason
from ecdop.retention.rules import HoldReason, RetentionOutcome, RetentionTrigger


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


class LegalHoldForm(FlaskForm):
    reason = GovRadioField(
        "Why is the case held?",
        choices=select_choices(HoldReason.choices()),
        validators=[TextRequired("Choose why the case is held")],
    )
    details = GovTextAreaField(
        "Details (optional)",
        description="Such as the coroner's or the police's reference. Needed for another reason.",
        validators=[Optional(), MaxLength(1000)],
    )
    submit = GovSubmitField("Put the case on legal hold")


class LiftHoldForm(FlaskForm):
    because = GovTextAreaField(
        "Why is the hold no longer needed?",
        validators=[TextRequired("Give the reason for lifting the hold"), MaxLength(1000)],
    )
    submit = GovSubmitField("Lift the hold")


class ErasureForm(FlaskForm):
    notification = GovRadioField(
        "Which notification was sent in error?",
        validators=[TextRequired("Choose the notification sent in error")],
    )
    reason = GovRadioField(
        "Why was it sent in error?",
        choices=select_choices(ErasureReason.choices()),
        validators=[TextRequired("Choose why it was sent in error")],
    )
    submit = GovSubmitField("Ask for it to be erased")
