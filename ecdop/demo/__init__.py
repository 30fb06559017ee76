"""Entry points: the demo area: one user per role, for trying ecdop locally."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, select

from ecdop.analytics.early_warning import add_recommended_rules, replay_history
from ecdop.analytics.queries import warning_rules_of
from ecdop.auth import queries, services
from ecdop.auth.models import Area, Organisation, OrganisationKind, Role, User
from ecdop.cases.models import Case, StageChange
from ecdop.cases.services import (
    TriageDecision,
    apply_transition,
    record_national_database_told,
    triage_case,
)
from ecdop.cases.states import Stage
from ecdop.deadlines.models import Deadline
from ecdop.deadlines.services import refresh_deadlines
from ecdop.documents.choices import OrderedBy, PostMortemNeeded, PostMortemType
from ecdop.documents.services import PostMortemDetails, save_post_mortem
from ecdop.family.choices import ContactMethod, Relationship
from ecdop.family.services import (
    Contact,
    ContactDetails,
    assign_key_worker,
    log_contact,
    save_contact,
)
from ecdop.foundation.clock import add_working_days, uk_today
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import Ethnicity, Expectation, PlaceOfDeath, Sex
from ecdop.notifications.queries import notifications_of
from ecdop.notifications.services import NotificationDetails, submit_notification
from ecdop.reporting_forms.models import ReportingRequest
from ecdop.reporting_forms.services import request_reports, save_report
from ecdop.review_meetings.services import (
    save_child_death_review_meeting,
    save_joint_agency_response,
)

DEMO_AREA = ("DEMO", "Demo review area")

DEMO_ORGANISATIONS = [
    ("Demo Constabulary", OrganisationKind.POLICE),
    ("Demo Hospitals NHS Trust", OrganisationKind.NHS_TRUST),
    ("Demo Surgery", OrganisationKind.GP_PRACTICE),
    ("Demo Primary School", OrganisationKind.SCHOOL),
    ("Demo Council", OrganisationKind.CHILDRENS_SOCIAL_CARE),
]

# (email, role, organisation)
DEMO_ACCOUNTS = [
    ("police@demo.test", Role.NOTIFIER, "Demo Constabulary"),
    ("health@demo.test", Role.NOTIFIER, "Demo Hospitals NHS Trust"),
    ("gp@demo.test", Role.AGENCY_REPORTER, "Demo Surgery"),
    ("school@demo.test", Role.AGENCY_REPORTER, "Demo Primary School"),
    ("coordinator@demo.test", Role.COORDINATOR, "Demo Council"),
    ("keyworker@demo.test", Role.KEY_WORKER, "Demo Hospitals NHS Trust"),
    ("panel@demo.test", Role.PANEL_MEMBER, "Demo Hospitals NHS Trust"),
    ("chair@demo.test", Role.PANEL_CHAIR, "Demo Council"),
    ("board@demo.test", Role.BOARD_MEMBER, "Demo Council"),
    ("admin@demo.test", Role.ADMIN, "Demo Council"),
]

DEMO_NAMES = {
    "police@demo.test": ("Sam Patel", "Detective Sergeant", "01632 960001"),
    "health@demo.test": ("Dr Alex Morgan", "Consultant Paediatrician", "01632 960002"),
    "gp@demo.test": ("Dr Jo Evans", "GP partner", "01632 960003"),
    "school@demo.test": ("Chris Lee", "Designated safeguarding lead", "01632 960004"),
    "coordinator@demo.test": ("Pat Quinn", "CDOP coordinator", "01632 960005"),
    "keyworker@demo.test": ("Robin Ahmed", "Specialist bereavement nurse", "01632 960010"),
    "panel@demo.test": ("Dr Rowan Hughes", "Designated doctor", "01632 960006"),
    "chair@demo.test": ("Dr Morgan Ellis", "Director of Public Health", "01632 960007"),
    "board@demo.test": ("Kim Shaw", "Safeguarding partnership board member", "01632 960008"),
    "admin@demo.test": ("Ash Taylor", "System administrator", "01632 960009"),
}


def seed_demo(password: str) -> bool:
    """Create what is missing; True if anything was created. Safe to run again."""
    created = False
    area = queries.area_by_code(DEMO_AREA[0])
    if area is None:
        area = services.create_area(*DEMO_AREA)
        created = True
    for name, kind in DEMO_ORGANISATIONS:
        if queries.organisation_by_name(name) is None:
            services.create_organisation(name, kind, areas=[area])
            created = True
    existing = {user.email for user in queries.all_users()}
    for email, role, organisation_name in DEMO_ACCOUNTS:
        if email in existing:
            continue
        full_name, job_title, phone = DEMO_NAMES[email]
        services.create_user(
            email=email,
            full_name=full_name,
            job_title=job_title,
            phone=phone,
            role=role,
            organisation=_demo_organisation(organisation_name),
            areas=[area],
            password=password,
        )
        created = True
    if area.lead_id is None:
        services.set_area_lead(area, _demo_user("chair@demo.test"))
    if not warning_rules_of(area.id):
        add_recommended_rules(area)
    return created


@dataclass(frozen=True)
class DemoCase:
    reference: str
    gp_due_on: date
    late_reference: str
    ready_references: tuple[str, ...] = ()


# The GP's report is due 5 working days after seeding, so its reminders come within days.
DEMO_GP_WORKING_DAYS = 5
# A second case is made to look notified this many days ago, so that items are already overdue.
LATE_CASE_AGE = timedelta(days=21)


def seed_demo_case() -> DemoCase | None:
    """Two triaged cases with reports requested from the demo GP and school, unless the demo
    area already has a case: one notified now, one three weeks ago. The children are invented.
    The demo key worker is the first case's (DEMO-2026-0001's) key worker, and no other's; that
    case waits for its final post-mortem report."""
    area = _demo_area()
    if db.session.scalar(select(Case.id).where(Case.area_id == area.id).limit(1)):
        return None
    today = uk_today()
    case = _triaged_case(area, _demo_notification(today, date_of_birth_offset=0))
    _family_with_a_key_worker(case)
    _post_mortem_awaited(case, today)
    gp_due_on = add_working_days(today, DEMO_GP_WORKING_DAYS)
    _request(case, "Demo Surgery", gp_due_on)
    _request(case, "Demo Primary School", add_working_days(today, 20))
    late = _triaged_case(area, _demo_notification(today - LATE_CASE_AGE, date_of_birth_offset=400))
    _request(late, "Demo Surgery", add_working_days(today, 10))  # about 5 working days late
    _backdate(late, LATE_CASE_AGE)
    ready = [_ready_for_panel_case(area, today, *child) for child in READY_CASE_CHILDREN]
    return DemoCase(case.reference, gp_due_on, late.reference, tuple(c.reference for c in ready))


# The first case's mother, invented: the key worker's contact log starts empty, for trying.
DEMO_PARENT = ContactDetails(
    full_name="Jo Example", relationship_to_child=Relationship.MOTHER, phone="01632 960123",
    email="", address="1 Demo Street, Demoton", preferred_method=ContactMethod.TELEPHONE,
    language="", interpreter_needed=False, accessible_formats=["large_print"],
    do_not_contact=False, do_not_contact_reason="",
)  # fmt: skip


def _family_with_a_key_worker(case: Case) -> None:
    """The demo key worker for the first case, whose mother is recorded."""
    key_worker = _demo_user("keyworker@demo.test")
    assign_key_worker(case, key_worker, reason="", actor=_coordinator(), expected_version=None)
    save_contact(case, DEMO_PARENT, actor=key_worker)


def _post_mortem_awaited(case: Case, today: date) -> None:
    """The first case waits for the pathologist: a coroner's post-mortem performed the day
    after the death (or today), its final report not yet come."""
    performed_on = min(case.date_of_death + timedelta(days=1), today)
    details = PostMortemDetails(PostMortemNeeded.YES, OrderedBy.CORONER,
                                PostMortemType.PAEDIATRIC, performed_on)  # fmt: skip
    save_post_mortem(case, details, actor=_coordinator(), expected_version=None)


def _family_told(case: Case, notified_on: date) -> None:
    """A case far along has had its family's key work done: the coordinator kept the role,
    phoned the next day and told them how the review works."""
    coordinator = _coordinator()
    assign_key_worker(case, coordinator, reason="", actor=coordinator, expected_version=None)
    call = Contact(
        None,
        notified_on + timedelta(days=1),
        ContactMethod.TELEPHONE,
        coordinator.full_name,
        "Explained the review; the leaflet went by post.",
        frozenset({"told_about_review", "leaflet_given", "invited_to_contribute"}),
    )
    log_contact(case, call, actor=coordinator)


# Two cases whose information is all in, for trying the panel: notified about four months ago.
READY_CASE_AGE = timedelta(days=120)
# Invented names: the reports below repeat them, for the pack's redaction to take out.
READY_CASE_CHILDREN = ((800, ("Riley", "Ashdown")), (1600, ("Jordan", "Pemberton")))
DEMO_REPORTERS = {"Demo Surgery": "gp@demo.test", "Demo Primary School": "school@demo.test"}


def _ready_for_panel_case(
    area, today: date, date_of_birth_offset: int, name: tuple[str, str]
) -> Case:
    """A case with both agencies' reports in, and the JAR and CDRM recorded. The reports name
    the child and the home on purpose: the panel pack must not."""
    notified_on = today - READY_CASE_AGE
    case = _triaged_case(area, _demo_notification(notified_on, date_of_birth_offset, name))
    for agency in DEMO_REPORTERS:
        _request(case, agency, add_working_days(today, 20))
    for request in db.session.scalars(
        select(ReportingRequest).where(ReportingRequest.case_id == case.id)
    ):
        agency = request.organisation.name
        reporter = _demo_user(DEMO_REPORTERS[agency])
        answers = _demo_answers(case, notified_on) | DEMO_AGENCY_ANSWERS[agency]
        save_report(request, answers=answers, not_known=[],
                    expected_version=request.version_id, actor=reporter,
                    submit=True)  # fmt: skip
    _record_meetings(case, notified_on)
    _family_told(case, notified_on)
    for stage in (Stage.AWAITING_CDRM, Stage.READY_FOR_PANEL):
        apply_transition(case, stage, actor=_coordinator())
    # Told the day after it was notified, as a coordinator would have: a case ready for
    # panel does not start the demo overdue and escalated.
    record_national_database_told(case, told_at=utc_now(), actor=_coordinator(),
                                  expected_version=case.version_id)  # fmt: skip
    _backdate(case, READY_CASE_AGE - timedelta(days=1))
    return case


def _demo_answers(case: Case, notified_on: date) -> dict[str, str]:
    name = f"{case.given_names} {case.family_name}"
    return {
        "involvement_summary": f"{name} was known to us from birth; the family lives at "
        f"1 Demo Street ({case.postcode}).",
        "first_contact_on": case.date_of_birth.isoformat(),
        "last_contact_on": (notified_on - timedelta(days=30)).isoformat(),
        "family_involvement": "yes",
        "family_involvement_detail": "Mother attended appointments with the child.",
        "child_history": f"Asthma, diagnosed at 3. Born {case.date_of_birth:%d/%m/%Y}.",
        "legal_status": "none",
        "had_concerns": "no",
        "factors_intrinsic": "Asthma, well controlled until the autumn.",
        "factors_social": "Parental smoking in the home.",
        "factors_physical": "Damp in the child's bedroom.",
        "factors_service": "Asthma review overdue by six months.",
        "learning": "Follow up missed asthma reviews.",
    }


# What each agency saw of the child, in its own words: the school is not the GP.
DEMO_AGENCY_ANSWERS = {
    "Demo Surgery": {},
    "Demo Primary School": {
        # Kayden, a brother, is nobody the notification names: the identifier check asks.
        "involvement_summary": "The child was in Year 2 with us from the age of four, and "
        "lived at 1 Demo Street. Their brother Kayden is in Year 5.",
        "family_involvement_detail": "Mother collected the child most days and came to "
        "parents' evenings.",
        "child_history": "Kept an inhaler in class; used it more often in the autumn term.",
        "factors_intrinsic": "Asthma, managed in school with an individual healthcare plan.",
        "factors_social": "Attendance was 91%, lower in the autumn term.",
        "factors_physical": "None that the school knew of.",
        "factors_service": "The healthcare plan had not been reviewed with the school nurse "
        "for a year.",
        "learning": "Review healthcare plans each year with the school nurse.",
    },
}


def _record_meetings(case: Case, notified_on: date) -> None:
    attendees = [{"role": "Consultant paediatrician", "organisation": "Demo Hospitals NHS Trust"}]
    save_joint_agency_response(case, {
        "started_on": notified_on, "joint_home_visit": True, "home_visit_on": notified_on,
        "information_sharing_meeting_on": notified_on + timedelta(days=5),
        "attendees": attendees, "summary": "Joint home visit: damp bedroom, inhalers in date.",
        "decisions": "Await the post-mortem.",
    }, expected_version=None, actor=_coordinator())  # fmt: skip
    save_child_death_review_meeting(case, {
        "held_on": notified_on + timedelta(days=80), "attendees": attendees,
        "summary": "Death from acute asthma. Asthma reviews had lapsed.",
        "decisions": "Ready for panel.",
    }, expected_version=None, actor=_coordinator())  # fmt: skip


def _triaged_case(area, details: NotificationDetails) -> Case:
    police = _demo_user("police@demo.test")
    _notification, outcome = submit_notification(details, notifier=police, area=area)
    case = outcome.case
    decision = TriageDecision(True, "", Expectation.UNEXPECTED, area)
    triage_case(case, decision, actor=_coordinator(), expected_version=case.version_id)
    return case


def _coordinator() -> User:
    return _demo_user("coordinator@demo.test")


def _request(case: Case, agency: str, due_on: date) -> None:
    organisation = _demo_organisation(agency)
    request_reports(
        case, organisations=[organisation], supplementary_forms=[], due_on=due_on,
        actor=_coordinator(),
    )  # fmt: skip


def _backdate(case: Case, age: timedelta) -> None:
    """Demo data only: make the case look as if it was notified ``age`` ago, then work its
    deadlines out afresh from those dates."""
    case.created_at -= age
    for notification in notifications_of(case):
        notification.submitted_at -= age
    for request in db.session.scalars(
        select(ReportingRequest).where(ReportingRequest.case_id == case.id)
    ):
        request.created_at -= age
        request.due_on -= age
    for change in db.session.scalars(select(StageChange).where(StageChange.case_id == case.id)):
        change.changed_at -= age
    if case.national_database_told_at is not None:
        case.national_database_told_at -= age
    db.session.execute(delete(Deadline).where(Deadline.case_id == case.id))
    db.session.flush()
    refresh_deadlines(case)


def _demo_notification(
    today: date, date_of_birth_offset: int, name: tuple[str, str] = ("Demo", "Child")
) -> NotificationDetails:
    return NotificationDetails(
        given_names=name[0],
        family_name=name[1],
        nhs_number=None,
        date_of_birth=today - relativedelta(years=6, months=3, days=date_of_birth_offset),
        sex=Sex.MALE,
        ethnicity=Ethnicity.NOT_KNOWN,
        address="1 Demo Street\nDemotown",
        postcode="SW1A 2AA",
        date_of_death=today - timedelta(days=1),
        time_of_death=None,
        place_of_death=PlaceOfDeath.HOME,
        place_of_death_detail="",
        expectation=Expectation.UNEXPECTED,
        circumstances="An invented case for trying ecdop.",
        parental_responsibility="Mother",
        other_children="None",
        agencies_involved=["gp", "school"],
        agencies_detail="Demo Surgery, Demo Primary School",
        notifier_name="Sam Patel",
        notifier_role="Detective Sergeant",
        notifier_phone="01632 960001",
    )


# Six years of invented deaths behind the demo's board reports: enough for every chart, with
# some cells small enough to be suppressed.
DEMO_HISTORY_CASES = 1_200
DEMO_HISTORY_SEED = 2026


def seed_demo_history() -> int:
    """Synthetic past deaths in the demo area, unless it already has a history."""
    from ecdop.synthetic import seed_synthetic

    area = _demo_area()
    older = select(Case.id).where(
        Case.area_id == area.id, Case.date_of_death < uk_today() - timedelta(days=365)
    )
    if db.session.scalar(older.limit(1)) is not None:
        return 0
    today = uk_today()
    made = seed_synthetic(area, cases=DEMO_HISTORY_CASES, seed=DEMO_HISTORY_SEED, today=today)
    # The early-warning rules over the last year and a half of that history.
    replay_history(area.id, today, weeks=78)
    return made


def seed_demo_reference_data() -> None:
    """The synthetic population, live-birth and deprivation samples, unless reference data is
    there."""
    from importlib import resources

    from ecdop.analytics.models import PopulationEstimate
    from ecdop.analytics.reference_data import IMPORTERS

    if db.session.scalar(select(PopulationEstimate.id).limit(1)) is not None:
        return
    samples = resources.files("ecdop.analytics").joinpath("samples")
    for kind in ("populations", "live-births", "deprivation"):
        # newline="" as the csv module asks; a package's resource opens in bytes alone.
        raw = samples.joinpath(f"{kind}.csv").open("rb")
        with io.TextIOWrapper(raw, encoding="utf-8", newline="") as lines:
            IMPORTERS[kind](lines)


def _demo_area() -> Area:
    return _seeded(queries.area_by_code(DEMO_AREA[0]), "the demo area")


def _demo_user(email: str) -> User:
    return _seeded(queries.user_by_email(email), email)


def _demo_organisation(name: str) -> Organisation:
    return _seeded(queries.organisation_by_name(name), name)


def _seeded(found: Seeded | None, what: str) -> Seeded:
    """What seed_demo made: the demo's cases and history are seeded after it."""
    if found is None:
        raise LookupError(f"{what} is missing: run seed-demo first")
    return found


Seeded = TypeVar("Seeded")
