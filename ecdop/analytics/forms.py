"""Forms for an area's early-warning rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import NumberRange

from ecdop.analytics.choices import WarningRuleKind
from ecdop.foundation.forms import (
    GovIntegerField,
    GovRadioField,
    GovSelectField,
    GovSubmitField,
    TextRequired,
    select_choices,
)
from ecdop.foundation.vocabulary import CategoryOfDeath

YES_NO = select_choices([("yes", "Yes"), ("no", "No")])


class WarningRuleForm(FlaskForm):
    kind = GovRadioField(
        "Kind of rule",
        choices=select_choices(WarningRuleKind.choices()),
        validators=[TextRequired("Choose the kind of rule")],
    )
    category = GovSelectField(
        "Category of death",
        choices=select_choices([("", "Choose a category"), *CategoryOfDeath.choices()]),
        validators=[TextRequired("Choose the category of death the rule watches")],
    )
    infants_only = GovRadioField(
        "Only deaths under 1 year old?",
        description="Yes watches sudden unexpected deaths in infancy (SUDI) apart from older "
        "children's.",
        choices=YES_NO,
        validators=[TextRequired("Say whether the rule counts only deaths under 1 year old")],
    )
    min_deaths = GovIntegerField(
        "Number of deaths",
        description="Cluster: this many deaths within the window. Exceedance: at least this "
        "many in 12 months, as well as above the usual range.",
        validators=[
            TextRequired("Enter the number of deaths, as a whole number, like 2"),
            NumberRange(min=2, max=100, message="Enter a number of deaths from 2 to 100"),
        ],
    )
    window_days = GovIntegerField(
        "Window, in days (cluster rules)",
        description="Deaths count as a cluster when this many fall within this many days.",
        validators=[
            TextRequired("Enter the window in days, like 60"),
            NumberRange(min=1, max=366, message="Enter a window from 1 to 366 days"),
        ],
    )
    active = GovRadioField(
        "Is the rule in use?",
        choices=YES_NO,
        validators=[TextRequired("Say whether the rule is in use")],
    )
    submit = GovSubmitField("Save rule")
