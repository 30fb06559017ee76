"""Changes a service refuses, with the message and the form field to show it at."""

from __future__ import annotations


class ChangeRefused(ValueError):
    """A change that cannot be made; the message is shown to the person at ``field``."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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
