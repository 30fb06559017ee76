"""How fast the outbox drains a backlog of reminders, and how soon an alert of a new death
goes when it is committed while the senders hold claimed batches of them, against a real SMTP
server (aiosmtpd's sink, in its own process).

Wipes the database, queues N reminders (150,000 by default, as a catch-up sweep after
downtime once did), runs the sender as the scheduler does until the outbox is empty, and,
once the drain is under way, commits one alert: its delay is from its commit to the server's
acceptance.

    ECDOP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/outbox_drain.py --messages 150000

Without ECDOP_BENCH_DATABASE_URL it uses a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import flask_migrate
from sqlalchemy import func, select, text

from benchmarks.servers import free_port
from ecdop import create_app
from ecdop.foundation.db import unit_of_work
from ecdop.foundation.extensions import db
from ecdop.mail.models import MailPriority, OutboxMessage, OutboxStatus
from ecdop.mail.sender import deliver_outbox
from ecdop.mail.services import insert_messages


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
    )  # fmt: skip
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return sink
        time.sleep(0.05)
    raise SystemExit("the SMTP sink did not start")


def wipe(url: str) -> None:
    if url.startswith("postgresql"):
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    flask_migrate.upgrade()


def message(number: int, priority: MailPriority, kind: str) -> dict:
    return {
        "dedupe_key": f"{kind}:{number}",
        "recipient_user_id": None,
        "recipient_email": f"agency{number % 500}@example.test",
        "subject": f"Reminder: report due for case CDR-2026-{number:05d}",
        "body": "A reporting form is due in 5 working days.\n" * 8,
        "action_path": "/tasks",
        "priority": int(priority),
    }


def queue(count: int) -> None:
    for start in range(0, count, 10_000):
        insert_messages(
            [message(n, MailPriority.REMINDER, "deadline")
             for n in range(start, min(count, start + 10_000))]
        )  # fmt: skip
        db.session.commit()


def sent_so_far() -> int:
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT))
    db.session.commit()
    return count


def drain(app, result: dict) -> None:
    with app.app_context():
        started = time.perf_counter()
        result["delivery"] = deliver_outbox()
        result["elapsed"] = time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=150_000)
    parser.add_argument("--alert-after", type=int, default=5_000,
                        help="commit the alert once this many reminders have gone")  # fmt: skip
    arguments = parser.parse_args()
    url = os.environ.get("ECDOP_BENCH_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp()}/outbox-bench.sqlite3"
    )
    port = free_port()
    sink = start_sink(port)
    app = create_app(
        {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SMTP_PORT": port,
         "SMTP_HOST": "127.0.0.1", "SMTP_SECURITY": "none"}
    )  # fmt: skip
    try:
        with app.app_context():
            wipe(url)
            queue(arguments.messages)
        result: dict = {}
        drainer = threading.Thread(target=drain, args=(app, result))
        drainer.start()
        with app.app_context():
            while sent_so_far() < arguments.alert_after:  # the senders hold claimed batches
                time.sleep(0.05)
            with unit_of_work():
                insert_messages([message(0, MailPriority.URGENT, "notification")])
                db.session.commit()
            drainer.join()
            alert = db.session.scalar(
                select(OutboxMessage).where(OutboxMessage.dedupe_key == "notification:0")
            )
            waited = (alert.sent_at - alert.created_at).total_seconds()
            left = db.session.scalar(
                select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
            )
            reminders_before = db.session.scalar(
                select(func.count()).where(
                    OutboxMessage.sent_at > alert.created_at,
                    OutboxMessage.sent_at < alert.sent_at,
                )
            )
        delivery, elapsed = result["delivery"], result["elapsed"]
    finally:
        sink.terminate()
        sink.wait()
    print(f"database: {url.split(':', 1)[0]}")
    print(f"sent {delivery.sent} messages in {elapsed:.1f} s: {delivery.sent / elapsed:,.0f} a "
          f"second, {delivery.sent / elapsed * 60:,.0f} a minute; {left} left unsent")  # fmt: skip
    print(f"the alert committed with {arguments.alert_after:,}+ sent and batches claimed went "
          f"{waited:.2f} s after its commit, after {reminders_before} more reminders")  # fmt: skip


if __name__ == "__main__":
    main()
