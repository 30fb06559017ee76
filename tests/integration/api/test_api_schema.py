"""The OpenAPI document tells the truth: schemathesis generates requests from it, valid and
invalid, and every answer must be documented, conform to its schema, and never be a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from ecdop.api.schemas import notification_request_schema
from ecdop.notifications.forms import NotificationForm
from tests.api_helpers import bearer, token_for

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class RequestByRequest:
    """The app as a server runs it: each request in its own app context, so nothing in ``g``
    (such as who was signed in) carries from one request to the next."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            return list(self.app.wsgi_app(environ, start_response))


OPERATIONS = ("POST /api/v1/notifications", "GET /api/v1/notifications/{notification_id}")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_keeps_to_its_openapi_document(app, demo, label, mode):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json",
        RequestByRequest(app),
        config=SchemathesisConfig.from_path(str(PROJECT_ROOT / "schemathesis.toml")),
    )
    operation = schema.find_operation_by_label(label)
    secret = token_for("police@demo.test")

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def answers_as_documented(case):
        case.call_and_validate(headers=bearer(secret))

    answers_as_documented()


def test_the_document_is_openapi_3_1_and_public(browser):
    document = browser.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json["openapi"] == "3.1.0"
    assert set(document.json["paths"]) == {
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}",
    }


def test_the_documented_notification_is_the_web_forms(app):
    with app.test_request_context():
        form_fields = {field.name for field in NotificationForm(meta={"csrf": False})}
        schema = notification_request_schema()
    assert set(schema["properties"]) == form_fields - {"area_id", "submit"} | {"area_code"}
    assert "nhs_number" not in schema["required"] and "date_of_death" in schema["required"]


def test_the_documented_example_is_a_notification_the_api_accepts(browser):
    document = browser.get("/api/v1/openapi.json").json
    body = document["paths"]["/api/v1/notifications"]["post"]["requestBody"]
    example = body["content"]["application/json"]["examples"]["notification"]["value"]
    secret = token_for("police@demo.test")

    response = browser.post("/api/v1/notifications", json=example, headers=bearer(secret))

    assert response.status_code == 201
