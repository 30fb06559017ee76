"""The first draft of a report's extract, which the coordinator reads, edits and confirms."""

from __future__ import annotations

from datetime import date

from ecdop.meetings.anonymise import identifiers_of, redact, relative_to_death
from ecdop.reporting_forms.definitions import (
    AnswerKind,
    Question,
    definition_for,
)
from ecdop.reporting_forms.models import ReportingRequest


def draft_extract(request: ReportingRequest) -> str:
    """The report's answers, section by section, with the child's identifiers taken out and
    dates told relative to the death."""
    case = request.case
    identifiers = identifiers_of(case)
    blocks = []
    for section in definition_for(request.form_type).sections:
        lines = []
        for question in section.questions:
            answer = _answer_text(question, request, case.date_of_death)
            if answer:
                lines.append(f"{question.label}\n{redact(answer, identifiers)[0]}")
        if lines:
            blocks.append("\n\n".join([section.title.upper(), *lines]))
    return "\n\n".join(blocks)


def _answer_text(question: Question, request: ReportingRequest, date_of_death: date) -> str:
    if question.key in request.not_known:
        return "Not known"
    value = request.answers.get(question.key)
    if not value:
        return ""
    if question.kind is AnswerKind.DATE:
        try:
            return relative_to_death(date.fromisoformat(value), date_of_death)
        except ValueError:
            return ""
    if question.has_choices:
        return dict(question.offered_choices).get(value, value)
    return str(value)
