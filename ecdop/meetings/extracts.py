"""The first draft of a report's extract, which the coordinator reads, edits and confirms."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from functools import cache

from ecdop.meetings.anonymise import identifiers_of, normalised, redact, relative_to_death
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


NOT_KNOWN_ANSWER = "Not known"


@cache
def lines_ecdop_writes(form_type: str) -> frozenset[str]:
    """The form's headings, questions and offered answers as the draft writes them, each a
    line of its own: ecdop's words, which the identifier check never searches."""
    lines = {normalised(NOT_KNOWN_ANSWER)}
    for section in definition_for(form_type).sections:
        lines.add(normalised(section.title.upper()))
        for question in section.questions:
            lines.add(normalised(question.label))
            lines.update(normalised(label) for _value, label in question.offered_choices)
    return frozenset(lines)


class PartKind(enum.StrEnum):
    HEADING = "heading"  # a section of the agency's form
    QUESTION = "question"  # the form's set question
    ANSWER = "answer"  # what the agency wrote, as the coordinator confirmed it


@dataclass(frozen=True)
class ExtractPart:
    kind: PartKind
    text: str


def extract_parts(text: str, form_type: str) -> tuple[ExtractPart, ...]:
    """The extract as the panel reads it: the form's headings and set questions told apart
    from the agency's answers. A line counts as the form's own only if it is word for word
    one of the form's; a coordinator's edits elsewhere are answers, as written."""
    headings, questions = _form_words(form_type)
    parts: list[ExtractPart] = []
    answer: list[str] = []

    def end_answer() -> None:
        if "".join(answer).strip():
            parts.append(ExtractPart(PartKind.ANSWER, "\n".join(answer).strip("\n")))
        answer.clear()

    for line in text.splitlines():
        if heading := headings.get(normalised(line)):
            end_answer()
            parts.append(ExtractPart(PartKind.HEADING, heading))
        elif normalised(line) in questions:
            end_answer()
            parts.append(ExtractPart(PartKind.QUESTION, line.strip()))
        else:
            answer.append(line)
    end_answer()
    return tuple(parts)


@cache
def _form_words(form_type: str) -> tuple[dict[str, str], frozenset[str]]:
    """The form's section headings (as the draft writes them, to the title as the form has
    it) and its questions."""
    sections = definition_for(form_type).sections
    return (
        {normalised(section.title.upper()): section.title for section in sections},
        frozenset(normalised(q.label) for section in sections for q in section.questions),
    )


def _answer_text(question: Question, request: ReportingRequest, date_of_death: date) -> str:
    if question.key in request.not_known:
        return NOT_KNOWN_ANSWER
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
