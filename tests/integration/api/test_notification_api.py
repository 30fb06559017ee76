"""A force's or a trust's system notifies a death through the API, as a person does on the
web form: same fields, same checks, same matching, and answers a program can act on."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import Role
from ecdop.foundation.extensions import db
from ecdop.notifications.models import Notification
from tests.api_helpers import NOTIFICATIONS, bearer, notification_json, token_for
from tests.factories import user


def notifications_stored() -> int:
    return db.session.scalar(select(func.count(Notification.id)))


def post(browser, secret: str, document, **headers):
    return browser.post(NOTIFICATIONS, json=document, headers=bearer(secret, **headers))


def field_messages(response) -> dict[str, str]:
    assert response.content_type == "application/problem+json"
    return {error["field"]: error["detail"] for error in response.json["errors"]}


@pytest.fixture
def police_token(demo):
    return token_for("police@demo.test")


def test_a_notification_is_stored_matched_and_receipted(browser, police_token):
    response = post(browser, police_token, notification_json())

    assert response.status_code == 201
    assert response.json == {
        "notification_id": 1,
        "case_reference": "DEMO-2026-0001",
        "match": "new",
    }
    assert response.headers["Location"] == "/api/v1/notifications/1"
    stored = db.session.get(Notification, 1)
    assert (stored.nhs_number, stored.postcode) == ("9434765919", "SW1A 2AA")
    assert stored.submitted_by.email == "police@demo.test"
    assert stored.circumstances_type.value == "sudden_unexpected"

    receipt = browser.get(response.headers["Location"], headers=bearer(police_token))
    assert receipt.status_code == 200
    assert receipt.json["case_reference"] == "DEMO-2026-0001"
    assert receipt.json["organisation"] == "Demo Constabulary"
    sent = receipt.json["notification"]
    assert sent["area_code"] == "DEMO"
    assert sent["date_of_death"] == "2026-11-18" and sent["time_of_death"] == "03:15"
    assert sent["agencies_involved"] == ["gp", "health_visitor"]


def test_the_same_child_from_health_is_linked_to_the_polices_case(browser, police_token):
    first = post(browser, police_token, notification_json())
    health_token = token_for("health@demo.test")

    second = post(browser, health_token, notification_json(notifier_name="Dr Jo Lee"))

    assert second.status_code == 201
    assert second.json["match"] == "linked"
    assert second.json["case_reference"] == first.json["case_reference"]


def test_a_near_match_is_a_possible_duplicate(browser, police_token):
    post(browser, police_token, notification_json())
    response = post(browser, police_token, notification_json(nhs_number=None, given_names="Amy"))
    assert response.json["match"] == "possible_duplicate"


def test_the_area_is_named_by_its_code_or_taken_from_the_notifier(browser, police_token):
    assert post(browser, police_token, notification_json(area_code="demo")).status_code == 201
    refused = post(browser, police_token, notification_json(area_code="ELSEWHERE"))
    assert refused.status_code == 422
    assert field_messages(refused) == {
        "area_code": "Review area must be one this notifier notifies for: DEMO"
    }


# Idempotency


def test_the_same_key_and_body_give_the_first_answer_and_store_nothing_new(browser, police_token):
    key = "7f0c3a4e-2b8d-4d1e-9a55-2e3f7c9b1d20"
    first = post(browser, police_token, notification_json(), **{"Idempotency-Key": key})
    again = post(browser, police_token, notification_json(), **{"Idempotency-Key": key})

    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert notifications_stored() == 1


def test_the_same_body_with_its_keys_in_another_order_is_the_same_request(browser, police_token):
    headers = bearer(police_token, **{"Idempotency-Key": "k-1"})
    document = notification_json()
    browser.post(NOTIFICATIONS, json=document, headers=headers)
    shuffled = json.dumps(dict(reversed(list(document.items()))), indent=2)

    again = browser.post(
        NOTIFICATIONS, data=shuffled, content_type="application/json", headers=headers
    )

    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert notifications_stored() == 1


def test_the_same_key_with_another_body_is_refused_and_says_why(browser, police_token):
    post(browser, police_token, notification_json(), **{"Idempotency-Key": "k-1"})

    response = post(
        browser, police_token, notification_json(given_names="Bella"), **{"Idempotency-Key": "k-1"}
    )

    assert response.status_code == 422
    assert response.json["code"] == "idempotency_key_reused"
    assert "already used for a different request body" in response.json["detail"]
    assert notifications_stored() == 1


def test_a_retry_after_the_secret_key_changes_still_gets_the_first_answer(
    browser, police_token, app, monkeypatch
):
    # A key rotation, or a restore onto a service with another key, between the request whose
    # answer was lost and its honest retry: the death must not be notified twice.
    key = {"Idempotency-Key": "k-rotated"}
    first = post(browser, police_token, notification_json(), **key)
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-after-rotation-" + "x" * 32)
    again = post(browser, police_token, notification_json(), **key)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert notifications_stored() == 1


def test_a_refused_request_does_not_use_up_its_key(browser, police_token):
    key = {"Idempotency-Key": "k-1"}
    refused = post(browser, police_token, notification_json(postcode="nowhere"), **key)
    assert refused.status_code == 422
    assert post(browser, police_token, notification_json(), **key).status_code == 201


def test_keys_belong_to_each_notifier(browser, police_token):
    health_token = token_for("health@demo.test")
    post(browser, police_token, notification_json(), **{"Idempotency-Key": "k-1"})

    other = post(
        browser, health_token, notification_json(given_names="Bella"), **{"Idempotency-Key": "k-1"}
    )

    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers
    assert notifications_stored() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "with space"])
def test_an_unusable_key_is_refused_before_anything_is_stored(browser, police_token, key):
    response = post(browser, police_token, notification_json(), **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.json["code"] == "idempotency_key_invalid"
    assert notifications_stored() == 0


# Validation: the web form's rules and messages


def test_an_invalid_nhs_number_is_refused_at_its_field(browser, police_token):
    response = post(browser, police_token, notification_json(nhs_number="943 476 5918"))

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert field_messages(response) == {
        "nhs_number": "NHS number is not valid: check it has been typed correctly"
    }
    assert notifications_stored() == 0


def test_every_problem_is_listed_at_once(browser, police_token):
    document = notification_json(
        given_names=..., sex="unknown", postcode="ZZ1", date_of_death="2027-01-01",
        agencies_involved=["gp", "tarot"], flavour="vanilla", circumstances=7,
    )  # fmt: skip

    messages = field_messages(post(browser, police_token, document))

    assert messages == {
        "given_names": "Enter the child's given names",
        "sex": "Sex must be one of: female, male, indeterminate, not_known",
        "postcode": "Enter a real UK postcode, like SW1A 2AA",
        "date_of_death": "Date of death must be today or in the past",
        "agencies_involved": "Agencies known to be involved must be a list of: gp, "
        "health_visitor, midwifery, school, childrens_social_care, police, hospital, "
        "ambulance, mental_health, hospice, other",
        "flavour": "flavour is not a field of a notification",
        "circumstances": "What happened must be text",
    }
    assert notifications_stored() == 0


NOT_A_DATE = "Date of birth must be a real date written like 2019-03-27"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "01/03/2026", NOT_A_DATE),
        ("date_of_birth", "2026-02-30", NOT_A_DATE),
        ("date_of_birth", "2000-01-01", None),
        ("time_of_death", "25:00", "Time of death must be a time on the 24-hour clock, like 14:30"),
        ("given_names", "x" * 101, "Given names must be 100 characters or fewer"),
        ("given_names", "   ", "Enter the child's given names"),
        ("nhs_number", 9434765919, "NHS number must be text"),
        ("family_name", None, "Enter the child's family name"),
        ("agencies_involved", "gp", None),
    ],
)  # fmt: skip
def test_each_field_is_checked_as_the_form_checks_it(browser, police_token, field, value, message):
    response = post(browser, police_token, notification_json(**{field: value}))
    assert response.status_code == 422
    messages = field_messages(response)
    if field == "date_of_birth" and message is None:
        # Born in 2000, so 18 or over at death: the form's own rule, at the date of death.
        assert messages == {"date_of_death": messages["date_of_death"]}
        assert "18th birthday" in messages["date_of_death"]
    elif message is None:
        assert set(messages) == {field}
    else:
        assert messages == {field: message}


def test_optional_fields_may_be_null_or_left_out(browser, police_token):
    document = notification_json(nhs_number=None, time_of_death=..., agencies_involved=None)
    response = post(browser, police_token, document)
    assert response.status_code == 201
    stored = db.session.get(Notification, response.json["notification_id"])
    assert (stored.nhs_number, stored.time_of_death, stored.agencies_involved) == (None, None, [])


@pytest.mark.parametrize("body", ["[]", '"a notification"', "null", "42"])
def test_a_body_that_is_not_an_object_is_refused(browser, police_token, body):
    response = browser.post(
        NOTIFICATIONS, data=body, content_type="application/json", headers=bearer(police_token)
    )
    assert response.status_code == 422
    assert "must be a JSON object" in response.json["detail"]


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"given_names": NaN}', b"\xff\xfe{}", b'{"given_names": "\\ud800"}', b"[" * 40000],
    ids=["truncated", "nan", "not-utf8", "lone-surrogate", "too-deep"],
)
def test_malformed_json_is_a_400(browser, police_token, body):
    response = browser.post(
        NOTIFICATIONS, data=body, content_type="application/json", headers=bearer(police_token)
    )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.json["detail"] == "The request body is not well-formed JSON."
    assert notifications_stored() == 0


def test_a_body_that_is_not_json_is_a_415(browser, police_token):
    response = browser.post(
        NOTIFICATIONS, data={"given_names": "Amelia"}, headers=bearer(police_token)
    )
    assert response.status_code == 415
    assert response.content_type == "application/problem+json"


def test_a_body_over_64_kb_is_a_413(browser, police_token):
    document = notification_json(circumstances="x" * (64 * 1024))
    response = post(browser, police_token, document)
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert notifications_stored() == 0


# Who may call


def test_no_token_is_a_401_that_says_how_to_send_one(browser, demo):
    response = browser.post(NOTIFICATIONS, json=notification_json())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["detail"] == (
        "Send your API token in an 'Authorization: Bearer <token>' header."
    )
    assert notifications_stored() == 0


@pytest.mark.parametrize("header", ["Basic cG9saWNlOnNlY3JldA==", "Bearer", "Bearer ecdop_nope"])
def test_a_token_that_is_not_one_of_ours_is_a_401(browser, police_token, header):
    response = browser.post(
        NOTIFICATIONS, json=notification_json(), headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert notifications_stored() == 0


def test_an_expired_token_is_a_401_on_the_audit_trail(browser, police_token, clock):
    clock.shift(90 * 24 * 60 * 60)

    response = post(browser, police_token, notification_json())

    assert response.status_code == 401
    assert "expired" in response.json["detail"]
    refused = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.API_TOKEN_REFUSED)
    )
    assert refused.details["status"] == 401 and "expired" in refused.details["refusal"]
    assert notifications_stored() == 0


def test_a_role_that_may_not_notify_is_a_403(browser, police_token):
    user("police@demo.test").role = Role.AGENCY_REPORTER
    db.session.commit()

    response = post(browser, police_token, notification_json())

    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert notifications_stored() == 0


def test_a_deactivated_notifiers_token_stops_working(browser, police_token):
    user("police@demo.test").active = False
    db.session.commit()
    response = post(browser, police_token, notification_json())
    assert response.status_code == 401
    assert "deactivated" in response.json["detail"]


def test_only_the_submitting_organisation_sees_a_receipt(browser, police_token):
    location = post(browser, police_token, notification_json()).headers["Location"]
    health_token = token_for("health@demo.test")

    assert browser.get(location, headers=bearer(health_token)).status_code == 404
    assert browser.get("/api/v1/notifications/999", headers=bearer(police_token)).status_code == 404
    assert browser.get(location).status_code == 401


def test_a_token_reads_only_the_notifications_sent_with_it(browser, police_token):
    """Not the web form's notifications of the same notifier, nor another system's: an
    administrator who issues a token cannot read through it what the notifier sent before."""
    from tests.factories import notify

    location = post(browser, police_token, notification_json()).headers["Location"]
    web_notification, _outcome = notify("police@demo.test")
    other_token = token_for("police@demo.test")
    assert browser.get(location, headers=bearer(police_token)).status_code == 200
    assert browser.get(location, headers=bearer(other_token)).status_code == 404
    web_receipt = f"{NOTIFICATIONS}/{web_notification.id}"
    assert browser.get(web_receipt, headers=bearer(police_token)).status_code == 404
    assert browser.get(web_receipt, headers=bearer(other_token)).status_code == 404


def test_the_notifier_is_emailed_when_a_token_is_issued_in_their_name(demo, smtp_sink):
    from ecdop.mail.sender import deliver_outbox

    token_for("police@demo.test")
    deliver_outbox()
    db.session.commit()
    [message] = smtp_sink.messages
    assert message["To"] == "police@demo.test"
    assert message["Subject"] == "An ecdop API token has been issued in your name"
    assert '"Test system"' in message.get_content()


def test_a_signed_in_browser_does_not_open_the_api(make_browser):
    browser = make_browser("police@demo.test")
    response = browser.post(NOTIFICATIONS, json=notification_json())
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_a_token_does_not_open_the_web_pages(browser, police_token):
    response = browser.get("/notifications/", headers=bearer(police_token))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_use_of_a_token_is_audited(browser, police_token):
    post(browser, police_token, notification_json())
    post(browser, police_token, notification_json(nhs_number="1"))
    browser.get("/api/v1/notifications/1", headers=bearer(police_token))

    uses = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == AuditAction.API_TOKEN_USED)
        .order_by(AuditEvent.id)
    ).all()
    assert [(use.details["request"], use.details["status"]) for use in uses] == [
        ("POST /api/v1/notifications", 201),
        ("POST /api/v1/notifications", 422),
        ("GET /api/v1/notifications/1", 200),
    ]
    assert {use.actor_id for use in uses} == {user("police@demo.test").id}
    assert police_token not in json.dumps([use.details for use in uses])
    submitted = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.NOTIFICATION_SUBMITTED)
    )
    assert submitted.details["match"] == "new"


def test_unknown_addresses_and_methods_answer_in_problem_json(browser, police_token):
    missing = browser.get("/api/v1/deaths", headers=bearer(police_token))
    wrong_method = browser.open(NOTIFICATIONS, method="DELETE", headers=bearer(police_token))
    assert (missing.status_code, missing.content_type) == (404, "application/problem+json")
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["Allow"]
    assert wrong_method.content_type == "application/problem+json"
