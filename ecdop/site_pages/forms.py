from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

from ecdop.foundation.forms import GovSubmitField, GovTextAreaField, MaxLength, TextRequired


class SitePageForm(FlaskForm):
    body = GovTextAreaField(
        "Text of the page",
        validators=[TextRequired("Enter the page's text"), MaxLength(50_000)],
    )
    version = HiddenField()
    submit = GovSubmitField("Save the page")
