"""The scheduler's lock and each job's: a PostgreSQL advisory lock, or a file lock beside a
SQLite database; either is let go when the process holding it dies."""

from __future__ import annotations

import contextlib
import logging
import zlib
from collections.abc import Iterator

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)


def _lock_key(name: str) -> int:
    # PostgreSQL advisory locks are keyed by a bigint.
    return zlib.crc32(name.encode())


SCHEDULER_LOCK_KEY = _lock_key("ecdop-scheduler")


@contextlib.contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Hold the job's own lock while it runs; yields False if someone else holds it."""
    lock = scheduler_lock(engine, f"job-{name}")
    held = lock.acquire()
    try:
        yield held
    finally:
        if held:
            lock.release()


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, held on its own connection: the database lets
    it go when that connection ends, whether the process died or the database restarted."""

    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.key = _lock_key(f"ecdop-{name}")
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        try:
            connection = self.engine.connect()
            acquired = connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
            connection.commit()
        except DBAPIError as error:
            log.warning("Could not reach the database to take the %s lock: %s", self.key, error)
            return False
        if acquired:
            self.connection = connection
        else:
            connection.close()
        return bool(acquired)

    def confirm(self) -> bool:
        """Whether this connection still holds the lock; asking keeps the connection alive."""
        if self.connection is None:
            return False
        try:
            held = self.connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND granted"
                    " AND (classid::bigint << 32) + objid::bigint = :key"
                ),
                {"key": self.key},
            )
            self.connection.commit()
        except DBAPIError as error:
            log.error("Lost the connection holding the scheduler lock: %s", error)
            self._drop_connection()
            return False
        if not held:
            self._drop_connection()
        return bool(held)

    def release(self) -> None:
        if self.connection is None:
            return
        with contextlib.suppress(DBAPIError):
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self.connection.commit()
        self._drop_connection()

    def _drop_connection(self) -> None:
        if self.connection is not None:
            # Never back to the pool: the server may have ended it.
            self.connection.invalidate()
            self.connection.close()
            self.connection = None


class SQLiteFileLock:
    """An exclusive lock on a file beside the SQLite database; released if the process dies."""

    def __init__(self, database_path: str, name: str):
        self.lock = FileLock(f"{database_path}.{name}.lock", thread_local=False)

    def acquire(self) -> bool:
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def confirm(self) -> bool:
        return self.lock.is_locked

    def release(self) -> None:
        if self.lock.is_locked:
            self.lock.release()


def scheduler_lock(engine: Engine, name: str = "scheduler") -> AdvisoryLock | SQLiteFileLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name)
    return SQLiteFileLock(engine.url.database or ":memory:", name)
