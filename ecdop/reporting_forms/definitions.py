"""Reporting forms as data: one TOML definition per form type in ``definitions/``.

A definition has sections of questions; each question has an answer kind and may offer
"Not known". The web form, validation and read-only views are all built from the definition,
so a new supplementary form is a new TOML file, not new code.
"""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

CORE_FORM = "core"
NOT_KNOWN = "not_known"
RESERVED_FIELD_NAMES = {"csrf_token", "version", "save_draft", "submit"}
# A text or date question's "Not known" tick box is the field named key + this suffix.
NOT_KNOWN_SUFFIX = "_not_known"


class AnswerKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    YES_NO = "yes_no"
    CHOICE = "choice"
    DATE = "date"


YES_NO_CHOICES = (("yes", "Yes"), ("no", "No"))


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: AnswerKind
    hint: str = ""
    required: bool = False
    not_known: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    # A date question's limits beyond "not in the future": on or before the child's death
    # (something in the child's life), and on or after another date question's answer.
    by_death: bool = False
    not_before: str = ""

    @property
    def offered_choices(self) -> tuple[tuple[str, str], ...]:
        """The radios shown for yes/no and choice questions, "Not known" last if offered."""
        base = YES_NO_CHOICES if self.kind is AnswerKind.YES_NO else self.choices
        return (*base, (NOT_KNOWN, "Not known")) if self.not_known else base

    @property
    def has_choices(self) -> bool:
        return self.kind in (AnswerKind.YES_NO, AnswerKind.CHOICE)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title: str
    description: str
    sections: tuple[Section, ...]

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    @property
    def is_core(self) -> bool:
        return self.key == CORE_FORM


class DefinitionError(ValueError):
    """A definition file that does not describe a usable form."""


def _question(raw: dict) -> Question:
    kind = AnswerKind(raw["kind"])
    choices = tuple(tuple(pair) for pair in raw.get("choices", ()))
    if (kind is AnswerKind.CHOICE) != bool(choices):
        raise DefinitionError(f"{raw['key']}: choices go with kind 'choice', and only there")
    return Question(
        key=raw["key"],
        label=raw["label"],
        kind=kind,
        hint=raw.get("hint", ""),
        required=raw.get("required", False),
        not_known=raw.get("not_known", True),
        choices=choices,
        by_death=raw.get("by_death", False),
        not_before=raw.get("not_before", ""),
    )


def _definition(raw: dict) -> FormDefinition:
    sections = tuple(
        Section(section["key"], section["title"], tuple(map(_question, section["questions"])))
        for section in raw["sections"]
    )
    definition = FormDefinition(raw["key"], raw["title"], raw.get("description", ""), sections)
    keys = [question.key for question in definition.questions]
    if len(keys) != len(set(keys)):
        raise DefinitionError(f"{definition.key}: question keys repeat")
    dates = {question.key for question in definition.questions if question.kind is AnswerKind.DATE}
    if unknown := [
        q.key for q in definition.questions if q.not_before and q.not_before not in dates
    ]:
        raise DefinitionError(f"{definition.key}: not_before names no date question in {unknown}")
    bad = [
        key
        for key in keys
        if not key.isidentifier() or key in RESERVED_FIELD_NAMES or key.endswith(NOT_KNOWN_SUFFIX)
    ]
    if bad:
        raise DefinitionError(f"{definition.key}: unusable question keys {bad}")
    return definition


@cache
def form_definitions() -> dict[str, FormDefinition]:
    """Every form type, the core Reporting Form first, then supplementary forms by title."""
    found = []
    for entry in resources.files(__package__).joinpath("definitions").iterdir():
        if entry.name.endswith(".toml"):
            found.append(_definition(tomllib.loads(entry.read_text(encoding="utf-8"))))
    found.sort(key=lambda definition: (not definition.is_core, definition.title))
    return {definition.key: definition for definition in found}


def definition_for(form_type: str) -> FormDefinition:
    return form_definitions()[form_type]


def supplementary_definitions() -> list[FormDefinition]:
    return [definition for definition in form_definitions().values() if not definition.is_core]


def missing_answers(
    definition: FormDefinition, answers: dict[str, str], not_known: list[str]
) -> dict[str, str]:
    """What a submission still lacks: the message for each required question left blank."""
    problems = {}
    for question in definition.questions:
        if question.required and not answers.get(question.key) and question.key not in not_known:
            verb = "Select an answer for" if question.has_choices else "Answer"
            problems[question.key] = f'{verb} "{question.label}"'
    return problems


def impossible_dates(
    definition: FormDefinition, answers: dict[str, str], *, date_of_death: date, today: date
) -> dict[str, str]:
    """Dates that cannot be true, each with the message for its question: after today, after
    the child's death where the question is about the child's life, or before the date another
    answer gives."""
    given = {
        question.key: date.fromisoformat(answers[question.key])
        for question in definition.questions
        if question.kind is AnswerKind.DATE and answers.get(question.key)
    }
    problems = {}
    for question in definition.questions:
        if question.key in given and (problem := _date_problem(question, given, date_of_death,
                                                               today, definition)):  # fmt: skip
            problems[question.key] = problem
    return problems


def _date_problem(question, given, date_of_death, today, definition) -> str:
    answer = given[question.key]
    if answer > today:
        return f'"{question.label}" must be today or in the past'
    if question.by_death and answer > date_of_death:
        return f'"{question.label}" cannot be after the child\'s death, on {_uk(date_of_death)}'
    earlier = given.get(question.not_before)
    if earlier is not None and answer < earlier:
        label = next(q.label for q in definition.questions if q.key == question.not_before)
        return f'"{question.label}" cannot be before "{label}"'
    return ""


def _uk(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
