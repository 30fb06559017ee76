"""Statistical disclosure control for everything the board sees.

Counts of 1 to 5 are suppressed (shown as "c"); true zeros are shown. Then secondary
suppression: a table publishes its row and column totals, so a lone suppressed cell in a row
could be worked out by subtraction. Cells are suppressed until no suppressed cell can be
derived from the published ones by any combination of the table's sums (checked exactly, by
linear algebra), and until no row or column gives away a small total for its suppressed cells.
Complementary cells are the smallest non-zero ones, so as little as possible is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

SUPPRESSED = "c"
SMALLEST_SAFE = 6


def is_small(count: int) -> bool:
    return 1 <= count < SMALLEST_SAFE


@dataclass(frozen=True)
class ProtectedTable:
    """A table as published: each cell, row total, column total and the grand total is either
    its count or "c"."""

    cells: tuple[tuple[int | str, ...], ...]
    row_totals: tuple[int | str, ...]
    column_totals: tuple[int | str, ...] | None  # None: the table does not print them
    total: int | str

    def grid(self) -> list[list[int | str]]:
        """Cells with their row totals, then the column totals with the grand total."""
        rows = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        return [*rows, [*(self.column_totals or [SUPPRESSED] * len(self.cells[0])), self.total]]


Position = tuple[int, int]


def _full_grid(counts: list[list[int]]) -> np.ndarray:
    """The counts with a totals column and a totals row appended."""
    table = np.array(counts, dtype=np.int64).reshape(len(counts), -1)
    with_row_totals = np.hstack([table, table.sum(axis=1, keepdims=True)])
    return np.vstack([with_row_totals, with_row_totals.sum(axis=0, keepdims=True)])


def _lines(shape: tuple[int, int], column_totals: bool = True) -> list[list[Position]]:
    """Each additive constraint: a row's or column's cells, its total last. Without column
    totals only the rows, and the row totals making the grand total, are constraints."""
    rows, columns = shape
    if not column_totals:
        lines = [[(i, j) for j in range(columns)] for i in range(rows - 1)]
        return [*lines, [(i, columns - 1) for i in range(rows)]]
    lines = [[(i, j) for j in range(columns)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(columns)]
    return lines


def _printed(shape: tuple[int, int], column_totals: bool) -> list[Position]:
    rows, columns = shape
    return [(i, j) for i, j in product(range(rows), range(columns))
            if column_totals or i < rows - 1 or j == columns - 1]  # fmt: skip


def protect(counts: list[list[int]], *, column_totals: bool = True) -> ProtectedTable:
    """The table as it may be printed. ``column_totals=False`` for a table that prints only
    its row totals and grand total (such as deciles grouped in pairs into quintiles)."""
    grid = _full_grid(counts)
    lines = _lines(grid.shape, column_totals)
    printed = _printed(grid.shape, column_totals)
    hidden = {position for position in printed if is_small(int(grid[position]))}
    while True:
        extra = _unsafe_line(grid, hidden, lines) or _derivable_cell(grid, hidden, lines, printed)
        if extra is None:
            break
        hidden.add(extra)
    return _published(grid, hidden, column_totals)


def _unsafe_line(grid: np.ndarray, hidden: set[Position], lines) -> Position | None:
    """A cell to hide next because a line with its total published shows too much: a single
    hidden cell (derivable), or hidden cells whose sum is a small number."""
    for line in lines:
        total, members = line[-1], line[:-1]
        if total in hidden:
            continue
        concealed = [position for position in members if position in hidden]
        if not concealed:
            continue
        if len(concealed) == 1 or is_small(sum(int(grid[p]) for p in concealed)):
            return _complement(grid, hidden, members) or total
    return None


def _complement(grid: np.ndarray, hidden: set[Position], members: list[Position]):
    """The smallest non-zero published cell of the line: zeros stay shown, being true zeros."""
    candidates = [p for p in members if p not in hidden and grid[p] > 0]
    return min(candidates, key=lambda p: (int(grid[p]), p)) if candidates else None


def _derivable_cell(grid: np.ndarray, hidden: set[Position], lines, printed) -> Position | None:
    """A cell to hide because some hidden cell can be solved for exactly from the table's
    equations and the published values."""
    unknowns = sorted(hidden)
    if not unknowns:
        return None
    for position in unknowns:
        if _determined(lines, unknowns, position):
            for line in lines:
                if position in line and (choice := _complement(grid, hidden, line)):
                    return choice
            # Its own rows and columns are all hidden already: widen to the whole table.
            return _complement(grid, hidden, printed)
    return None


def _constraint_matrix(lines, unknowns: list[Position]) -> np.ndarray:
    index = {position: k for k, position in enumerate(unknowns)}
    rows = []
    for line in lines:
        row = np.zeros(len(unknowns))
        for position in line[:-1]:
            if position in index:
                row[index[position]] += 1
        if line[-1] in index:
            row[index[line[-1]]] -= 1
        rows.append(row)
    return np.array(rows)


def _determined(lines, unknowns: list[Position], position: Position) -> bool:
    """Whether the published values pin this hidden cell down: its unit vector lies in the row
    space of the equations restricted to the hidden cells."""
    matrix = _constraint_matrix(lines, unknowns)
    unit = np.zeros(len(unknowns))
    unit[unknowns.index(position)] = 1
    rank = np.linalg.matrix_rank(matrix)
    return np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank


def determined_cells(table: ProtectedTable) -> list[Position]:
    """Hidden cells someone could work out from the published table (for the tests, and as a
    last check before publishing). Unprinted column totals count as unknown."""
    grid = table.grid()
    shape = (len(grid), len(grid[0]))
    lines = _lines(shape, table.column_totals is not None)
    unknowns = [(i, j) for i, j in product(*map(range, shape)) if grid[i][j] == SUPPRESSED]
    printed = set(_printed(shape, table.column_totals is not None))
    return [p for p in unknowns if p in printed and _determined(lines, unknowns, p)]


def _published(grid: np.ndarray, hidden: set[Position], column_totals: bool) -> ProtectedTable:
    shown = [
        [SUPPRESSED if (i, j) in hidden else int(grid[i, j]) for j in range(grid.shape[1])]
        for i in range(grid.shape[0])
    ]
    return ProtectedTable(
        cells=tuple(tuple(row[:-1]) for row in shown[:-1]),
        row_totals=tuple(row[-1] for row in shown[:-1]),
        column_totals=tuple(shown[-1][:-1]) if column_totals else None,
        total=shown[-1][-1],
    )
