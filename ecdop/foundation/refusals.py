"""Changes a service refuses, with the message and the form field to show it at, the one way
a view turns a refusal into what the page says and the status it answers with, and the one way
a command refuses (``fail``)."""

from __future__ import annotations

from typing import NoReturn

import click
from sqlalchemy.orm.exc import StaleDataError

from ecdop.foundation.forms import field_named
from ecdop.foundation.transactions import roll_back_keeping_what_was_seen


def fail(message: str) -> NoReturn:
    """A command's refusal: the one-line reason, and a non-zero exit, never a traceback."""
    raise click.ClickException(message)


class ChangeRefused(ValueError):
    """A change that cannot be made; the message is shown to the person at ``field``."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ProblemsAtFields(ChangeRefused):
    """Several fields refused at once, each with its own message: every wrong date of a form,
    not just the first."""

    def __init__(self, problems: dict[str, str], summary: str = "Some answers cannot be right"):
        super().__init__(summary, next(iter(problems), None))
        self.problems = problems


class EditConflict(ChangeRefused):
    """Someone else saved the record after this person opened it."""


CONFLICT_MESSAGE = (
    "Someone else changed this while you were working on it. Their version is shown below; "
    "your answers are kept in the form. Check both, then save again."
)


def check_version(record, expected_version: int | None, field: str | None = None) -> None:
    """Refuse a save based on an older version of ``record`` (its ``version_id``)."""
    if expected_version is None or record.version_id != expected_version:
        raise EditConflict(CONFLICT_MESSAGE, field)


# What a view catches around a service call: a refusal, or a save overtaken by another.
REFUSALS = (ChangeRefused, StaleDataError)


def refusal_message(refused: Exception) -> str:
    """What the person is told: the service's words, or, when someone else saved the record
    first, the conflict message."""
    conflict = isinstance(refused, EditConflict | StaleDataError)
    return CONFLICT_MESSAGE if conflict else str(refused)


def refusal_status(refused: Exception) -> int:
    """409 when someone else saved the record first, 400 for any other refusal."""
    return 409 if isinstance(refused, EditConflict | StaleDataError) else 400


def show_refusal(refused: Exception, form=None, default_field: str | None = None) -> int:
    """Undo the refused change (what was read is kept), put its message on ``form`` at its
    field, and give the status the page answers with."""
    roll_back_keeping_what_was_seen()
    if form is not None:
        problems = getattr(refused, "problems", None) or {
            getattr(refused, "field", None) or default_field: refusal_message(refused)
        }
        for name, message in problems.items():
            field = field_named(form, name)
            field.errors = [*field.errors, message]
    return refusal_status(refused)
