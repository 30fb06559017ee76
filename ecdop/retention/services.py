"""Setting and confirming an area's retention rules, and legal holds on cases. Services
flush; the request commits."""

from __future__ import annotations

from collections.abc import Generator
from datetime import date

from sqlalchemy import delete, select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.auth.queries import active_coordinators_of, notifiers_of
from ecdop.cases.models import Case
from ecdop.cases.services import apply_transition, forget_searches_for
from ecdop.cases.states import TRANSITION_TABLE, Stage
from ecdop.deadlines.services import refresh_deadlines
from ecdop.foundation.clock import uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.foundation.urls import app_path
from ecdop.mail import keys as mail_keys
from ecdop.mail.services import queue_message_to_each
from ecdop.notifications.models import Notification
from ecdop.notifications.queries import notifications_of
from ecdop.retention.deidentify import (
    deidentify_case_data,
    erase_case_data,
    erase_notification_content,
)
from ecdop.retention.models import (
    AreaRetentionRule,
    ErasureReason,
    LegalHold,
    NotificationErasure,
    RetentionConfirmation,
    RetentionReview,
    RetentionReviewItem,
    ReviewState,
)
from ecdop.retention.queries import (
    current_hold_of,
    deciding_area_id,
    falling_due,
    rule_in_words,
    rules_for_area,
    waiting_erasure_of,
    waiting_review_of,
)
from ecdop.retention.rules import OUTCOMES, HoldReason, RetainedData, RetentionRule

# Longer than any child's record is kept under any policy we know of; a typo's guard.
MOST_YEARS = 100


def change_rule(area: Area, kind: RetainedData, rule: RetentionRule, *, actor: User) -> None:
    """Set the area's rule for one kind of data. The area's rules must then be confirmed
    again before anything of it is purged."""
    if not 1 <= rule.years <= MOST_YEARS:
        raise ChangeRefused(f"Enter a number of years from 1 to {MOST_YEARS}", "years")
    if rule.outcome not in OUTCOMES[kind]:
        raise ChangeRefused("Choose what happens at the end of the period", "outcome")
    current = rules_for_area(area.id)[kind]
    if rule == current:
        raise ChangeRefused(f"The rule is already {rule.describe()}", "years")
    setting = db.session.scalar(
        select(AreaRetentionRule).where(
            AreaRetentionRule.area_id == area.id, AreaRetentionRule.kind == kind
        )
    )
    if setting is None:
        setting = AreaRetentionRule(area_id=area.id, kind=kind)
        db.session.add(setting)
    setting.years, setting.trigger, setting.outcome = rule.years, rule.trigger, rule.outcome
    setting.changed_by_id = actor.id
    db.session.execute(
        delete(RetentionConfirmation).where(RetentionConfirmation.area_id == area.id)
    )
    db.session.flush()
    details = {"data": kind.label, "from": rule_in_words(current), "to": rule_in_words(rule)}
    record_event(AuditAction.RETENTION_RULE_CHANGED, actor_id=actor.id, subject=area,
                 details=details)  # fmt: skip


def confirm_rules(area: Area, *, actor: User) -> None:
    """The administrator has read the area's rules as they stand and confirms them."""
    confirmation = db.session.get(RetentionConfirmation, area.id)
    if confirmation is None:
        confirmation = RetentionConfirmation(area_id=area.id)
        db.session.add(confirmation)
    confirmation.confirmed_by_id, confirmation.confirmed_at = actor.id, utc_now()
    db.session.flush()
    rules = {kind.label: rule_in_words(rule) for kind, rule in rules_for_area(area.id).items()}
    record_event(AuditAction.RETENTION_RULES_CONFIRMED, actor_id=actor.id, subject=area,
                 details={"rules": rules})  # fmt: skip


def place_hold(case: Case, reason: HoldReason, details: str, *, actor: User) -> LegalHold:
    """Keep the case whole, whatever its retention rule, until the hold is lifted."""
    if current_hold_of(case) is not None:
        raise ChangeRefused("This case is already on legal hold", "reason")
    if reason is HoldReason.OTHER and not details.strip():
        raise ChangeRefused("Say what the hold is for", "details")
    today = uk_today()
    hold = LegalHold(case_id=case.id, reason=reason, details=details.strip(),
                     placed_by_id=actor.id, placed_on=today, last_reviewed_on=today)  # fmt: skip
    db.session.add(hold)
    db.session.flush()
    record_event(AuditAction.LEGAL_HOLD_PLACED, actor_id=actor.id, case_id=case.id,
                 subject=hold, details={"hold": reason.label})  # fmt: skip
    refresh_deadlines(case)
    return hold


def review_hold(hold: LegalHold, case: Case, *, actor: User, expected_version: int | None) -> None:
    """The hold is still needed: its next review is a year from today."""
    check_version(hold, expected_version, "reason")
    if not hold.held:
        raise ChangeRefused("This hold has been lifted", "reason")
    hold.last_reviewed_on = uk_today()
    db.session.flush()
    record_event(AuditAction.LEGAL_HOLD_REVIEWED, actor_id=actor.id, case_id=case.id,
                 subject=hold, details={"hold": hold.reason.label})  # fmt: skip
    refresh_deadlines(case)


def lift_hold(hold: LegalHold, case: Case, because: str, *, actor: User) -> None:
    """The hold is no longer needed: the case's retention rule applies again."""
    if not hold.held:
        raise ChangeRefused("This hold has already been lifted", "because")
    if not because.strip():
        raise ChangeRefused("Give the reason for lifting the hold", "because")
    hold.lifted_on, hold.lifted_by_id, hold.lifted_because = uk_today(), actor.id, because.strip()
    db.session.flush()
    record_event(AuditAction.LEGAL_HOLD_LIFTED, actor_id=actor.id, case_id=case.id,
                 subject=hold, details={"hold": hold.reason.label})  # fmt: skip
    refresh_deadlines(case)


# -- The monthly review and the purge ---------------------------------------------------------

PURGE_BATCH = 20  # cases de-identified, and committed, together


def list_cases_falling_due(today: date | None = None) -> int:
    """The monthly ``retention-review`` job: for each area whose rules are confirmed, list the
    cases whose retention has passed, for an administrator to put forward. A list not yet put
    forward is brought up to date; one waiting for approval is left as it was approved to be.
    Returns how many items were listed."""
    today = today or uk_today()
    listed = 0
    confirmed = select(RetentionConfirmation.area_id).order_by(RetentionConfirmation.area_id)
    for area_id in db.session.scalars(confirmed).all():
        if waiting_review_of(area_id, ReviewState.PUT_FORWARD) is not None:
            continue
        due = falling_due(area_id, today)
        review = waiting_review_of(area_id, ReviewState.LISTED)
        if review is None and not due:
            continue
        if review is None:
            review = RetentionReview(area_id=area_id, listed_on=today)
            db.session.add(review)
        review.listed_on = today
        review.items.clear()
        db.session.flush()  # the old items go before the new, which may be the same cases
        review.items = [
            RetentionReviewItem(
                case_id=item.case_id, kind=item.kind, rule=item.rule, due_on=item.due_on
            )  # fmt: skip
            for item in due
        ]
        db.session.flush()
        record_event(AuditAction.RETENTION_REVIEW_LISTED, actor_id=None, subject=review,
                     details={"area": review.area.code, "items": len(due)})  # fmt: skip
        listed += len(due)
    return listed


def list_again_after_restore() -> int:
    """After a restore: what had been put forward or approved waits for two people again, and
    today's list is made afresh, so that cases de-identified since the backup (back whole
    now) are listed. Returns how many items are listed."""
    waiting = select(RetentionReview).where(RetentionReview.state != ReviewState.DONE)
    for review in db.session.scalars(waiting).all():
        review.state = ReviewState.LISTED
        review.put_forward_by_id = review.put_forward_at = None
        review.approved_by_id = review.approved_at = None
    db.session.flush()
    return list_cases_falling_due()


def put_forward(review: RetentionReview, *, actor: User, expected_version: int | None) -> None:
    """The administrator has read the list and asks a second person to approve it."""
    check_version(review, expected_version, "review")
    if review.state is not ReviewState.LISTED:
        raise ChangeRefused("This list has already been put forward", "review")
    if not review.items:
        raise ChangeRefused("There is nothing on this list to put forward", "review")
    review.state, review.put_forward_by_id, review.put_forward_at = (
        ReviewState.PUT_FORWARD, actor.id, utc_now())  # fmt: skip
    db.session.flush()
    record_event(AuditAction.RETENTION_REVIEW_PUT_FORWARD, actor_id=actor.id, subject=review,
                 details={"area": review.area.code, "items": len(review.items)})  # fmt: skip
    queue_message_to_each(
        active_coordinators_of(review.area_id),
        event_key=mail_keys.retention_review_put_forward(review.id),
        subject=f"A retention list waits for your approval: {review.area.name}",
        template="email/retention_review_put_forward.txt",
        action_path=app_path("retention.review", review_id=review.id),
        review=review,
    )


def approve(review: RetentionReview, *, actor: User, expected_version: int | None) -> None:
    """A second person, not the one who put it forward, approves: the purge job takes it up."""
    check_version(review, expected_version, "review")
    if review.state is not ReviewState.PUT_FORWARD:
        raise ChangeRefused("This list is not waiting for approval", "review")
    if actor.id == review.put_forward_by_id:
        raise ChangeRefused(
            "You put this list forward. Another administrator, or a coordinator of the area, "
            "must approve it", "review")  # fmt: skip
    review.state, review.approved_by_id, review.approved_at = (
        ReviewState.APPROVED, actor.id, utc_now())  # fmt: skip
    db.session.flush()
    record_event(AuditAction.RETENTION_REVIEW_APPROVED, actor_id=actor.id, subject=review,
                 details={"area": review.area.code, "items": len(review.items)})  # fmt: skip


def purge_approved() -> Generator[None, None, int]:
    """The ``retention-purge`` job: take away what approved lists name, a batch at a time
    (each committed by the job runner). Killed half-way, the next run carries on; an item is
    done once, and a case held since it was listed is skipped. Returns the items done."""
    done = 0
    while batch := _next_items():
        for item in batch:
            _take_away(item)
            done += 1
        yield
    for review in db.session.scalars(
        select(RetentionReview).where(RetentionReview.state == ReviewState.APPROVED)
    ).all():
        review.state, review.finished_at = ReviewState.DONE, utc_now()
    return done


def _next_items() -> list[RetentionReviewItem]:
    statement = (
        select(RetentionReviewItem)
        .join(RetentionReview)
        .where(
            RetentionReview.state == ReviewState.APPROVED,
            RetentionReviewItem.done_at.is_(None),
            RetentionReviewItem.skipped_because.is_(None),
        )
        .order_by(RetentionReviewItem.id)
        .limit(PURGE_BATCH)
    )
    return list(db.session.scalars(statement))


def _take_away(item: RetentionReviewItem) -> None:
    case = item.case
    if current_hold_of(case) is not None:
        item.skipped_because = "Put on legal hold after it was listed"
        return
    details = {"rule": item.rule, "review": item.review_id}
    if item.kind is RetainedData.CASE:
        deidentify_case_data(case)
        record_event(AuditAction.CASE_DEIDENTIFIED, actor_id=None, case_id=item.case_id,
                     subject=item.review, details=details)  # fmt: skip
    else:
        erase_case_data(item.case_id, item.kind)
        record_event(AuditAction.CASE_DATA_ERASED, actor_id=None, case_id=item.case_id,
                     subject=item.review, details={"data": item.kind.short, **details})  # fmt: skip
    item.done_at = utc_now()
    db.session.flush()


# -- Erasing a notification sent in error -----------------------------------------------------


def ask_to_erase(
    notification: Notification, reason: ErasureReason, *, actor: User
) -> NotificationErasure:
    """A coordinator asks to erase a notification sent in error; a second person confirms."""
    if notification.erased_at is not None:
        raise ChangeRefused("This notification has already been erased", "notification")
    if waiting_erasure_of(notification) is not None:
        raise ChangeRefused("Erasing this notification has already been asked for: a second "
                            "person must confirm it", "notification")  # fmt: skip
    case = notification.case
    if case is not None and _made_only_from(notification):
        _refuse_unless_withdrawable(case)
    erasure = NotificationErasure(notification_id=notification.id, case_id=notification.case_id,
                                  reason=reason, asked_by_id=actor.id)  # fmt: skip
    db.session.add(erasure)
    db.session.flush()
    record_event(AuditAction.ERASURE_ASKED, actor_id=actor.id, case_id=erasure.case_id,
                 subject=erasure, details={"why": reason.label})  # fmt: skip
    queue_message_to_each(
        [c for c in active_coordinators_of(deciding_area_id(notification)) if c.id != actor.id],
        event_key=mail_keys.erasure_asked(erasure.id),
        subject="A notification sent in error waits for your confirmation to erase it",
        template="email/erasure_asked.txt",
        action_path=app_path("retention.erasure", erasure_id=erasure.id),
        erasure=erasure,
        case=case,
    )
    return erasure


def confirm_erasure(
    erasure: NotificationErasure, *, actor: User, expected_version: int | None
) -> None:
    """The second person confirms: the notification's content goes; a case made only from it
    is withdrawn and de-identified; the notifier's organisation is told."""
    check_version(erasure, expected_version, "erasure")
    if not erasure.waiting:
        raise ChangeRefused("This erasure is no longer waiting to be confirmed", "erasure")
    if actor.id == erasure.asked_by_id:
        raise ChangeRefused("You asked for this erasure. Another coordinator of the area, or "
                            "an administrator, must confirm it", "erasure")  # fmt: skip
    notification = db.session.get(Notification, erasure.notification_id)
    assert notification is not None
    case, why = notification.case, erasure.reason.label
    erasure.confirmed_by_id, erasure.confirmed_at = actor.id, utc_now()
    forget_searches_for(*notification.given_names.split(), *notification.family_name.split(),
                        notification.nhs_number or "")  # fmt: skip
    db.session.flush()
    record_event(AuditAction.ERASURE_CONFIRMED, actor_id=actor.id, case_id=erasure.case_id,
                 subject=erasure, details={"why": why})  # fmt: skip
    _tell_the_notifiers(notification, erasure)
    if case is not None and _made_only_from(notification):
        if case.stage is not Stage.WITHDRAWN:
            _refuse_unless_withdrawable(case)
            # The coordinator who asked withdraws it: the confirmer may be an administrator,
            # who moves no case.
            apply_transition(case, Stage.WITHDRAWN, actor=erasure.asked_by,
                             reason=f"Notified in error: {why.lower()}")  # fmt: skip
        deidentify_case_data(case)
    erase_notification_content(notification)


def cancel_erasure(
    erasure: NotificationErasure, *, actor: User, expected_version: int | None
) -> None:
    """The notification was right after all: nothing is erased."""
    check_version(erasure, expected_version, "erasure")
    if not erasure.waiting:
        raise ChangeRefused("This erasure is no longer waiting to be confirmed", "erasure")
    erasure.cancelled_by_id, erasure.cancelled_at = actor.id, utc_now()
    db.session.flush()
    record_event(AuditAction.ERASURE_CANCELLED, actor_id=actor.id, case_id=erasure.case_id,
                 subject=erasure, details={"why": erasure.reason.label})  # fmt: skip


def _made_only_from(notification: Notification) -> bool:
    case = notification.case
    return case is not None and [n.id for n in notifications_of(case)] == [notification.id]


def _refuse_unless_withdrawable(case: Case) -> None:
    if case.stage is Stage.WITHDRAWN:
        return
    if (case.stage, Stage.WITHDRAWN) not in TRANSITION_TABLE:
        raise ChangeRefused(
            f"The case made from this notification is {case.stage.label.lower()}: move it "
            "back to information gathering first, so that it can be withdrawn",
            "notification",
        )


def _tell_the_notifiers(notification: Notification, erasure: NotificationErasure) -> None:
    """The notifier and their organisation's other notifiers, by the notification's number
    and date only: never the child's name, which is about to go."""
    queue_message_to_each(
        notifiers_of(notification.organisation_id),
        event_key=mail_keys.erasure_done(erasure.id),
        subject="A notification from your organisation was erased as sent in error",
        template="email/notification_erased.txt",
        action_path=app_path("notifications.index"),
        notification=notification,
        erasure=erasure,
    )
