"""The coded answers of the post-mortem and the inquest."""

from __future__ import annotations

from ecdop.foundation.vocabulary import LabelledEnum


class PostMortemNeeded(LabelledEnum):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known yet"


class OrderedBy(LabelledEnum):
    CORONER = "coroner", "The coroner"
    HOSPITAL = "hospital", "The hospital, with the parents' consent"


class PostMortemType(LabelledEnum):
    FORENSIC = "forensic", "Forensic (Home Office) post-mortem"
    CORONIAL = "coronial", "Coronial (non-forensic) post-mortem"
    PAEDIATRIC = "paediatric", "Paediatric or perinatal post-mortem"
    LIMITED = "limited", "Limited or minimally invasive post-mortem"


class InquestConclusion(LabelledEnum):
    """The short-form conclusions coroners use, and the narrative one."""

    ACCIDENT = "accident", "Accident or misadventure"
    ALCOHOL_OR_DRUGS = "alcohol_or_drugs", "Alcohol or drug related"
    INDUSTRIAL_DISEASE = "industrial_disease", "Industrial disease"
    LAWFUL_KILLING = "lawful_killing", "Lawful killing"
    UNLAWFUL_KILLING = "unlawful_killing", "Unlawful killing"
    NATURAL_CAUSES = "natural_causes", "Natural causes"
    OPEN = "open", "Open"
    ROAD_TRAFFIC_COLLISION = "road_traffic_collision", "Road traffic collision"
    STILLBIRTH = "stillbirth", "Stillbirth"
    SUICIDE = "suicide", "Suicide"
    NARRATIVE = "narrative", "Narrative"


class DocumentKind(LabelledEnum):
    PROVISIONAL_POST_MORTEM = "provisional_post_mortem", "Post-mortem report (provisional)"
    FINAL_POST_MORTEM = "final_post_mortem", "Post-mortem report (final)"
    INQUEST_CONCLUSION = "inquest_conclusion", "Inquest conclusion"
    PREVENTION_OF_FUTURE_DEATHS = (
        "prevention_of_future_deaths",
        ("Prevention of Future Deaths report"),
    )
    MEDICAL_SUMMARY = "medical_summary", "Medical summary"
    AGENCY_CHRONOLOGY = "agency_chronology", "Agency chronology"
    OTHER = "other", "Other"


# What an agency may attach to its reporting form.
AGENCY_KINDS = (DocumentKind.AGENCY_CHRONOLOGY, DocumentKind.MEDICAL_SUMMARY, DocumentKind.OTHER)
