"""Declarative base, naming convention and shared column helpers."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    DateTime,
    Enum,
    MetaData,
    Result,
    Table,
    TypeDecorator,
    case,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names let Alembic alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


def string_enum(enum_class: type[enum.Enum], length: int = 40) -> Enum:
    """Enums stored as their values in a plain string column (no native enum to migrate)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        create_constraint=False,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utc_now, onupdate=utc_now, nullable=False
    )


# A writer waits this long for another to finish before the request is answered "busy".
SQLITE_BUSY_TIMEOUT_SECONDS = 30
# Set while ecdop does a unit of its own work: a request, a job, a command (see
# ``unit_of_work``). Code outside one, such as a test reading what a request left, keeps the
# driver's own deferred transactions, which take no lock to read.
_UNIT_OF_WORK = ContextVar("ecdop_unit_of_work", default=False)


def _sqlite_connection_settings(dbapi_connection, connection_record) -> None:
    """Per connection: foreign keys are enforced only when asked; WAL lets readers go on while
    one writer writes (the setting is kept in the file; asking again is cheap)."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        if dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:  # a file
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _begin_sqlite(connection) -> None:
    """In a unit of ecdop's work, a transaction takes SQLite's write lock when it begins
    (BEGIN IMMEDIATE), waiting its turn behind the busy timeout. A deferred transaction that
    has read and then writes gets SQLITE_BUSY at once in WAL mode, whatever the timeout, if
    another wrote meanwhile; and nearly every unit here writes (an audit event, a session's
    last-seen time)."""
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if _UNIT_OF_WORK.get():
        driver.isolation_level = None  # the driver begins nothing itself: this does
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        driver.isolation_level = ""  # the driver's deferred BEGIN, before the first write


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A request, a job or a command: ecdop's own work, whose transactions take the write lock
    when they begin on SQLite (and change nothing on PostgreSQL)."""
    token = _UNIT_OF_WORK.set(True)
    try:
        yield
    finally:
        _UNIT_OF_WORK.reset(token)


def configure_sqlite() -> None:
    """Registered by create_app: how ecdop uses a SQLite database (the embedded default), so
    that concurrent writers wait for each other instead of failing."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    for name, listener in (("connect", _sqlite_connection_settings), ("begin", _begin_sqlite)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of a group meet the condition (0, not NULL, for an empty group)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def table_of(model: Any) -> Table:
    """A mapped class's table, as a Table (the class types it as any FromClause)."""
    return cast(Table, model.__table__)


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed. The session types every answer as a plain
    Result; one to a changing statement is a CursorResult, which counts them."""
    return cast(CursorResult[Any], result).rowcount
