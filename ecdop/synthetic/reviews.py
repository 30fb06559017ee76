"""Entry points: synthetic panel meetings, the panel's analyses and the actions they set."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert

from ecdop.auth.models import Area
from ecdop.deadlines.models import Deadline
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import (
    ActionStatus,
    CategoryOfDeath,
)
from ecdop.meetings.choices import DOMAINS, ModifiableFactors
from ecdop.meetings.models import PanelAction, PanelAnalysis, PanelMeeting
from ecdop.synthetic.deadlines import (
    deadline_row,
)
from ecdop.synthetic.deaths import (
    SyntheticDeath,
)
from ecdop.synthetic.distributions import (
    FACTORS_BY_CATEGORY,
    LEARNING_BY_CATEGORY,
    MODIFIABLE_CHANCE,
)
from ecdop.synthetic.people import People
from ecdop.synthetic.rows import in_chunks, moment_on


def _meeting_day(day: date) -> date:
    """Panels meet on the 15th of each month; a case is reviewed at the next one."""
    meeting = day.replace(day=15)
    return meeting if meeting >= day else meeting + relativedelta(months=1)


def insert_meetings(area: Area, deaths: list[SyntheticDeath], people: People) -> dict[date, int]:
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


def insert_reviews(deaths, case_ids, meetings, people, chance, today: date) -> None:
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
            recommendations="", recorded_by_id=people.chair.id, recorded_at=moment_on(held_on, 15),
            signed_off_at=moment_on(signed_off, 16) if signed_off else None,
            signed_off_by_id=people.chair.id if signed_off else None, version_id=1,
            created_at=moment_on(held_on, 15), updated_at=moment_on(held_on, 15), **scores,
        ))  # fmt: skip
    analysis_ids: list[int] = []
    for chunk in in_chunks(analyses):
        analysis_ids += db.session.scalars(
            insert(PanelAnalysis).returning(PanelAnalysis.id, sort_by_parameter_order=True), chunk
        ).all()
    for analysis, analysis_id in zip(analyses, analysis_ids, strict=True):
        if analysis["modifiable"] is ModifiableFactors.IDENTIFIED and people.agencies:
            actions.append(_action_row(analysis, analysis_id, people, chance, today))
    action_ids: list[int] = []
    for chunk in in_chunks(actions):
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
        row = deadline_row(action["case_id"], DeadlineKind.PANEL_ACTION, action["due_on"],
                            done_on, today)  # fmt: skip
        row.update(panel_action_id=action_id, owed_by_id=action["organisation_id"],
                   starts_on=action["created_at"].date())  # fmt: skip
        deadlines.append(row)
    for chunk in in_chunks(deadlines):
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
        status_changed_at=moment_on(finished, 12) if status is ActionStatus.DONE else None,
        version_id=1, created_at=set_on, updated_at=set_on,
    )  # fmt: skip
