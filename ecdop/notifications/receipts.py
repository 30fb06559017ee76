"""What a receipt shows: every submitted field with its label, for the page and the PDF."""

from __future__ import annotations

from ecdop.foundation.formatting import nhs_number_display, uk_date
from ecdop.notifications.choices import AgencyKind
from ecdop.notifications.models import Notification

NOT_GIVEN = "Not given"


def agency_labels(codes: list[str]) -> str:
    labels = {kind.value: kind.label for kind in AgencyKind}
    return ", ".join(labels.get(code, code) for code in codes)


def receipt_sections(notification: Notification) -> list[tuple[str, list[tuple[str, str]]]]:
    n = notification
    time_of_death = n.time_of_death.strftime("%H:%M") if n.time_of_death else NOT_GIVEN
    return [
        (
            "About the child",
            [
                ("Given names", n.given_names),
                ("Family name", n.family_name),
                ("NHS number", nhs_number_display(n.nhs_number)),
                ("Date of birth", uk_date(n.date_of_birth)),
                ("Sex", n.sex.label),
                ("Ethnicity", n.ethnicity.label),
                ("Home address", n.address),
                ("Postcode", n.postcode),
            ],
        ),
        (
            "About the death",
            [
                ("Date of death", uk_date(n.date_of_death)),
                ("Time of death", time_of_death),
                ("Place of death", n.place_of_death.label),
                ("Place of death: details", n.place_of_death_detail or NOT_GIVEN),
                ("Expected or unexpected", n.expectation.label),
            ],
        ),
        (
            "Circumstances",
            [
                ("What happened", n.circumstances),
                ("Kind of death, as it appears", n.circumstances_type.label),
                ("People with parental responsibility", n.parental_responsibility or NOT_GIVEN),
                ("Other children in the household", n.other_children or NOT_GIVEN),
                ("Agencies known to be involved", agency_labels(n.agencies_involved) or NOT_GIVEN),
                ("Agencies: details", n.agencies_detail or NOT_GIVEN),
            ],
        ),
        (
            "About the notifier",
            [
                ("Name", n.notifier_name),
                ("Role", n.notifier_role),
                ("Organisation", n.organisation.name),
                ("Telephone", n.notifier_phone),
            ],
        ),
    ]
