"""The coded answers of the panel's Analysis Form, and of meetings and actions."""

from __future__ import annotations

from dataclasses import dataclass

from ecdop.foundation.vocabulary import LabelledEnum


class PanelType(LabelledEnum):
    GENERAL = "general", "General panel"
    NEONATAL = "neonatal", "Neonatal panel"


class ModifiableFactors(LabelledEnum):
    IDENTIFIED = "identified", "Modifiable factors identified"
    NOT_IDENTIFIED = "not_identified", "No modifiable factors identified"
    INSUFFICIENT_INFORMATION = "insufficient_information", "Insufficient information"


class FamilyQuestionsAnswered(LabelledEnum):
    ALL = "all", "Yes, all of them"
    SOME = "some", "Some of them"
    NONE = "none", "No"


DOMAIN_SCORES = (
    (0, "0: information not available"),
    (1, "1: no factors identified, or factors unlikely to have contributed"),
    (2, "2: factors identified that may have contributed to the death"),
)


@dataclass(frozen=True)
class Domain:
    key: str
    title: str
    # Factors panels often name, offered as tick boxes; anything else goes in free text.
    common_factors: tuple[tuple[str, str], ...]

    def factor_label(self, key: str) -> str:
        return dict(self.common_factors).get(key, key)


DOMAINS: tuple[Domain, ...] = (
    Domain("intrinsic", "Factors intrinsic to the child", (
        ("prematurity", "Prematurity or low birth weight"),
        ("disability", "Disability or long-term condition"),
        ("mental_health", "Mental health needs"),
        ("substance_use_child", "The child's own use of alcohol or drugs"),
        ("behaviour", "Behavioural or emotional difficulties"),
    )),
    Domain("social", "Social environment, including family and parenting capacity", (
        ("smoking_in_pregnancy", "Smoking in pregnancy"),
        ("parental_smoking", "Parental smoking"),
        ("domestic_abuse", "Domestic abuse"),
        ("parental_mental_health", "Parental mental health"),
        ("parental_substance_use", "Parental alcohol or drug use"),
        ("bullying", "Bullying"),
        ("neglect", "Neglect or poor supervision"),
        ("financial_hardship", "Financial hardship"),
    )),
    Domain("physical", "Physical environment", (
        ("unsafe_sleeping", "Unsafe sleeping arrangements"),
        ("housing", "Housing: overcrowding, damp or unsafe conditions"),
        ("road_safety", "Road safety"),
        ("water_safety", "Access to open water or unsupervised swimming"),
        ("access_to_means", "Access to means of self-harm"),
    )),
    Domain("service", "Service provision", (
        ("access_to_services", "Access to services"),
        ("communication", "Communication between agencies"),
        ("delays", "Delay in diagnosis or treatment"),
        ("missed_appointments", "Missed appointments not followed up"),
        ("capacity", "Staffing or capacity"),
        ("transition", "Transition between services"),
    )),
)  # fmt: skip

DOMAINS_BY_KEY = {domain.key: domain for domain in DOMAINS}
