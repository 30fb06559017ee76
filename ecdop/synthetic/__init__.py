"""Entry points: synthetic cases at national scale, for demos, tests and benchmarks: invented
children whose deaths follow the national pattern (about 63% under 1, 42% under 28 days, a steep
gradient by deprivation, 28-30% of reviews with modifiable factors), spread over six years (or
as many as asked for) and through every stage, with the notifications, deadlines, agency
requests, post-mortems and inquests, panel meetings, analyses and actions that go with them.
The same seed gives the same cases.

Rows are written in bulk rather than through the services (100,000 cases through the services
would take hours); the audit trail and stage history are not synthesised."""

from __future__ import annotations

import random
from datetime import date

from ecdop.auth.models import Area
from ecdop.foundation.db import utc_now
from ecdop.synthetic.cases import IN_HOSPITAL, insert_cases
from ecdop.synthetic.deadlines import insert_deadlines_and_requests
from ecdop.synthetic.deaths import (
    MOST_YEARS,
    YEARS_OF_DEATHS,
    SyntheticDataRefused,
    postcodes_by_decile,
    synthetic_deaths,
)
from ecdop.synthetic.investigations import insert_investigations
from ecdop.synthetic.people import people_of
from ecdop.synthetic.reviews import insert_meetings, insert_reviews
from ecdop.synthetic.rows import moment_on

__all__ = ["IN_HOSPITAL", "SyntheticDataRefused", "seed_synthetic", "synthetic_deaths"]


def seed_synthetic(
    area: Area, *, cases: int, seed: int, today: date, years: int = YEARS_OF_DEATHS
) -> int:
    """Add ``cases`` synthetic deaths over the last ``years`` to the area; returns how many
    were made. More years at the same number of cases is a longer history, not more work
    under way: the benchmarks use that to grow the past alone."""
    if not 1 <= cases <= 1_000_000:
        raise SyntheticDataRefused("Choose from 1 to 1,000,000 cases")
    if not 1 <= years <= MOST_YEARS:
        raise SyntheticDataRefused(f"Choose from 1 to {MOST_YEARS} years")
    people = people_of(area)
    deaths = sorted(
        synthetic_deaths(seed, cases, today, postcodes_by_decile(), years), key=lambda d: d.died
    )
    # Nothing is received later than now, nor later than the day the history is made for.
    latest = min(utc_now(), moment_on(today, 23))
    case_ids = insert_cases(area, deaths, people, latest)
    meetings = insert_meetings(area, deaths, people)
    chance = random.Random(seed + 1)  # noqa: S311
    insert_reviews(deaths, case_ids, meetings, people, chance, today)
    insert_deadlines_and_requests(deaths, case_ids, people, chance, today)
    # Their own stream of chance: the rest of the history stays as it was for a seed.
    insert_investigations(deaths, case_ids, people, seed + 2, today)
    return len(case_ids)
