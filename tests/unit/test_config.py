"""Configuration refuses unsafe production settings."""

from __future__ import annotations

import pytest

from config import DEFAULT_SECRET_KEY, ProductionConfig, config_for
from ecdop import create_app


def production(**overrides):
    settings = {
        "ENV_NAME": "production",
        "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://ecdop@db.internal/ecdop",
        "RATELIMIT_STORAGE_URI": "redis://cache.internal:6379/0",
    }
    settings.update(overrides)
    return settings


def test_production_starts_with_a_real_secret_and_postgresql():
    app = create_app(production())
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY=DEFAULT_SECRET_KEY))


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
        ProductionConfig.validate({"SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": ""})
