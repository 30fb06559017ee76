"""Forms for panel meetings, agendas, the panel's papers, the analysis and actions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField
from wtforms.validators import DataRequired, Optional

from ecdop.foundation.forms import (
    GovCheckboxesField,
    GovDateField,
    GovRadioField,
    GovSelectField,
    GovSubmitField,
    GovTextAreaField,
    GovTimeField,
    MaxLength,
    TextRequired,
    date_required,
    select_choices,
    value_required,
)
from ecdop.foundation.vocabulary import ActionStatus, CategoryOfDeath
from ecdop.meetings.choices import (
    DOMAIN_SCORES,
    DOMAINS,
    FamilyQuestionsAnswered,
    ModifiableFactors,
    PanelType,
)

# One empty row to fill; "Add another action" brings more (GOV.UK's add-another pattern).
SPARE_ACTION_ROWS = 1


class MeetingForm(FlaskForm):
    # DataRequired, not InputRequired: a coordinator of one area is not asked, and gets it.
    area_id = GovSelectField("Review area", validators=[DataRequired("Choose the review area")])
    held_on = GovDateField(
        "Date of the meeting", validators=[date_required("Enter the date of the meeting")]
    )
    starts_at = GovTimeField(
        "Start time", validators=[value_required("Enter the time the meeting starts")]
    )
    venue = GovTextAreaField(
        "Where",
        validators=[
            TextRequired("Enter where the meeting is, or the link to the video call"),
            MaxLength(300, message="Where must be 300 characters or fewer"),
        ],
    )
    panel_type = GovRadioField(
        "Panel",
        choices=select_choices(PanelType.choices()),
        validators=[TextRequired("Choose the panel")],
    )
    # Any id is let through here: the service says why someone cannot sit on the panel.
    members = GovCheckboxesField("Members", coerce=str, validate_choice=False)
    submit = GovSubmitField("Schedule meeting")


class AddToAgendaForm(FlaskForm):
    case_id = GovSelectField(
        "Case ready for panel", validators=[TextRequired("Choose a case to add")]
    )
    submit = GovSubmitField("Add to agenda")


class TakeOffAgendaForm(FlaskForm):
    to_meeting = GovRadioField(
        "Where should the case go?",
        validators=[TextRequired("Choose a later meeting, or take the case off the agenda")],
    )
    reason = GovTextAreaField(
        "Reason",
        validators=[TextRequired("Give the reason"), MaxLength(2000)],
    )
    submit = GovSubmitField("Confirm")


def _not_identifiers_field() -> GovCheckboxesField:
    # Offered only for the words the check found; what is ticked is checked against them again.
    return GovCheckboxesField(
        "Words that are not identifiers in this text", choices=[], validate_choice=False
    )


class PanelSummaryForm(FlaskForm):
    panel_summary = GovTextAreaField(
        "Panel summary",
        validators=[TextRequired("Enter the panel summary"), MaxLength(20_000)],
    )
    not_identifiers = _not_identifiers_field()
    version = HiddenField()
    submit = GovSubmitField("Save summary")


class ExtractForm(FlaskForm):
    text = GovTextAreaField(
        "Extract for the panel pack",
        validators=[TextRequired("Enter the extract"), MaxLength(50_000)],
    )
    not_identifiers = _not_identifiers_field()
    version = HiddenField()
    submit = GovSubmitField("Confirm extract")


class ActionRowForm(Form):
    action_id = HiddenField()
    organisation_id = GovSelectField(
        "Owning organisation", validators=[Optional()], validate_choice=False
    )
    description = GovTextAreaField("Action", validators=[Optional(), MaxLength(2000)])
    due_on = GovDateField("Due date", validators=[Optional()])

    def is_blank(self) -> bool:
        return not (self.organisation_id.data or self.description.data or self.due_on.raw_data
                    and any(self.due_on.raw_data))  # fmt: skip


def _domain_fields() -> dict:
    fields = {}
    for domain in DOMAINS:
        fields[f"{domain.key}_score"] = GovRadioField(
            domain.title,
            choices=select_choices((str(value), label) for value, label in DOMAIN_SCORES),
            validators=[TextRequired(f"Score {domain.title.lower()} as 0, 1 or 2")],
            validate_choice=False,  # the service refuses any other score, with the same words
        )
        fields[f"{domain.key}_factors"] = GovCheckboxesField(
            "Factors named", choices=select_choices(domain.common_factors)
        )
        fields[f"{domain.key}_other"] = GovTextAreaField(
            "Other factors", validators=[Optional(), MaxLength(5000)]
        )
    return fields


class AnalysisForm(FlaskForm):
    category = GovRadioField(
        "Category of death",
        choices=select_choices(CategoryOfDeath.choices()),
        validators=[TextRequired("Select the category of death")],
    )
    modifiable = GovRadioField(
        "Modifiable factors",
        choices=select_choices(ModifiableFactors.choices()),
        validators=[TextRequired("Select whether modifiable factors were identified")],
    )
    learning_points = GovTextAreaField(
        "Learning points", validators=[Optional(), MaxLength(20_000)]
    )
    recommendations = GovTextAreaField(
        "Recommendations", validators=[Optional(), MaxLength(20_000)]
    )
    family_questions_answered = GovRadioField(
        "Were the family's questions answered?",
        choices=select_choices(FamilyQuestionsAnswered.choices()),
        validators=[Optional()],
    )
    family_learning = GovTextAreaField(
        "What was learnt from the family's questions", validators=[Optional(), MaxLength(20_000)]
    )
    actions = FieldList(FormField(ActionRowForm), min_entries=SPARE_ACTION_ROWS)
    version = HiddenField()
    submit = GovSubmitField("Save analysis")

    def offer_spare_rows(self) -> None:
        """At least one empty row after the filled ones (rows the person added stay)."""
        filled = sum(1 for row in self.actions if not row.form.is_blank())
        while len(self.actions) < filled + SPARE_ACTION_ROWS:
            self.actions.append_entry()


for _name, _field in _domain_fields().items():
    setattr(AnalysisForm, _name, _field)


class ActionStatusForm(FlaskForm):
    status = GovRadioField(
        "Status",
        choices=select_choices(ActionStatus.choices()),
        validators=[TextRequired("Choose the action's status")],
    )
    note = GovTextAreaField(
        "Note",
        description="Required when the action is done (what was done) or not accepted (why).",
        validators=[Optional(), MaxLength(5000)],
    )
    version = HiddenField()
    submit = GovSubmitField("Update action")


class SignOffForm(FlaskForm):
    version = HiddenField()
    submit = GovSubmitField("Sign off the review")
