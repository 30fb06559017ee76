"""Every message a form can show is in ecdop's own words and names its field: no validator is
left to WTForms' defaults ("This field is required.", "Field cannot be longer than 5
characters.", "Not a valid choice."), which name none."""

from __future__ import annotations

import importlib
import pkgutil

import wtforms
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NoneOf,
    NumberRange,
    Regexp,
)

import ecdop
from ecdop.foundation.forms import ChoiceNamed, MaxLength

# Validators whose default message names no field.
DEFAULT_WORDED = (AnyOf, DataRequired, Email, EqualTo, InputRequired, Length, NoneOf,
                  NumberRange, Regexp)  # fmt: skip


def every_form_class() -> list[type]:
    for module in pkgutil.walk_packages(ecdop.__path__, "ecdop."):
        if module.name.endswith("forms") or module.name == "ecdop.foundation.forms":
            importlib.import_module(module.name)
    found, waiting = [], [wtforms.Form]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            waiting.append(subclass)
            if subclass.__module__.startswith("ecdop."):
                found.append(subclass)
    return found


def declared_fields(form_class: type):
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            yield name, value


def test_the_walk_finds_the_forms():
    names = {form.__name__ for form in every_form_class()}
    assert {"NotificationForm", "LoginForm", "ConfirmIdentityForm"} <= names


def test_no_validator_falls_back_to_wtforms_words():
    unworded = []
    for form_class in every_form_class():
        for name, field in declared_fields(form_class):
            for validator in field.kwargs.get("validators", ()):
                if isinstance(validator, MaxLength):
                    continue
                if isinstance(validator, DEFAULT_WORDED) and validator.message is None:
                    unworded.append(f"{form_class.__name__}.{name}: {type(validator).__name__}")
    assert unworded == []


def test_every_choice_field_names_itself_when_refusing_a_value():
    unnamed = []
    for form_class in every_form_class():
        for name, field in declared_fields(form_class):
            chooses = issubclass(field.field_class, wtforms.SelectFieldBase)
            if chooses and not issubclass(field.field_class, ChoiceNamed):
                unnamed.append(f"{form_class.__name__}.{name}")
    assert unnamed == []


def test_cleaning_typed_text_leaves_a_coded_answer_its_code():
    """A StrEnum is a str: cleaned as text it became plain text, no longer ``is`` its member,
    and a family's question fell out of its deadline until it was read back."""
    import enum

    from ecdop.foundation.forms import strip

    class Meeting(enum.StrEnum):
        CDRM = "cdrm"

    assert strip(Meeting.CDRM) is Meeting.CDRM
    assert strip("  typed\u202e text ") == "typed text"
