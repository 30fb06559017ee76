"""Every table that declares personal data is kept under a retention rule, so the record of
processing and the purge never miss one: a new table with personal data and no rule fails."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text

from ecdop import models  # noqa: F401 - every model, registered on the metadata
from ecdop.foundation.db import Base
from ecdop.foundation.personal_data import (
    Deidentification,
    PersonalData,
    declaration_of,
    of_the_family,
)
from ecdop.retention.rules import RETAINED_UNDER


def tables_with_personal_data(metadata: MetaData) -> set[str]:
    return {
        table.name
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(declaration_of(column), PersonalData)
    }


def without_a_rule(metadata: MetaData) -> set[str]:
    return tables_with_personal_data(metadata) - set(RETAINED_UNDER)


def test_every_table_with_personal_data_has_a_retention_rule():
    assert without_a_rule(Base.metadata) == set()


def test_a_new_table_with_personal_data_and_no_rule_is_found():
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    who_came = of_the_family("who came", Deidentification.REMOVE)
    Table("bereavement_groups", metadata, Column("id", Integer, primary_key=True),
          Column("member_name", Text, info=who_came))  # fmt: skip
    assert without_a_rule(metadata) == {"bereavement_groups"}


def test_no_rule_names_a_table_that_does_not_exist():
    assert set(RETAINED_UNDER) - set(Base.metadata.tables) == set()
