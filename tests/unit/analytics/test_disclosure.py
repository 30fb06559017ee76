"""Disclosure control: whatever the table, nothing published or derivable is 1 to 5."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecdop.analytics.disclosure import SUPPRESSED, determined_cells, is_small, protect

# Counts as child death tables have them: many zeros and small numbers, some larger.
count = st.one_of(st.just(0), st.integers(1, 5), st.integers(6, 60))
tables = st.integers(1, 5).flatmap(
    lambda columns: st.lists(st.lists(count, min_size=columns, max_size=columns),
                             min_size=1, max_size=5)
)  # fmt: skip


def full_grid(counts):
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_published_cell_is_one_to_five(counts):
    for row in protect(counts).grid():
        assert not any(isinstance(cell, int) and is_small(cell) for cell in row)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_suppressed_cell_can_be_worked_out(counts):
    assert determined_cells(protect(counts)) == []


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_row_or_column_gives_away_a_small_suppressed_sum(counts):
    published, truth = protect(counts).grid(), full_grid(counts)
    for i, row in enumerate(published):
        if row[-1] != SUPPRESSED:
            hidden = [truth[i][j] for j in range(len(row) - 1) if row[j] == SUPPRESSED]
            assert not is_small(sum(hidden)) or not hidden
    for j in range(len(published[0])):
        column = [row[j] for row in published]
        if column[-1] != SUPPRESSED:
            hidden = [truth[i][j] for i in range(len(column) - 1) if column[i] == SUPPRESSED]
            assert not is_small(sum(hidden)) or not hidden


@settings(max_examples=300, deadline=None)
@given(tables)
def test_what_is_shown_is_true_and_zeros_are_shown(counts):
    for published, truth in zip(protect(counts).grid(), full_grid(counts), strict=True):
        for shown, value in zip(published, truth, strict=True):
            assert shown in (value, SUPPRESSED)
            if value == 0:
                assert shown == 0


def test_a_lone_small_cell_takes_a_neighbour_with_it():
    table = protect([[3, 10, 20], [8, 9, 12]])
    assert table.cells == ((SUPPRESSED, SUPPRESSED, 20), (SUPPRESSED, SUPPRESSED, 12))
    assert table.row_totals == (33, 29) and table.total == 62


def test_a_table_with_nothing_small_is_published_whole():
    table = protect([[6, 10], [0, 12]])
    assert table.cells == ((6, 10), (0, 12)) and table.total == 28


@settings(max_examples=300, deadline=None)
@given(tables)
def test_tables_without_column_totals_hold_the_same_guarantees(counts):
    """Deciles paired into quintiles: the pairs' sums (quintiles) are printed, the columns'
    sums are not."""
    table = protect(counts, column_totals=False)
    assert table.column_totals is None
    printed = [*(cell for row in table.cells for cell in row), *table.row_totals, table.total]
    assert not any(isinstance(cell, int) and is_small(cell) for cell in printed)
    assert determined_cells(table) == []
    for shown_row, true_row in zip(table.cells, counts, strict=True):
        for shown, value in zip(shown_row, true_row, strict=True):
            assert shown in (value, SUPPRESSED) and (value != 0 or shown == 0)


def test_without_column_totals_less_is_hidden():
    counts = [[18, 15], [17, 11], [15, 24], [12, 10], [9, 11], [4, 0]]
    with_columns = protect(counts)
    without = protect(counts, column_totals=False)
    hidden = lambda table: sum(cell == SUPPRESSED for row in table.cells for cell in row)  # noqa: E731
    assert hidden(without) < hidden(with_columns)
    assert without.cells[5] == (SUPPRESSED, 0) and without.row_totals[5] == SUPPRESSED
