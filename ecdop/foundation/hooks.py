"""Hooks: how a lower layer calls on the layers above it without importing them.

A lower layer declares a ``Hook`` where it needs them: to say that something changed ("a death
was recorded"), or to ask for what they hold ("what is recorded about this case"). The table in
``ecdop/wiring.py``, at the top, says which functions each hook calls, in order; ``create_app``
gives each app that table, so a hook is called inside an app (a request, a job, a command).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, ParamSpec, TypeVar

from flask import Flask, current_app

Arguments = ParamSpec("Arguments")
Answer = TypeVar("Answer")

EXTENSION = "ecdop.foundation.hooks"


class Hook(Generic[Arguments, Answer]):
    """A point where a lower layer calls what the layers above registered, in their order."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Hook({self.name!r})"

    def registered(self) -> tuple[Callable[Arguments, Answer], ...]:
        return current_app.extensions[EXTENSION].get(self, ())

    def __call__(self, *args: Arguments.args, **kwargs: Arguments.kwargs) -> list[Answer]:
        """Call each registered function in turn; their answers, in the same order."""
        return [function(*args, **kwargs) for function in self.registered()]


def install_hooks(app: Flask, table: Mapping[Hook, tuple[Callable, ...]]) -> None:
    app.extensions[EXTENSION] = dict(table)
