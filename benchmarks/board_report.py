"""How long the annual board report takes, and how much memory its PDF needs, as cases grow.

For each size, wipes a PostgreSQL database, seeds the demo area and N synthetic cases over six
years (through every stage, with deadlines, requests, analyses and actions), then in a fresh
process: times the annual report's aggregate queries, and times building and rendering the
full PDF, reporting that process's peak resident memory.

    ECDOP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/board_report.py --cases 10000 100000
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime

import flask_migrate
from sqlalchemy import text

from ecdop import create_app
from ecdop.analytics import aggregates
from ecdop.auth.queries import area_by_code
from ecdop.board_reports.content import build_report
from ecdop.board_reports.render import report_pdf
from ecdop.cases.models import Case
from ecdop.demo import DEMO_AREA, seed_demo, seed_demo_reference_data
from ecdop.foundation.extensions import db
from ecdop.foundation.periods import PeriodKind, last_closed, trend_years
from ecdop.meetings.models import PanelAnalysis
from ecdop.synthetic import seed_synthetic

TODAY = date(2026, 11, 20)
START_MONTH = 4


def app_for(url: str):
    return create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url})


def fill(url: str, cases: int) -> float:
    app = app_for(url)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade()
        started = time.perf_counter()
        seed_demo("benchmark-password")
        seed_demo_reference_data()
        area = area_by_code(DEMO_AREA[0])
        seed_synthetic(area, cases=cases, seed=7, today=TODAY)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return time.perf_counter() - started


def all_aggregates(area_ids: list[int]) -> None:
    """Every query the annual report runs, for its period and the year before."""
    period = last_closed(PeriodKind.ANNUAL, TODAY, START_MONTH)
    years = trend_years(period, START_MONTH)
    for column in (Case.age_band, Case.sex, Case.ethnicity, Case.place_of_death, Case.expectation):
        aggregates.deaths_by(column, area_ids, period)
    aggregates.deaths_by_deprivation(area_ids, period)
    aggregates.child_population(area_ids, period.starts_on.year)
    aggregates.reviews_by(PanelAnalysis.category, area_ids, period)
    aggregates.reviews_by(PanelAnalysis.modifiable, area_ids, period)
    aggregates.reviews_with_factors_by_domain(area_ids, period)
    aggregates.reviews_by_learning_theme(area_ids, period)
    aggregates.deaths_by_year(area_ids, years)
    aggregates.populations_by_year(area_ids, [year.year for year in years])
    aggregates.reviews_by_year(area_ids, years)
    aggregates.days_from_death_to_closure(area_ids, period)
    aggregates.deadlines_met_on_time(area_ids, period, TODAY)
    aggregates.agency_reports_on_time(area_ids, period, TODAY)
    aggregates.panel_actions(area_ids, period)
    aggregates.patterns_raised(area_ids, period)


def peak_resident_megabytes() -> float:
    """This process's own high-water mark (getrusage's would include the seeding parent's, as
    Linux keeps it across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str) -> None:
    """Run in a fresh process, so that its peak memory is the report's alone."""
    app = app_for(url)
    with app.app_context(), app.test_request_context():
        area = area_by_code(DEMO_AREA[0])
        all_aggregates([area.id])  # warm the database's caches once
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            all_aggregates([area.id])
            samples.append(time.perf_counter() - started)
        period = last_closed(PeriodKind.ANNUAL, TODAY, START_MONTH)
        started = time.perf_counter()
        content = build_report(period, [area], start_month=START_MONTH, today=TODAY,
                               generated_at=datetime.now(UTC))  # fmt: skip
        built = time.perf_counter() - started
        pdf = report_pdf(content)
        total = time.perf_counter() - started
        peak_mb = peak_resident_megabytes()
        print(
            f"  aggregates: median {statistics.median(samples) * 1000:.0f} ms "
            f"(max {max(samples) * 1000:.0f} ms)\n"
            f"  full PDF: {total:.1f} s ({built:.1f} s content and charts), "
            f"{len(pdf) / 1024:.0f} KB, peak memory {peak_mb:.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    url = os.environ.get(
        "ECDOP_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    if options.measure_only:
        measure(url)
        return
    for cases in options.cases:
        seconds = fill(url, cases)
        print(f"{cases:,} synthetic cases (seeded in {seconds:.0f} s):", flush=True)
        subprocess.run(  # noqa: S603 - this script, run again by the same interpreter
            [sys.executable, __file__, "--measure-only"], check=True, env=os.environ
        )


if __name__ == "__main__":
    main()
