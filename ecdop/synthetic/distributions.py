"""Entry points: the shape of synthetic deaths, after the national child death review figures:
weights, not percentages, each summing to about 100."""

from __future__ import annotations

from ecdop.foundation.vocabulary import AgeBand
from ecdop.foundation.vocabulary import CategoryOfDeath as C  # noqa: N817 - short names keep the tables readable
from ecdop.foundation.vocabulary import Ethnicity as E  # noqa: N817
from ecdop.foundation.vocabulary import PlaceOfDeath as P  # noqa: N817

# About 42% of deaths under 28 days and 63% under 1 year.
AGE_WEIGHTS = {
    AgeBand.NEONATAL: 42, AgeBand.POST_NEONATAL: 21, AgeBand.ONE_TO_FOUR: 9,
    AgeBand.FIVE_TO_NINE: 6, AgeBand.TEN_TO_FOURTEEN: 9, AgeBand.FIFTEEN_TO_SEVENTEEN: 13,
}  # fmt: skip

CATEGORY_WEIGHTS = {
    AgeBand.NEONATAL: {C.PERINATAL: 68, C.CONGENITAL: 26, C.INFECTION: 4, C.ACUTE: 2},
    AgeBand.POST_NEONATAL: {C.CONGENITAL: 30, C.SUDDEN_UNEXPLAINED: 24, C.INFECTION: 12,
                            C.ACUTE: 10, C.CHRONIC: 8, C.PERINATAL: 8, C.TRAUMA: 3,
                            C.DELIBERATELY_INFLICTED: 5},
    AgeBand.ONE_TO_FOUR: {C.CONGENITAL: 20, C.ACUTE: 18, C.CHRONIC: 15, C.INFECTION: 12,
                          C.TRAUMA: 12, C.MALIGNANCY: 10, C.SUDDEN_UNEXPLAINED: 7,
                          C.DELIBERATELY_INFLICTED: 6},
    AgeBand.FIVE_TO_NINE: {C.MALIGNANCY: 25, C.CHRONIC: 20, C.ACUTE: 15, C.TRAUMA: 15,
                           C.CONGENITAL: 12, C.INFECTION: 8, C.DELIBERATELY_INFLICTED: 5},
    AgeBand.TEN_TO_FOURTEEN: {C.MALIGNANCY: 20, C.CHRONIC: 18, C.SUICIDE: 15, C.TRAUMA: 15,
                              C.ACUTE: 12, C.CONGENITAL: 10, C.INFECTION: 6,
                              C.DELIBERATELY_INFLICTED: 4},
    AgeBand.FIFTEEN_TO_SEVENTEEN: {C.SUICIDE: 28, C.TRAUMA: 28, C.CHRONIC: 12,
                                   C.MALIGNANCY: 10, C.ACUTE: 8, C.DELIBERATELY_INFLICTED: 6,
                                   C.CONGENITAL: 4, C.INFECTION: 4},
}  # fmt: skip

# A steep gradient: the most deprived tenth has about three times the deaths of the least.
DECILE_WEIGHTS = {1: 17, 2: 14, 3: 12, 4: 11, 5: 10, 6: 9, 7: 8, 8: 7, 9: 6, 10: 6}

ETHNICITY_WEIGHTS = {
    E.WHITE_BRITISH: 60, E.WHITE_OTHER: 6, E.WHITE_IRISH: 1, E.ASIAN_PAKISTANI: 6,
    E.ASIAN_INDIAN: 3, E.ASIAN_BANGLADESHI: 2, E.ASIAN_OTHER: 2, E.BLACK_AFRICAN: 5,
    E.BLACK_CARIBBEAN: 1, E.BLACK_OTHER: 1, E.MIXED_WHITE_BLACK_CARIBBEAN: 2,
    E.MIXED_WHITE_ASIAN: 1, E.MIXED_OTHER: 2, E.OTHER_ARAB: 1, E.OTHER_ANY: 2, E.NOT_KNOWN: 5,
}  # fmt: skip

UNEXPECTED_CATEGORIES = {C.SUDDEN_UNEXPLAINED, C.TRAUMA, C.SUICIDE, C.DELIBERATELY_INFLICTED}

# With 3% "insufficient information", these give about 28-30% of reviews overall.
MODIFIABLE_CHANCE = {
    C.SUDDEN_UNEXPLAINED: 0.62, C.SUICIDE: 0.6, C.TRAUMA: 0.55, C.DELIBERATELY_INFLICTED: 0.7,
    C.PERINATAL: 0.3, C.INFECTION: 0.25, C.ACUTE: 0.25, C.CHRONIC: 0.15, C.CONGENITAL: 0.1,
    C.MALIGNANCY: 0.05,
}  # fmt: skip

PLACE_BY_CATEGORY = {
    None: {P.HOSPITAL_WARD: 35, P.PAEDIATRIC_INTENSIVE_CARE: 25, P.HOME: 20, P.HOSPICE: 12,
           P.HOSPITAL_EMERGENCY: 8},
    C.PERINATAL: {P.NEONATAL_UNIT: 75, P.HOSPITAL_WARD: 20, P.HOME: 5},
    C.CONGENITAL: {P.NEONATAL_UNIT: 40, P.PAEDIATRIC_INTENSIVE_CARE: 25, P.HOSPICE: 15,
                   P.HOME: 20},
    C.SUDDEN_UNEXPLAINED: {P.HOME: 70, P.HOSPITAL_EMERGENCY: 25, P.OTHER_RESIDENCE: 5},
    C.SUICIDE: {P.HOME: 55, P.PUBLIC_PLACE: 35, P.HOSPITAL_EMERGENCY: 10},
    C.TRAUMA: {P.PUBLIC_PLACE: 45, P.HOSPITAL_EMERGENCY: 30, P.PAEDIATRIC_INTENSIVE_CARE: 15,
               P.HOME: 10},
    C.MALIGNANCY: {P.HOSPICE: 40, P.HOME: 35, P.HOSPITAL_WARD: 25},
}  # fmt: skip

FACTORS_BY_CATEGORY: dict[C, dict[str, tuple[str, ...]]] = {
    C.SUDDEN_UNEXPLAINED: {"physical": ("unsafe_sleeping",),
                           "social": ("parental_smoking", "parental_substance_use")},
    C.PERINATAL: {"social": ("smoking_in_pregnancy",), "intrinsic": ("prematurity",),
                  "service": ("delays",)},
    C.SUICIDE: {"intrinsic": ("mental_health",), "social": ("bullying", "domestic_abuse"),
                "physical": ("access_to_means",), "service": ("access_to_services",)},
    C.TRAUMA: {"physical": ("road_safety", "water_safety"), "social": ("neglect",)},
    C.DELIBERATELY_INFLICTED: {"social": ("domestic_abuse", "parental_substance_use"),
                               "service": ("communication",)},
    C.INFECTION: {"service": ("delays", "missed_appointments"), "physical": ("housing",)},
    C.ACUTE: {"service": ("delays", "communication")},
    C.CHRONIC: {"service": ("transition", "missed_appointments"),
                "social": ("financial_hardship",)},
    C.CONGENITAL: {"service": ("communication",)},
    C.MALIGNANCY: {"service": ("delays",)},
}  # fmt: skip

LEARNING_BY_CATEGORY = {
    C.SUDDEN_UNEXPLAINED: "Safer sleep advice was not reinforced at every contact.",
    C.SUICIDE: "Mental health support was hard to reach; waiting times were long.",
    C.TRAUMA: "Road safety near the school needs attention from partners.",
    C.PERINATAL: "Smoking in pregnancy was recorded but not followed up.",
    C.DELIBERATELY_INFLICTED: "Information sharing between agencies about domestic abuse was "
                              "incomplete.",
    C.CHRONIC: "The transition from children's to adult services was not planned early.",
}  # fmt: skip
