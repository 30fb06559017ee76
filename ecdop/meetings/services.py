"""Changes around the panel: scheduling meetings, building agendas, preparing the anonymised
papers, recording the analysis, signing reviews off and following up actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import delete, func, select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, Organisation, Role, User
from ecdop.auth.permissions import Permission, role_may
from ecdop.cases.models import Case
from ecdop.cases.services import apply_transition
from ecdop.cases.states import FIRST_ANALYSIS, PANEL_AGENDA, SIGN_OFF, Stage, refuse_if_closed
from ecdop.deadlines.models import Deadline
from ecdop.deadlines.services import refresh_deadlines
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.formatting import uk_date
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.foundation.vocabulary import ActionStatus, CategoryOfDeath
from ecdop.meetings.choices import DOMAINS, FamilyQuestionsAnswered, ModifiableFactors, PanelType
from ecdop.meetings.hooks import questions_for_the_panel
from ecdop.meetings.models import (
    AgendaItem,
    PanelAction,
    PanelAnalysis,
    PanelMeeting,
)
from ecdop.meetings.queries import (
    PANEL_ROLES,
    agenda_of,
    current_agenda_item,
    current_analysis,
)


def schedule_meeting(
    area: Area,
    *,
    held_on: date,
    starts_at: time,
    venue: str,
    panel_type: PanelType,
    members: list[User],
    actor: User,
) -> PanelMeeting:
    if held_on < uk_today():
        raise ChangeRefused("The meeting date must be today or in the future", "held_on")
    if not venue.strip():
        raise ChangeRefused("Enter where the meeting is, or the link to the video call", "venue")
    if not members:
        raise ChangeRefused("Choose the panel members who will sit on this meeting", "members")
    if any(m.role not in PANEL_ROLES or area.id not in m.area_ids for m in members):
        raise ChangeRefused("Members must be panel members or chairs of this area", "members")
    if not any(member.role is Role.PANEL_CHAIR for member in members):
        raise ChangeRefused("Choose at least one panel chair", "members")
    meeting = PanelMeeting(
        area=area, held_on=held_on, starts_at=starts_at, venue=venue.strip(),
        panel_type=panel_type, scheduled_by_id=actor.id,
    )  # fmt: skip
    meeting.members = list(members)
    db.session.add(meeting)
    db.session.flush()
    details = {"held_on": held_on.isoformat(), "starts_at": starts_at.isoformat(),
               "panel_type": panel_type.value,
               "members": [member.id for member in members]}  # fmt: skip
    record_event(AuditAction.PANEL_MEETING_SCHEDULED, subject=meeting, details=details)
    return meeting


def add_to_agenda(meeting: PanelMeeting, case: Case, *, actor: User) -> AgendaItem:
    """Put a case that is ready for panel at the end of the agenda; it is then scheduled."""
    if case.area_id != meeting.area_id:
        raise ChangeRefused("That case belongs to another area", "case_id")
    if meeting.held_on < uk_today():
        raise ChangeRefused("This meeting has already taken place", "case_id")
    PANEL_AGENDA.refuse_unless_open(case, "case_id")
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(meeting=meeting, case=case, position=(last or 0) + 1)
    db.session.add(item)
    db.session.flush()
    details = {"meeting": meeting.id, "held_on": meeting.held_on.isoformat()}
    record_event(AuditAction.CASE_ADDED_TO_AGENDA, case_id=case.id, subject=item, details=details)
    apply_transition(case, Stage.SCHEDULED_FOR_PANEL, actor=actor)
    return item


def move_on_agenda(item: AgendaItem, *, earlier: bool) -> None:
    """Swap the case with the one before (or after) it on the agenda."""
    if item.left_agenda_at is not None:
        raise ChangeRefused("This case has left this meeting's agenda")
    agenda = agenda_of(item.meeting)
    index = agenda.index(item)
    other_index = index - 1 if earlier else index + 1
    if not 0 <= other_index < len(agenda):
        raise ChangeRefused("The case is already at that end of the agenda")
    other = agenda[other_index]
    item.position, other.position = other.position, item.position
    db.session.flush()
    details = {"meeting": item.meeting_id, "position": other_index + 1}
    record_event(AuditAction.AGENDA_REORDERED, case_id=item.case_id, subject=item, details=details)


def take_off_agenda(
    item: AgendaItem, *, to_meeting: PanelMeeting | None, reason: str, actor: User
) -> AgendaItem | None:
    """Defer the case to a later meeting (it stays scheduled, its summary goes with it), or take
    it off the agenda altogether (it is ready for panel again). Either needs a reason."""
    if item.left_agenda_at is not None:
        raise ChangeRefused("This case has already left this meeting's agenda")
    if current_analysis(item.case) is not None:
        raise ChangeRefused("The panel has recorded its analysis of this case", "reason")
    if not reason.strip():
        raise ChangeRefused("Give the reason", "reason")
    if to_meeting is not None and (
        to_meeting.area_id != item.meeting.area_id or to_meeting.held_on <= item.meeting.held_on
    ):
        raise ChangeRefused("Choose a later meeting of the same area", "to_meeting")
    item.left_agenda_at = utc_now()
    item.left_agenda_reason = reason.strip()
    item.deferred_to = to_meeting
    db.session.flush()
    if to_meeting is None:
        record_event(AuditAction.CASE_TAKEN_OFF_AGENDA, case_id=item.case_id, subject=item,
                     details={"meeting": item.meeting_id}, reason=reason)  # fmt: skip
        apply_transition(item.case, Stage.READY_FOR_PANEL, actor=actor)
        return None
    return _defer(item, to_meeting, reason.strip())


def _defer(item: AgendaItem, to_meeting: PanelMeeting, reason: str) -> AgendaItem:
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == to_meeting.id)
    )
    later = AgendaItem(
        meeting=to_meeting,
        case=item.case,
        position=(last or 0) + 1,
        panel_summary=item.panel_summary,
    )
    db.session.add(later)
    db.session.flush()
    details = {"from_meeting": item.meeting_id, "to_meeting": to_meeting.id}
    record_event(AuditAction.CASE_DEFERRED, case_id=item.case_id, subject=later, details=details,
                 reason=reason)  # fmt: skip
    return later


@dataclass(frozen=True)
class ActionRow:
    organisation: Organisation | None
    description: str
    due_on: date | None
    action_id: int | None = None
    field: str = "actions"  # the form's row, where a problem with it is shown


@dataclass(frozen=True)
class AnalysisValues:
    category: CategoryOfDeath | None
    scores: dict[str, int | None]  # by domain key
    factors: dict[str, list[str]]
    other_factors: dict[str, str]
    modifiable: ModifiableFactors | None
    learning_points: str
    recommendations: str
    actions: list[ActionRow]
    family_questions_answered: FamilyQuestionsAnswered | None = None
    family_learning: str = ""


def record_analysis(
    item: AgendaItem, values: AnalysisValues, *, actor: User, expected_version: int | None
) -> PanelAnalysis:
    """Record the panel's analysis of the case (the case is then panel reviewed), or amend it
    until the chair signs it off."""
    case = item.case
    refuse_if_closed(case, "category")
    if item.left_agenda_at is not None:
        raise ChangeRefused("This case has left this meeting's agenda", "category")
    if item.meeting.held_on > uk_today():
        raise ChangeRefused(
            f"The panel meets on {item.meeting.held_on:%-d %B %Y}: record its analysis at or "
            "after the meeting",
            "category",
        )
    _check_analysis(values, item.meeting.held_on)
    if questions_asked(case) and values.family_questions_answered is None:
        raise ChangeRefused("Say whether the family's questions were answered",
                            "family_questions_answered")  # fmt: skip
    analysis = current_analysis(case)
    created = analysis is None
    if analysis is None:
        FIRST_ANALYSIS.refuse_unless_open(case, "category")
        analysis = PanelAnalysis(case=case, meeting=item.meeting)
        db.session.add(analysis)
    else:
        check_version(analysis, expected_version, "category")
    _fill_analysis(analysis, values, actor)
    _replace_actions(analysis, values.actions)
    db.session.flush()
    action = AuditAction.PANEL_ANALYSIS_RECORDED if created else AuditAction.PANEL_ANALYSIS_AMENDED
    record_event(action, case_id=case.id, subject=analysis,
                 details={"category": analysis.category.value})  # fmt: skip
    if created:
        apply_transition(case, Stage.PANEL_REVIEWED, actor=actor)
    else:
        refresh_deadlines(case)
    return analysis


def questions_asked(case: Case) -> bool:
    """Whether the family put questions to the review (``questions_for_the_panel``)."""
    return any(answer for answer in questions_for_the_panel(case))


def _check_analysis(values: AnalysisValues, held_on: date) -> None:
    if values.category is None:
        raise ChangeRefused("Select the category of death", "category")
    for domain in DOMAINS:
        if values.scores.get(domain.key) not in (0, 1, 2):
            raise ChangeRefused(f"Score {domain.title.lower()} as 0, 1 or 2", f"{domain.key}_score")
    if values.modifiable is None:
        raise ChangeRefused("Select whether modifiable factors were identified", "modifiable")
    for number, row in enumerate(values.actions, start=1):
        _check_action(number, row, held_on)


def _check_action(number: int, row: ActionRow, held_on: date) -> None:
    """Each action's own problem, at its own box (``row.field`` names the form's row)."""
    if row.organisation is None:
        raise ChangeRefused(f"Choose the organisation that owns action {number}",
                            f"{row.field}-organisation_id")  # fmt: skip
    if not row.description.strip():
        raise ChangeRefused(f"Describe action {number}", f"{row.field}-description")
    if row.due_on is None:
        raise ChangeRefused(f"Enter the date action {number} is due", f"{row.field}-due_on")
    if row.due_on < held_on:
        raise ChangeRefused(
            f"Action {number} cannot be due before the meeting, on {uk_date(held_on)}",
            f"{row.field}-due_on",
        )


def _fill_analysis(analysis: PanelAnalysis, values: AnalysisValues, actor: User) -> None:
    # _check_analysis has refused values without a category or a modifiable-factors answer.
    assert values.category is not None and values.modifiable is not None
    analysis.category = values.category
    for domain in DOMAINS:
        setattr(analysis, f"{domain.key}_score", values.scores[domain.key])
    analysis.factors = {key: sorted(keys) for key, keys in values.factors.items() if keys}
    analysis.other_factors = {
        key: text.strip() for key, text in values.other_factors.items() if text.strip()
    }
    analysis.modifiable = values.modifiable
    analysis.learning_points = values.learning_points.strip()
    analysis.recommendations = values.recommendations.strip()
    analysis.family_questions_answered = values.family_questions_answered
    analysis.family_learning = values.family_learning.strip()
    analysis.recorded_by_id = actor.id
    analysis.recorded_at = utc_now()


def _replace_actions(analysis: PanelAnalysis, rows: list[ActionRow]) -> None:
    """Keep the rows' actions (updated), add new ones, and drop those no longer listed: before
    sign-off the analysis is still the panel's working record."""
    kept = {row.action_id for row in rows if row.action_id}
    for dropped in list(analysis.actions):
        if dropped.id not in kept:
            db.session.execute(delete(Deadline).where(Deadline.panel_action_id == dropped.id))
            analysis.actions.remove(dropped)
    by_id = {action.id: action for action in analysis.actions}
    for row in rows:
        action: PanelAction | None = by_id.get(row.action_id) if row.action_id else None
        if action is None:
            action = PanelAction(case=analysis.case)
            analysis.actions.append(action)
        # _check_analysis has refused a row without its organisation or due date.
        assert row.organisation is not None and row.due_on is not None
        action.organisation = row.organisation
        action.description = row.description.strip()
        action.due_on = row.due_on


def sign_off(analysis: PanelAnalysis, *, actor: User, expected_version: int | None) -> None:
    """The chair signs the review off: the case closes and becomes read-only."""
    if not role_may(actor.role, Permission.SIGN_OFF_REVIEWS):
        raise ChangeRefused("Only a panel chair can sign off a review")
    check_version(analysis, expected_version)
    case = analysis.case
    if analysis.superseded_at is not None or analysis.signed_off_at is not None:
        raise ChangeRefused("This review has already been signed off")
    SIGN_OFF.refuse_unless_open(case)
    analysis.signed_off_at = utc_now()
    analysis.signed_off_by_id = actor.id
    db.session.flush()
    record_event(AuditAction.REVIEW_SIGNED_OFF, case_id=case.id, subject=analysis)
    apply_transition(case, Stage.CLOSED, actor=actor)


def update_action(
    action: PanelAction,
    status: ActionStatus,
    note: str,
    *,
    actor: User,
    expected_version: int | None,
) -> None:
    check_version(action, expected_version, "status")
    if action.status.finished:
        raise ChangeRefused(f"This action is already {action.status.label.lower()}", "status")
    if status is ActionStatus.DONE and not note.strip():
        raise ChangeRefused("Say what was done", "note")
    if status is ActionStatus.NOT_ACCEPTED and not note.strip():
        raise ChangeRefused("Give the reason the action is not accepted", "note")
    if status is action.status and not note.strip():
        raise ChangeRefused(f"The action is already {status.label.lower()}", "status")
    # Not "from"/"to": the timeline reads those as stages.
    details = {"from_status": action.status.value, "to_status": status.value}
    action.status = status
    action.status_note = note.strip()
    action.status_changed_at = utc_now()
    action.status_changed_by_id = actor.id
    db.session.flush()
    record_event(
        AuditAction.PANEL_ACTION_UPDATED, case_id=action.case_id, subject=action, details=details
    )
    refresh_deadlines(action.case)


def supersede_review(case: Case) -> None:
    """On ``case_reopened``: a reopened case's signed-off analysis becomes history (its actions are
    still followed up) and the next panel review records a new one."""
    analysis = current_analysis(case)
    if analysis is None:
        return
    analysis.superseded_at = utc_now()
    item = current_agenda_item(case)
    if item is not None:  # the reviewed case leaves the old meeting's agenda for good
        item.left_agenda_at = analysis.superseded_at
        item.left_agenda_reason = "Case reopened after review"
    db.session.flush()
    record_event(AuditAction.PANEL_ANALYSIS_SUPERSEDED, case_id=case.id, subject=analysis)


def move_action_due_date(deadline: Deadline) -> None:
    """On ``due_date_moved``: the action's own date, which the action tracker shows, follows."""
    if deadline.panel_action_id is not None:
        db.session.get_one(PanelAction, deadline.panel_action_id).due_on = deadline.due_on
