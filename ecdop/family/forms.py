"""Forms of the family's part of a case. What cannot be checked at one field (a reason that
"do not contact" needs, a date against the death) the services refuse at the field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Optional

from ecdop.family.choices import (
    AccessibleFormat,
    ContactMethod,
    QuestionFor,
    Relationship,
    SupportOffered,
    SupportTakenUp,
)
from ecdop.foundation.forms import (
    GovCheckboxesField,
    GovDateField,
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    MaxLength,
    TextRequired,
    date_required,
    email_address,
    select_choices,
)

REASON_MAX = 1000
NOTE_MAX = 5000
YES_NO = select_choices([("yes", "Yes"), ("no", "No")])


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


class FamilyContactForm(FlaskForm):
    full_name = GovStringField(
        "Full name", validators=[TextRequired("Enter their full name"), MaxLength(120)]
    )
    relationship_to_child = GovSelectField(
        "Relationship to the child",
        choices=select_choices([("", "Choose"), *Relationship.choices()]),
        validators=[TextRequired("Choose their relationship to the child")],
    )
    phone = GovStringField("Telephone (optional)", validators=[Optional(), MaxLength(40)])
    email = GovStringField(
        "E-mail address (optional)", validators=[Optional(), MaxLength(254), email_address]
    )
    address = GovTextAreaField("Address (optional)", validators=[Optional(), MaxLength(500)])
    preferred_method = GovRadioField(
        "How do they prefer to be contacted?",
        choices=select_choices(ContactMethod.choices()),
        validators=[TextRequired("Choose how they prefer to be contacted")],
    )
    language = GovStringField(
        "Language they need (optional)",
        description="Leave empty for English.",
        validators=[Optional(), MaxLength(80)],
    )
    interpreter_needed = GovRadioField(
        "Do they need an interpreter?",
        choices=YES_NO,
        validators=[TextRequired("Choose whether they need an interpreter")],
    )
    accessible_formats = GovCheckboxesField(
        "Formats they need (optional)",
        choices=select_choices(AccessibleFormat.choices()),
        validators=[Optional()],
    )
    do_not_contact = GovRadioField(
        "Have they asked not to be contacted?",
        choices=YES_NO,
        validators=[TextRequired("Choose whether they have asked not to be contacted")],
    )
    do_not_contact_reason = GovTextAreaField(
        "Why not, in their words if they gave them",
        description="Needed if they asked not to be contacted: it goes on the timeline.",
        validators=[Optional(), MaxLength(REASON_MAX)],
    )
    version = HiddenField()
    submit = GovSubmitField("Save")


class ContactLogForm(FlaskForm):
    contact_id = GovSelectField("Who with", validators=[TextRequired("Choose who it was with")])
    contacted_on = GovDateField(
        "Date of the contact", validators=[date_required("Enter the date of the contact")]
    )
    method = GovRadioField(
        "How",
        choices=select_choices(ContactMethod.choices()),
        validators=[TextRequired("Choose how the contact was made")],
    )
    made_by = GovStringField(
        "Who made the contact",
        validators=[TextRequired("Enter who made the contact"), MaxLength(120)],
    )
    summary = GovTextAreaField(
        "What was said",
        validators=[TextRequired("Enter what was said"), MaxLength(NOTE_MAX)],
    )
    milestones = GovCheckboxesField(
        "What this contact did (optional)",
        choices=select_choices([
            ("told_about_review", "Told the family how the review works"),
            ("leaflet_given", "Gave the national leaflet for parents and carers"),
            ("invited_to_contribute", "Invited their questions and information for the review"),
            ("outcome_shared", "Told the family the outcome of the review"),
        ]),
        validators=[Optional()],
    )  # fmt: skip
    corrects = HiddenField()
    submit = GovSubmitField("Save contact")


class SupportForm(FlaskForm):
    support_offered = GovRadioField(
        "Was bereavement support offered?",
        choices=select_choices(SupportOffered.choices()),
        validators=[TextRequired("Choose whether bereavement support was offered")],
    )
    support_offered_by = GovStringField(
        "Offered by (organisation or role)",
        description="Needed if support was offered.",
        validators=[Optional(), MaxLength(200)],
    )
    support_taken_up = GovRadioField(
        "Did the family take it up?",
        choices=select_choices(SupportTakenUp.choices()),
        validators=[TextRequired("Choose whether the family took it up")],
    )
    version = HiddenField()
    submit = GovSubmitField("Save")


class FamilyQuestionForm(FlaskForm):
    asked_by_id = GovSelectField("Asked by", validators=[Optional()])
    asked_on = GovDateField(
        "Date they asked", validators=[date_required("Enter the date they asked")]
    )
    question = GovTextAreaField(
        "Their question",
        validators=[TextRequired("Enter the family's question"), MaxLength(NOTE_MAX)],
    )
    goes_to = GovRadioField(
        "Which meeting should answer it?",
        choices=select_choices(QuestionFor.choices()),
        validators=[TextRequired("Choose which meeting should answer it")],
    )
    answerer = GovStringField(
        "Who will answer it (optional)", validators=[Optional(), MaxLength(200)]
    )
    answer = GovTextAreaField("The answer (optional)", validators=[Optional(), MaxLength(NOTE_MAX)])
    answer_given_on = GovDateField(
        "Date the answer was given back to the family (optional)", validators=[Optional()]
    )
    version = HiddenField()
    submit = GovSubmitField("Save question")


class LetterForm(FlaskForm):
    wording = GovTextAreaField(
        "The letter's wording",
        description="Plain words, short sentences. Leave a blank line between paragraphs.",
        validators=[TextRequired("Enter the letter's wording"), MaxLength(NOTE_MAX)],
    )
    preview = GovSubmitField("Preview the letter")
    make = GovSubmitField("Make the letter (PDF)")
