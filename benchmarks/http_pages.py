"""The pages people use, under load, as the history grows.

For each size (10,000 and 100,000 synthetic cases in one area by default; add 1000000 for a
million): wipes a PostgreSQL database, seeds the demo area's people and N synthetic deaths at
3,500 a year (every child death in England, in one area: 100,000 cases are 29 years),
runs ANALYZE as autovacuum would, and serves ecdop with gunicorn (4 workers) in its production
configuration (Redis for the rate limits). Then it signs in as the coordinator, the GP, the
panel chair and a board member, as a person does (password, then the authenticator code), and
loads each of their main pages with wrk: 8 connections for a fixed time. It also posts API
notifications from 8 connections, each a different child.

It prints one table: page, requests a second, p50 and p95 latency, bytes, SQL statements (the
same page rendered once in this process, counted), and throughput as a share of the sign-in
redirect's, measured in the same run.

    ECDOP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/http_pages.py --cases 10000 100000 [--seconds 10]

--reuse keeps a database that already holds exactly N cases (seeding a million takes most of
an hour). Needs wrk (Debian's wrk package; installed if missing and running as root) and Redis.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyotp
from sqlalchemy import event, select, text

from benchmarks.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Wintergreen-Lantern-Harbour-58"  # noqa: S105 - the benchmark's own accounts
TODAY = date(2026, 11, 20)
USER_AGENT = "ecdop-benchmark/1"
# The history grows at the rate of every child death in England, in one area: N cases are
# N / 3,500 years of the past, and the work under way stays one year's, as it would.
DEATHS_A_YEAR = 3_500

# (who, page) for each person's main pages.
PAGES = [
    ("coordinator@demo.test", "/dashboard"),
    ("coordinator@demo.test", "/cases"),
    ("coordinator@demo.test", "/cases?sort=-notified&page=40"),
    ("coordinator@demo.test", "/tasks"),
    ("coordinator@demo.test", "/tasks?show=overdue"),
    ("coordinator@demo.test", "/actions"),
    ("coordinator@demo.test", "/agency-timeliness"),
    ("coordinator@demo.test", "/patterns"),
    ("coordinator@demo.test", "CASE_PAGE"),
    ("coordinator@demo.test", "CASE_TIMELINE"),
    ("gp@demo.test", "/requests"),
    ("gp@demo.test", "/tasks"),
    ("chair@demo.test", "/meetings"),
    ("board@demo.test", "/board-reports"),
]

WRK_REPORT = """
local unexpected = 0
response = function(status, headers, body)
  if status ~= (EXPECTED or 200) then unexpected = unexpected + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %d, \\"seconds\\": %f, \\"bytes\\": %d,"
    .. " \\"p50\\": %f, \\"p95\\": %f, \\"errors\\": %d, \\"non2xx\\": %d,"
    .. " \\"unexpected\\": %d}\\n",
    summary.requests, summary.duration / 1e6, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status, unexpected))
end
"""

WRK_NOTIFY = """
local counter = 0
local thread_id = 0
local threads = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
init = function(args)
  thread_id = id
end
request = function()
  counter = counter + 1
  local serial = thread_id * 10000000 + counter
  local body = string.format(BODY, serial % 28 + 1, serial)
  wrk.headers["Idempotency-Key"] = "bench-" .. serial
  return wrk.format("POST", nil, nil, body)
end
"""


@dataclass
class Figures:
    page: str
    per_second: float
    p50_ms: float
    p95_ms: float
    bytes: int
    statements: int | None
    errors: int


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("Install wrk first: sudo apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)  # noqa: S607
    return shutil.which("wrk") or "/usr/bin/wrk"


class Deployment:
    """ecdop under gunicorn in production configuration, on a loopback port."""

    def __init__(self, database_url: str, redis_url: str):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="ecdop-pages-"))
        self.environment = {
            **os.environ,
            "ECDOP_ENV": "production",
            "SECRET_KEY": "benchmark-" + "k" * 40,
            "DATABASE_URL": database_url,
            "ECDOP_PUBLIC_BASE_URL": "https://ecdop.example.nhs.uk",
            "RATELIMIT_STORAGE_URI": redis_url,
            "ECDOP_API_RATE_LIMIT": "1000000 per minute",
            "ECDOP_TRUSTED_PROXIES": "1",
            "ECDOP_AUDIT_KEY": "benchmark-audit-" + "a" * 40,
        }
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.start_with_workers(4)

    def start_with_workers(self, workers: int) -> None:
        log = (self.folder / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [str(BIN / "gunicorn"), "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "ecdop:create_app()"],
            cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=5).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(8):  # every worker has loaded the app
            urllib.request.urlopen(f"{self.base}/healthz", timeout=30).read()  # noqa: S310

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_arguments):
        return None


class Person:
    """Signs in as a person does, keeping the session cookie by hand: it is Secure, and this
    talks plain HTTP to gunicorn with X-Forwarded-Proto: https, as behind a TLS proxy."""

    def __init__(self, base: str, email: str, totp_secret: str):
        self.base, self.email, self.secret = base, email, totp_secret
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirects)

    def request(self, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = self.headers()
        if data is not None:
            # Behind TLS, a form must come from the service's own pages (CSRF's referrer check).
            headers["Referer"] = self.base.replace("http://", "https://") + path
        request = urllib.request.Request(  # noqa: S310 - loopback http
            self.base + path, data=data, headers=headers
        )
        try:
            answer = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            answer = error
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return answer.status, answer.read().decode(), dict(answer.headers)

    def headers(self) -> dict:
        # The same browser each time: a session is bound to the browser that signed in.
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"X-Forwarded-Proto": "https", "User-Agent": USER_AGENT,
                **({"Cookie": cookie} if cookie else {})}  # fmt: skip

    def sign_in(self) -> None:
        _status, page, _headers = self.request("/login")
        self.request("/login", {"csrf_token": csrf(page), "email": self.email,
                                "password": PASSWORD})  # fmt: skip
        _status, page, _headers = self.request("/sign-in/code")
        status, _page, headers = self.request(
            "/sign-in/code", {"csrf_token": csrf(page), "code": pyotp.TOTP(self.secret).now()}
        )
        if status != 302 or "/sign-in" in headers.get("Location", ""):
            raise SystemExit(f"{self.email} could not sign in")


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def wrk(url: str, headers: dict, seconds: int, script: str, extra_lua: str = "") -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(extra_lua + script)
    arguments = [wrk_binary(), "-t4", "-c8", f"-d{seconds}s", "-s", lua.name]
    for name, value in headers.items():
        arguments += ["-H", f"{name}: {value}"]
    done = subprocess.run([*arguments, url], capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(re.search(r"JSON (.*)", done.stdout).group(1))


def fill(url: str, cases: int, reuse: bool = False) -> dict[str, str]:
    """A fresh database: the demo's people with authenticator apps, N synthetic deaths.
    ``reuse``: keep a database that already holds N cases (a million take most of an hour to
    seed), bringing its schema up to date and giving its people new authenticator apps."""
    import flask_migrate

    from ecdop import create_app
    from ecdop.auth.models import User
    from ecdop.demo import DEMO_AREA, seed_demo, seed_demo_reference_data
    from ecdop.foundation.extensions import db
    from ecdop.synthetic import seed_synthetic

    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        started = time.perf_counter()
        years = max(1, round(cases / DEATHS_A_YEAR))
        if reuse and _holds(cases):
            flask_migrate.upgrade()
        else:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            flask_migrate.upgrade()
            seed_demo(PASSWORD)
            seed_demo_reference_data()
            from ecdop.auth.queries import area_by_code

            area = area_by_code(DEMO_AREA[0])
            seed_synthetic(area, cases=cases, seed=7, today=TODAY, years=years)
        secrets = {}
        for user in db.session.scalars(select(User)):
            user.totp_secret = secrets[user.email] = pyotp.random_base32()
            user.must_change_password = False
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"  seeded {cases:,} cases over {years} years in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        return secrets


def _holds(cases: int) -> bool:
    """The database holds the N synthetic cases (all notified by TODAY: the API notifications
    of an earlier run came later and are not counted)."""
    from ecdop.foundation.extensions import db

    try:
        held = db.session.scalar(
            text("SELECT count(*) FROM cases WHERE created_at < :after"),
            {"after": TODAY + timedelta(days=1)},
        )
    except Exception:  # noqa: BLE001 - no schema yet: seed it
        held = None
    db.session.rollback()  # no lock kept: the schema may be dropped next
    return held == cases


def in_process_app(deployment: Deployment):
    """The same application and configuration in this process, to count each page's SQL
    statements with the signed-in person's own session cookie."""
    from ecdop import create_app

    environment = deployment.environment
    return create_app({
        "ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": environment["DATABASE_URL"],
        "SECRET_KEY": environment["SECRET_KEY"],
        "PUBLIC_BASE_URL": environment["ECDOP_PUBLIC_BASE_URL"],
        "RATELIMIT_STORAGE_URI": environment["RATELIMIT_STORAGE_URI"],
        "TRUSTED_PROXY_COUNT": 1,
    })  # fmt: skip


def statements_of(app, person: Person, path: str) -> int:
    from ecdop.foundation.extensions import db

    counted = {"n": 0}

    def count(*_arguments) -> None:
        counted["n"] += 1

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    for name, value in person.cookies.items():
        client.set_cookie(name, value)
    headers = {name: value for name, value in person.headers().items() if name != "Cookie"}
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = client.get(path, headers=headers)
        if answer.status_code != 200:
            return -1  # could not count: shown as such rather than as a small number
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counted["n"]


def a_case_id(url: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as connection:
        # A case read many times over its life would show any cost that grows with reads.
        case_id = connection.scalar(text("SELECT id FROM cases ORDER BY id LIMIT 1"))
    engine.dispose()
    return case_id


def measure(url: str, redis_url: str, cases: int, seconds: int, reuse: bool) -> list[Figures]:
    secrets = fill(url, cases, reuse)
    case_id = a_case_id(url)
    deployment = Deployment(url, redis_url)
    deployment.start()
    app = in_process_app(deployment)
    people = {}
    try:
        figures = []
        redirect = wrk(f"{deployment.base}/", {"X-Forwarded-Proto": "https"}, seconds,
                       WRK_REPORT, "EXPECTED = 302\n")  # fmt: skip
        figures.append(as_figures("sign-in redirect (signed out)", redirect, 0, None))
        for email, page in PAGES:
            path = page.replace("CASE_PAGE", f"/cases/{case_id}").replace(
                "CASE_TIMELINE", f"/cases/{case_id}/timeline"
            )
            if email not in people:
                people[email] = Person(deployment.base, email, secrets[email])
                people[email].sign_in()
            status, body, _headers = people[email].request(path)
            if status != 200:
                raise SystemExit(f"{path} answered {status} for {email}")
            result = wrk(deployment.base + path, people[email].headers(), seconds, WRK_REPORT)
            statements = statements_of(app, people[email], path)
            figures.append(as_figures(f"{email.split('@')[0]}: {path}", result,
                                      len(body.encode()), statements))  # fmt: skip
        figures.append(as_figures("API notification (POST)", notify(deployment, url, seconds),
                                  0, None))  # fmt: skip
        return figures
    finally:
        deployment.stop()


def notify(deployment: Deployment, url: str, seconds: int) -> dict:
    from sqlalchemy import create_engine

    token = subprocess.run(  # noqa: S603 - our own command
        [str(BIN / "flask"), "--app", "ecdop", "tokens", "create", "police@demo.test"],
        cwd=ROOT, env=deployment.environment, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    body = json.dumps({
        "given_names": "Alex", "family_name": "Benchmark", "nhs_number": None,
        "date_of_birth": "2026-01-%02d", "sex": "female", "ethnicity": "white_british",
        "address": "1 Example Street", "postcode": "sw1a2aa", "date_of_death": "2026-11-18",
        "time_of_death": "03:15", "place_of_death": "home", "expectation": "unexpected",
        "circumstances": "Benchmark %d.", "circumstances_type": "sudden_unexpected",
        "agencies_involved": ["gp"], "notifier_name": "Sam Patel",
        "notifier_role": "Detective Sergeant", "notifier_phone": "01632 960001",
    })  # fmt: skip
    lua_body = "BODY = [[" + body + "]]\n"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    result = wrk(f"{deployment.base}/api/v1/notifications", headers, seconds,
                 WRK_NOTIFY + WRK_REPORT, lua_body + "EXPECTED = 201\n")  # fmt: skip
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.scalar(text("SELECT count(*) FROM notifications "
                                        "WHERE circumstances LIKE 'Benchmark %'"))  # fmt: skip
    engine.dispose()
    result["stored"] = stored
    return result


def as_figures(page: str, result: dict, size: int, statements: int | None) -> Figures:
    return Figures(page, result["requests"] / result["seconds"], result["p50"], result["p95"],
                   size, statements, result["errors"] + result["unexpected"])  # fmt: skip


def print_table(cases: int, figures: list[Figures]) -> None:
    baseline = figures[0].per_second
    print(f"\n{cases:,} cases in one area")
    print("| page | req/s | p50 ms | p95 ms | bytes | SQL | share of redirect | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for row in figures:
        print(f"| {row.page} | {row.per_second:,.1f} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | "
              f"{row.bytes:,} | {row.statements if row.statements is not None else ''} | "
              f"{row.per_second / baseline:.1%} | {row.errors} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that already holds exactly N cases")  # fmt: skip
    options = parser.parse_args()
    url = os.environ.get(
        "ECDOP_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    redis_url = os.environ.get("ECDOP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    for cases in options.cases:
        print_table(cases, measure(url, redis_url, cases, options.seconds, options.reuse))


if __name__ == "__main__":
    main()
