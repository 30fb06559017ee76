"""The stage machine of a case: its stages, and the one table of moves between them.

Each move names the permission it needs and its guards. A guard looks at ``CaseFacts`` (what is
recorded about the case) and returns what is still missing, in words a coordinator can act on;
it says the same as an SQL condition, for the lists that find the cases ready to move on.
``case.stage`` is assigned only by ``cases.services.apply_transition`` (behind ``move_case``,
triage, the panel agenda, the analysis and sign-off), which consults this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_, true

from ecdop.auth.permissions import Permission
from ecdop.foundation.refusals import ChangeRefused
from ecdop.foundation.vocabulary import LabelledEnum


class Stage(LabelledEnum):
    NOTIFIED = "notified", "Notified"
    INFORMATION_GATHERING = "information_gathering", "Information gathering"
    AWAITING_CDRM = "awaiting_cdrm", "Awaiting CDRM"
    READY_FOR_PANEL = "ready_for_panel", "Ready for panel"
    SCHEDULED_FOR_PANEL = "scheduled_for_panel", "Scheduled for panel"
    PANEL_REVIEWED = "panel_reviewed", "Panel reviewed"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # The same child's death, notified twice: merged into the other case, which goes on.
    MERGED = "merged", "Merged"

    @property
    def tag_colour(self) -> str:
        return STAGE_TAG_COLOURS[self]


STAGE_TAG_COLOURS = {
    Stage.NOTIFIED: "blue",
    Stage.INFORMATION_GATHERING: "light-blue",
    Stage.AWAITING_CDRM: "purple",
    Stage.READY_FOR_PANEL: "turquoise",
    Stage.SCHEDULED_FOR_PANEL: "yellow",
    Stage.PANEL_REVIEWED: "orange",
    Stage.CLOSED: "green",
    Stage.WITHDRAWN: "grey",
    Stage.MERGED: "grey",
}

INITIAL_STAGE = Stage.NOTIFIED
FINISHED_STAGES = (Stage.CLOSED, Stage.WITHDRAWN, Stage.MERGED)
# A case that stands for a death under review: not withdrawn as out of scope, not merged.
NOT_LIVE_STAGES = (Stage.WITHDRAWN, Stage.MERGED)
# Named one by one rather than as "not finished": an IN list can use the (area, stage) index,
# so a query over the work under way never reads the history.
UNDER_WAY_STAGES = tuple(stage for stage in Stage if stage not in FINISHED_STAGES)
# The stages the case list offers as filters: a merged case is found under the case it joined.
LISTED_STAGES = tuple(stage for stage in Stage if stage is not Stage.MERGED)
# The panel has reviewed the case: its review deadline is met.
REVIEWED_STAGES = (Stage.PANEL_REVIEWED, Stage.CLOSED)
UNDER_WAY = "under_way"  # the case list's filter for those stages
# The case list's filters for the cases under way that wait outside the agencies, each the
# CaseFacts field it reads, and its words.
WAITING_FOR: dict[str, tuple[str, str]] = {
    "waiting_for_post_mortem": ("post_mortem_awaited", "Waiting for post-mortem"),
    "waiting_for_inquest": ("inquest_open", "Waiting for inquest"),
}


@dataclass(frozen=True)
class CaseFacts:
    """What is recorded about a case, as the guards need it (see cases.queries.case_facts)."""

    triaged: bool = False
    unexpected: bool = False
    possible_duplicate_of: str | None = None
    jar_recorded: bool = False
    cdrm_recorded: bool = False
    reports_requested: int = 0
    # One line per requested form that has neither arrived nor been excused.
    outstanding_reports: tuple[str, ...] = ()
    on_panel_agenda: bool = False
    analysis_recorded: bool = False
    # A needed post-mortem's final report has not come; an inquest is open.
    post_mortem_awaited: bool = False
    inquest_open: bool = False
    signed_off: bool = False


# The facts as SQL conditions on ``Case``, by CaseFacts' field names: each is true where the
# fact is truthy (flagged as a duplicate, any report requested, any report outstanding…).
SqlFacts = SimpleNamespace


@dataclass(frozen=True)
class Guard:
    """What a move waits for: ``missing`` says, in words, what is not there yet (nothing when
    the guard lets the move through); ``holds_in_sql`` is the same condition in SQL."""

    name: str
    missing: Callable[[CaseFacts], list[str]]
    holds_in_sql: Callable[[SqlFacts], ColumnElement[bool]]

    def __call__(self, facts: CaseFacts) -> list[str]:
        return self.missing(facts)


def _duplicate_decided(facts: CaseFacts) -> list[str]:
    if facts.possible_duplicate_of:
        return [f"Decide whether this is the same child as {facts.possible_duplicate_of}"]
    return []


def _jar_recorded_if_unexpected(facts: CaseFacts) -> list[str]:
    if facts.unexpected and not facts.jar_recorded:
        return ["Record the Joint Agency Response: the death was unexpected"]
    return []


def _every_report_in(facts: CaseFacts) -> list[str]:
    return [
        f"{line} has not arrived: wait for it, or record why it will not come"
        for line in facts.outstanding_reports
    ]


def _needs(fact: str, missing: str) -> Guard:
    """A guard that lets a move through once ``fact`` is recorded."""
    return Guard(fact, lambda facts: [] if getattr(facts, fact) else [missing],
                 lambda sql: getattr(sql, fact))  # fmt: skip


duplicate_decided = Guard(
    "duplicate_decided", _duplicate_decided, lambda sql: ~sql.possible_duplicate_of
)
triage_recorded = _needs("triaged", "Triage the case")
reports_requested = _needs("reports_requested", "Request a report from at least one agency")
jar_recorded_if_unexpected = Guard(
    "jar_recorded_if_unexpected",
    _jar_recorded_if_unexpected,
    lambda sql: or_(~sql.unexpected, sql.jar_recorded),
)
every_report_in = Guard("every_report_in", _every_report_in, lambda sql: ~sql.outstanding_reports)
cdrm_recorded = _needs("cdrm_recorded", "Record the Child Death Review Meeting")
on_panel_agenda = _needs("on_panel_agenda", "Add the case to a panel meeting's agenda")
off_panel_agenda = Guard(
    "off_panel_agenda",
    lambda facts: [
        "On the meeting's agenda, choose “Defer or take off” for this case, with the reason"
    ] if facts.on_panel_agenda else [],
    lambda sql: ~sql.on_panel_agenda,
)  # fmt: skip
flagged_as_duplicate = Guard(
    "flagged_as_duplicate",
    lambda facts: [] if facts.possible_duplicate_of else [
        "Only a case flagged as a possible duplicate can be merged"
    ],
    lambda sql: sql.possible_duplicate_of,
)  # fmt: skip
analysis_recorded = _needs("analysis_recorded", "Record the panel's analysis")
signed_off = _needs("signed_off", "The panel chair must sign off the review")


@dataclass(frozen=True)
class Caution:
    """What a move may go ahead despite, with the coordinator's reason kept on the timeline:
    ``asks`` says, in words, what is still awaited (nothing when all is in)."""

    name: str
    asks: Callable[[CaseFacts], str | None]


inquest_concluded = Caution(
    "inquest_concluded",
    lambda facts: "The inquest has not concluded." if facts.inquest_open else None,
)


@dataclass(frozen=True)
class Transition:
    source: Stage
    target: Stage
    permission: Permission
    action: str  # what the coordinator chooses, in their words
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False
    # Awaited things a move may go ahead without, given a reason.
    cautions: tuple[Caution, ...] = ()
    # Moves made by another screen (triage, panel agenda, sign-off) are not offered on the
    # case's "Move this case" form; the table still governs them.
    made_by: str | None = None

    def obstacles(self, facts: CaseFacts) -> list[str]:
        return [problem for guard in self.guards for problem in guard(facts)]

    def reasons_asked(self, facts: CaseFacts) -> list[str]:
        """What is still awaited, for which a reason must be given to move now."""
        return [asked for caution in self.cautions if (asked := caution.asks(facts))]

    @property
    def is_step_forward(self) -> bool:
        """A move the coordinator makes on the case page once its guards are met, with no
        reason to give: the next step of the review, not a withdrawal or a step back."""
        return self.made_by is None and not self.needs_reason

    def guards_hold_in_sql(self, sql: SqlFacts) -> ColumnElement[bool]:
        """Every guard lets the move through, as an SQL condition on a case."""
        return and_(true(), *(guard.holds_in_sql(sql) for guard in self.guards))


S = Stage
MOVE = Permission.MOVE_CASES
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.NOTIFIED, S.INFORMATION_GATHERING, Permission.TRIAGE_CASES,
               "Start information gathering", (duplicate_decided, triage_recorded),
               made_by="triage"),
    Transition(S.NOTIFIED, S.WITHDRAWN, MOVE,
               "Withdraw: notified in error or out of scope", needs_reason=True),
    Transition(S.INFORMATION_GATHERING, S.AWAITING_CDRM, MOVE,
               "Information gathered: await the CDRM",
               (reports_requested, jar_recorded_if_unexpected)),
    Transition(S.INFORMATION_GATHERING, S.WITHDRAWN, MOVE,
               "Withdraw: notified in error or out of scope", needs_reason=True),
    Transition(S.AWAITING_CDRM, S.READY_FOR_PANEL, MOVE, "Ready for panel",
               (jar_recorded_if_unexpected, every_report_in, cdrm_recorded),
               cautions=(inquest_concluded,)),
    Transition(S.AWAITING_CDRM, S.INFORMATION_GATHERING, MOVE,
               "Back to information gathering", needs_reason=True),
    Transition(S.AWAITING_CDRM, S.WITHDRAWN, MOVE,
               "Withdraw: notified in error or out of scope", needs_reason=True),
    Transition(S.READY_FOR_PANEL, S.INFORMATION_GATHERING, MOVE,
               "Back to information gathering", needs_reason=True),
    Transition(S.READY_FOR_PANEL, S.SCHEDULED_FOR_PANEL, Permission.SCHEDULE_PANEL_REVIEWS,
               "Schedule for panel", (on_panel_agenda,), made_by="panel meeting agenda"),
    Transition(S.SCHEDULED_FOR_PANEL, S.READY_FOR_PANEL, Permission.SCHEDULE_PANEL_REVIEWS,
               "Take off the panel agenda", (off_panel_agenda,), made_by="panel meeting agenda"),
    Transition(S.SCHEDULED_FOR_PANEL, S.PANEL_REVIEWED, Permission.RECORD_PANEL_ANALYSIS,
               "Panel reviewed", (analysis_recorded,), made_by="analysis form"),
    Transition(S.PANEL_REVIEWED, S.CLOSED, Permission.SIGN_OFF_REVIEWS,
               "Close: review signed off", (signed_off,), made_by="chair's sign-off"),
    Transition(S.CLOSED, S.INFORMATION_GATHERING, MOVE, "Reopen", needs_reason=True),
    Transition(S.WITHDRAWN, S.NOTIFIED, MOVE, "Reinstate", needs_reason=True),
    # Terminal: a merged case's reference leads to the case it was merged into, for good.
    Transition(S.NOTIFIED, S.MERGED, Permission.DECIDE_DUPLICATES,
               "Merge into the same child's case", (flagged_as_duplicate,),
               made_by="decision on the possible duplicate"),
)  # fmt: skip

TRANSITION_TABLE: dict[tuple[Stage, Stage], Transition] = {
    (transition.source, transition.target): transition for transition in TRANSITIONS
}


class TransitionNotAllowed(ValueError):
    """The table has no move between these stages."""


def transition_between(source: Stage, target: Stage) -> Transition:
    try:
        return TRANSITION_TABLE[(source, target)]
    except KeyError:
        raise TransitionNotAllowed(
            f"A case at the {source.label} stage cannot move to {target.label}"
        ) from None


@dataclass(frozen=True)
class Recording:
    """Something the features above record about a case, and the stages at which they may:
    their services refuse it at any other stage, and the case page offers it only then."""

    what: str  # the coordinator's words for it, as the refusal begins
    stages: tuple[Stage, ...]
    refusal: str = ""  # the refusal's own words, where the general ones would not help

    def open_for(self, case) -> bool:
        return case.stage in self.stages

    def open_in_sql(self, stage: SQLColumnExpression[Stage]) -> ColumnElement[bool]:
        """The same in SQL, on the case's stage column."""
        return stage.in_(self.stages)

    def refuse_unless_open(self, case, field: str | None = None) -> None:
        if not self.open_for(case):
            stages = " or ".join(stage.label for stage in self.stages)
            raise ChangeRefused(
                self.refusal
                or f"{self.what} only while the case is at {stages}; it is {case.stage.label}",
                field,
            )


# A death is triaged once, when it is first notified; reports are asked for after triage and
# before the case waits for panel; the JAR and the CDRM are recorded over the same time; the
# panel takes a case from its agenda.
TRIAGE = Recording("A case can be triaged", (S.NOTIFIED,), "This case has already been triaged")
REPORT_REQUESTS = Recording(
    "Reports can be requested, returned or excused", (S.INFORMATION_GATHERING, S.AWAITING_CDRM)
)
REVIEW_MEETINGS = Recording("This can be recorded", (S.INFORMATION_GATHERING, S.AWAITING_CDRM))
PANEL_AGENDA = Recording("A case can be added to a meeting's agenda", (S.READY_FOR_PANEL,))
FIRST_ANALYSIS = Recording("The panel's analysis can be recorded", (S.SCHEDULED_FOR_PANEL,))
SIGN_OFF = Recording("A review can be signed off", (S.PANEL_REVIEWED,))
# What a review waits for outside the agencies is recorded while the review is under way.
INVESTIGATIONS = Recording(
    "The post-mortem and the inquest can be recorded",
    tuple(stage for stage in S if stage not in (S.CLOSED, S.WITHDRAWN, S.MERGED)),
)
# The family's part goes on after the review closes (they are told its outcome then), and ends
# only for a death outside the review or a case merged into another.
FAMILY_WORK = Recording(
    "The family's part can be recorded",
    tuple(stage for stage in S if stage not in (S.WITHDRAWN, S.MERGED)),
)


CLOSED_MESSAGE = "This case is closed: its review was signed off. Reopen it, with a reason, first"


def is_closed(case) -> bool:
    return case.stage is Stage.CLOSED


def closed_in_sql(stage: SQLColumnExpression[Stage]) -> ColumnElement[bool]:
    return stage == Stage.CLOSED


def is_reviewed(case) -> bool:
    """The panel has reviewed it (and perhaps the chair signed it off)."""
    return case.stage in REVIEWED_STAGES


def refuse_if_closed(case, field: str | None = None) -> None:
    """A closed case is read-only until a coordinator reopens it (the table's Reopen move)."""
    if is_closed(case):
        raise ChangeRefused(CLOSED_MESSAGE, field)


@dataclass(frozen=True)
class CoordinatorStep:
    """Work a case waits on its coordinator for, beside the moves the table's guards find:
    the words the lists show, and where it is owed, in SQL."""

    words: str
    waiting_in_sql: Callable[[SQLColumnExpression[Stage], SqlFacts], ColumnElement[bool]]


COORDINATOR_STEPS = (
    CoordinatorStep("Decide whether it is a duplicate",
                    lambda stage, sql: sql.possible_duplicate_of),
    CoordinatorStep("Triage", lambda stage, sql: and_(TRIAGE.open_in_sql(stage),
                                                      ~sql.possible_duplicate_of)),
    CoordinatorStep("Request reports from agencies",
                    lambda stage, sql: and_(stage == S.INFORMATION_GATHERING,
                                            ~sql.reports_requested)),
    CoordinatorStep("Move on: everything it waits for is in",
                    lambda stage, sql: ready_to_move_in_sql(stage, sql)),
)  # fmt: skip


def ready_to_move_in_sql(stage: SQLColumnExpression[Stage], sql: SqlFacts) -> ColumnElement[bool]:
    """Cases whose next step forward has every guard met: the table's own guards, in SQL."""
    return or_(*(
        and_(stage == transition.source, transition.guards_hold_in_sql(sql))
        for transition in TRANSITIONS if transition.is_step_forward
    ))  # fmt: skip


def transitions_from(source: Stage) -> list[Transition]:
    return [transition for transition in TRANSITIONS if transition.source is source]
