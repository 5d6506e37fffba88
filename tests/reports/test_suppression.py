"""Small-cell suppression, primary and complementary (rule 7)."""

import random

import pytest

from schoolwell.reports.suppression import suppress, suppressed_rate


def hidden_grid(table):
    """The suppression pattern of the margin-extended grid (last row/column are totals)."""
    grid = [[c.suppressed for c in cells] + [total.suppressed] for _l, cells, total in table.rows()]
    grid.append([c.suppressed for c in table.column_totals] + [table.total.suppressed])
    return grid


def values_grid(table):
    grid = [[c.count for c in cells] + [total.count] for _l, cells, total in table.rows()]
    grid.append([c.count for c in table.column_totals] + [table.total.count])
    return grid


def lines(grid):
    rows = [list(row) for row in grid]
    cols = [list(col) for col in zip(*grid, strict=True)] if grid and grid[0] else []
    return rows + cols


def make(counts, n=10, hide_zeros=True):
    return suppress(
        counts,
        row_labels=[f"r{i}" for i in range(len(counts))],
        column_labels=[f"c{j}" for j in range(len(counts[0]) if counts else 0)],
        threshold=n,
        hide_zeros=hide_zeros,
    )


def test_nothing_hidden_when_every_cell_is_large():
    table = make([[12, 30], [15, 40]])
    assert not table.any_suppressed
    assert [str(c) for c in table.cells[0]] == ["12", "30"]
    assert str(table.total) == "97"


def test_small_cell_and_its_complements_are_hidden():
    # 3 alone in row 0 and column 0 could be recovered (15 - 12): its row and column
    # complements (the smallest other cells) are hidden too, and then their lines as well.
    table = make([[3, 12, 40], [20, 25, 30], [18, 22, 50]])
    assert table.cells[0][0].suppressed
    assert table.cells[0][1].suppressed  # row complement (12 < 40)
    assert table.cells[1][0].suppressed or table.cells[2][0].suppressed  # column complement
    assert str(table.cells[0][0]) == "<10"
    for line in lines(hidden_grid(table)):
        assert sum(line) != 1


def test_complement_prefers_a_cell_over_a_total():
    table = make([[4, 50], [30, 60]])
    # row 0: 4 hidden → 50 hidden rather than the row total 54.
    assert table.cells[0][1].suppressed
    assert not table.row_totals[0].suppressed


def test_small_total_hides_its_whole_line():
    table = make([[2, 3], [40, 50]])
    assert table.row_totals[0].suppressed
    assert table.cells[0][0].suppressed and table.cells[0][1].suppressed


def test_small_grand_total_hides_everything():
    table = make([[1, 2], [3, 2]])
    assert all(hidden for row in hidden_grid(table) for hidden in row)


def test_zero_is_hidden_too():
    # "25 of 25 flagged" tells something about every child of the group.
    table = make([[25, 0], [30, 40]])
    assert table.cells[0][1].suppressed
    assert table.cells[0][0].suppressed  # its complement


def test_public_zeros_stay_shown_and_are_never_complements():
    # An elementary school has no grade 9: that zero is no secret, and hiding it would
    # protect nothing, so the complement of the 4 is the 40, not the zero beside it.
    table = make([[4, 0, 40], [30, 12, 50]], hide_zeros=False)
    assert not table.cells[0][1].suppressed
    assert table.cells[0][0].suppressed and table.cells[0][2].suppressed
    assert table.cells[1][0].suppressed  # column complement of the 4


def test_single_column_table_hides_the_row_total_as_complement():
    table = make([[4], [30], [40]])
    assert table.cells[0][0].suppressed
    assert table.row_totals[0].suppressed  # the row total equals the cell
    for line in lines(hidden_grid(table)):
        assert sum(line) != 1


def test_empty_table():
    table = suppress([], row_labels=[], column_labels=[], threshold=10)
    assert table.total.suppressed and table.total.count == 0


def test_table_without_rows():
    table = suppress([], row_labels=[], column_labels=["x", "y"], threshold=10)
    assert [c.count for c in table.column_totals] == [0, 0]
    assert table.rows() == []


def test_threshold_comes_from_settings(settings):
    settings.SMALL_CELL_THRESHOLD = 5
    table = suppress([[6, 7], [8, 9]], row_labels=["a", "b"], column_labels=["x", "y"])
    assert not table.any_suppressed
    assert table.threshold == 5


def test_mismatched_shape_is_an_error():
    with pytest.raises(ValueError):
        suppress([[1, 2]], row_labels=["a"], column_labels=["x"])


def test_rate_is_hidden_when_either_count_is():
    table = make([[4, 50], [30, 60]])
    assert suppressed_rate(table.cells[0][0], table.row_totals[0]) is None
    assert suppressed_rate(table.column_totals[0], table.total) == pytest.approx(34 / 144)


@pytest.mark.parametrize("hide_zeros", [True, False])
@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_can_be_recovered_by_subtraction(seed, hide_zeros):
    """Property: over many random tables, every line holds no hidden entry or ≥ 2.

    A line is a row or a column of the table extended by its totals, so "its total is
    hidden" counts as the second hidden entry. Also: no shown entry is below the threshold.
    """
    rng = random.Random(seed)
    for _ in range(50):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
        n = rng.choice([3, 5, 10])
        # Mix of small, zero and large counts, biased towards the threshold.
        counts = [
            [
                rng.choice([0, rng.randint(1, n - 1), rng.randint(n, 4 * n), rng.randint(n, 60)])
                for _ in range(n_cols)
            ]
            for _ in range(n_rows)
        ]
        table = make(counts, n, hide_zeros)
        hidden, values = hidden_grid(table), values_grid(table)
        for line in lines(hidden):
            assert sum(line) != 1, (counts, n)
        for hidden_row, value_row in zip(hidden, values, strict=True):
            for is_hidden, value in zip(hidden_row, value_row, strict=True):
                if hide_zeros:
                    assert is_hidden or value >= n, (counts, n)
                else:  # zeros are public: never hidden, so never a (useless) complement
                    assert not (is_hidden and value == 0), (counts, n)
                    assert is_hidden or value >= n or value == 0, (counts, n)
        # What is shown is the truth: counts and margins are never altered.
        assert [[c.count for c in row] for row in table.cells] == counts


def test_complements_are_marked_apart_from_small_counts():
    table = make([[4, 50], [30, 60]])
    assert str(table.cells[0][0]) == "<10"
    complements = [str(c) for row in table.cells for c in row if c.complementary]
    assert complements and set(complements) == {"‡"}
    assert "‡" in table.footnote and "<10" in table.footnote
    assert "‡" not in make([[12, 30], [15, 40]]).footnote


def test_complement_columns_are_hidden_first():
    # Column 0 is what readers came for; column 2 a remainder: the complement comes from it.
    table = suppress(
        [[49, 0, 131], [30, 4, 146], [53, 0, 187]],
        row_labels=["a", "b", "c"],
        column_labels=["flagged", "referred", "neither"],
        threshold=10,
        complement_columns=[2],
    )
    assert [row[0].value for row in table.cells] == [49, 30, 53]
    assert table.column_totals[0].value == 132
    for line in lines(hidden_grid(table)):
        assert sum(line) != 1
