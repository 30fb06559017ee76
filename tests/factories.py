"""Records for tests, built through the same services the app uses."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from ecdop.auth.models import Area, Organisation, User
from ecdop.cases.models import Case
from ecdop.cases.services import TriageDecision, triage_case
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import Ethnicity, Expectation, PlaceOfDeath, Sex
from ecdop.notifications.services import NotificationDetails, submit_notification
from ecdop.reporting_forms.services import request_reports

VALID_NHS_NUMBER = "9434765919"
OTHER_VALID_NHS_NUMBER = "9434765870"


def notification_details(**overrides) -> NotificationDetails:
    values = dict(
        given_names="Amelia Rose",
        family_name="Testchild",
        nhs_number=VALID_NHS_NUMBER,
        date_of_birth=date(2026, 3, 1),
        sex=Sex.FEMALE,
        ethnicity=Ethnicity.WHITE_BRITISH,
        address="1 Example Street\nExampletown",
        postcode="SW1A 2AA",
        date_of_death=date(2026, 11, 18),
        time_of_death=time(3, 15),
        place_of_death=PlaceOfDeath.HOME,
        place_of_death_detail="",
        expectation=Expectation.UNEXPECTED,
        circumstances="Found unresponsive in cot in the morning.",
        parental_responsibility="Mother and father",
        other_children="One sibling aged 3",
        agencies_involved=["gp", "health_visitor"],
        agencies_detail="Demo Surgery",
        notifier_name="Sam Patel",
        notifier_role="Detective Sergeant",
        notifier_phone="01632 960001",
    )
    values.update(overrides)
    return NotificationDetails(**values)


def form_data(**overrides) -> dict:
    """The web form's fields for a valid notification, as a browser posts them."""
    data = {
        "area_id": str(demo_area().id),
        "given_names": "Amelia Rose",
        "family_name": "Testchild",
        "nhs_number": "943 476 5919",
        "date_of_birth": ["1", "3", "2026"],
        "sex": "female",
        "ethnicity": "white_british",
        "address": "1 Example Street\nExampletown",
        "postcode": "sw1a2aa",
        "date_of_death": ["18", "11", "2026"],
        "time_of_death": "03:15",
        "place_of_death": "home",
        "place_of_death_detail": "",
        "expectation": "unexpected",
        "circumstances": "Found unresponsive in cot in the morning.",
        "circumstances_type": "not_known",
        "parental_responsibility": "Mother and father",
        "other_children": "One sibling aged 3",
        "agencies_involved": ["gp", "health_visitor"],
        "agencies_detail": "Demo Surgery",
        "notifier_name": "Sam Patel",
        "notifier_role": "Detective Sergeant",
        "notifier_phone": "01632 960001",
        # Sent from the "Check your answers" page; without it the form shows that page.
        "send": "1",
    }
    data.update(overrides)
    return data


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def demo_area() -> Area:
    return db.session.scalar(select(Area).where(Area.code == "DEMO"))


def notify(email: str = "police@demo.test", area: Area | None = None, **overrides):
    """Submit a notification as the service would for a web or API request, and commit."""
    notification, outcome = submit_notification(
        notification_details(**overrides), notifier=user(email), area=area or demo_area()
    )
    db.session.commit()
    return notification, outcome


def organisation(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def triaged_case(**overrides) -> Case:
    """A notified case the demo coordinator has triaged in its own area: information gathering."""
    _notification, outcome = notify(**overrides)
    case = outcome.case
    decision = TriageDecision(
        in_scope=True,
        out_of_scope_reason="",
        expectation=case.expectation,
        residence_area=case.area,
    )
    triage_case(
        case, decision, actor=user("coordinator@demo.test"), expected_version=case.version_id
    )
    db.session.commit()
    return case


def requested_reports(case: Case, *agencies: str, forms: tuple[str, ...] = ()) -> list:
    sent = request_reports(
        case,
        organisations=[organisation(name) for name in agencies],
        supplementary_forms=list(forms),
        due_on=date(2026, 12, 18),
        actor=user("coordinator@demo.test"),
    )
    db.session.commit()
    return sent


CORE_ANSWERS = {
    "involvement_summary": "Registered patient since birth.",
    "first_contact_on": "2026-03-02",
    "last_contact_on": "2026-11-10",
    "family_involvement": "yes",
    "child_history": "Born at term. Immunisations up to date.",
    "legal_status": "none",
    "had_concerns": "no",
    "factors_intrinsic": "None known.",
    "factors_social": "None known.",
    "factors_physical": "None known.",
    "factors_service": "None known.",
    "learning": "Safer sleep advice to be repeated at every contact.",
}
SUDI_ANSWERS = {"found_where": "adult_bed", "co_sleeping": "yes"}


def submitted(request, answers: dict | None = None, reporter: str = "gp@demo.test"):
    from ecdop.reporting_forms.services import save_report

    if answers is None:
        answers = CORE_ANSWERS if request.form_type == "core" else SUDI_ANSWERS
    save_report(
        request,
        answers=answers,
        not_known=[],
        expected_version=request.version_id,
        actor=user(reporter),
        submit=True,
    )
    db.session.commit()
    return request


def record_jar(case: Case):
    from ecdop.review_meetings.services import save_joint_agency_response

    values = dict(
        started_on=date(2026, 11, 18),
        joint_home_visit=True,
        home_visit_on=date(2026, 11, 18),
        information_sharing_meeting_on=None,
        attendees=[{"role": "Detective Sergeant", "organisation": "Demo Constabulary"}],
        summary="Joint home visit completed.",
        decisions="Refer to coroner.",
    )
    record = save_joint_agency_response(
        case, values, expected_version=None, actor=user("coordinator@demo.test")
    )
    db.session.commit()
    return record


def record_cdrm(case: Case):
    from ecdop.review_meetings.services import save_child_death_review_meeting

    values = dict(
        held_on=date(2026, 11, 20),
        attendees=[{"role": "Consultant paediatrician", "organisation": "Demo Hospitals"}],
        summary="Professionals met.",
        decisions="Ready for panel.",
    )
    record = save_child_death_review_meeting(
        case, values, expected_version=None, actor=user("coordinator@demo.test")
    )
    db.session.commit()
    return record


def ready_for_panel_case(**overrides) -> Case:
    """A case with the GP's report in, the JAR (if unexpected) and CDRM recorded, moved on to
    ready for panel by the demo coordinator."""
    from ecdop.cases.services import apply_transition
    from ecdop.cases.states import Stage

    case = triaged_case(**overrides)
    [request] = requested_reports(case, "Demo Surgery")
    submitted(request)
    if case.expectation is Expectation.UNEXPECTED:
        record_jar(case)
    record_cdrm(case)
    for stage in (Stage.AWAITING_CDRM, Stage.READY_FOR_PANEL):
        apply_transition(case, stage, actor=user("coordinator@demo.test"))
    db.session.commit()
    return case


def panel_meeting(*members: str, held_on: date = date(2026, 11, 20), panel_type=None):
    from ecdop.meetings.choices import PanelType
    from ecdop.meetings.services import schedule_meeting

    meeting = schedule_meeting(
        demo_area(),
        held_on=held_on,
        starts_at=time(10, 0),
        venue="Committee Room 2, Demo Council House",
        panel_type=panel_type or PanelType.GENERAL,
        members=[user(email) for email in members or ("panel@demo.test", "chair@demo.test")],
        actor=user("coordinator@demo.test"),
    )
    db.session.commit()
    return meeting


def on_agenda(meeting, case):
    from ecdop.meetings.services import add_to_agenda

    item = add_to_agenda(meeting, case, actor=user("coordinator@demo.test"))
    db.session.commit()
    return item
