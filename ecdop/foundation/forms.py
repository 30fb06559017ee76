"""Form pieces every feature uses: GOV.UK widgets, stripping, and the day/month/year date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import g, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    Field,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from ecdop.foundation.formatting import clock_time


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


# C0 control characters other than tab, line feed and carriage return: invisible when typed or
# pasted, and PostgreSQL refuses NUL in text outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Bidirectional embeddings, overrides and isolates: they make text read differently from what
# it holds (a name that displays reversed, a reference that looks like another).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Zero-width characters: two names that look the same but do not match, or a word hidden from a
# search. Kept in longer text, where joiners belong to some scripts and emoji.
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")


def strip(value):
    """Typed text without surrounding spaces, control or bidirectional characters. Only plain
    text: a coded answer (a StrEnum) is a str too, and cleaning it would leave text that is
    no longer its code."""
    if type(value) is not str:
        return value
    return BIDI_CONTROLS.sub("", CONTROL_CHARACTERS.sub("", value)).strip()


def one_line(value):
    """A value typed on one line, such as a name: a pasted line break becomes a space, so it can
    never start a new line in an e-mail, and zero-width characters go."""
    if not isinstance(value, str):
        return value
    return strip(ZERO_WIDTH.sub("", LINE_BREAKS.sub(" ", value)))


def spoken_label(field: Field) -> str:
    """A field's label as a message names it: "Time of death", not "Time of death (optional)"."""
    return re.sub(r"\s*\(optional\)\s*$", "", str(field.label.text)).strip()


class MaxLength(Length):
    """A length limit whose message is in the service's words and names its field (WTForms'
    own, "Field cannot be longer than 5 characters.", names none)."""

    def __init__(self, max: int, message: str | None = None):
        super().__init__(max=max, message=message)

    def __call__(self, form, field) -> None:
        if len(field.data or "") > self.max:
            raise ValidationError(
                self.message or f"{spoken_label(field)} must be {self.max:,} characters or fewer"
            )


class ChoiceNamed(Field):
    """A choice field whose refusal of a value it did not offer names the field."""

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(f"{spoken_label(self)}: choose from the options shown") from None


class DrawnInPageOrder(Field):
    """A field that notes when the page draws it, so that the error summary lists problems in
    the order a person meets them on the page, not the order the form declares its fields."""

    def __call__(self, **kwargs):
        g.setdefault("fields_drawn", []).append(self.id)
        return super().__call__(**kwargs)


class GovStringField(DrawnInPageOrder, StringField):
    widget = GovTextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", [one_line])
        super().__init__(*args, **kwargs)


class GovTextAreaField(DrawnInPageOrder, TextAreaField):
    widget = GovTextArea()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", [strip])
        super().__init__(*args, **kwargs)


class GovIntegerField(DrawnInPageOrder, IntegerField):
    widget = GovTextInput()
    # A field's data is what its validators let through: a required field's is never None
    # once the form is valid, which no type can say. Views read it as it is.
    data: Any

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(f"{spoken_label(self)} must be a whole number, like 20") from None


class GovSelectField(ChoiceNamed, DrawnInPageOrder, SelectField):
    widget = GovSelect()


class GovRadioField(ChoiceNamed, DrawnInPageOrder, RadioField):
    widget = GovRadioInput()


class GovCheckboxesField(ChoiceNamed, DrawnInPageOrder, SelectMultipleField):
    widget = GovCheckboxesInput()


class GovFileField(DrawnInPageOrder, FileField):
    """A file to upload; what it is, is decided by its content where it is kept."""

    widget = GovFileInput()


class GovSubmitField(SubmitField):
    widget = GovSubmitInput()


DATE_PARTS = ("day", "month", "year")


class GovDateField(DrawnInPageOrder, DateField):
    """A date typed as day, month and year, with the GOV.UK Design System's messages."""

    widget = GovDateInput()
    data: Any  # as GovIntegerField's

    def process_formdata(self, valuelist):
        # Always keep three parts, so the page can show back exactly what was typed.
        parts = [strip(part) for part in (list(valuelist) + ["", "", ""])[:3]]
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{spoken_label(self)} must include a {' and a '.join(missing)}")
        if not all(part.isdigit() and len(part) <= 4 for part in parts):
            raise ValueError(f"{spoken_label(self)} must be a real date")
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(year, month, day)
        except ValueError:
            raise ValueError(f"{spoken_label(self)} must be a real date") from None


def drawn(field: Field) -> str:
    """A field a template draws by hand (a box in a table row): noted in page order like the
    others, so the error summary lists it where it is. Returns the id for its element."""
    g.setdefault("fields_drawn", []).append(field.id)
    return field.id


def error_summary(form) -> dict:
    """The GOV.UK error summary's parameters: each field's first problem, in page order, each
    linking to the field's first input (a date's day box), so the link moves focus there."""
    problems = list(_problems(form))
    drawn = g.get("fields_drawn", [])
    position = {field_id: index for index, field_id in reversed(list(enumerate(drawn)))}
    problems.sort(key=lambda problem: position.get(problem[0], len(drawn)))
    return {
        "titleText": "There is a problem",
        "errorList": [{"text": text, "href": f"#{target}"} for _id, text, target in problems],
    }


def has_problems(form) -> bool:
    """Whether the page shows any problem with ``form``, a row's box included."""
    return form is not None and next(_problems(form), None) is not None


def _problems(form) -> Iterator[tuple[str, str, str]]:
    """(field id, first message, id of its first input) for each field with a problem."""
    for field in form:
        yield from _field_problems(field)


def _field_problems(field: Field) -> Iterator[tuple[str, str, str]]:
    if isinstance(field, FieldList):
        # A problem with the rows as a whole (set on the list itself) links to the first row.
        for message in (error for error in field.errors if isinstance(error, str)):
            yield field.id, message, _first_input(field)
        for entry in field:
            yield from _field_problems(entry)
    elif isinstance(field, FormField):
        for message in getattr(field.form, "form_errors", ()):
            yield field.id, message, _first_input(field)
        yield from _problems(field.form)
    elif field.errors:
        yield field.id, field.errors[0], _first_input(field)


def _first_input(field: Field) -> str:
    """The id of the box a link to ``field`` moves focus to: a date's day, a row's first."""
    if isinstance(field, FieldList):
        return _first_input(field.entries[0]) if field.entries else field.id
    if isinstance(field, FormField):
        return _first_input(next(iter(field.form))) if len(field.form._fields) else field.id
    return f"{field.name}-day" if isinstance(field, DateField) else field.id


def field_named(form, name: str) -> Field:
    """A field of ``form`` by its full name, a row's included ("actions-0-due_on")."""
    for field in _every_field(form):
        if field.name == name:
            return field
    raise KeyError(name)


def _every_field(form) -> Iterator[Field]:
    for field in form:
        yield field
        if isinstance(field, FieldList):
            for entry in field:
                yield entry
                if isinstance(entry, FormField):
                    yield from _every_field(entry.form)
        elif isinstance(field, FormField):
            yield from _every_field(field.form)


TIME_OF_DAY = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def time_of_day(text: str) -> time | None:
    """A time as people type it: 14:30, 9.15, 10am, 2:30pm; None if it is not one."""
    match = TIME_OF_DAY.match(text.strip())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if match[2] is None and not half:
        return None  # "10" alone: morning or evening?
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    return time(hour, minute) if hour <= 23 and minute <= 59 else None


class GovTimeField(GovStringField):
    """A time of day typed in one box; the field's data is a ``time``."""

    data: Any  # as GovIntegerField's

    def process_formdata(self, valuelist):
        self.raw_text = strip(valuelist[0]) if valuelist else ""
        self.data = time_of_day(self.raw_text) if self.raw_text else None
        if self.raw_text and self.data is None:
            raise ValueError(f"{spoken_label(self)} must be a time, like 10am, 2:30pm or 14:30")

    def _value(self):
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return clock_time(self.data) if self.data else ""


class TextRequired(InputRequired):
    """InputRequired, and not just spaces: typed text is stripped, and blank is not an answer.

    It sets no ``required`` attribute on the page: the service checks every answer and says
    what is wrong at the field, as GOV.UK forms do (the browser's own checks are turned off),
    and ``required`` is not valid HTML on a date's group of boxes, nor on a list whose first
    choice is a real answer."""

    def __init__(self, message: str | None = None):
        super().__init__(message)
        self.field_flags: dict[str, bool] = {}

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data:
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext("This field is required."))


def value_required(message: str):
    """Like InputRequired for a field that parses what was typed (a date, a time), but what
    was typed and not understood keeps its own, more precise message."""

    def validate(form, field) -> None:
        if field.errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(message)

    return validate


def date_required(message: str):
    """value_required for a day/month/year date ("must include a month" stays)."""
    return value_required(message)


# PostgreSQL's integer: a posted id beyond it can name no record, and must not reach a query.
LARGEST_ID = 2**31 - 1


def record_id(value) -> int | None:
    """A posted record id, or None if it cannot be one (empty, not a number, out of range)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= LARGEST_ID else None


def posted_version() -> int | None:
    """The record version a confirmation page posted (its hidden ``version``), if a number."""
    value = str(request.form.get("version", ""))
    return int(value) if value.isdigit() else None


def submitted_version(form) -> int | None:
    """The record version the person's form was based on, or None if missing or not a number."""
    value = str(form.version.data or "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page asks before a change that cannot be taken back (rendered by
    templates/confirm.html): the question, what the person is acting on, what will follow."""

    question: str
    button: str
    cancel_url: str
    rows: tuple[tuple[str, str], ...] = ()
    consequences: tuple[str, ...] = ()
    irreversible: bool = True  # says "This cannot be undone"
    destructive: bool = True  # a warning (red) button
    hidden: tuple[tuple[str, str], ...] = ()  # e.g. the version of the record shown


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token travels with it."""


class ListFilterForm(FlaskForm):
    """A list's filter and order, sent in the address: only choices from fixed lists, never
    anything typed, so nothing identifying reaches browser history or server logs."""

    class Meta:
        csrf = False

    agency = GovSelectField("Agency")  # only on lists given ``agencies``
    show = GovSelectField("Show")
    sort = GovSelectField("Order")


Choices = list[tuple[str, str]]


def list_filters(
    show: Choices, sort: Choices, *, agencies: Choices | None = None
) -> ListFilterForm:
    """The filter form read from the address; a value not on the list is the first choice."""
    form = ListFilterForm(formdata=request.args)
    filters = [(form.show, show), (form.sort, sort)]
    if agencies is None:
        del form.agency
    else:
        filters.append((form.agency, agencies))
    for field, choices in filters:
        field.choices = select_choices(choices)
        if field.data not in {value for value, _label in choices}:
            field.data = choices[0][0]
    return form


def form_status(form) -> int:
    """The status of a page showing ``form``: 400 once it was sent with errors (every invalid
    POST answers 400), 200 otherwise."""
    return 400 if form.errors else 200


def email_address(form, field) -> None:
    """An e-mail address in the right shape (not checked for delivery)."""
    # test_environment admits the reserved .test domain that the demo accounts use.
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.nhs.uk"
        ) from None
