"""Small-cell suppression for every statistical output: pages, charts and exports (rule 7).

A count table is seen with its margins: each row ends in its row total, and a totals row
holds the column totals and the grand total. Each such line is an equation (its cells add
up to its total), so one hidden entry alone in a line could be recovered by subtraction.

1. Primary: every entry (cell or total) counting fewer than `threshold` students is hidden
   — zeros too by default, since "0 of 25" or "25 of 25 flagged" says something about every
   child of a group. Tables whose zeros are public facts (no grade 9 at an elementary
   school) pass `hide_zeros=False`; their zeros are then never hidden, nor used as
   complements (hiding a known zero protects nothing).
2. Complementary: while some line holds exactly one hidden entry, also hide the smallest
   visible entry of that line (a cell before a total, because hiding a total hides more;
   a cell of a `complement_columns` column first — a remainder such as "Neither" — so the
   figures readers came for stay visible).

It ends when every line holds no hidden entry or at least two. The two kinds are marked
differently ("<10" and "‡"): a complement is not a small count, and saying so would be false.

What is NOT suppressed (the callers pass `threshold=0` and say why next to the call):
counts of events that describe no child's characteristics at a grain that could identify
anyone — referrals opened, flagged by a rule or closed per month across the schools a reader
administers, referrals open or overdue now. They count workload, not students: no row is a
group of children sharing a grade, language or school-and-grade, so a small number reveals
nothing about any one child that the reader could tie to them. Counts of students by grade
band, language, consent state, screening window or support outcome stay suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


def threshold_default() -> int:
    return settings.SMALL_CELL_THRESHOLD


@dataclass(frozen=True)
class Cell:
    count: int
    suppressed: bool
    threshold: int

    @property
    def value(self) -> int | None:
        """The count, or None where hidden (what charts plot and exports type as a number)."""
        return None if self.suppressed else self.count

    @property
    def complementary(self) -> bool:
        """Hidden only so that a small count elsewhere cannot be worked out by subtraction
        (zeros hidden by the primary rule are small counts, never complements)."""
        return self.suppressed and self.count >= self.threshold

    def __str__(self) -> str:
        if not self.suppressed:
            return str(self.count)
        return COMPLEMENT_MARK if self.complementary else f"<{self.threshold}"


COMPLEMENT_MARK = "‡"


@dataclass(frozen=True)
class SuppressedTable:
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    total: Cell
    threshold: int

    @property
    def footnote(self) -> str:
        small = _("“<%(n)s”: fewer than %(n)s students.") % {"n": self.threshold}
        if not self.any_complementary:
            return small
        complement = _(
            "“%(mark)s”: hidden so that a small count cannot be worked out from the totals."
        ) % {"mark": COMPLEMENT_MARK}
        return f"{small} {complement}"

    def _all_cells(self):
        yield self.total
        yield from self.row_totals
        yield from self.column_totals
        for row in self.cells:
            yield from row

    @property
    def any_complementary(self) -> bool:
        return any(c.complementary for c in self._all_cells())

    @property
    def any_suppressed(self) -> bool:
        return (
            self.total.suppressed
            or any(c.suppressed for c in self.row_totals)
            or any(c.suppressed for row in self.cells for c in row)
        )

    def rows(self) -> list[tuple[str, tuple[Cell, ...], Cell]]:
        """(label, cells, row total) per row, for templates and exports."""
        return list(zip(self.row_labels, self.cells, self.row_totals, strict=True))

    def column(self, index: int) -> list[int | None]:
        return [row[index].value for row in self.cells]


def _lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int]]]:
    """Every row and column of the grid extended by its margins (last row/column = totals)."""
    rows = [[(r, c) for c in range(n_cols + 1)] for r in range(n_rows + 1)]
    cols = [[(r, c) for r in range(n_rows + 1)] for c in range(n_cols + 1)]
    return rows + cols


def suppression_mask(
    counts: Sequence[Sequence[int]],
    n_cols: int,
    threshold: int,
    *,
    hide_zeros: bool = True,
    complement_columns: frozenset[int] = frozenset(),
) -> list[list[bool]]:
    """Which entries of the margin-extended grid to hide; the last row/column are totals."""
    n_rows = len(counts)
    grid = [list(row) + [sum(row)] for row in counts]
    grid.append([sum(counts[r][c] for r in range(n_rows)) for c in range(n_cols)])
    grid[-1].append(sum(grid[-1]))
    hidden = [[value < threshold and (hide_zeros or value > 0) for value in row] for row in grid]
    lines = _lines(n_rows, n_cols)

    def complement_key(pos: tuple[int, int]):
        r, c = pos
        is_margin = r == n_rows or c == n_cols
        return (is_margin, c not in complement_columns, grid[r][c], r, c)

    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden_here = [pos for pos in line if hidden[pos[0]][pos[1]]]
            if len(hidden_here) != 1:
                continue
            visible = [
                (r, c) for r, c in line if not hidden[r][c] and (hide_zeros or grid[r][c] > 0)
            ]
            if not visible:  # a line of one entry (an empty table's grand total)
                continue
            r, c = min(visible, key=complement_key)
            hidden[r][c] = True
            changed = True
    return hidden


def suppress(
    counts: Sequence[Sequence[int]],
    *,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    threshold: int | None = None,
    hide_zeros: bool = True,
    complement_columns: Sequence[int] = (),
) -> SuppressedTable:
    """A count table (students per row × column) with small cells and their complements hidden.

    `complement_columns`: indexes of columns to hide first as complements (see the module)."""
    n = threshold_default() if threshold is None else threshold
    if len(counts) != len(row_labels) or any(len(row) != len(column_labels) for row in counts):
        raise ValueError("counts must have one row per row label and one cell per column label")
    hidden = suppression_mask(
        counts,
        len(column_labels),
        n,
        hide_zeros=hide_zeros,
        complement_columns=frozenset(complement_columns),
    )
    n_rows, n_cols = len(row_labels), len(column_labels)
    cells = tuple(
        tuple(Cell(counts[r][c], hidden[r][c], n) for c in range(n_cols)) for r in range(n_rows)
    )
    row_totals = tuple(Cell(sum(counts[r]), hidden[r][n_cols], n) for r in range(n_rows))
    column_totals = tuple(
        Cell(sum(counts[r][c] for r in range(n_rows)), hidden[n_rows][c], n) for c in range(n_cols)
    )
    total = Cell(sum(sum(row) for row in counts), hidden[n_rows][n_cols], n)
    return SuppressedTable(
        row_labels=tuple(str(label) for label in row_labels),
        column_labels=tuple(str(label) for label in column_labels),
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
        threshold=n,
    )


def suppressed_rate(numerator: Cell, denominator: Cell) -> float | None:
    """A rate shown only when both its counts are shown (else it would reveal the hidden one)."""
    if numerator.suppressed or denominator.suppressed or not denominator.count:
        return None
    return numerator.count / denominator.count
