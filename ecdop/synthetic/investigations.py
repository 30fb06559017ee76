"""Entry points: synthetic post-mortems and inquests. Most unexpected deaths have a coroner's
post-mortem, whose final report takes weeks to months; about a third go to an inquest, which
can take more than a year to conclude."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert

from ecdop.documents.choices import InquestConclusion, OrderedBy, PostMortemNeeded, PostMortemType
from ecdop.documents.models import Inquest, PostMortem
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import Expectation
from ecdop.synthetic.deaths import SyntheticDeath
from ecdop.synthetic.people import People
from ecdop.synthetic.rows import in_chunks, moment_on

POST_MORTEM_CHANCE = 0.85  # of unexpected deaths
INQUEST_CHANCE = 0.35
POST_MORTEM_TYPES = (PostMortemType.CORONIAL, PostMortemType.PAEDIATRIC, PostMortemType.FORENSIC)
CONCLUSIONS = {
    InquestConclusion.NATURAL_CAUSES: 40, InquestConclusion.NARRATIVE: 25,
    InquestConclusion.ACCIDENT: 15, InquestConclusion.OPEN: 8, InquestConclusion.SUICIDE: 7,
    InquestConclusion.ROAD_TRAFFIC_COLLISION: 5,
}  # fmt: skip


def insert_investigations(
    deaths: list[SyntheticDeath], case_ids: list[int], people: People, seed: int, today: date
) -> None:
    """Post-mortems and inquests for the unexpected deaths, each dated from the death and
    left awaited where its day has not come."""
    chance = random.Random(seed)  # noqa: S311 - invented data
    post_mortems, inquests = [], []
    for death, case_id in zip(deaths, case_ids, strict=True):
        if death.expectation is not Expectation.UNEXPECTED:
            continue
        recorded = moment_on(death.died)
        common = {"case_id": case_id, "recorded_by_id": people.coordinator.id, "version_id": 1,
                  "created_at": recorded, "updated_at": recorded}  # fmt: skip
        if chance.random() < POST_MORTEM_CHANCE:
            post_mortems.append(common | _post_mortem(chance, death, today))
        if chance.random() < INQUEST_CHANCE:
            inquests.append(common | _inquest(chance, death, today))
    for model, rows in ((PostMortem, post_mortems), (Inquest, inquests)):
        for chunk in in_chunks(rows):
            db.session.execute(insert(model), chunk)


def _on_or_before(day: date, today: date) -> date | None:
    return day if day <= today else None


def _post_mortem(chance: random.Random, death: SyntheticDeath, today: date) -> dict:
    performed = min(death.died + timedelta(days=chance.randint(1, 7)), today)
    return {
        "needed": PostMortemNeeded.YES, "ordered_by": OrderedBy.CORONER,
        "kind": chance.choice(POST_MORTEM_TYPES), "performed_on": performed,
        "provisional_cause_received_on": None, "provisional_cause": "",
        "final_report_received_on": _on_or_before(
            performed + timedelta(days=chance.randint(42, 200)), today),
        "final_report_document_id": None,
    }  # fmt: skip


def _inquest(chance: random.Random, death: SyntheticDeath, today: date) -> dict:
    opened = min(death.died + timedelta(days=chance.randint(3, 21)), today)
    concluded = _on_or_before(death.died + timedelta(days=chance.randint(120, 600)), today)
    conclusion = chance.choices(list(CONCLUSIONS), weights=list(CONCLUSIONS.values()))[0]
    return {
        "coroner_area": "Synthetic coroner's area", "coroner_reference": "", "opened_on": opened,
        "expected_on": None, "concluded_on": concluded,
        "conclusion": conclusion if concluded else None,
        "prevention_of_future_deaths_report": bool(concluded) and chance.random() < 0.05,
        "report_sent_to": "",
    }  # fmt: skip
