"""The outbox page's form: what becomes of the mail a restore held."""

from __future__ import annotations

from flask_wtf import FlaskForm

from ecdop.foundation.forms import (
    GovCheckboxesField,
    GovRadioField,
    GovSubmitField,
    TextRequired,
    select_choices,
)


class HeldMailForm(FlaskForm):
    """What becomes of the messages held after a restore, a kind of mail at a time: after a
    catch-up there may be thousands."""

    priorities = GovCheckboxesField(
        "Which held messages?",
        coerce=int,
        validators=[TextRequired("Select which held messages to send or withdraw")],
    )
    decision = GovRadioField(
        "What should happen to them?",
        choices=select_choices(
            [
                ("send", "Send them: they had not gone before the backup was made"),
                ("withdraw", "Do not send them: they had already gone, or no longer matter"),
            ]
        ),
        validators=[TextRequired("Choose whether to send the messages or withdraw them")],
    )
    submit = GovSubmitField("Confirm")
