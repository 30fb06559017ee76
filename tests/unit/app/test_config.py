"""Configuration refuses unsafe production settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ProductionConfig, config_for, development_secret_key
from ecdop import create_app


def production(**overrides):
    settings = {
        "ENV_NAME": "production",
        "SECRET_KEY": "x" * 40,
        "AUDIT_KEY": "a" * 40,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://ecdop@db.internal/ecdop",
        "RATELIMIT_STORAGE_URI": "redis://cache.internal:6379/0",
        "PUBLIC_BASE_URL": "https://ecdop.example.nhs.uk",
        "TRUSTED_PROXY_COUNT": "1",
    }
    settings.update(overrides)
    return settings


def test_production_starts_with_a_real_secret_and_postgresql():
    app = create_app(production())
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key", ["", "short-and-guessable"])
def test_production_refuses_a_missing_or_short_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY=key))


def test_without_ecdop_env_a_missing_secret_key_is_refused(monkeypatch):
    monkeypatch.delenv("ECDOP_ENV", raising=False)
    assert config_for(None) is ProductionConfig
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": "", "PUBLIC_BASE_URL": "https://ecdop.example.nhs.uk"})


def test_development_on_a_public_address_needs_a_real_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {"ENV_NAME": "development", "SECRET_KEY": "",
             "PUBLIC_BASE_URL": "https://ecdop.example.org"}
        )  # fmt: skip


def test_development_on_this_computer_makes_its_own_key_once(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    first = development_secret_key(path)
    assert len(first) >= 32 and development_secret_key(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert development_secret_key(tmp_path / "elsewhere") != first


def test_the_test_key_is_made_for_each_run_not_written_down():
    import config

    assert len(config.TestConfig.SECRET_KEY) >= 32
    assert config.TestConfig.SECRET_KEY not in Path(config.__file__).read_text()


def test_production_refuses_a_plain_http_public_address():
    with pytest.raises(RuntimeError, match="https"):
        create_app(production(PUBLIC_BASE_URL="http://ecdop.example.nhs.uk"))


def test_production_sends_hsts_and_a_permissions_policy():
    app = create_app(production())
    with app.test_request_context("/"):
        response = app.process_response(app.response_class("a page"))
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_production_session_cookie_is_host_prefixed_and_strict():
    app = create_app(production())
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert app.config["SESSION_COOKIE_PATH"] == "/" and not app.config.get("SESSION_COOKIE_DOMAIN")


def test_production_refuses_sqlite():
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app(production(SQLALCHEMY_DATABASE_URI="sqlite:///x.db"))


def test_production_refuses_rate_limits_counted_in_each_process():
    with pytest.raises(RuntimeError, match="Redis"):
        create_app(production(RATELIMIT_STORAGE_URI="memory://"))


def test_an_unknown_environment_is_named():
    with pytest.raises(RuntimeError, match="Unknown ECDOP_ENV"):
        config_for("staging")


def test_the_factory_does_no_io(tmp_path):
    # A database that does not exist: building the app must not touch it.
    create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/db"})
    assert not (tmp_path / "no").exists()


def test_production_requires_its_keys():
    with pytest.raises(RuntimeError, match="Missing required configuration"):
        ProductionConfig.validate(
            {"SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": "", "PUBLIC_BASE_URL": ""}
        )


def test_in_development_the_public_address_follows_the_port_served(monkeypatch, tmp_path):
    """So the links in the mail that `make run PORT=5077` catches open."""
    monkeypatch.delenv("ECDOP_PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5077")
    app = create_app(
        {"ENV_NAME": "development", "SECRET_KEY": "k" * 40,
         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/dev.sqlite3"}
    )  # fmt: skip
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5077"
    with pytest.raises(RuntimeError, match="ECDOP_PUBLIC_BASE_URL"):
        create_app(production(PUBLIC_BASE_URL=""))


@pytest.mark.parametrize("proxies", [None, "", "one", "-1"])
def test_production_refuses_to_guess_how_many_proxies_stand_in_front(proxies):
    with pytest.raises(RuntimeError, match="ECDOP_TRUSTED_PROXIES"):
        create_app(production(TRUSTED_PROXY_COUNT=proxies))


@pytest.mark.parametrize(("proxies", "seen_as"), [("0", "198.51.100.4"), ("1", "203.0.113.9")])
def test_production_believes_x_forwarded_for_as_far_as_it_is_told(proxies, seen_as):
    from flask import request

    from ecdop.auth.permissions import Permission, requires

    app = create_app(production(TRUSTED_PROXY_COUNT=proxies))
    app.add_url_rule(
        "/address", "address", requires(Permission.PUBLIC)(lambda: request.remote_addr)
    )
    answer = app.test_client().get(
        "/address",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
        base_url="https://ecdop.example.nhs.uk",
    )
    assert answer.get_data(as_text=True) == seen_as


@pytest.mark.parametrize("key", ["", "short-and-guessable"])
def test_production_refuses_to_start_without_a_real_audit_key(key):
    with pytest.raises(RuntimeError, match="ECDOP_AUDIT_KEY"):
        create_app(production(AUDIT_KEY=key))


def test_development_on_this_computer_makes_its_own_audit_key(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config, "DEVELOPMENT_AUDIT_KEY_FILE", tmp_path / "audit_key")
    monkeypatch.setattr(config, "DEVELOPMENT_SECRET_KEY_FILE", tmp_path / "secret_key")
    app = create_app({"ENV_NAME": "development", "SECRET_KEY": "", "AUDIT_KEY": ""})
    assert app.config["AUDIT_KEY"] == (tmp_path / "audit_key").read_text().strip()
    assert app.config["AUDIT_KEY"] != app.config["SECRET_KEY"]


def test_the_command_line_without_ecdop_env_says_why_in_one_line(tmp_path):
    """`flask --app ecdop --help` ended in a Python traceback without ECDOP_ENV."""
    import os
    import subprocess
    import sys

    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("ECDOP_ENV", "SECRET_KEY", "ECDOP_AUDIT_KEY", "DATABASE_URL")
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "flask", "--app", "ecdop", "--help"],
        env=environment, capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    assert "Error: Missing required configuration: SECRET_KEY" in result.stderr
    assert "set ECDOP_ENV=development" in result.stderr
