"""The kinds of agency that knew the child, as the Notification Form names them."""

from __future__ import annotations

from ecdop.vocabulary import LabelledEnum


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
