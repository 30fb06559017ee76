"""The coded answers of the national Notification Form."""

from __future__ import annotations

from ecdop.enums import LabelledEnum


class Sex(LabelledEnum):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INDETERMINATE = "indeterminate", "Indeterminate (unable to be classified)"
    NOT_KNOWN = "not_known", "Not known"


class Expectation(LabelledEnum):
    EXPECTED = "expected", "Expected"
    UNEXPECTED = "unexpected", "Unexpected"
    NOT_YET_KNOWN = "not_yet_known", "Not yet known"


class CircumstancesType(LabelledEnum):
    """The notifier's first view of what kind of death this was. It gives the case a
    provisional category, so that a worrying pattern shows long before the panel meets."""

    SUICIDE = "suicide", "Suspected suicide or self-harm"
    SUDDEN_UNEXPECTED = "sudden_unexpected", "Sudden unexpected death with no cause yet known"
    INJURY = "injury", "Injury or accident (for example road traffic, drowning or fire)"
    SUSPECTED_ABUSE = "suspected_abuse", "Suspected abuse, neglect or homicide"
    NEONATAL = "neonatal", "Death around the time of birth or on a neonatal unit"
    ILLNESS = "illness", "Illness or a known medical condition"
    NOT_KNOWN = "not_known", "Not known"


class PlaceOfDeath(LabelledEnum):
    HOME = "home", "Child's usual residence"
    OTHER_RESIDENCE = "other_residence", "Another private residence"
    HOSPITAL_EMERGENCY = "hospital_emergency", "Hospital: emergency department"
    HOSPITAL_WARD = "hospital_ward", "Hospital: ward"
    NEONATAL_UNIT = "neonatal_unit", "Hospital: neonatal unit"
    PAEDIATRIC_INTENSIVE_CARE = "picu", "Hospital: paediatric intensive care"
    HOSPICE = "hospice", "Hospice"
    PUBLIC_PLACE = "public_place", "Public place"
    IN_TRANSIT = "in_transit", "In transit (for example, in an ambulance)"
    ABROAD = "abroad", "Abroad"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(LabelledEnum):
    """ONS 2021 census ethnic groups, England and Wales, plus 'not known'."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = (
        "black_other",
        "Black, Black British, Caribbean or African: any other Black background",
    )
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or multiple: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or multiple: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or multiple: any other mixed background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


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
