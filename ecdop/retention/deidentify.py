"""De-identifying a case, and erasing its family's part and its documents' contents, as the
columns' own declarations say (``foundation.personal_data``): nothing here names a column of
another package's table. A new personal column is taken away the day it is declared.

What stays is the learning: area, year, age band, sex, ethnic group, category, factors,
themes, actions and the board's figures, which are kept in numbers before the dates they were
counted from become months. The audit trail holds no one's details (reasons given are kept
beside it, in rows that go here), so its sealed events are untouched and ``audit verify``
still passes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Column, ColumnElement, Date, Table, delete, select, update
from sqlalchemy.sql.type_api import TypeEngine

from ecdop.analytics.aggregates import (
    counted_days_to_final_post_mortem_report,
    counted_days_to_inquest_conclusion,
    counted_days_to_sign_off,
)
from ecdop.analytics.models import PostcodeDeprivation
from ecdop.cases.models import Case
from ecdop.deadlines.models import Deadline
from ecdop.deadlines.rules import ANCHORS, Anchor
from ecdop.documents.models import Document, Inquest, PostMortem
from ecdop.foundation.db import Base, rows_changed, table_of, utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.personal_data import Deidentification, PersonalData, declaration_of
from ecdop.meetings.anonymise import Identifiers, identifiers_of, redact
from ecdop.meetings.models import PanelAnalysis
from ecdop.notifications.models import Notification
from ecdop.retention.rules import RETAINED_UNDER, RetainedData

FROM_THE_DEATH = tuple(kind for kind, anchor in ANCHORS.items() if anchor is Anchor.DEATH)


def tables_kept_under(kind: RetainedData) -> list[Table]:
    """The tables whose rows are a case's data of this kind, parents before children."""
    names = {name for name, rule in RETAINED_UNDER.items() if rule is kind}
    return [table for table in Base.metadata.sorted_tables if table.name in names]


def rows_of_the_case(table: Table, case_id: int) -> ColumnElement[bool]:
    """Which of a table's rows belong to the case: by its ``case_id``, or through the row of a
    case's table it belongs to (a document's chunks, an agency report's extract)."""
    if table.name == "cases":
        return table.c.id == case_id
    if "case_id" in table.c:
        return table.c.case_id == case_id
    for key in sorted(table.foreign_keys, key=lambda key: key.parent.name):
        parent = key.column.table
        if parent is not table and isinstance(RETAINED_UNDER.get(parent.name), RetainedData):
            return key.parent.in_(select(key.column).where(rows_of_the_case(parent, case_id)))
    raise LookupError(f"{table.name} has no way to its case")


def deidentify_case_data(case: Case) -> None:
    """Take away everything that identifies the child and family, keeping the learning. Safe
    to run again on a case already done."""
    _keep_the_boards_figures(case)
    identifiers = identifiers_of(case)  # read before they go, to strike out of what stays
    for table in tables_kept_under(RetainedData.CASE):
        _take_identifiers_from(table, rows_of_the_case(table, case.id), identifiers)
    _coarsen_deadlines_from_the_death(case.id)
    erase_case_data(case.id, RetainedData.FAMILY)
    erase_case_data(case.id, RetainedData.DOCUMENTS)
    db.session.execute(update(Case).where(Case.id == case.id).values(deidentified_at=utc_now()))
    db.session.expire_all()  # the rows were changed beneath the session


def erase_case_data(case_id: int, kind: RetainedData) -> int:
    """Delete the case's rows of a kind erased whole (its family's part, its documents'
    contents), children first; returns how many rows went."""
    erased = 0
    if kind is RetainedData.DOCUMENTS:  # each document's record stays, saying so
        db.session.execute(
            update(Document)
            .where(Document.case_id == case_id, Document.erased_at.is_(None))
            .values(erased_at=utc_now())
        )
    for table in reversed(tables_kept_under(kind)):
        erased += rows_changed(
            db.session.execute(delete(table).where(rows_of_the_case(table, case_id)))
        )
    return erased


def has_data_of(case_id: int, kind: RetainedData) -> bool:
    return any(
        db.session.execute(
            select(table.c[0]).where(rows_of_the_case(table, case_id)).limit(1)
        ).first()
        for table in tables_kept_under(kind)
    )


def _keep_the_boards_figures(case: Case) -> None:
    """What the board counts from the postcode and the exact date of death, kept as numbers."""
    if case.deidentified_at is not None:
        return  # counted from real dates the first time; now they are months
    decile = db.session.scalar(
        select(PostcodeDeprivation.imd_decile).where(PostcodeDeprivation.postcode == case.postcode)
    )
    db.session.execute(update(Case).where(Case.id == case.id).values(deprivation_decile=decile))
    _keep_days(PanelAnalysis, PanelAnalysis.days_from_death, counted_days_to_sign_off(),
               PanelAnalysis.signed_off_at.is_not(None), case.id)  # fmt: skip
    _keep_days(PostMortem, PostMortem.days_from_death_to_final_report,
               counted_days_to_final_post_mortem_report(),
               PostMortem.final_report_received_on.is_not(None), case.id)  # fmt: skip
    _keep_days(Inquest, Inquest.days_from_death_to_conclusion, counted_days_to_inquest_conclusion(),
               Inquest.concluded_on.is_not(None), case.id)  # fmt: skip


def _keep_days(model, kept, counted, happened, case_id: int) -> None:
    rows = db.session.execute(
        select(model.id, counted).join(Case, model.case_id == Case.id)
        .where(model.case_id == case_id, happened)
    ).all()  # fmt: skip
    for row_id, days in rows:
        db.session.execute(update(model).where(model.id == row_id).values({kept: days}))


def erase_notification_content(notification: Notification) -> None:
    """What a notification sent in error said: gone as a de-identified case's would be."""
    table = table_of(Notification)
    nothing_kept_to_strike_out_of = Identifiers(phrases=(), dates=())
    _take_identifiers_from(table, table.c.id == notification.id, nothing_kept_to_strike_out_of)
    db.session.execute(
        update(Notification).where(Notification.id == notification.id).values(erased_at=utc_now())
    )
    db.session.expire_all()


def _take_identifiers_from(
    table: Table, which: ColumnElement[bool], identifiers: Identifiers
) -> None:
    changes = {
        column: change
        for column in table.columns
        if (change := _change_for(column, identifiers)) is not None
    }
    if not changes:
        return
    key = table.primary_key.columns.values()
    rows = db.session.execute(select(*key, *changes).where(which))
    for row in rows.all():
        identity = row[: len(key)]
        values: dict[Any, Any] = {
            column: change(value)
            for (column, change), value in zip(changes.items(), row[len(key) :], strict=True)
        }
        if "version_id" in table.c:  # an edit begun before this must not write them back
            values[table.c.version_id] = table.c.version_id + 1
        where = [column == value for column, value in zip(key, identity, strict=True)]
        db.session.execute(update(table).where(*where).values(values))


def _change_for(column: Column, identifiers: Identifiers) -> Callable[[Any], Any] | None:
    declared = declaration_of(column)
    if not isinstance(declared, PersonalData) or declared.deidentified is Deidentification.KEEP:
        return None
    if declared.deidentified is Deidentification.REDACT:
        return lambda value: _struck_out(value, identifiers)
    if declared.deidentified is Deidentification.COARSEN and isinstance(column.type, Date):
        return _month_of
    # A postcode goes too: its deprivation decile was kept on the case first.
    emptied = _emptied(column)
    return lambda value: emptied


def _struck_out(value: object, identifiers: Identifiers) -> object:
    """Words kept with the child's and family's identifiers replaced by placeholders; a
    JSON value's words each the same way."""
    if isinstance(value, str):
        return redact(value, identifiers)[0]
    if isinstance(value, dict):
        return {key: _struck_out(item, identifiers) for key, item in value.items()}
    if isinstance(value, list):
        return [_struck_out(item, identifiers) for item in value]
    return value


def _month_of(value: date | None) -> date | None:
    return value.replace(day=1) if value is not None else None


def _emptied(column: Column) -> object:
    """What a removed value becomes: nothing where the column allows it, else empty."""
    if column.nullable:
        return None
    default = column.default
    if default is not None and default.is_callable:
        return default.arg(None)  # type: ignore[attr-defined] # a list or a dict, made afresh
    if default is not None and default.is_scalar:
        return default.arg  # type: ignore[attr-defined]
    return _empty_of(column.type)


def _empty_of(kind: TypeEngine) -> object:
    python_type = kind.python_type
    return {str: "", bytes: b"", bool: False, dict: {}, list: []}[python_type]


def _coarsen_deadlines_from_the_death(case_id: int) -> None:
    """A deadline that runs from the death starts on its day: that day becomes its month."""
    starts = db.session.execute(
        select(Deadline.id, Deadline.starts_on).where(
            Deadline.case_id == case_id, Deadline.kind.in_(FROM_THE_DEATH)
        )
    ).all()
    for deadline_id, starts_on in starts:
        db.session.execute(
            update(Deadline)
            .where(Deadline.id == deadline_id)
            .values(starts_on=_month_of(starts_on))
        )
