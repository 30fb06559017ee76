"""Receiving a notification: store it as submitted, then match it to its child's case; and
deciding the possible duplicates that matching flags."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, time, timedelta

from sqlalchemy import select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.auth.queries import active_coordinators_of
from ecdop.cases.hooks import case_changed, death_recorded
from ecdop.cases.models import Case
from ecdop.cases.queries import case_with_nhs_number, possible_duplicate_of
from ecdop.cases.services import merge_into, open_case
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.foundation.urls import app_path
from ecdop.foundation.vocabulary import (
    CategoryOfDeath,
    CircumstancesType,
    Ethnicity,
    Expectation,
    PlaceOfDeath,
    Sex,
)
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import queue_message_to_each
from ecdop.notifications.models import MatchResult, Notification
from ecdop.notifications.queries import notifications_of


@dataclass(frozen=True)
class NotificationDetails:
    """What a notifier tells us, already checked against ecdop.notifications.rules."""

    given_names: str
    family_name: str
    nhs_number: str | None
    date_of_birth: date
    sex: Sex
    ethnicity: Ethnicity
    address: str
    postcode: str
    date_of_death: date
    time_of_death: time | None
    place_of_death: PlaceOfDeath
    place_of_death_detail: str
    expectation: Expectation
    circumstances: str
    parental_responsibility: str
    other_children: str
    agencies_involved: list[str]
    agencies_detail: str
    notifier_name: str
    notifier_role: str
    notifier_phone: str
    circumstances_type: CircumstancesType = CircumstancesType.NOT_KNOWN


# The same form from the same person within this long is the same notification sent twice.
RESUBMISSION_WINDOW = timedelta(minutes=10)


def submission_digest(details: NotificationDetails, *, notifier: User, area: Area) -> str:
    fields = {**asdict(details), "notifier": notifier.id, "area": area.id}
    canonical = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def earlier_same_submission(
    details: NotificationDetails, *, notifier: User, area: Area
) -> Notification | None:
    """The notification this person sent with exactly these details in the last few minutes,
    if any. The person's row is locked first, so that two copies sent at once (a double
    click) are decided one after the other."""
    db.session.execute(select(User.id).where(User.id == notifier.id).with_for_update())
    return db.session.scalar(
        select(Notification)
        .where(
            Notification.submitted_by_id == notifier.id,
            Notification.submission_digest
            == submission_digest(details, notifier=notifier, area=area),  # fmt: skip
            Notification.submitted_at > utc_now() - RESUBMISSION_WINDOW,
        )
        .order_by(Notification.id)
        .limit(1)
    )


def submit_notification(
    details: NotificationDetails, *, notifier: User, area: Area, api_token_id: int | None = None
) -> tuple[Notification, MatchOutcome]:
    notification = Notification(
        **asdict(details),
        submitted_by=notifier,
        organisation_id=notifier.organisation_id,
        area=area,
        api_token_id=api_token_id,
        submission_digest=submission_digest(details, notifier=notifier, area=area),
    )
    db.session.add(notification)
    db.session.flush()
    outcome = match_to_case(notification)
    record_event(
        AuditAction.NOTIFICATION_SUBMITTED,
        case_id=outcome.case.id,
        subject=notification,
        actor_id=notifier.id,
        details={"match": outcome.result.value, "case_reference": outcome.case.reference},
    )
    death_recorded(outcome.case)
    return notification, outcome


@dataclass(frozen=True)
class MatchOutcome:
    case: Case
    result: MatchResult


# What a notifier's first view says of the category; illness could be any of several.
# What a new case takes from the notification that opened it.
CASE_FIELDS_FROM_NOTIFICATION = (
    "given_names", "family_name", "nhs_number", "date_of_birth", "sex", "ethnicity", "postcode",
    "date_of_death", "place_of_death", "expectation",
)  # fmt: skip

PROVISIONAL_CATEGORIES = {
    CircumstancesType.SUICIDE: CategoryOfDeath.SUICIDE,
    CircumstancesType.SUDDEN_UNEXPECTED: CategoryOfDeath.SUDDEN_UNEXPLAINED,
    CircumstancesType.INJURY: CategoryOfDeath.TRAUMA,
    CircumstancesType.SUSPECTED_ABUSE: CategoryOfDeath.DELIBERATELY_INFLICTED,
    CircumstancesType.NEONATAL: CategoryOfDeath.PERINATAL,
}


def _open_case_for(notification: Notification) -> Case:
    return open_case(
        notification.area,
        **{field: getattr(notification, field) for field in CASE_FIELDS_FROM_NOTIFICATION},
        provisional_category=PROVISIONAL_CATEGORIES.get(notification.circumstances_type),
    )


def match_to_case(notification: Notification) -> MatchOutcome:
    """Link the notification to its child's case, opening one if there is none.

    Same NHS number in the same area: linked. No NHS match but the same dates of birth and
    death and sex: a new case flagged for the coordinator. Never merged silently.
    """
    existing = None
    if notification.nhs_number:
        existing = case_with_nhs_number(notification.area_id, notification.nhs_number)
    if existing is not None:
        outcome = MatchOutcome(existing, MatchResult.LINKED)
        if existing.provisional_category is None:  # a later notifier may know more
            existing.provisional_category = PROVISIONAL_CATEGORIES.get(
                notification.circumstances_type
            )
        record_event(AuditAction.CASE_LINKED, case_id=existing.id, subject=notification)
    else:
        case = _open_case_for(notification)
        candidate = possible_duplicate_of(case)
        if candidate is not None:
            case.possible_duplicate_of = candidate
            record_event(
                AuditAction.CASE_FLAGGED_POSSIBLE_DUPLICATE,
                case_id=case.id,
                subject=case,
                details={"possible_duplicate_of": candidate.reference},
            )
            outcome = MatchOutcome(case, MatchResult.POSSIBLE_DUPLICATE)
        else:
            outcome = MatchOutcome(case, MatchResult.NEW)
    notification.case = outcome.case
    notification.match_result = outcome.result
    db.session.flush()
    if outcome.result is not MatchResult.LINKED:
        case_changed(outcome.case)
    _alert_coordinators(notification, outcome)
    return outcome


ALERT_SUBJECTS = {
    MatchResult.NEW: "New child death notification: {reference}",
    MatchResult.POSSIBLE_DUPLICATE: "New notification, possible duplicate: {reference}",
    MatchResult.LINKED: "Further notification received for {reference}",
}


def _alert_coordinators(notification: Notification, outcome: MatchOutcome) -> None:
    action_path = app_path("cases.show", case_id=outcome.case.id)
    subject = ALERT_SUBJECTS[outcome.result].format(reference=outcome.case.reference)
    queue_message_to_each(
        active_coordinators_of(notification.area_id),
        event_key=mail_keys.death_notified(notification.id),
        priority=MailPriority.URGENT,
        subject=subject,
        template="email/new_notification.txt",
        action_path=action_path,
        case=outcome.case,
        match=outcome.result,
        organisation=notification.organisation,
    )


def confirm_same_child(case: Case, expected_version: int | None, *, actor: User) -> Case:
    """Merge a flagged case into the case it may duplicate, keeping every notification and
    all history; the flagged case's reference then leads to the surviving case."""
    check_version(case, expected_version, "decision")
    survivor = case.possible_duplicate_of
    if survivor is None:
        raise ChangeRefused("This case is not flagged as a possible duplicate")
    for notification in notifications_of(case):
        notification.case = survivor
    merge_into(case, survivor, actor=actor)
    return survivor


def reject_duplicate(case: Case, expected_version: int) -> None:
    check_version(case, expected_version, "decision")
    other = case.possible_duplicate_of
    if other is None:
        raise ChangeRefused("This case is not flagged as a possible duplicate")
    case.possible_duplicate_of = None
    details = {"not_same_as": other.reference}
    record_event(AuditAction.DUPLICATE_REJECTED, case_id=case.id, details=details)
    db.session.flush()
