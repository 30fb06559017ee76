"""Web forms built from the form definitions, and the coordinator's request and review forms."""

from __future__ import annotations

from datetime import date
from functools import cache

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput
from wtforms import BooleanField, HiddenField
from wtforms.validators import Optional, ValidationError

from ecdop.foundation.clock import uk_today
from ecdop.foundation.forms import (
    GovCheckboxesField,
    GovDateField,
    GovRadioField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    MaxLength,
    TextRequired,
    date_required,
    select_choices,
)
from ecdop.reporting_forms.definitions import (
    NOT_KNOWN,
    NOT_KNOWN_SUFFIX,
    AnswerKind,
    FormDefinition,
    Question,
)

TEXT_LIMITS = {AnswerKind.SHORT_TEXT: 200, AnswerKind.LONG_TEXT: 20_000}


def _answer_field(question: Question):
    validators: list = [Optional()]
    options: dict[str, object] = {"description": question.hint, "validators": validators}
    if question.kind in TEXT_LIMITS:
        limit = TEXT_LIMITS[question.kind]
        validators.append(MaxLength(limit, message=f"Answer must be {limit:,} characters or fewer"))
        field_class = GovStringField if question.kind is AnswerKind.SHORT_TEXT else GovTextAreaField
        return field_class(question.label, **options)
    if question.kind is AnswerKind.DATE:
        return GovDateField(question.label, **options)
    return GovRadioField(
        question.label, choices=select_choices(question.offered_choices), **options
    )


class AgencyReportForm(FlaskForm):
    """Base of every generated reporting form."""

    version = HiddenField()
    save_draft = GovSubmitField("Save as draft")
    submit = GovSubmitField("Continue to check your answers")


@cache
def report_form_class(definition: FormDefinition) -> type[AgencyReportForm]:
    """A WTForms class for the definition: one field per question, plus a "Not known" tick box
    for text and date questions that offer it (choice questions offer it as a radio)."""
    fields = {}
    for question in definition.questions:
        fields[question.key] = _answer_field(question)
        if question.not_known and not question.has_choices:
            fields[question.key + NOT_KNOWN_SUFFIX] = BooleanField(
                "Not known", widget=GovCheckboxInput()
            )
    return type(f"{definition.key.title().replace('_', '')}Form", (AgencyReportForm,), fields)


def form_data_for(definition: FormDefinition, answers: dict, not_known: list) -> dict:
    """Saved answers as the form's initial data."""
    data: dict[str, object] = {}
    for question in definition.questions:
        value = answers.get(question.key)
        if question.key in not_known:
            if question.has_choices:
                data[question.key] = NOT_KNOWN
            else:
                data[question.key + NOT_KNOWN_SUFFIX] = True
        elif value and question.kind is AnswerKind.DATE:
            data[question.key] = date.fromisoformat(value)
        elif value:
            data[question.key] = value
    return data


def answers_from(form: AgencyReportForm, definition: FormDefinition) -> tuple[dict, list]:
    """(answers by question key, keys answered "Not known") from a validated form."""
    answers, not_known = {}, []
    for question in definition.questions:
        value = form[question.key].data
        ticked = (
            question.key + NOT_KNOWN_SUFFIX in form and form[question.key + NOT_KNOWN_SUFFIX].data
        )
        if value == NOT_KNOWN or ticked:
            not_known.append(question.key)
        elif isinstance(value, date):
            answers[question.key] = value.isoformat()
        elif value:
            answers[question.key] = value
    return answers, not_known


def both_answered_and_not_known(form: AgencyReportForm, definition: FormDefinition) -> list[str]:
    """Keys of questions with an answer typed and "Not known" ticked: one or the other."""
    return [
        question.key
        for question in definition.questions
        if question.key + NOT_KNOWN_SUFFIX in form
        and form[question.key + NOT_KNOWN_SUFFIX].data
        and form[question.key].data
    ]


def _due_in_future(form, field) -> None:
    if field.data is not None and field.data < uk_today():
        raise ValidationError("The due date must be today or in the future")


class RequestReportsForm(FlaskForm):
    organisation_ids = GovCheckboxesField(
        "Agencies that knew the child",
        coerce=int,
        validators=[TextRequired("Choose at least one agency")],
    )
    supplementary_forms = GovCheckboxesField(
        "Supplementary forms (optional)",
        description="The Reporting Form is always sent. Add the forms for the circumstances "
        "of this death.",
        validators=[Optional()],
    )
    due_on = GovDateField(
        "Due date",
        validators=[date_required("Enter the date the reports are due"), _due_in_future],
    )
    submit = GovSubmitField("Send requests")


class ReturnReportForm(FlaskForm):
    question = GovTextAreaField(
        "Your question for the agency",
        validators=[TextRequired("Enter the question for the agency"), MaxLength(5000)],
    )
    version = HiddenField()
    submit = GovSubmitField("Return the form with this question")


class ExcuseReportForm(FlaskForm):
    reason = GovTextAreaField(
        "Why will this form not come?",
        description="For example, the agency has no record of the child.",
        validators=[TextRequired("Say why the form will not come"), MaxLength(5000)],
    )
    version = HiddenField()
    submit = GovSubmitField("Record that it will not come")
