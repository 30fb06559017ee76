"""Administrators issue API tokens to notifiers, see them and revoke them; each token has its
own rate limit."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ecdop import create_app
from ecdop.api.models import IdempotentRequest
from ecdop.api.services import forget_old_idempotency_keys
from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import ApiToken
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from tests.accounts import confirm_identity
from tests.api_helpers import NOTIFICATIONS, bearer, notification_json, token_for
from tests.factories import user
from tests.helpers import Browser, page_text


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["tokens", *args])


def only_token() -> ApiToken:
    return db.session.scalars(select(ApiToken)).one()


def test_the_cli_prints_a_working_token_once_as_its_last_line(app, browser):
    result = cli(app, "create", "police@demo.test", "--name", "Force records system")

    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    token = only_token()
    assert secret.startswith("ecdop_") and secret.startswith(token.prefix)
    assert secret not in (token.token_hash, token.prefix)
    assert (token.expires_at - utc_now()) == timedelta(days=90)
    response = browser.post(NOTIFICATIONS, json=notification_json(), headers=bearer(secret))
    assert response.status_code == 201

    listed = cli(app, "list")
    assert token.prefix in listed.output and secret not in listed.output
    assert "police@demo.test\tactive" in listed.output


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("coordinator@demo.test", "only notifiers may have API tokens"),
        ("nobody@demo.test", "No user with the email address nobody@demo.test"),
        ("police@demo.test --name ", "Enter what system uses the token"),
        (f"police@demo.test --name {'x' * 81}", "in 80 characters or fewer"),
        ("police@demo.test --days 366", "not in the range 1<=x<=365"),
    ],
)
def test_the_cli_refuses_a_token_it_cannot_issue(app, demo, email, message):
    result = cli(app, "create", *email.split(" "))
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_the_cli_revokes_a_token_at_once(app, browser):
    secret = token_for("police@demo.test")

    result = cli(app, "revoke", str(only_token().id))

    assert result.exit_code == 0, result.output
    response = browser.post(NOTIFICATIONS, json=notification_json(), headers=bearer(secret))
    assert response.status_code == 401
    assert "revoked" in response.json["detail"]
    assert cli(app, "revoke", "99").exit_code != 0


def test_an_administrator_creates_a_token_and_sees_it_only_once(make_browser):
    admin = make_browser("admin@demo.test")
    confirm_identity(admin, password=admin.password)
    police = user("police@demo.test")

    page = admin.submit(
        "/admin/api-tokens/new",
        {"user_id": str(police.id), "name": "Force records system", "lifetime_in_days": "30"},
    )

    assert page.status_code == 200
    token = only_token()
    text = page_text(page)
    assert "API token created" in text
    secret = next(word for word in text.split() if word.startswith(token.prefix))
    assert len(secret) > 40
    assert (token.user_id, token.name) == (police.id, "Force records system")
    assert token.expires_at - utc_now() == timedelta(days=30)
    listing = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing
    assert "Never" in listing
    created = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.API_TOKEN_CREATED)
    )
    assert created.actor_id == user("admin@demo.test").id and secret not in str(created.details)


def test_only_notifiers_are_offered_and_every_field_is_checked(make_browser):
    admin = make_browser("admin@demo.test")
    confirm_identity(admin, password=admin.password)
    form = admin.get("/admin/api-tokens/new").get_data(as_text=True)
    assert "police@demo.test" in form and "health@demo.test" in form
    assert "coordinator@demo.test" not in form

    coordinator = user("coordinator@demo.test")
    page = admin.submit(
        "/admin/api-tokens/new",
        {"user_id": str(coordinator.id), "name": "", "lifetime_in_days": "7"},
    )

    text = page_text(page)
    assert "Choose the notifier the token acts for" in text
    assert "Enter what system uses the token" in text
    assert "How long it lasts: choose from the options shown" in text
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_an_administrator_sees_last_use_and_revokes(make_browser, browser):
    secret = token_for("police@demo.test")
    browser.post(NOTIFICATIONS, json=notification_json(), headers=bearer(secret))
    admin = make_browser("admin@demo.test")
    assert "Never" not in page_text(admin.get("/admin/api-tokens")).split("Status")[1]

    token = only_token()
    admin.submit(f"/admin/api-tokens/{token.id}/revoke", {}, form_page="/admin/api-tokens")

    db.session.refresh(token)
    assert token.revoked_at is not None and token.revoked_by_id == user("admin@demo.test").id
    assert "Revoked" in page_text(admin.get("/admin/api-tokens"))
    response = browser.post(NOTIFICATIONS, json=notification_json(), headers=bearer(secret))
    assert response.status_code == 401


def test_only_administrators_manage_tokens(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    assert coordinator.get("/admin/api-tokens").status_code == 403
    assert coordinator.get("/admin/api-tokens/new").status_code == 403


def test_idempotency_keys_are_kept_a_week_then_forgotten(browser, clock):
    secret = token_for("police@demo.test")
    headers = bearer(secret, **{"Idempotency-Key": "k-1"})
    browser.post(NOTIFICATIONS, json=notification_json(), headers=headers)

    clock.shift(timedelta(days=6, hours=23))
    assert forget_old_idempotency_keys() == 0
    db.session.commit()
    again = browser.post(NOTIFICATIONS, json=notification_json(), headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"

    clock.shift(timedelta(hours=2))
    assert forget_old_idempotency_keys() == 1
    db.session.commit()
    assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 0


def _limited_app(database_url: str, storage: str):
    return create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "API_RATE_LIMIT": "2 per minute",
            "RATELIMIT_STORAGE_URI": storage,
        }
    )


def _assert_each_token_is_limited_on_its_own(app) -> None:
    from ecdop.foundation.extensions import limiter

    with app.app_context():
        limiter.reset()
    police, health = token_for("police@demo.test"), token_for("health@demo.test")
    browser = Browser(app.test_client(), "")
    statuses = [
        browser.get("/api/v1/notifications/1", headers=bearer(police)).status_code
        for _attempt in range(3)
    ]
    assert statuses == [404, 404, 429]
    refused = browser.get("/api/v1/notifications/1", headers=bearer(police))
    assert refused.content_type == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert browser.get("/api/v1/notifications/1", headers=bearer(health)).status_code == 404


def test_each_token_has_its_own_rate_limit(app, demo, database_url):
    _assert_each_token_is_limited_on_its_own(_limited_app(database_url, "memory://"))


REDIS_URL = os.environ.get("ECDOP_TEST_REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="ECDOP_TEST_REDIS_URL not set (CI sets it)")
def test_the_rate_limit_counts_in_redis_as_production_does(app, demo, database_url):
    app = _limited_app(database_url, REDIS_URL)
    _assert_each_token_is_limited_on_its_own(app)
