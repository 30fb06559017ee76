"""The kinds of agency that knew the child, as the Notification Form names them."""

from __future__ import annotations

from ecdop.auth.models import OrganisationKind
from ecdop.foundation.vocabulary import LabelledEnum


class AgencyKind(LabelledEnum):
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    MIDWIFERY = "midwifery", "Midwifery"
    SCHOOL = "school", "School or early years setting"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HOSPITAL = "hospital", "Hospital"
    AMBULANCE = "ambulance", "Ambulance service"
    MENTAL_HEALTH = "mental_health", "Mental health services"
    HOSPICE = "hospice", "Hospice"
    OTHER = "other", "Other"

    @property
    def organisation_kinds(self) -> tuple[OrganisationKind, ...]:
        """The kinds of organisation in ecdop that may be the agency the notifier named:
        health visitors, midwives, hospitals and mental health services are NHS trusts'."""
        return _ORGANISATION_KINDS.get(self, ())


_ORGANISATION_KINDS: dict[AgencyKind, tuple[OrganisationKind, ...]] = {
    AgencyKind.GP: (OrganisationKind.GP_PRACTICE,),
    AgencyKind.HEALTH_VISITOR: (OrganisationKind.NHS_TRUST,),
    AgencyKind.MIDWIFERY: (OrganisationKind.NHS_TRUST,),
    AgencyKind.SCHOOL: (OrganisationKind.SCHOOL,),
    AgencyKind.CHILDRENS_SOCIAL_CARE: (OrganisationKind.CHILDRENS_SOCIAL_CARE,),
    AgencyKind.POLICE: (OrganisationKind.POLICE,),
    AgencyKind.HOSPITAL: (OrganisationKind.NHS_TRUST,),
    AgencyKind.AMBULANCE: (OrganisationKind.AMBULANCE_SERVICE,),
    AgencyKind.MENTAL_HEALTH: (OrganisationKind.NHS_TRUST,),
    AgencyKind.HOSPICE: (OrganisationKind.HOSPICE,),
}
