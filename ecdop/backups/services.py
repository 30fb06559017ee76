"""Making and restoring a backup.

A backup is a folder: the database (``pg_dump``'s custom format on PostgreSQL, SQLite's online
backup API on SQLite) and ``manifest.json`` beside it, giving when it was made, the schema
revision, every table's row count, the documents kept with cases (how many, and their bytes)
and each file's SHA-256, all read from the one consistent snapshot the copy was made from. A
restore goes only into an empty database; it checks the files against the manifest, the
restored rows against the counts, the documents' content against theirs, and the audit
trail's hash chain, and holds every message that was waiting to be sent, so that nothing goes
out twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with arguments we build
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import SupportsInt, cast

import flask_migrate
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, text, update
from sqlalchemy.engine import URL

from ecdop.audit.chain import Verdict, verify_chain
from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.documents.models import Document, DocumentChunk
from ecdop.foundation.db import rows_changed, utc_now
from ecdop.foundation.extensions import db
from ecdop.mail.models import UNSENT, OutboxMessage, OutboxStatus
from ecdop.retention.services import list_again_after_restore

MANIFEST = "manifest.json"
FORMAT = 1
POSTGRES_FILE = "ecdop.dump"
SQLITE_FILE = "ecdop.sqlite3"


class BackupRefused(Exception):
    """The backup or restore cannot go ahead, and why, in words for the operator."""


@dataclass
class Manifest:
    made_at: str
    database: str  # "postgresql" or "sqlite"
    schema_revision: str
    row_counts: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)  # name: SHA-256
    # The documents whose content is kept (``documents_kept``); absent from a backup made
    # before documents were kept.
    documents: dict[str, int] = field(default_factory=dict)
    format: int = FORMAT

    def write(self, directory: Path) -> None:
        _write_private(directory / MANIFEST, json.dumps(asdict(self), indent=2).encode())

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        try:
            fields = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            manifest = cls(**fields)
        except (OSError, ValueError, TypeError) as error:
            raise BackupRefused(f"{directory} has no readable {MANIFEST}: {error}") from error
        if manifest.format != FORMAT:
            raise BackupRefused(f"This backup's format ({manifest.format}) is not one ecdop reads")
        return manifest


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    chain: Verdict
    upgraded_to: str | None
    held: int
    retention_due: int  # items whose retention has passed, listed for approval again


# Backing up


def make_backup(directory: Path) -> Manifest:
    """Write a consistent backup of the database into ``directory`` (new, or empty)."""
    _prepare(directory)
    engine = db.engine
    if engine.dialect.name == "postgresql":
        manifest = _dump_postgres(engine, directory)
    else:
        manifest = _copy_sqlite(engine, directory)
    manifest.files = {name: _sha256(directory / name) for name in _data_files(directory)}
    manifest.write(directory)
    details = {"made_at": manifest.made_at, "revision": manifest.schema_revision}
    record_event(AuditAction.BACKUP_MADE, details=details)
    return manifest


def _prepare(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise BackupRefused(f"{directory} is not empty: back up into a new folder")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)


def _dump_postgres(engine: Engine, directory: Path) -> Manifest:
    # pg_dump reads the snapshot this transaction exported, so the counts and the revision
    # describe exactly the rows it writes.
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        made_at = utc_now()
        _run_pg("pg_dump", engine.url, "--format=custom", f"--snapshot={snapshot}",
                f"--file={directory / POSTGRES_FILE}")  # fmt: skip
        (directory / POSTGRES_FILE).chmod(0o600)
        return _describe(connection, "postgresql", made_at)


def _sqlite_file(engine: Engine) -> str:
    """The embedded database's file (an in-memory one has none to copy)."""
    if not engine.url.database:
        raise BackupRefused("The database is in memory: there is no file to back up")
    return engine.url.database


def _copy_sqlite(engine: Engine, directory: Path) -> Manifest:
    target = directory / SQLITE_FILE
    made_at = utc_now()
    _sqlite_backup(_sqlite_file(engine), str(target))
    target.chmod(0o600)
    copy_engine = create_engine(URL.create("sqlite", database=str(target)))
    try:
        with copy_engine.connect() as connection:
            return _describe(connection, "sqlite", made_at)
    finally:
        copy_engine.dispose()


def _describe(connection: Connection, database: str, made_at: datetime) -> Manifest:
    return Manifest(
        made_at=made_at.isoformat(),
        database=database,
        schema_revision=_revision(connection),
        row_counts=row_counts(connection),
        documents=documents_kept(connection),
    )


def documents_kept(connection: Connection) -> dict[str, int]:
    """The documents whose content is kept (not withdrawn): how many, the bytes of their
    stored content, and how many have less content stored than their size (a chunk lost)."""
    stored = (
        select(DocumentChunk.document_id, func.sum(func.length(DocumentChunk.data)).label("bytes"))
        .group_by(DocumentChunk.document_id)
        .subquery()
    )
    content = func.coalesce(stored.c.bytes, 0)
    statement = (
        select(func.count(), func.coalesce(func.sum(content), 0),
               func.count().filter(content != Document.size))
        .select_from(Document)
        .outerjoin(stored, stored.c.document_id == Document.id)
        .where(Document.withdrawn_at.is_(None))
    )  # fmt: skip
    # (The sum comes back as a Decimal on PostgreSQL.)
    row = connection.execute(statement).one()
    kept, size, incomplete = (int(cast(SupportsInt, value)) for value in row)
    return {"kept": kept, "bytes": size, "incomplete": incomplete}


def row_counts(connection: Connection) -> dict[str, int]:
    return {
        table: connection.scalar(text(f'SELECT count(*) FROM "{table}"'))  # noqa: S608 - names from the catalogue
        for table in sorted(inspect(connection).get_table_names())
    }


def _revision(connection: Connection) -> str:
    return ",".join(sorted(connection.scalars(text("SELECT version_num FROM alembic_version"))))


# Restoring


def restore_backup(directory: Path) -> Restored:
    """Restore a backup into this (empty) database, check it, and hold unsent mail."""
    manifest = Manifest.read(directory)
    _check_files(directory, manifest)
    engine = db.engine
    if manifest.database != engine.dialect.name:
        raise BackupRefused(
            f"This is a {manifest.database} backup; ecdop's database is {engine.dialect.name}"
        )
    _refuse_unless_empty(engine)
    db.session.remove()
    if manifest.database == "postgresql":
        _run_pg("pg_restore", engine.url, "--no-owner", "--no-privileges", "--exit-on-error",
                str(directory / POSTGRES_FILE), database_option="--dbname")  # fmt: skip
    else:
        engine.dispose()
        _sqlite_backup(str(directory / SQLITE_FILE), _sqlite_file(engine))
    engine.dispose()
    _check_restored(manifest)
    chain = verify_chain(db.session)
    if not chain.intact:
        raise BackupRefused(f"The restored audit trail's hash chain is broken: {chain.problem}")
    upgraded_to = _upgrade_if_behind(manifest)
    held = hold_unsent_mail()
    # Cases de-identified since the backup was made are back whole: nothing is purged again
    # until two people approve it again.
    retention_due = list_again_after_restore()
    details = {"made_at": manifest.made_at, "revision": manifest.schema_revision, "held": held,
               "retention_due": retention_due}  # fmt: skip
    record_event(AuditAction.BACKUP_RESTORED, details=details)
    return Restored(manifest, chain, upgraded_to, held, retention_due)


def _check_files(directory: Path, manifest: Manifest) -> None:
    expected = POSTGRES_FILE if manifest.database == "postgresql" else SQLITE_FILE
    if expected not in manifest.files:
        raise BackupRefused(f"The manifest lists no {expected}")
    for name, digest in manifest.files.items():
        path = directory / name
        if Path(name).name != name or not path.is_file():
            raise BackupRefused(f"{name}, listed in the manifest, is missing")
        if _sha256(path) != digest:
            raise BackupRefused(f"{name} does not match its SHA-256 in the manifest")


def _refuse_unless_empty(engine: Engine) -> None:
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        raise BackupRefused(
            f"The database is not empty ({len(tables)} tables): restore only into a new, empty "
            "database, and point DATABASE_URL at it"
        )


def _check_restored(manifest: Manifest) -> None:
    with db.engine.connect() as connection:
        revision, counts = _revision(connection), row_counts(connection)
    if revision != manifest.schema_revision:
        raise BackupRefused(f"Restored schema revision {revision}, but the manifest says "
                            f"{manifest.schema_revision}")  # fmt: skip
    differ = [
        f"{table}: {counts.get(table)} restored, {count} backed up"
        for table, count in manifest.row_counts.items()
        if counts.get(table) != count
    ]
    if differ:
        raise BackupRefused("The restored rows do not match the manifest: " + "; ".join(differ))
    _check_documents(manifest)


def _check_documents(manifest: Manifest) -> None:
    if not manifest.documents:
        return
    with db.engine.connect() as connection:
        restored = documents_kept(connection)
    if restored != manifest.documents:
        raise BackupRefused(f"The restored documents ({_documents(restored)}) do not match the "
                            f"manifest ({_documents(manifest.documents)})")  # fmt: skip


def _documents(summary: dict[str, int]) -> str:
    return f"{summary['kept']:,} kept, {summary['bytes']:,} bytes"


def _upgrade_if_behind(manifest: Manifest) -> str | None:
    # The migrations take a connection of their own: this one's transaction (the chain's
    # check) ends first, or on SQLite the two would wait on each other's write lock.
    db.session.remove()
    flask_migrate.upgrade()
    db.session.remove()
    with db.engine.connect() as connection:
        now = _revision(connection)
    return now if now != manifest.schema_revision else None


def hold_unsent_mail() -> int:
    """Messages waiting at backup time may have gone since: an administrator decides."""
    held = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status.in_(UNSENT))
        .values(status=OutboxStatus.HELD, held_at=utc_now(), claimed_by=None,
                claimed_until=None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return rows_changed(held)


# Helpers


def _run_pg(program: str, url: URL, *arguments: str, database_option: str = "") -> None:
    """Run pg_dump or pg_restore on the database at ``url``. The password goes in the
    environment, not on the command line, where other users of the server could see it."""
    if shutil.which(program) is None:
        raise BackupRefused(f"{program} is not installed (Debian: postgresql-client)")
    address = url.set(drivername="postgresql", password=None).render_as_string()
    database = [f"{database_option}={address}"] if database_option else [address]
    environment = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [program, *arguments, *database], capture_output=True, text=True, env=environment,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupRefused(f"{program} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_backup(source_path: str, target_path: str) -> None:
    """SQLite's online backup API: a consistent copy, even while others write."""
    with (
        closing(sqlite3.connect(source_path)) as source,
        closing(sqlite3.connect(target_path)) as target,
    ):
        source.backup(target)


def _data_files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir() if path.name != MANIFEST)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as output:
        output.write(data)
