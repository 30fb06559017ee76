"""Personal data, declared on the column that stores it (DESIGN rule 15).

Each column holding personal data says whose it is, why ecdop holds it, and what
de-identification does to it, in the column's ``info``. Retention, subject access, the record of
processing and the checks that nothing identifying leaks read these declarations from the
metadata; none of them keeps its own list. A column whose name looks personal but is not (an
organisation's name) says that instead, so that the check knows it was thought about.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, MetaData

from ecdop.foundation.vocabulary import LabelledEnum

INFO_KEY = "personal_data"


class DataSubject(LabelledEnum):
    CHILD = "child", "The child who died"
    FAMILY = "family", "A parent, carer or other family member"
    PROFESSIONAL = "professional", "A professional: an ecdop user or an agency's contact"


class Deidentification(LabelledEnum):
    REMOVE = "remove", "Removed"
    COARSEN = "coarsen", "Kept coarser: a date as its month, a postcode as its deprivation decile"
    KEEP = "keep", "Kept: it identifies nobody once the rest is gone"
    REDACT = "redact", "Kept, with the child's and family's names and details struck out"


@dataclass(frozen=True)
class PersonalData:
    whose: DataSubject
    why: str
    deidentified: Deidentification


@dataclass(frozen=True)
class NotPersonal:
    """A column whose name sounds personal but which holds nobody's personal data."""

    why: str


def personal(whose: DataSubject, why: str, deidentified: Deidentification) -> dict:
    """The ``info`` of a column holding personal data."""
    return {INFO_KEY: PersonalData(whose, why, deidentified)}


def not_personal(why: str) -> dict:
    return {INFO_KEY: NotPersonal(why)}


def declaration_of(column: Column) -> PersonalData | NotPersonal | None:
    return column.info.get(INFO_KEY)


def personal_columns(metadata: MetaData, whose: DataSubject | None = None) -> list[Column]:
    """Every column declared personal (of ``whose``, if given), table by table."""
    return [
        column
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(found := declaration_of(column), PersonalData)
        and (whose is None or found.whose is whose)
    ]


def of_the_child(why: str, deidentified: Deidentification) -> dict:
    return personal(DataSubject.CHILD, why, deidentified)


def of_the_family(why: str, deidentified: Deidentification) -> dict:
    return personal(DataSubject.FAMILY, why, deidentified)


def of_a_professional(why: str, deidentified: Deidentification) -> dict:
    return personal(DataSubject.PROFESSIONAL, why, deidentified)
