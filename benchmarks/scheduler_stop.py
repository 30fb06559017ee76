"""How long the scheduler takes to stop at SIGTERM while the outbox drains a backlog, and what
it leaves claimed: how systemd or a container's stop finds it.

    .venv/bin/python -m benchmarks.scheduler_stop --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres

A database named ecdop_scheduler_stop is made (wiped first) on that server, filled with N
reminders (50,000 by default), and `flask --app ecdop scheduler` started with an SMTP sink;
once it has sent some, it gets SIGTERM. The goal: it exits within 10 seconds, with nothing
left claimed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.api_burst import FLASK
from benchmarks.servers import free_port, wait_for_port


def database_url(server: str) -> str:
    url = make_url(server)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS ecdop_scheduler_stop WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE ecdop_scheduler_stop"))
    admin.dispose()
    return url.set(database="ecdop_scheduler_stop").render_as_string(hide_password=False)


def queue_backlog(url: str, count: int) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox_messages (dedupe_key, recipient_email, subject, body, "
                "action_path, status, attempts, last_error, created_at, next_attempt_at, "
                "priority) SELECT 'reminder:' || n, 'agency' || (n % 500) || '@example.test', "
                "'Reminder ' || n, 'A reporting form is due.', '/tasks', 'queued', 0, '', "
                "now(), now(), 9 FROM generate_series(1, :count) AS n"
            ),
            {"count": count},
        )
    engine.dispose()


def counts(url: str) -> tuple[int, int]:
    """(sent, claimed and not sent)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        sent = connection.scalar(text("SELECT count(*) FROM outbox_messages WHERE status = 'sent'"))
        claimed = connection.scalar(
            text(
                "SELECT count(*) FROM outbox_messages WHERE claimed_by IS NOT NULL "
                "AND status <> 'sent'"
            )  # fmt: skip
        )
    engine.dispose()
    return sent, claimed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL server's URL")
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--stop-after", type=int, default=3_000)
    arguments = parser.parse_args()
    url = database_url(arguments.database)
    smtp_port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="ecdop-stop-"))
    environment = {
        **os.environ, "ECDOP_ENV": "development", "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48), "ECDOP_AUDIT_KEY": secrets.token_urlsafe(48),
        "ECDOP_SMTP_PORT": str(smtp_port),
    }  # fmt: skip
    subprocess.run([*FLASK, "db", "upgrade"], env=environment, check=True, capture_output=True)  # noqa: S603
    queue_backlog(url, arguments.messages)
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
         "-c", "aiosmtpd.handlers.Sink"],
    )  # fmt: skip
    try:
        wait_for_port(smtp_port)
        scheduler = subprocess.Popen(  # noqa: S603
            [*FLASK, "scheduler"], env=environment,
            stdout=subprocess.DEVNULL, stderr=(folder / "scheduler.log").open("wb"),
        )  # fmt: skip
        while counts(url)[0] < arguments.stop_after:
            time.sleep(0.1)
        sent_at_stop, claimed_at_stop = counts(url)
        asked = time.perf_counter()
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(120)
        stopped_in = time.perf_counter() - asked
    finally:
        sink.terminate()
    sent, claimed = counts(url)
    print(
        f"SIGTERM with {sent_at_stop:,} of {arguments.messages:,} sent and {claimed_at_stop:,} "
        f"claimed: exited (code {scheduler.returncode}) in {stopped_in:.2f} s (goal under 10 s)"
    )
    print(f"after it: {sent:,} sent, {claimed} left claimed (goal 0); log {folder}/scheduler.log")


if __name__ == "__main__":
    main()
