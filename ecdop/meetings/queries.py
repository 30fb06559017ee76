"""Reading panel meetings, agendas, extracts, analyses and actions, within what the reader may
see: coordinators their areas, panel members and chairs the meetings they sit on (chairs also
their areas' reviews), agencies their own organisation's actions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import selectinload

from ecdop.auth.models import Organisation, Role, User, user_areas
from ecdop.auth.permissions import Permission
from ecdop.cases.models import Case, StageChange
from ecdop.cases.states import PANEL_AGENDA
from ecdop.deadlines.hooks import Owed, OwedRecord
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.clock import uk_today
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.paging import Page, paginate
from ecdop.foundation.urls import app_path
from ecdop.foundation.vocabulary import UNFINISHED_ACTIONS, ActionStatus
from ecdop.meetings.models import (
    AgendaItem,
    PanelAction,
    PanelAnalysis,
    PanelMeeting,
    ReportExtract,
    WordNotIdentifying,
    panel_meeting_members,
)
from ecdop.reporting_forms.models import ReportingRequest, RequestStatus

PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_CHAIR)


def _is_member(user: User):
    return exists().where(
        panel_meeting_members.c.meeting_id == PanelMeeting.id,
        panel_meeting_members.c.user_id == user.id,
    )


def coming_meetings(user: User) -> list[PanelMeeting]:
    """Meetings from today on, soonest first: a handful, however long the history."""
    statement = _meetings_of(user).where(PanelMeeting.held_on >= uk_today())
    return list(db.session.scalars(statement.order_by(PanelMeeting.held_on, PanelMeeting.id)))


def past_meeting_page(user: User, page: int) -> Page:
    statement = _meetings_of(user).where(PanelMeeting.held_on < uk_today())
    return paginate(statement.order_by(PanelMeeting.held_on.desc(), PanelMeeting.id.desc()), page)


def _meetings_of(user: User) -> Select:
    condition = (
        PanelMeeting.area_id.in_(user.area_ids)
        if user.role is Role.COORDINATOR
        else _is_member(user)
    )
    return (
        select(PanelMeeting)
        .where(condition)
        .options(selectinload(PanelMeeting.members), selectinload(PanelMeeting.area))
    )


def meeting_for_coordinator_or_404(user: User, meeting_id: int) -> PanelMeeting:
    meeting = db.session.get(PanelMeeting, meeting_id)
    if meeting is None or meeting.area_id not in user.area_ids:
        abort(404)
    return meeting


def may_read_pack(user: User, meeting: PanelMeeting) -> bool:
    if user.role is Role.COORDINATOR:
        return meeting.area_id in user.area_ids
    return any(member.id == user.id for member in meeting.members)


def meeting_pack_or_404(user: User, meeting_id: int) -> PanelMeeting:
    """The meeting whose pack the user may open; 404 for any other, so as not to confirm it."""
    meeting = db.session.get(PanelMeeting, meeting_id)
    if meeting is None or not may_read_pack(user, meeting):
        abort(404)
    return meeting


def may_review(user: User, meeting: PanelMeeting) -> bool:
    """Who records a meeting's analyses: the area's coordinators, and its chairs who sit on it."""
    if user.role is Role.COORDINATOR:
        return meeting.area_id in user.area_ids
    return user.role is Role.PANEL_CHAIR and may_read_pack(user, meeting)


def meeting_for_review_or_404(user: User, meeting_id: int) -> PanelMeeting:
    meeting = db.session.get(PanelMeeting, meeting_id)
    if meeting is None or not may_review(user, meeting):
        abort(404)
    return meeting


def agenda_item_for_coordinator_or_404(user: User, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting.area_id not in user.area_ids:
        abort(404)
    return item


def agenda_item_for_review_or_404(user: User, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or not may_review(user, item.meeting):
        abort(404)
    return item


def agenda_of(meeting: PanelMeeting) -> list[AgendaItem]:
    """The cases on the meeting's agenda now, in order."""
    statement = (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.left_agenda_at.is_(None))
        .order_by(AgendaItem.position, AgendaItem.id)
        .options(selectinload(AgendaItem.case))
    )
    return list(db.session.scalars(statement))


def left_agenda_of(meeting: PanelMeeting) -> list[AgendaItem]:
    """Cases that were on the agenda and were deferred or taken off."""
    statement = (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.left_agenda_at.is_not(None))
        .order_by(AgendaItem.left_agenda_at, AgendaItem.id)
        .options(selectinload(AgendaItem.case), selectinload(AgendaItem.deferred_to))
    )
    return list(db.session.scalars(statement))


def current_agenda_item(case: Case) -> AgendaItem | None:
    statement = select(AgendaItem).where(
        AgendaItem.case_id == case.id, AgendaItem.left_agenda_at.is_(None)
    )
    return db.session.scalar(statement)


@dataclass(frozen=True)
class ReadyCase:
    """A case the coordinator may put on an agenda, as the picker describes it."""

    case: Case
    waiting_days: int

    @property
    def description(self) -> str:
        category = self.case.provisional_category
        days = "1 day" if self.waiting_days == 1 else f"{self.waiting_days} days"
        return (
            f"{self.case.reference}: {self.case.age_band.label}, "
            f"{category.label if category else 'no category yet'}, ready for {days}"
        )


def cases_ready_for(meeting: PanelMeeting) -> list[ReadyCase]:
    """Cases of the meeting's area that are ready for panel, in reference order, with how long
    each has waited since it became ready."""
    became_ready = func.max(StageChange.changed_at)
    statement = (
        select(Case, became_ready)
        .outerjoin(
            StageChange,
            and_(StageChange.case_id == Case.id, PANEL_AGENDA.open_in_sql(StageChange.to_stage)),
        )  # fmt: skip
        .where(
            Case.area_id == meeting.area_id,
            PANEL_AGENDA.open_in_sql(Case.stage),
            ~Case.is_merged,
        )
        .group_by(Case.id)
        .order_by(Case.year, Case.sequence, Case.id)
    )
    today = uk_today()
    return [
        ReadyCase(case, (today - uk_calendar_date(since or case.created_at)).days)
        for case, since in db.session.execute(statement)
    ]


def possible_members(area_id: int) -> list[User]:
    statement = (
        select(User)
        .join(user_areas, user_areas.c.user_id == User.id)
        .where(user_areas.c.area_id == area_id, User.role.in_(PANEL_ROLES), User.active)
        .order_by(User.full_name, User.id)
    )
    return list(db.session.scalars(statement))


def later_meetings(meeting: PanelMeeting) -> list[PanelMeeting]:
    """Meetings of the same area after this one, where a case can be deferred to."""
    statement = (
        select(PanelMeeting)
        .where(
            PanelMeeting.area_id == meeting.area_id,
            PanelMeeting.held_on > meeting.held_on,
        )
        .order_by(PanelMeeting.held_on, PanelMeeting.id)
    )
    return list(db.session.scalars(statement))


def reports_for_pack(case: Case) -> list[tuple[ReportingRequest, ReportExtract | None]]:
    """Each report an agency submitted for the case, with its extract if one was made."""
    statement = (
        select(ReportingRequest, ReportExtract)
        .outerjoin(ReportExtract, ReportExtract.reporting_request_id == ReportingRequest.id)
        .where(
            ReportingRequest.case_id == case.id,
            ReportingRequest.status == RequestStatus.SUBMITTED,
        )
        .order_by(ReportingRequest.submitted_at, ReportingRequest.id)
        .options(selectinload(ReportingRequest.organisation))
    )
    return [(request, extract) for request, extract in db.session.execute(statement)]


def submitted_request_or_404(case: Case, request_id: int) -> ReportingRequest:
    request = db.session.get(ReportingRequest, request_id)
    if request is None or request.case_id != case.id or request.status != RequestStatus.SUBMITTED:
        abort(404)
    return request


def extract_of(request: ReportingRequest) -> ReportExtract | None:
    return db.session.scalar(
        select(ReportExtract).where(ReportExtract.reporting_request_id == request.id)
    )


def current_analysis(case: Case) -> PanelAnalysis | None:
    statement = select(PanelAnalysis).where(
        PanelAnalysis.case_id == case.id, PanelAnalysis.superseded_at.is_(None)
    )
    return db.session.scalar(statement)


def analyses_of(case: Case) -> list[PanelAnalysis]:
    """Every analysis of the case, the current one first."""
    statement = (
        select(PanelAnalysis)
        .where(PanelAnalysis.case_id == case.id)
        .order_by(
            PanelAnalysis.superseded_at.is_not(None),
            PanelAnalysis.recorded_at.desc(),
            PanelAnalysis.id.desc(),
        )
        .options(selectinload(PanelAnalysis.actions).selectinload(PanelAction.organisation))
    )
    return list(db.session.scalars(statement))


def analysis_for_review_or_404(user: User, analysis_id: int) -> PanelAnalysis:
    analysis = db.session.get(PanelAnalysis, analysis_id)
    if analysis is None or not may_review(user, analysis.meeting):
        abort(404)
    return analysis


def _visible_actions(user: User) -> Select:
    statement = select(PanelAction).join(Case, PanelAction.case_id == Case.id)
    if user.role is Role.COORDINATOR:
        return statement.where(Case.area_id.in_(user.area_ids))
    return statement.where(
        PanelAction.organisation_id == user.organisation_id, Case.area_id.in_(user.area_ids)
    )


ACTION_FILTERS = [
    ("open", "Still open"),
    ("overdue", "Overdue"),
    ("finished", "Done or not accepted"),
    ("all", "All actions"),
]
ACTION_ORDERS = [("due", "Due date, soonest first"), ("-due", "Due date, latest first")]


def action_page(user: User, *, show: str, order: str, page: int) -> Page:
    """A page of the action tracker; still open, soonest due (so overdue) first, by default."""
    return paginate(_tracked_actions(user, show, order), page)


def tracked_actions(user: User, *, show: str, order: str) -> list[PanelAction]:
    """Every action the tracker shows with this filter and order (for a spreadsheet)."""
    return list(db.session.scalars(_tracked_actions(user, show, order)))


def _tracked_actions(user: User, show: str, order: str) -> Select:
    """The actions the user follows up (a coordinator's areas', an agency's own) that the
    filter shows, in the order chosen."""
    still_open = PanelAction.status.in_(UNFINISHED_ACTIONS)
    by_show: dict[str, list[ColumnElement[bool]]] = {
        "open": [still_open],
        "overdue": [still_open, PanelAction.due_on < uk_today()],
        "finished": [~still_open],
        "all": [],
    }
    conditions = by_show.get(show, [still_open])
    due = PanelAction.due_on.desc() if order == "-due" else PanelAction.due_on
    return (
        _visible_actions(user)
        .where(*conditions)
        .order_by(due, PanelAction.id)
        .options(selectinload(PanelAction.case), selectinload(PanelAction.organisation))
    )


def action_for_user_or_404(user: User, action_id: int) -> PanelAction:
    statement = _visible_actions(user).where(PanelAction.id == action_id)
    action = db.session.scalar(statement)
    if action is None:
        abort(404)
    return action


def overdue(action: PanelAction) -> bool:
    return action.status in UNFINISHED_ACTIONS and action.due_on < uk_today()


def actions_of_case(case: Case) -> list[PanelAction]:
    statement = (
        select(PanelAction)
        .where(PanelAction.case_id == case.id)
        .order_by(PanelAction.id)
        .options(selectinload(PanelAction.organisation))
    )
    return list(db.session.scalars(statement))


def deadlines_owed_by_actions(case: Case) -> list[Owed]:
    """Each panel action is followed up by its due date until done or not accepted, whatever
    the case's stage: it is what the review asked for."""
    return [
        Owed(
            kind=DeadlineKind.PANEL_ACTION,
            record_id=action.id,
            agency_id=action.organisation_id,
            starts_on=action.analysis.meeting.held_on,
            due_on=action.due_on,
            needed=action.status is not ActionStatus.NOT_ACCEPTED,
            met=action.status is ActionStatus.DONE,
            ends_with_the_case=False,
        )
        for action in actions_of_case(case)
    ]


def actions_owing(kind: DeadlineKind, action_ids: Collection[int]) -> dict[int, OwedRecord]:
    """What each action's deadline is for, updated on the action's page by those who may."""
    if kind is not DeadlineKind.PANEL_ACTION:
        return {}
    rows = db.session.execute(
        select(PanelAction.id, Organisation.name)
        .join(Organisation, PanelAction.organisation_id == Organisation.id)
        .where(PanelAction.id.in_(action_ids))
    )
    return {
        action_id: OwedRecord(
            f"Panel action for {agency}",
            app_path("meetings.action", action_id=action_id),
            opened_with=Permission.UPDATE_PANEL_ACTIONS,
        )
        for action_id, agency in rows
    }


PANEL_SUMMARY_TEXT = "panel-summary"


def extract_text_key(request: ReportingRequest) -> str:
    return f"extract:{request.id}"


def words_not_identifying(case_id: int, text_key: str) -> frozenset[str]:
    """The words a coordinator confirmed are not identifiers in this text of the case."""
    statement = select(WordNotIdentifying.word).where(
        WordNotIdentifying.case_id == case_id, WordNotIdentifying.text_key == text_key
    )
    return frozenset(db.session.scalars(statement))


def facts_about_panel_review(case: Case) -> dict[str, object]:
    """For the stage machine: on an agenda now, and the current analysis and its sign-off."""
    analysis = current_analysis(case)
    return {
        "on_panel_agenda": current_agenda_item(case) is not None,
        "analysis_recorded": analysis is not None,
        "signed_off": analysis is not None and analysis.signed_off_at is not None,
    }


def facts_about_panel_review_in_sql() -> dict[str, ColumnElement[bool]]:
    current = (PanelAnalysis.case_id == Case.id, PanelAnalysis.superseded_at.is_(None))
    return {
        "on_panel_agenda": exists().where(
            AgendaItem.case_id == Case.id, AgendaItem.left_agenda_at.is_(None)
        ),
        "analysis_recorded": exists().where(*current),
        "signed_off": exists().where(*current, PanelAnalysis.signed_off_at.is_not(None)),
    }
