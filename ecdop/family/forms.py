"""Forms of the family's part of a case."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Optional

from ecdop.foundation.forms import (
    GovSelectField,
    GovSubmitField,
    GovTextAreaField,
    MaxLength,
    TextRequired,
)

REASON_MAX = 1000


class KeyWorkerForm(FlaskForm):
    key_worker_id = GovSelectField(
        "Key worker", validators=[TextRequired("Choose the family's key worker")]
    )
    reason = GovTextAreaField(
        "Reason for the change",
        description="Needed when the family already has a key worker: it goes on the timeline.",
        validators=[Optional(), MaxLength(REASON_MAX)],
    )
    version = HiddenField()
    submit = GovSubmitField("Save key worker")
