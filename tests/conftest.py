"""Fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
ECDOP_TEST_DATABASE_URL is set), a clean database per test, demo users and a frozen clock.

Under pytest-xdist each worker has a database of its own: its own SQLite file, or on
PostgreSQL a database named after the worker beside the one the URL names."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
from datetime import UTC, datetime
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path

import flask_migrate
import pytest
import time_machine
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ecdop import create_app
from ecdop.demo import seed_demo
from ecdop.foundation.extensions import db
from tests.helpers import Browser

# CI explores the same examples every run, so a failure there is reproducible, not luck.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

DEMO_PASSWORD = "correct-horse-battery"
# A Friday: the clock every test starts at unless it moves it.
FROZEN_NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
POSTGRES_URL = os.environ.get("ECDOP_TEST_DATABASE_URL", "")


TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e drives a browser: marked so a quick loop can leave it out.
    A test under tests/unit/<package>/ or tests/integration/<package>/ is marked with its
    package, so that ``-m deadlines`` runs the deadlines tests and nothing else."""
    for item in items:
        kind, *rest = item.path.resolve().relative_to(TESTS).parts
        if kind == "e2e":
            item.add_marker(pytest.mark.e2e)
        elif kind in ("unit", "integration") and len(rest) > 1:
            item.add_marker(getattr(pytest.mark, rest[0]))


def using_postgres() -> bool:
    return POSTGRES_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    if using_postgres():
        return _postgres_database_for(worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ecdop-test.sqlite3'}"


def _postgres_database_for(worker_id: str) -> str:
    """The URL's own database when the suite runs in one process; otherwise a database for
    this worker (``test_gw0``…), made on the same server if it is not there yet."""
    if worker_id == "master":
        return POSTGRES_URL
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_{worker_id}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DEMO_PASSWORD": DEMO_PASSWORD,
        }
    )
    with app.app_context():
        if using_postgres():
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        flask_migrate.upgrade()
        db.engine.dispose()
    if not using_postgres():
        _keep_pristine_copy(database_url)
    return app


def _sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def _keep_pristine_copy(database_url: str) -> None:
    """The migrated, empty database as one file: what the log holds is written into it first."""
    path = _sqlite_path(database_url)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(path, path.with_suffix(".pristine"))


def _reset_database(app, database_url: str) -> None:
    with app.app_context():
        db.session.remove()
        if using_postgres():
            tables = ", ".join(table.name for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                # The audit trail refuses TRUNCATE; the suite's own reset (as the superuser)
                # turns triggers off for this transaction only, and starts a new chain.
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                connection.execute(
                    text("INSERT INTO audit_chain_head (id, position, hash) VALUES (1, 0, :g)"),
                    {"g": "0" * 64},
                )
        else:
            db.engine.dispose()
            # Through SQLite's backup API, not a file copy: in WAL mode the last test's writes
            # may still be in the log beside the file, and would be read back.
            path = _sqlite_path(database_url)
            with (
                contextlib.closing(sqlite3.connect(path.with_suffix(".pristine"))) as pristine,
                contextlib.closing(sqlite3.connect(path)) as live,
            ):
                pristine.backup(live)


@pytest.fixture(autouse=True)
def one_rate_limit_store():
    """Flask-Limiter keeps one store per process, set by the latest create_app: a test that
    makes an app of its own (a production configuration, a tighter limit) must not leave the
    suite's app counting in that app's store, such as a Redis that cannot be reached. The
    suite runs in random order, so this cannot be left to the order of the files. (Flask-
    Limiter has no public way to read the store back: these are its own attributes.)"""
    from ecdop.foundation.extensions import limiter

    kept = getattr(limiter, "_storage", None), getattr(limiter, "_limiter", None)
    yield
    if kept[0] is not None:
        limiter._storage, limiter._limiter = kept


@pytest.fixture
def clock():
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def database(app, database_url, clock):
    _reset_database(app, database_url)
    with app.app_context():
        yield db
        db.session.remove()


@pytest.fixture
def demo(database):
    """The demo area, organisations and one user per role."""
    seed_demo(DEMO_PASSWORD)
    db.session.commit()
    return database


@pytest.fixture
def client(app, database):
    return app.test_client()


@pytest.fixture
def browser(app, demo):
    """A signed-out browser; call .login(email) to sign in."""
    return Browser(app.test_client(), DEMO_PASSWORD)


@pytest.fixture
def make_browser(app, demo):
    def make(email: str | None = None) -> Browser:
        browser = Browser(app.test_client(), DEMO_PASSWORD)
        if email:
            browser.login(email)
        return browser

    return make


# A signed-in browser for each role the tests act as most (the demo accounts of seed_demo).
@pytest.fixture
def coordinator(make_browser) -> Browser:
    return make_browser("coordinator@demo.test")


@pytest.fixture
def admin(make_browser) -> Browser:
    return make_browser("admin@demo.test")


@pytest.fixture
def gp(make_browser) -> Browser:
    """The demo surgery's agency reporter, who answers requests for reports."""
    return make_browser("gp@demo.test")


@pytest.fixture
def police(make_browser) -> Browser:
    """The demo force's notifier."""
    return make_browser("police@demo.test")


class SMTPSink:
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it receives. It can be
    stopped and started again on the same port, as a mail server going down and coming back."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[EmailMessage] = []
        self.controller = None
        # Called with each message as it is accepted: what happens meanwhile, in a test.
        self.on_message = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        self.messages.append(message)
        if self.on_message is not None:
            self.on_message(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def subjects_to(self, address: str) -> list[str]:
        return [message["Subject"] for message in self.messages if message["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(app, monkeypatch):
    sink = SMTPSink(_free_port())
    monkeypatch.setitem(app.config, "SMTP_PORT", sink.port)
    sink.start()
    yield sink
    with contextlib.suppress(Exception):
        sink.stop()
