"""Early warning: checking each area's warning rules against its deaths, and raising an
emerging pattern once, to the area's coordinators, when one fires.

A death counts under the category the panel gave it, or until then the provisional one from
notification or triage. The checks run when a death is notified or triaged, and daily.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from scipy.stats import poisson
from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ecdop.analytics.choices import WarningRuleKind
from ecdop.analytics.models import AreaToWatch, EmergingPattern, WarningRule
from ecdop.auth.models import Area
from ecdop.auth.queries import active_coordinators_of
from ecdop.cases.models import Case
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.urls import app_path
from ecdop.foundation.vocabulary import CategoryOfDeath
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import queue_message_to_each
from ecdop.meetings.models import PanelAnalysis

# How far back a cluster is looked for: a death notified late still joins its cluster.
CLUSTER_LOOKBACK = timedelta(days=366)
RECOMMENDED_RULES = (
    dict(kind=WarningRuleKind.CLUSTER, category=CategoryOfDeath.SUICIDE, min_deaths=2),
    dict(kind=WarningRuleKind.CLUSTER, category=CategoryOfDeath.SUDDEN_UNEXPLAINED,
         infants_only=True, min_deaths=2),
    dict(kind=WarningRuleKind.EXCEEDANCE, category=CategoryOfDeath.SUICIDE, min_deaths=3),
    dict(kind=WarningRuleKind.EXCEEDANCE, category=CategoryOfDeath.SUDDEN_UNEXPLAINED,
         min_deaths=3),
    dict(kind=WarningRuleKind.EXCEEDANCE, category=CategoryOfDeath.TRAUMA, min_deaths=3),
    dict(kind=WarningRuleKind.EXCEEDANCE, category=CategoryOfDeath.DELIBERATELY_INFLICTED,
         min_deaths=3),
)  # fmt: skip


@dataclass(frozen=True)
class Death:
    case_id: int
    date_of_death: date


def add_recommended_rules(area: Area) -> list[WarningRule]:
    """The rules a new area starts with: clusters of suicides and of sudden infant deaths
    within 60 days, and a year above the usual range for the categories that most often hold
    lessons for services."""
    rules = [WarningRule(area_id=area.id, window_days=60, **rule) for rule in RECOMMENDED_RULES]
    db.session.add_all(rules)
    db.session.flush()
    return rules


def category_of_death():
    """The panel's category where there is a current analysis, else the provisional one."""
    return func.coalesce(PanelAnalysis.category, Case.provisional_category)


def deaths_matching(rule: WarningRule, since: date, until: date) -> list[Death]:
    """The area's live cases in the rule's category that died in [since, until]."""
    rows = db.session.execute(
        select(Case.id, Case.date_of_birth, Case.date_of_death)
        .outerjoin(
            PanelAnalysis,
            and_(PanelAnalysis.case_id == Case.id, PanelAnalysis.superseded_at.is_(None)),
        )
        .where(
            Case.area_id == rule.area_id,
            Case.is_live,
            Case.date_of_death.between(since, until),
            category_of_death() == rule.category.value,
        )
        .order_by(Case.date_of_death, Case.id)
    ).all()
    return [
        Death(case_id, died)
        for case_id, born, died in rows
        if not rule.infants_only or died < born + relativedelta(years=1)
    ]


def watch_for_patterns(
    area_id: int, today: date | None = None, *, announce: bool = True
) -> list[EmergingPattern]:
    """Check every active rule of the area; return the patterns newly raised, each announced
    to the area's coordinators unless ``announce`` is false."""
    today = today or uk_today()
    rules = db.session.scalars(
        select(WarningRule).where(WarningRule.area_id == area_id, WarningRule.active)
    ).all()
    raised: list[EmergingPattern] = []
    for rule in rules:
        check = _check_cluster if rule.kind is WarningRuleKind.CLUSTER else _check_exceedance
        raised.extend(check(rule, today))
    if announce:
        for pattern in raised:
            _alert_coordinators(pattern)
    return raised


def ask_to_watch(area_id: int) -> None:
    """Have the area's rules checked by the next run of the job (in this transaction)."""
    dialects = {"postgresql": postgresql, "sqlite": sqlite}
    insert = dialects[db.session.get_bind().dialect.name].insert
    now = utc_now()
    statement = insert(AreaToWatch).values(area_id=area_id, asked_at=now)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["area_id"], set_={"asked_at": now})
    )


def watch_area_of_death(case) -> None:
    """On ``death_recorded``: a death was notified or triaged in this area."""
    ask_to_watch(case.area_id)


def watch_areas_asked_about(today: date | None = None) -> Generator[None, None, int]:
    """The job: check each area asked about, each in its own transaction with its patterns,
    its alerts and the end of the ask (yielding after each, for the job runner to commit), so
    a run killed half-way leaves the ask for the next run and nothing is announced twice.
    Returns how many patterns were raised."""
    raised = 0
    asks = db.session.execute(select(AreaToWatch.area_id, AreaToWatch.asked_at)).all()
    for area_id, asked_at in asks:
        raised += len(watch_for_patterns(area_id, today))
        db.session.execute(
            delete(AreaToWatch).where(
                AreaToWatch.area_id == area_id, AreaToWatch.asked_at <= asked_at
            )
        )
        yield
    return raised


def replay_history(area_id: int, today: date, weeks: int) -> list[EmergingPattern]:
    """The rules as they would have run each week of a history loaded at once, so that its
    patterns show on Emerging patterns and in the reports. Only the patterns still going
    today are announced: the others are history, not warnings."""
    for weeks_ago in range(weeks, 0, -1):
        watch_for_patterns(area_id, today - timedelta(weeks=weeks_ago), announce=False)
    watch_for_patterns(area_id, today, announce=False)
    going = db.session.scalars(
        select(EmergingPattern)
        .where(EmergingPattern.area_id == area_id, EmergingPattern.ended_on.is_(None))
        .order_by(EmergingPattern.id)
    ).all()
    for pattern in going:
        _alert_coordinators(pattern)
    return list(going)


def watch_all_areas(today: date | None = None) -> int:
    """The daily check, for patterns that build up without a new notification (a category
    given at triage or by the panel, or a year that fills up)."""
    area_ids = db.session.scalars(select(WarningRule.area_id).distinct()).all()
    return sum(len(watch_for_patterns(area_id, today)) for area_id in area_ids)


def clusters_in(deaths: list[Death], min_deaths: int, window_days: int) -> list[list[Death]]:
    """Deaths chained while each follows the last within the window; a chain is a cluster if
    some stretch of ``window_days`` holds ``min_deaths`` of them."""
    chains: list[list[Death]] = []
    for death in deaths:
        if chains and (death.date_of_death - chains[-1][-1].date_of_death).days <= window_days:
            chains[-1].append(death)
        else:
            chains.append([death])
    return [chain for chain in chains if _densest_stretch(chain, window_days) >= min_deaths]


def _densest_stretch(chain: list[Death], window_days: int) -> int:
    densest, start = 0, 0
    for end, death in enumerate(chain):
        while (death.date_of_death - chain[start].date_of_death).days > window_days:
            start += 1
        densest = max(densest, end - start + 1)
    return densest


def _check_cluster(rule: WarningRule, today: date) -> list[EmergingPattern]:
    deaths = deaths_matching(rule, today - CLUSTER_LOOKBACK, today)
    raised = []
    for cluster in clusters_in(deaths, rule.min_deaths, rule.window_days):
        case_ids = {death.case_id for death in cluster}
        pattern = _pattern_holding(rule, case_ids)
        if pattern is not None:
            _attach(pattern, case_ids)
        elif (today - cluster[-1].date_of_death).days <= rule.window_days:
            # Only a cluster still going is news; one long over is history, not a warning.
            raised.append(_raise(rule, today, case_ids))
    _end_quiet_clusters(rule, today)
    return raised


def _end_quiet_clusters(rule: WarningRule, today: date) -> None:
    for pattern in _open_patterns(rule):
        last_death = max((case.date_of_death for case in pattern.cases), default=today)
        if (today - last_death).days > rule.window_days:
            pattern.ended_on = today


@dataclass(frozen=True)
class Exceedance:
    deaths: list[Death]
    expected: float
    upper_limit: int

    @property
    def exceeded(self) -> bool:
        return len(self.deaths) > self.upper_limit


def exceedance_for(rule: WarningRule, today: date) -> Exceedance:
    """Deaths in the last 12 months against the upper 95% Poisson limit of the mean of the
    three 12-month spans before them."""
    year_start = today - relativedelta(years=1) + timedelta(days=1)
    recent = deaths_matching(rule, year_start, today)
    earlier = deaths_matching(rule, year_start - relativedelta(years=3), year_start - timedelta(1))
    expected = len(earlier) / 3
    return Exceedance(recent, expected, int(poisson.ppf(0.975, expected)))


def _check_exceedance(rule: WarningRule, today: date) -> list[EmergingPattern]:
    exceedance = exceedance_for(rule, today)
    open_patterns = _open_patterns(rule)
    case_ids = {death.case_id for death in exceedance.deaths}
    if not exceedance.exceeded or len(case_ids) < rule.min_deaths:
        for pattern in open_patterns:
            pattern.ended_on = today
        return []
    if open_patterns:
        _attach(open_patterns[0], case_ids)
        return []
    pattern = _raise(rule, today, case_ids)
    pattern.expected = round(exceedance.expected, 2)
    pattern.upper_limit = exceedance.upper_limit
    return [pattern]


def _open_patterns(rule: WarningRule) -> list[EmergingPattern]:
    return list(
        db.session.scalars(
            select(EmergingPattern)
            .where(EmergingPattern.rule_id == rule.id, EmergingPattern.ended_on.is_(None))
            .order_by(EmergingPattern.id)
        )
    )


def _pattern_holding(rule: WarningRule, case_ids: set[int]) -> EmergingPattern | None:
    for pattern in db.session.scalars(
        select(EmergingPattern).where(EmergingPattern.rule_id == rule.id)
    ):
        if case_ids & {case.id for case in pattern.cases}:
            return pattern
    return None


def _cases(case_ids: set[int]) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.id.in_(case_ids))))


def _attach(pattern: EmergingPattern, case_ids: set[int]) -> None:
    """A further death joins a pattern already raised: recorded, but no second alert."""
    known = {case.id for case in pattern.cases}
    if case_ids - known:
        pattern.cases.extend(_cases(case_ids - known))
        pattern.deaths = len(pattern.cases)
        db.session.flush()


def _raise(rule: WarningRule, today: date, case_ids: set[int]) -> EmergingPattern:
    pattern = EmergingPattern(
        rule=rule,
        area_id=rule.area_id,
        kind=rule.kind,
        category=rule.category,
        description=rule.description,
        raised_on=today,
        deaths=len(case_ids),
        cases=_cases(case_ids),
    )
    db.session.add(pattern)
    db.session.flush()
    return pattern


def _alert_coordinators(pattern: EmergingPattern) -> None:
    queue_message_to_each(
        active_coordinators_of(pattern.area_id),
        event_key=mail_keys.pattern_emerged(pattern.id),
        priority=MailPriority.URGENT,
        subject=f"Emerging pattern in {pattern.area.name}",
        template="email/emerging_pattern.txt",
        action_path=app_path("analytics.pattern", pattern_id=pattern.id),
        pattern=pattern,
    )
