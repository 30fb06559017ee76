"""Receiving a notification: store it as submitted, then match it to a case."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, time

from ecdop.analytics.early_warning import ask_to_watch
from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area, User
from ecdop.cases.services import MatchOutcome, match_to_case
from ecdop.extensions import db
from ecdop.notifications.models import Notification
from ecdop.vocabulary import CircumstancesType, Ethnicity, Expectation, PlaceOfDeath, Sex


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


def submit_notification(
    details: NotificationDetails, *, notifier: User, area: Area, api_token_id: int | None = None
) -> tuple[Notification, MatchOutcome]:
    notification = Notification(
        **asdict(details),
        submitted_by=notifier,
        organisation_id=notifier.organisation_id,
        area=area,
        api_token_id=api_token_id,
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
    ask_to_watch(outcome.case.area_id)
    return notification, outcome
