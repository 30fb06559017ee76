"""The bands the national statistics use."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from ecdop.enums import LabelledEnum


class AgeBand(LabelledEnum):
    NEONATAL = "0-27d", "0 to 27 days"
    POST_NEONATAL = "28-364d", "28 to 364 days"
    ONE_TO_FOUR = "1-4", "1 to 4 years"
    FIVE_TO_NINE = "5-9", "5 to 9 years"
    TEN_TO_FOURTEEN = "10-14", "10 to 14 years"
    FIFTEEN_TO_SEVENTEEN = "15-17", "15 to 17 years"


class WarningRuleKind(LabelledEnum):
    CLUSTER = "cluster", "Cluster: several deaths close together"
    EXCEEDANCE = "exceedance", "Exceedance: more deaths in a year than usual"


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
