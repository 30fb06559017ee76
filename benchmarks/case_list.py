"""How fast the coordinator's case list is with many cases.

Fills a PostgreSQL database (wiped first) with N synthetic cases in one area plus the same
number spread over nine other areas, then times the case list's queries: the first page,
a stage filter, a deep page, and searches by family name, NHS number and reference.

    ECDOP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/case_list.py --cases 100000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import flask_migrate
from nhs_number import generate
from sqlalchemy import insert, text

from ecdop import create_app
from ecdop.auth.models import Area, OrganisationKind, Role
from ecdop.auth.services import create_area, create_organisation, create_user
from ecdop.cases.models import Case
from ecdop.cases.queries import case_list
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import age_band

FAMILY_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Khan",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hughes",
]
GIVEN_NAMES = [
    "Oliver",
    "Amelia",
    "Noah",
    "Isla",
    "Muhammad",
    "Ava",
    "George",
    "Lily",
    "Leo",
    "Freya",
    "Arthur",
    "Ivy",
    "Oscar",
    "Florence",
    "Harry",
    "Mia",
]


def unique_nhs_numbers(count: int, used: set[str]) -> list[str]:
    fresh: list[str] = []
    while len(fresh) < count:
        for number in generate(quantity=count - len(fresh), for_region=None):
            if number not in used:
                used.add(number)
                fresh.append(number)
    return fresh


def case_rows(area: Area, count: int, rng: random.Random, start: int, used: set) -> list[dict]:
    numbers = unique_nhs_numbers(count, used)
    rows = []
    for index in range(count):
        born = date(2009, 1, 1) + timedelta(days=rng.randrange(17 * 365))
        died = min(born + timedelta(days=rng.randrange(1, 6000)), date(2026, 11, 1))
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES) + str(index % 997)
        rows.append(
            dict(
                reference=f"{area.code}-{2020 + index % 7}-{start + index:06d}",
                area_id=area.id,
                year=2020 + index % 7,
                sequence=start + index,
                stage=rng.choice(list(Stage)),
                version_id=1,
                given_names=given,
                family_name=family,
                given_names_key=given.lower(),
                family_name_key=family.lower(),
                nhs_number=numbers[index] if rng.random() > 0.15 else None,
                date_of_birth=born,
                sex="female" if index % 2 else "male",
                ethnicity="not_known",
                postcode="SW1A 2AA",
                date_of_death=died,
                place_of_death="home",
                expectation="expected",
                age_band=age_band(born, died),
                created_at=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=index),
                updated_at=datetime(2020, 1, 1, tzinfo=UTC),
            )
        )
    return rows


def fill(count: int, seed: int):
    rng = random.Random(seed)
    areas = [create_area("BENCH", "Benchmark area")]
    areas += [create_area(f"OTHER{n}", f"Other area {n}") for n in range(9)]
    council = create_organisation("Benchmark Council", OrganisationKind.OTHER, areas=areas)
    coordinator = create_user(
        email="bench@demo.test",
        full_name="Bench",
        role=Role.COORDINATOR,
        organisation=council,
        areas=[areas[0]],
        password="benchmark-password",
    )
    db.session.commit()
    used: set[str] = set()
    plan = [(areas[0], count)] + [(area, count // 9) for area in areas[1:]]
    for area, total in plan:
        for start in range(0, total, 10_000):
            rows = case_rows(area, min(10_000, total - start), rng, start, used)
            db.session.execute(insert(Case), rows)
        db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return coordinator


def timed(label: str, run, repeats: int = 20) -> None:
    run()  # warm the plan and the cache
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - started) * 1000)
    print(
        f"{label:<42} median {statistics.median(samples):7.1f} ms   "
        f"max {max(samples):7.1f} ms   ({result.total} matching)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    url = os.environ.get(
        "ECDOP_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade()
        started = time.perf_counter()
        coordinator = fill(options.cases, options.seed)
        print(
            f"filled {options.cases} cases in the coordinator's area and "
            f"{options.cases // 9 * 9} elsewhere in {time.perf_counter() - started:.0f} s"
        )
        sample = db.session.scalar(
            text(
                "SELECT nhs_number FROM cases WHERE area_id = :a AND nhs_number IS NOT NULL LIMIT 1"
            ),
            {"a": coordinator.areas[0].id},
        )

        def listing(**kw):
            args = {"stage": None, "query": "", "page": 1, "per_page": 25} | kw
            return lambda: case_list(coordinator, **args)

        timed("first page, all stages", listing())
        timed("first page, stage 'closed'", listing(stage=Stage.CLOSED))
        timed("page 200, all stages", listing(page=200))
        timed("search family name 'smith1'", listing(query="smith1"))
        timed("search given + family 'amelia jones'", listing(query="amelia jones"))
        timed("search NHS number", listing(query=sample))
        timed("search reference 'BENCH-2024-000123'", listing(query="BENCH-2024-000123"))
        timed("search reference prefix 'BENCH-2024-0001'", listing(query="BENCH-2024-0001"))


if __name__ == "__main__":
    main()
