"""Personal data is declared on the column that stores it: a column whose name looks personal
and declares nothing fails here, so retention and subject access never miss one."""

from __future__ import annotations

import re

import ecdop.models  # noqa: F401 - every table, so the metadata is complete
from ecdop.foundation.db import Base
from ecdop.foundation.personal_data import (
    DataSubject,
    PersonalData,
    declaration_of,
    personal_columns,
)

LOOKS_PERSONAL = re.compile(
    r"name|email|phone|address|postcode|birth|nhs_number|\bsex\b|ethnicity|language|"
    r"relationship|question|answer|summary|reason|interpreter|accessible|contact",
    re.IGNORECASE,
)
# Columns whose names match but which are about the work, not a person: checked by eye.
ABOUT_THE_WORK = {
    ("user_sessions", "end_reason"),  # a code: signed out, timed out…
    ("panel_analyses", "family_questions_answered"),  # all, some or none
    ("legal_holds", "reason"),  # a code: an inquest, a complaint…
    ("notification_erasures", "reason"),  # a code: the wrong child, not a death, a test
}


def undeclared_columns() -> list[str]:
    return [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if LOOKS_PERSONAL.search(column.name)
        and not column.foreign_keys
        and not column.name.endswith(("_at", "_on"))
        and (table.name, column.name) not in ABOUT_THE_WORK
        and declaration_of(column) is None
    ]


def test_every_family_column_that_holds_anything_of_theirs_declares_it():
    family_tables = {"family_records", "family_contacts", "family_contact_log",
                     "family_questions"}  # fmt: skip
    undeclared = [name for name in undeclared_columns() if name.split(".")[0] in family_tables]
    assert undeclared == []
    family = {f"{c.table.name}.{c.name}" for c in personal_columns(Base.metadata,
                                                                   DataSubject.FAMILY)}  # fmt: skip
    assert {"family_contacts.full_name", "family_contacts.phone", "family_contacts.address",
            "family_contact_log.summary", "family_questions.question"} <= family  # fmt: skip


def test_every_column_whose_name_looks_personal_declares_whether_it_is():
    assert undeclared_columns() == []


def test_each_declaration_says_whose_why_and_what_deidentification_does():
    for column in personal_columns(Base.metadata):
        found = declaration_of(column)
        assert isinstance(found, PersonalData)
        assert found.why.strip(), f"{column.table.name}.{column.name} says not why it is held"
