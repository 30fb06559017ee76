"""The shared vocabulary: the coded answers that several features name (the child's details
from the national Notification Form, the panel's category of death, the state of an action)
and the enum they are written with. It sits at the bottom layer so that a feature can name a
category of death without importing the feature that records it."""

from __future__ import annotations

import enum
from datetime import date

from dateutil.relativedelta import relativedelta


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry the wording shown to people."""

    label: str

    # ``label`` has a default for the type checker's sake alone: looking a member up by its
    # value (``Stage("closed")``) never calls ``__new__``.
    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class AgeBand(LabelledEnum):
    """The age bands the national statistics use."""

    NEONATAL = "0-27d", "0 to 27 days"
    POST_NEONATAL = "28-364d", "28 to 364 days"
    ONE_TO_FOUR = "1-4", "1 to 4 years"
    FIVE_TO_NINE = "5-9", "5 to 9 years"
    TEN_TO_FOURTEEN = "10-14", "10 to 14 years"
    FIFTEEN_TO_SEVENTEEN = "15-17", "15 to 17 years"


def age_band(date_of_birth: date, date_of_death: date) -> AgeBand:
    if (date_of_death - date_of_birth).days < 28:
        return AgeBand.NEONATAL
    years = relativedelta(date_of_death, date_of_birth).years
    if years < 1:
        return AgeBand.POST_NEONATAL
    for band, below in ((AgeBand.ONE_TO_FOUR, 5), (AgeBand.FIVE_TO_NINE, 10),
                        (AgeBand.TEN_TO_FOURTEEN, 15)):  # fmt: skip
        if years < below:
            return band
    return AgeBand.FIFTEEN_TO_SEVENTEEN


# The coded answers of the national Notification Form that describe the child and the death.


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


# The panel's Analysis Form, and the state of the actions a panel agrees.


class CategoryOfDeath(LabelledEnum):
    """The ten categories of the national Analysis Form; each death has exactly one."""

    DELIBERATELY_INFLICTED = (
        "deliberately_inflicted",
        "Deliberately inflicted injury, abuse or neglect",
    )
    SUICIDE = "suicide", "Suicide or deliberate self-inflicted harm"
    TRAUMA = "trauma", "Trauma and other external factors"
    MALIGNANCY = "malignancy", "Malignancy"
    ACUTE = "acute", "Acute medical or surgical condition"
    CHRONIC = "chronic", "Chronic medical condition"
    CONGENITAL = "congenital", "Chromosomal, genetic and congenital anomalies"
    PERINATAL = "perinatal", "Perinatal or neonatal event"
    INFECTION = "infection", "Infection"
    SUDDEN_UNEXPLAINED = "sudden_unexplained", "Sudden unexpected, unexplained death"


class ActionStatus(LabelledEnum):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_ACCEPTED = "not_accepted", "Not accepted"

    @property
    def tag_colour(self) -> str:
        return ACTION_TAG_COLOURS[self]

    @property
    def finished(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.NOT_ACCEPTED)


ACTION_TAG_COLOURS = {
    ActionStatus.OPEN: "grey",
    ActionStatus.IN_PROGRESS: "blue",
    ActionStatus.DONE: "green",
    ActionStatus.NOT_ACCEPTED: "purple",
}


UNFINISHED_ACTIONS = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
