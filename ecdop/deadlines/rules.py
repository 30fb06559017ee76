"""Deadline rules: what falls due when, with defaults an admin can change for each area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ecdop.foundation.clock import add_months, add_working_days
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.vocabulary import LabelledEnum


class DeadlineKind(LabelledEnum):
    NATIONAL_DATABASE = "national_database", "National database told of the death"
    REPORTING_REQUEST = "reporting_request", "Agency reporting form"
    JAR_MEETING = "jar_meeting", "JAR information-sharing meeting"
    CDRM = "cdrm", "Child Death Review Meeting"
    PANEL_REVIEW = "panel_review", "Panel review"
    CLOSURE = "closure", "Review closed"
    PANEL_ACTION = "panel_action", "Panel action"
    # The family's, declared by ``family`` (its key worker answers for them once assigned).
    KEY_WORKER_CONTACT = "key_worker_contact", "Key worker assigned and the family contacted"
    FAMILY_TOLD = "family_told", "Family told about the review and given the leaflet"
    FAMILY_QUESTIONS = "family_questions", "Family's questions to the CDRM answered"
    OUTCOME_SHARED = "outcome_shared", "Outcome of the review shared with the family"
    # Declared by ``documents``: the coordinator chases the pathologist for it.
    POST_MORTEM_REPORT = "post_mortem_report", "Final post-mortem report received"
    # Declared by ``retention``: a case on legal hold is reviewed every year.
    LEGAL_HOLD_REVIEW = "legal_hold_review", "Legal hold reviewed"

    @property
    def set_per_item(self) -> bool:
        """Each item carries its own due date; the area's rule only proposes it."""
        return self in (DeadlineKind.REPORTING_REQUEST, DeadlineKind.PANEL_ACTION)

    @property
    def recurs(self) -> bool:
        """Never met once and for all: each time it is done, it falls due again (a legal
        hold's yearly review). Not a measure of timeliness."""
        return self is DeadlineKind.LEGAL_HOLD_REVIEW


class RuleUnit(LabelledEnum):
    HOURS = "hours", "hours"
    WORKING_DAYS = "working_days", "working days"
    DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"


class Anchor(LabelledEnum):
    NOTIFICATION = "notification", "after notification"
    REQUEST = "request", "after the request"
    DEATH = "death", "after the death"
    PANEL_MEETING = "panel_meeting", "after the panel meeting"
    KEY_WORKER_ASSIGNED = "key_worker_assigned", "after the key worker is assigned"
    CDRM = "cdrm", "after the Child Death Review Meeting"
    SIGN_OFF = "sign_off", "after the panel's sign-off"
    POST_MORTEM = "post_mortem", "after the post-mortem"
    LEGAL_HOLD = "legal_hold", "after the hold was placed or last reviewed"


# How often an overdue deadline is chased, unless its rule says otherwise.
CHASED_EVERY_WEEK = 1


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: RuleUnit
    # Set for the kinds chased at their own pace once overdue (a pathologist's report, every
    # 4 weeks); None: weekly, like every other deadline.
    chase_every_weeks: int | None = None

    @property
    def chase_every_days(self) -> int:
        return 7 * (self.chase_every_weeks or CHASED_EVERY_WEEK)

    def due_on(self, start: datetime | date) -> date:
        """The due date for an obligation that began at ``start`` (UK dates throughout)."""
        if isinstance(start, datetime):
            if self.unit is RuleUnit.HOURS:
                return uk_calendar_date(start + timedelta(hours=self.amount))
            start = uk_calendar_date(start)
        if self.unit is RuleUnit.HOURS:
            return start + timedelta(hours=self.amount)
        if self.unit is RuleUnit.WORKING_DAYS:
            return add_working_days(start, self.amount)
        if self.unit is RuleUnit.DAYS:
            return start + timedelta(days=self.amount)
        if self.unit is RuleUnit.WEEKS:
            return start + timedelta(weeks=self.amount)
        return add_months(start, self.amount)

    def describe(self) -> str:
        return f"{self.amount} {self.unit.label}"

    def describe_chase(self) -> str:
        """How often it is chased once overdue, for the kinds with their own pace."""
        if not self.chase_every_weeks:
            return ""
        return f"; chased every {self.chase_every_weeks} weeks once overdue"


# When each obligation begins; not a setting: the guidance counts from these events.
ANCHORS: dict[DeadlineKind, Anchor] = {
    DeadlineKind.NATIONAL_DATABASE: Anchor.NOTIFICATION,
    DeadlineKind.REPORTING_REQUEST: Anchor.REQUEST,
    DeadlineKind.JAR_MEETING: Anchor.NOTIFICATION,
    DeadlineKind.CDRM: Anchor.DEATH,
    DeadlineKind.PANEL_REVIEW: Anchor.DEATH,
    DeadlineKind.CLOSURE: Anchor.DEATH,
    DeadlineKind.PANEL_ACTION: Anchor.PANEL_MEETING,
    DeadlineKind.KEY_WORKER_CONTACT: Anchor.NOTIFICATION,
    DeadlineKind.FAMILY_TOLD: Anchor.KEY_WORKER_ASSIGNED,
    DeadlineKind.FAMILY_QUESTIONS: Anchor.CDRM,
    DeadlineKind.OUTCOME_SHARED: Anchor.SIGN_OFF,
    DeadlineKind.POST_MORTEM_REPORT: Anchor.POST_MORTEM,
    DeadlineKind.LEGAL_HOLD_REVIEW: Anchor.LEGAL_HOLD,
}

# The statutory guidance's timescales, used wherever an area has not set its own.
DEFAULT_RULES: dict[DeadlineKind, Rule] = {
    DeadlineKind.NATIONAL_DATABASE: Rule(48, RuleUnit.HOURS),
    DeadlineKind.REPORTING_REQUEST: Rule(20, RuleUnit.WORKING_DAYS),
    DeadlineKind.JAR_MEETING: Rule(5, RuleUnit.WORKING_DAYS),
    DeadlineKind.CDRM: Rule(90, RuleUnit.DAYS),
    DeadlineKind.PANEL_REVIEW: Rule(6, RuleUnit.MONTHS),
    DeadlineKind.CLOSURE: Rule(12, RuleUnit.MONTHS),
    DeadlineKind.PANEL_ACTION: Rule(3, RuleUnit.MONTHS),
    # The NIHR parents' toolkit: a named key worker in touch within 24 to 48 hours.
    DeadlineKind.KEY_WORKER_CONTACT: Rule(2, RuleUnit.WORKING_DAYS),
    DeadlineKind.FAMILY_TOLD: Rule(5, RuleUnit.WORKING_DAYS),
    DeadlineKind.FAMILY_QUESTIONS: Rule(10, RuleUnit.WORKING_DAYS),
    DeadlineKind.OUTCOME_SHARED: Rule(20, RuleUnit.WORKING_DAYS),
    # The Royal College of Pathologists' guidance and NCMD's: the final report is expected
    # within 12 weeks of the post-mortem, and chased every 4 weeks after that.
    DeadlineKind.POST_MORTEM_REPORT: Rule(12, RuleUnit.WEEKS, chase_every_weeks=4),
    DeadlineKind.LEGAL_HOLD_REVIEW: Rule(12, RuleUnit.MONTHS),
}
