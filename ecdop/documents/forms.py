"""The post-mortem and inquest forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Optional

from ecdop.documents.choices import (
    AGENCY_KINDS,
    DocumentKind,
    InquestConclusion,
    OrderedBy,
    PostMortemNeeded,
    PostMortemType,
)
from ecdop.foundation.forms import (
    GovDateField,
    GovFileField,
    GovRadioField,
    GovSelectField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    MaxLength,
    TextRequired,
    date_required,
    select_choices,
)


class PostMortemForm(FlaskForm):
    needed = GovRadioField(
        "Is a post-mortem needed?",
        choices=select_choices(PostMortemNeeded.choices()),
        validators=[TextRequired("Choose whether a post-mortem is needed")],
    )
    ordered_by = GovRadioField(
        "Who ordered it?", choices=select_choices(OrderedBy.choices()), validators=[Optional()]
    )
    kind = GovSelectField(
        "Type (optional)",
        choices=select_choices([("", "Not known yet"), *PostMortemType.choices()]),
        validators=[Optional()],
    )
    performed_on = GovDateField("Date performed (optional)", validators=[Optional()])
    provisional_cause_received_on = GovDateField(
        "Date the provisional cause came (optional)", validators=[Optional()]
    )
    provisional_cause = GovTextAreaField(
        "Provisional cause of death (optional)", validators=[Optional(), MaxLength(2000)]
    )
    final_report_received_on = GovDateField(
        "Date the final report came (optional)", validators=[Optional()]
    )
    # Choices are the case's kept final reports, set by the view.
    final_report_document_id = GovSelectField(
        "The final report's document (optional)", validators=[Optional()], choices=[]
    )
    version = HiddenField()
    submit = GovSubmitField("Save post-mortem")


class InquestForm(FlaskForm):
    coroner_area = GovStringField(
        "Coroner's area", validators=[TextRequired("Enter the coroner's area"), MaxLength(160)]
    )
    coroner_reference = GovStringField(
        "Coroner's reference (optional)", validators=[Optional(), MaxLength(80)]
    )
    opened_on = GovDateField(
        "Date the inquest opened", validators=[date_required("Enter the date the inquest opened")]
    )
    expected_on = GovDateField("Date it is expected (optional)", validators=[Optional()])
    concluded_on = GovDateField("Date it concluded (optional)", validators=[Optional()])
    conclusion = GovSelectField(
        "Conclusion",
        choices=select_choices([("", "Not concluded yet"), *InquestConclusion.choices()]),
        validators=[Optional()],
    )
    prevention_of_future_deaths_report = GovRadioField(
        "Did the coroner write a Prevention of Future Deaths report?",
        choices=select_choices([("yes", "Yes"), ("no", "No")]),
        validators=[TextRequired("Choose whether there was a Prevention of Future Deaths report")],
    )
    report_sent_to = GovTextAreaField(
        "To whom it went", description="Needed if there was a report.",
        validators=[Optional(), MaxLength(2000)],
    )  # fmt: skip
    version = HiddenField()
    submit = GovSubmitField("Save inquest")


class AttachmentForm(FlaskForm):
    """An agency's document sent with its reporting form."""

    kind = GovSelectField(
        "What is it?",
        choices=select_choices(
            [("", "Choose"), *((kind.value, kind.label) for kind in AGENCY_KINDS)]
        ),
        validators=[TextRequired("Choose what the document is")],
    )
    file = GovFileField("The document")
    submit = GovSubmitField("Send the document")


class DocumentForm(FlaskForm):
    kind = GovSelectField(
        "What is it?",
        choices=select_choices([("", "Choose"), *DocumentKind.choices()]),
        validators=[TextRequired("Choose what the document is")],
    )
    received_on = GovDateField(
        "Date it came", validators=[date_required("Enter the date the document came")]
    )
    # Checked by its content in the service (documents.content), not here by its name.
    file = GovFileField("The document")
    submit = GovSubmitField("Keep the document")


class WithdrawDocumentForm(FlaskForm):
    reason = GovTextAreaField(
        "Why it is being withdrawn",
        validators=[TextRequired("Give the reason for withdrawing the document"),
                    MaxLength(1000)],
    )  # fmt: skip
    submit = GovSubmitField("Withdraw and erase the document")
