"""The notification as JSON: its schema is read off the web form, so the API asks for exactly
the fields the form asks for, and its answers are checked by the form's own validators.

A request is checked twice, in order. First its shape, against the JSON Schema the OpenAPI
document publishes (types, lengths, choices, no unknown fields); then, field by field, by
``NotificationForm``, which holds every rule of a notification (NHS number checksum, postcode,
dates that cannot be true). A field's first message wins.
"""

from __future__ import annotations

from datetime import date, time
from functools import cache

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from werkzeug.datastructures import MultiDict
from wtforms import Field
from wtforms.validators import InputRequired, Length

from ecdop.auth.models import Area, User
from ecdop.foundation.forms import GovCheckboxesField, GovDateField, GovRadioField, GovSelectField
from ecdop.notifications.forms import NotificationForm
from ecdop.notifications.models import Notification
from ecdop.notifications.services import NotificationDetails

AREA_CODE = "area_code"
# Fields of the web form that are not part of the notification itself.
NOT_NOTIFICATION_FIELDS = {"area_id", "submit", "csrf_token"}
AREA_CODE_PROPERTY = {
    "title": "Review area code",
    "type": ["string", "null"],
    "maxLength": 12,
    "description": "The review area's code, like DEMO. May be left out when the token's "
    "notifier works in one area only.",
}


class NotificationInvalid(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("The notification is not valid")
        self.errors = errors


def _bare_form() -> NotificationForm:
    return NotificationForm(formdata=None, meta={"csrf": False})


def _label(field: Field) -> str:
    return field.label.text.removesuffix(" (optional)")


def _is_required(field: Field) -> bool:
    return any(isinstance(validator, InputRequired) for validator in field.validators)


def _choice_values(field: Field) -> list[str]:
    return [choice.value for choice in field.choices if choice.value != ""]


def _property_for(field: Field) -> dict:
    description = field.description
    if isinstance(field, GovDateField):
        schema: dict = {"type": "string", "format": "date"}
        description = "A date written like 2019-03-27"
    elif isinstance(field, GovCheckboxesField | GovRadioField | GovSelectField):
        values = {"type": "string", "enum": _choice_values(field)}
        many = isinstance(field, GovCheckboxesField)
        schema = {"type": "array", "items": values} if many else values
        description = "; ".join(
            f"{choice.value}: {choice.label}" for choice in field.choices if choice.value
        )
    else:
        schema = {"type": "string"}
        lengths = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
        if lengths:
            schema["maxLength"] = min(lengths)
    if not _is_required(field):
        schema["type"] = [schema["type"], "null"]
    return {"title": _label(field), "description": description or _label(field), **schema}


@cache
def notification_request_schema() -> dict:
    """The JSON Schema of a notification, as the OpenAPI document publishes it."""
    fields = [field for field in _bare_form() if field.name not in NOT_NOTIFICATION_FIELDS]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [field.name for field in fields if _is_required(field)],
        "properties": {
            AREA_CODE: AREA_CODE_PROPERTY,
            **{field.name: _property_for(field) for field in fields},
        },
    }


@cache
def _shape_validator() -> Draft202012Validator:
    return Draft202012Validator(notification_request_schema(), format_checker=FormatChecker())


def _labels() -> dict[str, str]:
    properties = notification_request_schema()["properties"]
    return {name: spec["title"] for name, spec in properties.items()}


def _shape_message(error: ValidationError, label: str) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "enum" in schema or "enum" in schema.get("items", {}):
        choices = schema.get("enum") or schema["items"]["enum"]
        many = "items" in schema or len(error.absolute_path) > 1
        return f"{label} must be {'a list of' if many else 'one of'}: {', '.join(choices)}"
    match error.validator:
        case "type":
            wanted = schema.get("type")
            wanted = wanted[0] if isinstance(wanted, list) else wanted
            return f"{label} must be {'a list of text values' if wanted == 'array' else 'text'}"
        case "maxLength":
            return f"{label} must be {schema['maxLength']} characters or fewer"
        case "format":
            return f"{label} must be a real date written like 2019-03-27"
        case _:
            return f"{label} is not valid"


def shape_problems(document: dict) -> dict[str, list[str]]:
    """Messages by field for what does not fit the schema. Missing fields (and required ones
    sent as null) are left to the form, whose messages say what to enter."""
    labels = _labels()
    problems: dict[str, list[str]] = {}
    for unknown in sorted(set(document) - set(labels)):
        problems[unknown] = [f"{unknown} is not a field of a notification"]
    for error in _shape_validator().iter_errors(document):
        if error.validator in ("required", "additionalProperties") or not error.absolute_path:
            continue
        if error.validator == "type" and error.instance is None:
            continue
        field = str(error.absolute_path[0])
        problems.setdefault(field, [_shape_message(error, labels[field])])
    return problems


def _form_input(document: dict) -> MultiDict:
    """The document as the web form would have posted it."""
    posted: MultiDict[str, str] = MultiDict()
    for name, value in document.items():
        if value is None or name == AREA_CODE:
            continue
        if isinstance(value, list):
            posted.setlist(name, value)
        elif name in _date_fields():
            year, month, day = value.split("-")
            posted.setlist(name, [day, month, year])
        else:
            posted.add(name, value)
    return posted


@cache
def _date_fields() -> frozenset[str]:
    properties = notification_request_schema()["properties"]
    return frozenset(name for name, spec in properties.items() if spec.get("format") == "date")


def _notifying_area(document: dict, notifier: User) -> tuple[Area | None, str | None]:
    code = (document.get(AREA_CODE) or "").strip().upper()
    areas = {area.code: area for area in notifier.areas}
    if not code and len(areas) == 1:
        return next(iter(areas.values())), None
    if code in areas:
        return areas[code], None
    yours = ", ".join(sorted(areas)) or "none"
    if not code:
        return None, f"Give the review area's code: one of {yours}"
    return None, f"Review area must be one this notifier notifies for: {yours}"


def notification_from_document(
    document: object, notifier: User
) -> tuple[NotificationDetails, Area]:
    """The checked notification and its area, or NotificationInvalid with every message."""
    if not isinstance(document, dict):
        raise NotificationInvalid({})
    problems = shape_problems(document)
    well_shaped = {name: value for name, value in document.items() if name not in problems}
    area, area_problem = _notifying_area(well_shaped, notifier)
    if area_problem and AREA_CODE not in problems:
        problems[AREA_CODE] = [area_problem]
    form = NotificationForm(formdata=_form_input(well_shaped), meta={"csrf": False})
    form.area_id.choices = [(area.id, area.code)] if area else []
    form.area_id.data = area.id if area else None
    form.validate()
    for name, messages in form.errors.items():
        if name not in NOT_NOTIFICATION_FIELDS and name not in problems:
            problems[name] = list(messages)
    if problems or area is None:
        raise NotificationInvalid(problems)
    return form.to_details(), area


def _as_json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def notification_document(notification: Notification) -> dict:
    """A stored notification in the shape it was sent in."""
    names = notification_request_schema()["properties"]
    return {
        AREA_CODE: notification.area.code,
        **{name: _as_json(getattr(notification, name)) for name in names if name != AREA_CODE},
    }


def receipt_document(notification: Notification) -> dict:
    """What the API's receipt shows: what was stored, and the case it joined."""
    return {
        "notification_id": notification.id,
        "case_reference": notification.case.reference if notification.case else None,
        "match": notification.match_result.value if notification.match_result else None,
        "submitted_at": notification.submitted_at.isoformat(timespec="seconds"),
        "organisation": notification.organisation.name,
        "notification": notification_document(notification),
    }
