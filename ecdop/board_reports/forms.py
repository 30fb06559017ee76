"""Choosing a report to generate: a closed, fixed period and the areas it covers."""

from __future__ import annotations

from flask_wtf import FlaskForm

from ecdop.foundation.forms import GovCheckboxesField, GovSelectField, GovSubmitField, TextRequired


class GenerateReportForm(FlaskForm):
    period = GovSelectField(
        "Report and period",
        description="Only whole quarters and reporting years that have ended can be reported.",
        validators=[TextRequired("Choose the report and its period")],
    )
    area_ids = GovCheckboxesField(
        "Review areas",
        description="The report covers the deaths in all the areas you choose, together.",
        coerce=int,
        validators=[TextRequired("Choose at least one review area")],
    )
    submit = GovSubmitField("Generate report")
