"""The demo area: one user per role, for trying ecdop locally."""

from __future__ import annotations

from ecdop.auth import queries, services
from ecdop.auth.models import OrganisationKind, Role

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
            services.create_organisation(name, kind)
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
            organisation=queries.organisation_by_name(organisation_name),
            areas=[area],
            password=password,
        )
        created = True
    return created
