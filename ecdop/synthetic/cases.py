"""Entry points: synthetic cases and the notifications they came by, each notified by the
area's notifier who would have told of it, and never later than now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert

from ecdop.auth.models import Area, OrganisationKind, User
from ecdop.cases.models import Case, CaseReferenceCounter
from ecdop.cases.states import TRIAGE
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import (
    CircumstancesType,
    PlaceOfDeath,
    age_band,
)
from ecdop.notifications.models import MatchResult, Notification
from ecdop.synthetic.deaths import (
    SyntheticDeath,
)
from ecdop.synthetic.people import People
from ecdop.synthetic.rows import in_chunks, moment_on

GIVEN_NAMES = ("Alex", "Sam", "Charlie", "Jo", "Robin", "Frankie", "Riley", "Jesse", "Morgan")


FAMILY_NAMES = ("Synthetica", "Madeup", "Inventa", "Fictitia", "Placeholder", "Examplar")


# Deaths in hospital are notified by its staff; others by the police, where the area has both.
IN_HOSPITAL = frozenset(
    {
        PlaceOfDeath.HOSPITAL_EMERGENCY,
        PlaceOfDeath.HOSPITAL_WARD,
        PlaceOfDeath.NEONATAL_UNIT,
        PlaceOfDeath.PAEDIATRIC_INTENSIVE_CARE,
    }
)


def notifier_of(death: SyntheticDeath, people: People, index: int) -> User:
    """One of the area's notifiers, as would have told of this death: the hospital's for a
    death in hospital, the police's otherwise, taking turns among several."""
    kind = OrganisationKind.NHS_TRUST if death.place in IN_HOSPITAL else OrganisationKind.POLICE
    fitting = [n for n in people.notifiers if n.organisation.kind is kind] or people.notifiers
    return fitting[index % len(fitting)]


@dataclass(frozen=True)
class Moments:
    """When a synthetic death was notified, triaged and told to the national database: the
    day after the death, never later than the seeding's own moment."""

    notified: datetime
    triaged: datetime
    told: datetime

    @classmethod
    def of(cls, death: SyntheticDeath, latest: datetime) -> Moments:
        notified = min(moment_on(death.died + timedelta(days=1)), latest)
        return cls(notified, min(notified + timedelta(days=1), latest),
                   min(notified + timedelta(hours=20), latest))  # fmt: skip


def _next_sequences(area: Area, year: int, count: int) -> range:
    counter = db.session.get(CaseReferenceCounter, (area.id, year))
    if counter is None:
        counter = CaseReferenceCounter(area_id=area.id, year=year, last_sequence=0)
        db.session.add(counter)
    first = counter.last_sequence + 1
    counter.last_sequence += count
    return range(first, first + count)


def insert_cases(area: Area, deaths: list[SyntheticDeath], people: People, latest: datetime):
    by_year: dict[int, list[SyntheticDeath]] = {}
    for death in deaths:
        by_year.setdefault(death.died.year, []).append(death)
    numbering = {}
    for year, members in by_year.items():
        for death, sequence in zip(members, _next_sequences(area, year, len(members)), strict=True):
            numbering[id(death)] = (year, sequence)
    moments = [Moments.of(death, latest) for death in deaths]
    rows = [_case_row(area, death, *numbering[id(death)], index, moments[index]) for index, death
            in enumerate(deaths)]  # fmt: skip
    case_ids: list[int] = []
    for chunk in in_chunks(rows):
        case_ids += db.session.scalars(
            insert(Case).returning(Case.id, sort_by_parameter_order=True), chunk
        ).all()
    notifications = [
        _notification_row(area, death, case_id, notifier_of(death, people, index), when)
        for index, (death, case_id, when) in enumerate(zip(deaths, case_ids, moments, strict=True))
    ]
    for chunk in in_chunks(notifications):
        db.session.execute(insert(Notification), chunk)
    return case_ids


def _case_row(
    area: Area, death: SyntheticDeath, year: int, sequence: int, index: int, when: Moments
) -> dict:
    given, family = GIVEN_NAMES[index % len(GIVEN_NAMES)], FAMILY_NAMES[index % len(FAMILY_NAMES)]
    return dict(
        reference=f"{area.code}-{year}-{sequence:04d}", area_id=area.id, year=year,
        sequence=sequence, stage=death.stage, version_id=1, given_names=given,
        family_name=family, given_names_key=given.lower(), family_name_key=family.lower(),
        nhs_number=None, date_of_birth=death.born, sex=death.sex, ethnicity=death.ethnicity,
        postcode=death.postcode, date_of_death=death.died, place_of_death=death.place,
        expectation=death.expectation, provisional_category=death.category,
        age_band=age_band(death.born, death.died),
        triaged_at=None if TRIAGE.open_for(death) else when.triaged,
        national_database_told_at=when.told, created_at=when.notified, updated_at=when.notified,
    )  # fmt: skip


def _notification_row(
    area: Area, death: SyntheticDeath, case_id: int, notifier: User, when: Moments
) -> dict:
    return dict(
        submitted_at=when.notified, submitted_by_id=notifier.id,
        organisation_id=notifier.organisation_id, area_id=area.id, case_id=case_id,
        match_result=MatchResult.NEW, given_names="Synthetic", family_name="Child",
        nhs_number=None, date_of_birth=death.born, sex=death.sex, ethnicity=death.ethnicity,
        address="Synthetic data", postcode=death.postcode, date_of_death=death.died,
        place_of_death=death.place, expectation=death.expectation,
        circumstances="Synthetic case for demonstration and testing.",
        circumstances_type=CircumstancesType.NOT_KNOWN, agencies_involved=[],
        notifier_name=notifier.full_name, notifier_role=notifier.job_title or "Synthetic",
        notifier_phone=notifier.phone or "01632 960000",
    )  # fmt: skip
