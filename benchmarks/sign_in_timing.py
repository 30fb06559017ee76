"""Whether a failed sign-in tells an attacker that an address has an account.

Times failed sign-ins, through the real login view with the production password hashing
(argon2id, 64 MiB, 3 passes), for an address with an account and a wrong password, and for an
address with no account, interleaved so that both meet the same machine. Reports each median
and the difference as a share of the known-address median (the goal: within 20%).

    .venv/bin/python benchmarks/sign_in_timing.py --attempts 60
    ECDOP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/sign_in_timing.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import flask_migrate
from sqlalchemy import text

from config import BaseConfig
from ecdop import create_app
from ecdop.auth.models import OrganisationKind, Role
from ecdop.auth.services import create_area, create_organisation, create_user
from ecdop.foundation.extensions import db, limiter

KNOWN = "pat.quinn@council.example"
UNKNOWN = "nobody.here@council.example"


def app_for(url: str):
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASHING": BaseConfig.PASSWORD_HASHING,
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "1000000 per minute",
        }
    )
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade()
        area = create_area("BENCH", "Benchmark area")
        council = create_organisation(
            "Benchmark Council", OrganisationKind.CHILDRENS_SOCIAL_CARE, areas=[area]
        )
        create_user(
            email=KNOWN, full_name="Pat Quinn", role=Role.COORDINATOR, organisation=council,
            areas=[area], password="lantern-orchard-pebble-42",
        )  # fmt: skip
        db.session.commit()
    return app


def failed_sign_in(client, email: str, attempt: int) -> float:
    # A new address each time, as a spread-out attacker's would be.
    environ = {"REMOTE_ADDR": f"10.{attempt // 250}.{attempt % 250}.{attempt % 7 + 1}"}
    started = time.perf_counter()
    response = client.post(
        "/login", data={"email": email, "password": f"wrong-{attempt}"}, environ_base=environ
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed


def measure(app, attempts: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    client = app.test_client()
    with app.app_context():
        for warm_up in range(3):
            failed_sign_in(client, UNKNOWN, warm_up)
        for attempt in range(attempts):
            # Four wrong passwords, then a pause in the count, so the account never locks.
            if attempt % 4 == 0:
                db.session.execute(text("UPDATE users SET failed_sign_ins = 0"))
                db.session.commit()
            for email in (KNOWN, UNKNOWN) if attempt % 2 else (UNKNOWN, KNOWN):
                timings[email].append(failed_sign_in(client, email, attempt))
        limiter.reset()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=60)
    arguments = parser.parse_args()
    url = os.environ.get("ECDOP_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        app = app_for(url or f"sqlite:///{folder}/bench.sqlite3")
        timings = measure(app, arguments.attempts)
    known, unknown = (statistics.median(timings[e]) * 1000 for e in (KNOWN, UNKNOWN))
    print(f"database: {'PostgreSQL' if url else 'SQLite'}; {arguments.attempts} attempts each")
    print(f"known address, wrong password: median {known:.1f} ms")
    print(f"no such account:               median {unknown:.1f} ms")
    print(f"difference: {abs(known - unknown) / known:.1%} of the known-address median")


if __name__ == "__main__":
    main()
