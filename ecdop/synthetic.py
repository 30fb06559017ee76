"""Synthetic cases at national scale, for demos, tests and benchmarks: invented children whose
deaths follow the national pattern (about 63% under 1, 42% under 28 days, a steep gradient by
deprivation, 28-30% of reviews with modifiable factors), spread over six years (or as many as
asked for) and through every stage, with the notifications, deadlines, agency requests, panel
meetings, analyses and actions that go with them. The same seed gives the same cases.

Rows are written in bulk rather than through the services (100,000 cases through the services
would take hours); the audit trail and stage history are not synthesised.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select

from ecdop.analytics.models import PostcodeDeprivation
from ecdop.auth.models import Area, Organisation, OrganisationKind, Role, User
from ecdop.cases.models import Case, CaseReferenceCounter
from ecdop.cases.states import Stage
from ecdop.db import utc_now
from ecdop.deadlines.models import Deadline, DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.extensions import db
from ecdop.meetings.choices import DOMAINS, ModifiableFactors
from ecdop.meetings.models import PanelAction, PanelAnalysis, PanelMeeting
from ecdop.notifications.models import MatchResult, Notification
from ecdop.reporting_forms.models import ReportingRequest, RequestStatus
from ecdop.synthetic_distributions import (
    AGE_WEIGHTS,
    CATEGORY_WEIGHTS,
    DECILE_WEIGHTS,
    ETHNICITY_WEIGHTS,
    FACTORS_BY_CATEGORY,
    LEARNING_BY_CATEGORY,
    MODIFIABLE_CHANCE,
    PLACE_BY_CATEGORY,
    UNEXPECTED_CATEGORIES,
)
from ecdop.vocabulary import (
    ActionStatus,
    AgeBand,
    CategoryOfDeath,
    CircumstancesType,
    Ethnicity,
    Expectation,
    PlaceOfDeath,
    Sex,
    age_band,
)

CHUNK = 2_000
YEARS_OF_DEATHS = 6  # a five-year trend of whole years, and the year under way
MOST_YEARS = 400
GIVEN_NAMES = ("Alex", "Sam", "Charlie", "Jo", "Robin", "Frankie", "Riley", "Jesse", "Morgan")
FAMILY_NAMES = ("Synthetica", "Madeup", "Inventa", "Fictitia", "Placeholder", "Examplar")


class SyntheticDataRefused(ValueError):
    pass


@dataclass(frozen=True)
class People:
    notifiers: tuple[User, ...]  # the area's notifiers, police and health alike
    coordinator: User
    chair: User
    agencies: tuple[Organisation, ...]


def _people(area: Area) -> People:
    def first(role: Role) -> User | None:
        return db.session.scalar(
            select(User).where(User.role == role, User.areas.contains(area)).order_by(User.id)
        )

    notifiers = tuple(
        db.session.scalars(
            select(User)
            .where(User.role == Role.NOTIFIER, User.active, User.areas.contains(area))
            .order_by(User.id)
        )
    )
    coordinator, chair = first(Role.COORDINATOR), first(Role.PANEL_CHAIR)
    if not notifiers or coordinator is None or chair is None:
        raise SyntheticDataRefused(
            f"{area.name} needs a notifier, a coordinator and a panel chair first "
            "(seed-demo makes them for the demo area)"
        )
    agencies = tuple(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_([OrganisationKind.GP_PRACTICE, OrganisationKind.SCHOOL]))
            .order_by(Organisation.id)
        )
    )
    return People(notifiers, coordinator, chair, agencies)


def _postcodes_by_decile() -> dict[int, list[str]]:
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


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


# Deaths in hospital are notified by its staff; others by the police, where the area has both.
IN_HOSPITAL = frozenset(
    {
        PlaceOfDeath.HOSPITAL_EMERGENCY,
        PlaceOfDeath.HOSPITAL_WARD,
        PlaceOfDeath.NEONATAL_UNIT,
        PlaceOfDeath.PAEDIATRIC_INTENSIVE_CARE,
    }
)


def _notifier_of(death: SyntheticDeath, people: People, index: int) -> User:
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
        notified = min(_at(death.died + timedelta(days=1)), latest)
        return cls(notified, min(notified + timedelta(days=1), latest),
                   min(notified + timedelta(hours=20), latest))  # fmt: skip


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
    people = _people(area)
    deaths = sorted(
        synthetic_deaths(seed, cases, today, _postcodes_by_decile(), years), key=lambda d: d.died
    )
    # Nothing is received later than now, nor later than the day the history is made for.
    latest = min(utc_now(), _at(today, 23))
    case_ids = _insert_cases(area, deaths, people, latest)
    meetings = _insert_meetings(area, deaths, people)
    chance = random.Random(seed + 1)  # noqa: S311
    _insert_reviews(deaths, case_ids, meetings, people, chance, today)
    _insert_deadlines_and_requests(deaths, case_ids, people, chance, today)
    return len(case_ids)


def _next_sequences(area: Area, year: int, count: int) -> range:
    counter = db.session.get(CaseReferenceCounter, (area.id, year))
    if counter is None:
        counter = CaseReferenceCounter(area_id=area.id, year=year, last_sequence=0)
        db.session.add(counter)
    first = counter.last_sequence + 1
    counter.last_sequence += count
    return range(first, first + count)


def _insert_cases(area: Area, deaths: list[SyntheticDeath], people: People, latest: datetime):
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
    for chunk in _chunks(rows):
        case_ids += db.session.scalars(
            insert(Case).returning(Case.id, sort_by_parameter_order=True), chunk
        ).all()
    notifications = [
        _notification_row(area, death, case_id, _notifier_of(death, people, index), when)
        for index, (death, case_id, when) in enumerate(zip(deaths, case_ids, moments, strict=True))
    ]
    for chunk in _chunks(notifications):
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
        triaged_at=when.triaged if death.stage is not Stage.NOTIFIED else None,
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


def _meeting_day(day: date) -> date:
    """Panels meet on the 15th of each month; a case is reviewed at the next one."""
    meeting = day.replace(day=15)
    return meeting if meeting >= day else meeting + relativedelta(months=1)


def _insert_meetings(area: Area, deaths: list[SyntheticDeath], people: People) -> dict[date, int]:
    days = sorted({_meeting_day(d.reviewed) for d in deaths if d.reviewed is not None})
    meetings = {}
    for day in days:
        meeting = PanelMeeting(area_id=area.id, held_on=day, panel_type="general",
                               scheduled_by_id=people.coordinator.id)  # fmt: skip
        db.session.add(meeting)
        meetings[day] = meeting
    db.session.flush()
    return {day: meeting.id for day, meeting in meetings.items()}


def _scores_and_factors(chance: random.Random, category: CategoryOfDeath, modifiable: bool):
    """Domain scores: 2 (may have contributed) where a factor typical of the category is
    named, else 1, with an occasional 0 (information not available)."""
    named = FACTORS_BY_CATEGORY.get(category, {}) if modifiable else {}
    factors, scores = {}, {}
    for domain in DOMAINS:
        typical = [key for key in named.get(domain.key, ()) if chance.random() < 0.7]
        factors[domain.key] = typical
        scores[f"{domain.key}_score"] = 2 if typical else (0 if chance.random() < 0.03 else 1)
    return scores, factors


def _modifiable(chance: random.Random, category: CategoryOfDeath) -> ModifiableFactors:
    roll = chance.random()
    if roll < 0.03:
        return ModifiableFactors.INSUFFICIENT_INFORMATION
    if roll < 0.03 + MODIFIABLE_CHANCE[category]:
        return ModifiableFactors.IDENTIFIED
    return ModifiableFactors.NOT_IDENTIFIED


def _insert_reviews(deaths, case_ids, meetings, people, chance, today: date) -> None:
    analyses, actions = [], []
    for death, case_id in zip(deaths, case_ids, strict=True):
        if death.reviewed is None:
            continue
        held_on = _meeting_day(death.reviewed)
        modifiable = _modifiable(chance, death.category)
        scores, factors = _scores_and_factors(
            chance, death.category, modifiable is ModifiableFactors.IDENTIFIED
        )
        signed_off = death.signed_off and min(max(death.signed_off, held_on), today)
        analyses.append(dict(
            case_id=case_id, meeting_id=meetings[held_on], category=death.category,
            factors=factors, other_factors={}, modifiable=modifiable,
            learning_points=LEARNING_BY_CATEGORY.get(death.category, ""),
            recommendations="", recorded_by_id=people.chair.id, recorded_at=_at(held_on, 15),
            signed_off_at=_at(signed_off, 16) if signed_off else None,
            signed_off_by_id=people.chair.id if signed_off else None, version_id=1,
            created_at=_at(held_on, 15), updated_at=_at(held_on, 15), **scores,
        ))  # fmt: skip
    analysis_ids: list[int] = []
    for chunk in _chunks(analyses):
        analysis_ids += db.session.scalars(
            insert(PanelAnalysis).returning(PanelAnalysis.id, sort_by_parameter_order=True), chunk
        ).all()
    for analysis, analysis_id in zip(analyses, analysis_ids, strict=True):
        if analysis["modifiable"] is ModifiableFactors.IDENTIFIED and people.agencies:
            actions.append(_action_row(analysis, analysis_id, people, chance, today))
    action_ids: list[int] = []
    for chunk in _chunks(actions):
        action_ids += db.session.scalars(
            insert(PanelAction).returning(PanelAction.id, sort_by_parameter_order=True), chunk
        ).all()
    _insert_action_deadlines(actions, action_ids, today)


def _insert_action_deadlines(actions: list[dict], action_ids: list[int], today: date) -> None:
    """Each action's deadline, as the panel's analysis opens one: so an action still open and
    overdue is in its agency's My tasks, and is chased, as a real one would be."""
    deadlines = []
    for action, action_id in zip(actions, action_ids, strict=True):
        done_on = action["status_changed_at"].date() if action["status_changed_at"] else None
        row = _deadline_row(action["case_id"], DeadlineKind.PANEL_ACTION, action["due_on"],
                            done_on, today)  # fmt: skip
        row.update(panel_action_id=action_id, owed_by_id=action["organisation_id"],
                   starts_on=action["created_at"].date())  # fmt: skip
        deadlines.append(row)
    for chunk in _chunks(deadlines):
        db.session.execute(insert(Deadline), chunk)


def _action_row(analysis: dict, analysis_id: int, people, chance, today: date) -> dict:
    set_on = analysis["recorded_at"]
    due_on = set_on.date() + relativedelta(months=3)
    finished = due_on + timedelta(days=chance.randint(-60, 45))
    status = ActionStatus.DONE if finished <= today else ActionStatus.OPEN
    return dict(
        analysis_id=analysis_id, case_id=analysis["case_id"],
        organisation_id=chance.choice(people.agencies).id,
        description="Share the learning from this review with frontline staff.", due_on=due_on,
        status=status, status_note="Learning shared." if status is ActionStatus.DONE else "",
        status_changed_at=_at(finished, 12) if status is ActionStatus.DONE else None,
        version_id=1, created_at=set_on, updated_at=set_on,
    )  # fmt: skip


CASE_DEADLINES = (
    # kind, days after the death it is due, usual days late or early, chance it is on time
    (DeadlineKind.NATIONAL_DATABASE, 3, 1, 0.95),
    (DeadlineKind.JAR_MEETING, 8, 3, 0.8),
    (DeadlineKind.CDRM, 91, 20, 0.65),
    (DeadlineKind.PANEL_REVIEW, 183, 40, 0.6),
    (DeadlineKind.CLOSURE, 366, 60, 0.75),
)


def _deadline_row(case_id, kind, due_on, met_on, today, request_id=None, agency_id=None) -> dict:
    met = met_on is not None and met_on <= today
    return dict(
        case_id=case_id, kind=kind, reporting_request_id=request_id, owed_by_id=agency_id,
        starts_on=due_on,
        due_on=due_on, state=DeadlineState.MET if met else DeadlineState.OPEN,
        met_at=_at(met_on) if met else None, reminded_through=min(due_on, today),
        next_reminder_on=due_on, version_id=1,
    )  # fmt: skip


def _insert_deadlines_and_requests(deaths, case_ids, people, chance, today: date) -> None:
    deadlines, requests = [], []
    for death, case_id in zip(deaths, case_ids, strict=True):
        for kind, after, spread, on_time in CASE_DEADLINES:
            if kind is DeadlineKind.JAR_MEETING and death.expectation is Expectation.EXPECTED:
                continue
            due_on = death.died + timedelta(days=after)
            late = 0 if chance.random() < on_time else chance.randint(1, spread)
            deadlines.append(_deadline_row(case_id, kind, due_on, due_on + timedelta(late), today))
        for agency in people.agencies:
            requests.append((case_id, agency, death.died + timedelta(days=29),
                             chance.random() < 0.75, chance.randint(1, 30)))  # fmt: skip
    for chunk in _chunks(deadlines):
        db.session.execute(insert(Deadline), chunk)
    _insert_requests(requests, people, today)


def _request_row(case_id, agency, due_on: date, on_time: bool, late: int, people, today) -> dict:
    returned_on = due_on if on_time else due_on + timedelta(late)
    returned = returned_on <= today
    asked_at = _at(due_on - timedelta(28))
    return dict(
        case_id=case_id, organisation_id=agency.id, form_type="core", due_on=due_on,
        status=RequestStatus.SUBMITTED if returned else RequestStatus.REQUESTED,
        answers={}, not_known=[], requested_by_id=people.coordinator.id,
        submitted_at=_at(returned_on) if returned else None,
        version_id=1, created_at=asked_at, updated_at=asked_at,
    )  # fmt: skip


# A request to an agency: its case, the agency, its due date, whether it came on time, and
# how many days late if not.
SyntheticRequest = tuple[int, Organisation, date, bool, int]


def _insert_requests(requests: list[SyntheticRequest], people, today: date) -> None:
    rows = [_request_row(*request, people, today) for request in requests]
    request_ids: list[int] = []
    for chunk in _chunks(rows):
        request_ids += db.session.scalars(
            insert(ReportingRequest).returning(ReportingRequest.id, sort_by_parameter_order=True),
            chunk,
        ).all()
    deadlines = [
        _deadline_row(row["case_id"], DeadlineKind.REPORTING_REQUEST, row["due_on"],
                      row["submitted_at"].date() if row["submitted_at"] else None, today,
                      request_id, row["organisation_id"])
        for row, request_id in zip(rows, request_ids, strict=True)
    ]  # fmt: skip
    for chunk in _chunks(deadlines):
        db.session.execute(insert(Deadline), chunk)
