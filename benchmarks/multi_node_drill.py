"""The multi-node drill: what a production deployment relies on, proved on one machine.

Sets up on loopback ports: one PostgreSQL database (made afresh), Redis (one database of it,
emptied), an SMTP sink, two gunicorn nodes (separate processes and ports), HAProxy in front
of them with the README's example configuration, and the scheduler as its own process. Then:

1. 1,000 API notifications through the load balancer from 16 clients, five police systems
   (tokens) sharing them; one node is killed (SIGKILL, every process of it) a third of the
   way through. A client that gets no answer, or a 502/503, sends the same request again with
   the same Idempotency-Key, as the README tells force systems to. Every notification must be
   stored once: 1,000 notifications, 1,000 cases, none twice.
2. The alerts of those deaths go out through the scheduler's outbox, each once.
3. With the killed node started again, a sixth token sends 600 requests as fast as it can,
   spread over both nodes: the per-token limit (300 a minute here) must hold across both,
   counted in the one Redis.

    ECDOP_DRILL_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/multi_node_drill.py

It needs HAProxy (Debian's haproxy package: installed if missing and running as root),
PostgreSQL and Redis. It is not part of `make test`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.servers import free_port, wait_for_port
from ecdop.mail.models import message_id_header

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTIFICATIONS = 1000
CLIENTS = 16
SYSTEMS = 5
RATE_LIMIT = 300
BURST = 600
HAPROXY_CONFIG = """\
global
    maxconn 2000

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A node busy with requests answers its health check late, not never.
    timeout check 5s
    retries 2
    option redispatch
    # Only a request that never reached a node is tried on the other: a POST a node may have
    # acted on is the client's to repeat, with its Idempotency-Key.
    retry-on conn-failure

frontend ecdop
    bind {bind}
    option forwardfor
    http-request set-header X-Forwarded-Proto https
    default_backend ecdop_web

backend ecdop_web
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    # Each node takes as many requests at once as it has workers; HAProxy queues the rest,
    # so a health check never waits behind a node's own backlog.
    timeout queue 30s
    # A node that refuses a real request's connection is taken out at once, not after checks.
    default-server inter 2s fall 3 rise 2 maxconn 4 observe layer4 error-limit 1 on-error mark-down
    server web1 {web1} check
    server web2 {web2} check
"""


class Drill:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ecdop-drill-"))
        server = make_url(os.environ.get(
            "ECDOP_DRILL_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ))  # fmt: skip
        self.server = server
        self.database_url = server.set(database="ecdop_multi_node_drill")
        redis = os.environ.get("ECDOP_DRILL_REDIS_URL", "redis://127.0.0.1:6379/13")
        self.ports = {name: free_port() for name in ("web1", "web2", "balancer", "smtp")}
        self.environment = {
            **os.environ,
            "ECDOP_ENV": "production",
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "DATABASE_URL": self.database_url.render_as_string(hide_password=False),
            "ECDOP_PUBLIC_BASE_URL": "https://ecdop.example.nhs.uk",
            "RATELIMIT_STORAGE_URI": redis,
            "ECDOP_API_RATE_LIMIT": f"{RATE_LIMIT} per minute",
            "ECDOP_TRUSTED_PROXIES": "1",
            "ECDOP_AUDIT_KEY": uuid.uuid4().hex * 2,
            "ECDOP_SMTP_HOST": "127.0.0.1",
            "ECDOP_SMTP_PORT": str(self.ports["smtp"]),
            "ECDOP_SMTP_SECURITY": "none",
            "ECDOP_NEW_USER_PASSWORD": "Wintergreen-Lantern-Harbour-58",
        }
        self.redis = redis
        self.processes: dict[str, subprocess.Popen] = {}

    # Setting up

    def flask(self, *arguments: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own command
            [str(BIN / "flask"), "--app", "ecdop", *arguments], cwd=ROOT, env=self.environment,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(arguments)} failed:\n{done.stderr}")
        return done.stdout

    def create_database(self) -> None:
        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            name = self.database_url.database
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        import redis

        redis.Redis.from_url(self.redis).flushdb()
        self.flask("db", "upgrade")
        self.flask("create-area", "DRL", "Drill area")
        self.flask("create-organisation", "Drill Constabulary", "--kind", "police",
                   "--area", "DRL")  # fmt: skip
        self.flask("create-organisation", "Drill ICB", "--kind", "other", "--area", "DRL")
        self.flask("create-user", "coordinator@drill.test", "--role", "coordinator",
                   "--organisation", "Drill ICB", "--area", "DRL")  # fmt: skip
        self.tokens = []
        for number in range(SYSTEMS + 1):
            email = f"system{number}@drill.test"
            self.flask("create-user", email, "--role", "notifier",
                       "--organisation", "Drill Constabulary", "--area", "DRL")  # fmt: skip
            self.tokens.append(self.flask("tokens", "create", email).strip().splitlines()[-1])

    def start(self, name: str, command: list[str], port: int | None = None) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own command
            command, cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if port:
            wait_for_port(port)

    def start_node(self, name: str) -> None:
        self.start(name, [str(BIN / "gunicorn"), "--workers", "4", "--bind",
                          f"127.0.0.1:{self.ports[name]}", "ecdop:create_app()"],
                   self.ports[name])  # fmt: skip
        # gunicorn listens before its workers have loaded the app: wait until each answers.
        address = f"http://127.0.0.1:{self.ports[name]}/healthz"
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: urllib.request.urlopen(address, timeout=60).read(), range(8)))  # noqa: S310 - loopback

    def start_everything(self) -> None:
        self.start(
            "smtp",
            [
                sys.executable,
                "-c",
                SINK.format(port=self.ports["smtp"], log=str(self.folder / "received.txt")),
            ],
            self.ports["smtp"],
        )
        self.start_node("web1")
        self.start_node("web2")
        config = self.folder / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(
            bind=f"127.0.0.1:{self.ports['balancer']}",
            web1=f"127.0.0.1:{self.ports['web1']}", web2=f"127.0.0.1:{self.ports['web2']}",
        ))  # fmt: skip
        self.start("haproxy", [haproxy(), "-f", str(config), "-db"], self.ports["balancer"])
        self.start("scheduler", [str(BIN / "flask"), "--app", "ecdop", "scheduler",
                                 "--heartbeat", "2"])  # fmt: skip

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def stop(self) -> None:
        for name in list(self.processes):
            if self.processes[name].poll() is None:
                os.killpg(self.processes[name].pid, signal.SIGTERM)
                self.processes[name].wait(timeout=30)

    # Talking to it

    def post(self, token: str, body: bytes, key: str | None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.ports['balancer']}/api/v1/notifications",
            data=body, headers=headers, method="POST",
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, {}
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, {"error": str(error)}

    def query(self, sql: str) -> list:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql)).all()
        finally:
            engine.dispose()


SINK = """
import asyncio, time
from aiosmtpd.controller import Controller
from email import message_from_bytes

class Keep:
    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        with open({log!r}, "a") as received:
            received.write(message["Message-ID"] + "\\n")
        return "250 OK"

Controller(Keep(), hostname="127.0.0.1", port={port}).start()
while True:
    time.sleep(3600)
"""


def haproxy() -> str:
    found = shutil.which("haproxy")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("Install HAProxy first: sudo apt-get install haproxy")
    subprocess.run(["apt-get", "update", "-q"], check=True)  # noqa: S607 - Debian's own
    subprocess.run(["apt-get", "install", "-y", "-q", "haproxy"], check=True)  # noqa: S607
    return shutil.which("haproxy") or "/usr/sbin/haproxy"


def nhs_number(serial: int) -> str:
    """A valid NHS number (modulus 11) from a serial, skipping those with no check digit."""
    while True:
        digits = f"{900000000 + serial:09d}"
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)
        serial += 10_000_000


def family_name(number: int) -> str:
    letters = ""
    for _ in range(4):
        number, letter = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[letter]
    return "Drill" + letters


def notification(number: int) -> bytes:
    return json.dumps({
        "given_names": "Alex", "family_name": family_name(number),
        "nhs_number": nhs_number(number), "date_of_birth": "2026-03-01", "sex": "female",
        "ethnicity": "white_british", "address": "1 Example Street\nExampletown",
        "postcode": "sw1a2aa", "date_of_death": "2026-12-01", "time_of_death": "03:15",
        "place_of_death": "home", "expectation": "unexpected",
        "circumstances": "Found unresponsive.", "circumstances_type": "sudden_unexpected",
        "agencies_involved": ["gp"], "notifier_name": "Sam Patel",
        "notifier_role": "Detective Sergeant", "notifier_phone": "01632 960001",
    }).encode()  # fmt: skip


def notify_all(drill: Drill) -> dict:
    """Phase 1: every notification, retried with its key until it has an answer."""
    figures = Counter()
    answers: dict[int, dict] = {}
    done = Counter()
    guard = threading.Lock()
    killed = threading.Event()

    def send(number: int) -> None:
        token = drill.tokens[number % SYSTEMS]
        key, body = str(uuid.uuid4()), notification(number)
        while True:
            status, answer = drill.post(token, body, key)
            with guard:
                figures[f"answered {status}" if status else "no answer"] += 1
            if status in (200, 201):
                break
            if status == 429:
                time.sleep(1)
            time.sleep(0.2)  # a failed attempt: wait a moment and send it again
        with guard:
            answers[number] = answer
            done["finished"] += 1
            if done["finished"] == NOTIFICATIONS // 3 and not killed.is_set():
                killed.set()
                threading.Thread(target=kill_a_node, args=(drill, figures)).start()

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(send, range(NOTIFICATIONS)))
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["distinct notifications answered"] = len(
        {answer["notification_id"] for answer in answers.values()}
    )
    return dict(figures)


def kill_a_node(drill: Drill, figures: Counter) -> None:
    drill.kill("web1")
    figures["node killed after notifications"] = NOTIFICATIONS // 3


# The kinds of mail the drill counts: each message's kind is the first part of its outbox key.
DRILL_KINDS = ("notification", "api-token-issued")


def drain_mail(drill: Drill, expected: dict[str, int], limit: float = 300) -> dict:
    """Mail received, counted by kind: an alert of a death, a token issued. Reminders the sweep
    queues on some days for a drill case are counted apart, so the verdict never depends on
    the date."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        unsent = drill.query("SELECT count(*) FROM outbox_messages WHERE status != 'sent'")[0][0]
        if unsent == 0:
            break
        time.sleep(1)
    kind_of = {
        message_id_header(message_id, key): key.split(":", 1)[0]
        for message_id, key in drill.query("SELECT id, dedupe_key FROM outbox_messages")
    }
    received = (drill.folder / "received.txt").read_text().split()
    by_kind = Counter(kind_of.get(message_id, "unknown") for message_id in received)
    return {"expected": expected,
            "received, by kind": {kind: by_kind[kind] for kind in DRILL_KINDS},
            "other mail received (not counted)": sum(
                count for kind, count in by_kind.items() if kind not in DRILL_KINDS),
            "received twice": sum(1 for n in Counter(received).values() if n > 1)}  # fmt: skip


def burst(drill: Drill) -> dict:
    """Phase 3: one token as fast as it can, across both nodes."""
    second = time.localtime().tm_sec
    if second > 45:  # a fixed one-minute window: start the burst inside one
        time.sleep(61 - second)
    token = drill.tokens[SYSTEMS]
    statuses = Counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for status, _ in pool.map(lambda _: drill.post(token, b"{}", None), range(BURST)):
            statuses[status] += 1
    return {"sent": BURST, "let through (422: empty body)": statuses[422],
            "refused 429": statuses[429], "limit": RATE_LIMIT}  # fmt: skip


def main() -> None:
    drill = Drill()
    try:
        drill.create_database()
        drill.start_everything()
        print(f"nodes on {drill.ports['web1']} and {drill.ports['web2']}, HAProxy on "
              f"{drill.ports['balancer']}; logs in {drill.folder}")  # fmt: skip
        phase1 = notify_all(drill)
        stored = drill.query(
            "SELECT count(*), count(DISTINCT nhs_number) FROM notifications")[0]  # fmt: skip
        cases = drill.query("SELECT count(*) FROM cases")[0][0]
        print("1. notifications through the balancer, one node killed:", json.dumps(phase1))
        print(f"   stored {stored[0]} notifications of {stored[1]} children; {cases} cases")
        # One alert to the area's coordinator for each death, and one to each system's
        # account to say a token was issued in its name.
        mail = drain_mail(
            drill, expected={"notification": NOTIFICATIONS, "api-token-issued": SYSTEMS + 1}
        )
        print("2. alerts through the scheduler's outbox:", json.dumps(mail))
        drill.start_node("web1")  # back in service for the burst
        time.sleep(5)  # two health checks
        limited = burst(drill)
        print("3. one token's burst across both nodes:", json.dumps(limited))
        ok = (stored[0] == stored[1] == cases == NOTIFICATIONS
              and phase1["distinct notifications answered"] == NOTIFICATIONS
              and mail["received, by kind"] == mail["expected"]
              and mail["received twice"] == 0
              and limited["let through (422: empty body)"] <= RATE_LIMIT)  # fmt: skip
        print("PASS" if ok else "FAIL")
    finally:
        drill.stop()


if __name__ == "__main__":
    main()
