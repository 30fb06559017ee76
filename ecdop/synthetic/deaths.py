"""Entry points: the invented deaths themselves, in the national shape: who died, when, where, of
what, and how far each review has gone by now."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ecdop.analytics.models import PostcodeDeprivation
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import (
    AgeBand,
    CategoryOfDeath,
    Ethnicity,
    Expectation,
    PlaceOfDeath,
    Sex,
)
from ecdop.synthetic.distributions import (
    AGE_WEIGHTS,
    CATEGORY_WEIGHTS,
    DECILE_WEIGHTS,
    ETHNICITY_WEIGHTS,
    PLACE_BY_CATEGORY,
    UNEXPECTED_CATEGORIES,
)

YEARS_OF_DEATHS = 6  # a five-year trend of whole years, and the year under way


MOST_YEARS = 400


class SyntheticDataRefused(ValueError):
    pass


def postcodes_by_decile() -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for postcode, decile in db.session.execute(
        select(PostcodeDeprivation.postcode, PostcodeDeprivation.imd_decile).order_by(
            PostcodeDeprivation.postcode
        )
    ):
        found.setdefault(decile, []).append(postcode)
    return found


def _choose(chance: random.Random, weights: dict):
    return chance.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class SyntheticDeath:
    """One invented child's death and how far its review has gone."""

    born: date
    died: date
    sex: Sex
    ethnicity: Ethnicity
    postcode: str
    category: CategoryOfDeath
    place: PlaceOfDeath
    expectation: Expectation
    stage: Stage
    signed_off: date | None = None
    reviewed: date | None = None


def _date_of_birth(chance: random.Random, band: AgeBand, died: date) -> date:
    days = {
        AgeBand.NEONATAL: (0, 27),
        AgeBand.POST_NEONATAL: (28, 364),
        AgeBand.ONE_TO_FOUR: (366, 5 * 365),
        AgeBand.FIVE_TO_NINE: (5 * 366, 10 * 365),
        AgeBand.TEN_TO_FOURTEEN: (10 * 366, 15 * 365),
        AgeBand.FIFTEEN_TO_SEVENTEEN: (15 * 366, 18 * 365 - 5),
    }[band]
    return died - timedelta(days=chance.randint(*days))


def _stage_by_now(chance: random.Random, death: SyntheticDeath, today: date) -> None:
    """How far a review has got depends on how long ago the child died: most close within a
    year, a few take much longer."""
    days_to_review = int(chance.lognormvariate(5.3, 0.35))  # median about 200 days
    days_to_closure = days_to_review + chance.randint(7, 60)
    elapsed = (today - death.died).days
    if elapsed >= days_to_closure:
        death.stage = Stage.CLOSED
        death.reviewed = death.died + timedelta(days=days_to_review)
        death.signed_off = death.died + timedelta(days=days_to_closure)
    elif elapsed >= days_to_review:
        death.stage = Stage.PANEL_REVIEWED
        death.reviewed = death.died + timedelta(days=days_to_review)
    else:
        share = elapsed / days_to_review
        stages = (Stage.NOTIFIED, Stage.INFORMATION_GATHERING, Stage.AWAITING_CDRM,
                  Stage.READY_FOR_PANEL, Stage.SCHEDULED_FOR_PANEL)  # fmt: skip
        death.stage = stages[min(int(share * 5), 4)] if elapsed > 2 else Stage.NOTIFIED


def synthetic_deaths(
    seed: int, count: int, today: date, postcodes: dict[int, list[str]], years: int
):
    chance = random.Random(seed)  # noqa: S311 - reproducible invented data, not secrets
    first_day = today - relativedelta(years=years)
    span = (today - first_day).days
    for _ in range(count):
        band = _choose(chance, AGE_WEIGHTS)
        died = first_day + timedelta(days=chance.randrange(span))
        category = _choose(chance, CATEGORY_WEIGHTS[band])
        decile = _choose(chance, DECILE_WEIGHTS)
        unexpected = category in UNEXPECTED_CATEGORIES or chance.random() < 0.25
        death = SyntheticDeath(
            born=_date_of_birth(chance, band, died),
            died=died,
            sex=_choose(chance, {Sex.MALE: 56, Sex.FEMALE: 43, Sex.NOT_KNOWN: 1}),
            ethnicity=_choose(chance, ETHNICITY_WEIGHTS),
            postcode=chance.choice(postcodes[decile])
            if decile in postcodes and chance.random() > 0.03
            else f"ZZ{chance.randint(1, 99)} 9ZZ",
            category=category,
            place=_choose(chance, PLACE_BY_CATEGORY.get(category, PLACE_BY_CATEGORY[None])),
            expectation=Expectation.UNEXPECTED if unexpected else Expectation.EXPECTED,
            stage=Stage.NOTIFIED,
        )
        _stage_by_now(chance, death, today)
        yield death
