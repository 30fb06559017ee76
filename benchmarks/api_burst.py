"""A burst of API notifications from several clients at once, against ecdop as `make run`
starts it (the development server with its scheduler), while the outbox sends mail: how many
are refused.

    .venv/bin/python benchmarks/api_burst.py                 # the embedded default, SQLite
    .venv/bin/python benchmarks/api_burst.py --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With --database, a database named ecdop_api_burst is made (wiped first) on that server. A
sender runs `flask run-job deliver-outbox` over and over throughout, as a busy scheduler would,
into a real SMTP sink. The goal: none refused.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "ecdop"]


def database_url(server: str | None, folder: Path) -> str:
    if server is None:
        return f"sqlite:///{folder / 'burst.sqlite3'}"
    url = make_url(server)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS ecdop_api_burst WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE ecdop_api_burst"))
    admin.dispose()
    return url.set(database="ecdop_api_burst").render_as_string(hide_password=False)


def child(number: int) -> dict:
    """A different child each time: no two match, so each is a new case and a new alert."""
    born = date(2015, 1, 1) + timedelta(days=number)
    return {
        "given_names": f"Burst{number}", "family_name": "Testchild", "date_of_birth":
        born.isoformat(), "sex": "female" if number % 2 else "male", "ethnicity": "not_known",
        "address": "1 Example Street", "postcode": "SW1A 2AA", "date_of_death": "2026-11-18",
        "place_of_death": "home", "expectation": "unexpected", "circumstances": "Found at home.",
        "circumstances_type": "not_known", "notifier_name": "Sam Patel",
        "notifier_role": "Detective Sergeant", "notifier_phone": "01632 960001",
    }  # fmt: skip


def notify(base: str, token: str, number: int) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own loopback server
        f"{base}/api/v1/notifications",
        data=json.dumps(child(number)).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def keep_sending(environment: dict, stop: threading.Event, runs: list[int]) -> None:
    while not stop.is_set():
        subprocess.run(  # noqa: S603 - our own command
            [*FLASK, "run-job", "deliver-outbox"], env=environment, capture_output=True
        )
        runs.append(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL server's URL (default: SQLite)")
    parser.add_argument("--notifications", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ecdop-burst-"))
    port, smtp_port = free_port(), free_port()
    environment = {
        **os.environ, "ECDOP_ENV": "development",
        "DATABASE_URL": database_url(arguments.database, folder),
        "SECRET_KEY": secrets.token_urlsafe(48), "ECDOP_AUDIT_KEY": secrets.token_urlsafe(48),
        "ECDOP_API_RATE_LIMIT": "100000 per minute", "ECDOP_SMTP_PORT": str(smtp_port),
        "PORT": str(port),
    }  # fmt: skip
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*FLASK, *command], env=environment, check=True, capture_output=True)  # noqa: S603
    created = subprocess.run(  # noqa: S603
        [*FLASK, "tokens", "create", "police@demo.test", "--name", "Burst"],
        env=environment, check=True, capture_output=True, text=True,
    )  # fmt: skip
    token = created.stdout.strip().splitlines()[-1]
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
         "-c", "aiosmtpd.handlers.Sink"],
    )  # fmt: skip
    server = subprocess.Popen(  # noqa: S603
        [*FLASK, "serve", "--port", str(port)], env=environment,
        stdout=subprocess.DEVNULL, stderr=(folder / "server.log").open("wb"),
    )  # fmt: skip
    stop, sender_runs = threading.Event(), []
    try:
        wait_for_port(smtp_port)
        wait_for_port(port)
        sender = threading.Thread(target=keep_sending, args=(environment, stop, sender_runs))
        sender.start()
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        with ThreadPoolExecutor(arguments.clients) as clients:
            statuses = Counter(
                clients.map(lambda n: notify(base, token, n), range(arguments.notifications))
            )
        elapsed = time.perf_counter() - started
        stop.set()
        sender.join()
    finally:
        server.terminate()
        sink.terminate()
        server.wait(30)
    database = "PostgreSQL" if arguments.database else "SQLite (the embedded default)"
    refused = sum(count for status, count in statuses.items() if status != 201)
    print(f"{database}: {arguments.notifications} notifications from {arguments.clients} "
          f"clients in {elapsed:.1f} s ({arguments.notifications / elapsed:.1f} a second), "
          f"with the outbox sent {len(sender_runs)} times meanwhile")  # fmt: skip
    print(f"answers: {dict(sorted(statuses.items()))}; refused: {refused} (goal 0)")
    print(f"server log: {folder / 'server.log'}")


if __name__ == "__main__":
    main()
