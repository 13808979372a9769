"""Small groups: no count from 1 to k-1 is ever visible, and no hidden cell can be worked out."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kompetanse.suppression import SuppressionSpec, explain, suppress

PARTS = ["a", "b", "c"]
SPEC = SuppressionSpec(size="total", counts=PARTS, rates=["rate"], row_sums=[("total", PARTS)], total_row="sum")


def table(rows: list[list[int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=PARTS, index=[f"u{i}" for i in range(len(rows))])
    frame.loc["sum"] = frame.sum()
    frame["total"] = frame[PARTS].sum(axis=1)
    frame["rate"] = frame["a"] / frame["total"].where(frame["total"] > 0)
    return frame


def test_small_counts_hidden_true_zero_shown():
    result = suppress(table([[10, 3, 0], [12, 8, 6]]), SPEC, 5)
    assert result.values.at["u0", "b"] is None
    assert result.values.at["u0", "c"] == 0
    assert result.values.at["u1", "c"] == 6
    assert result.values.at["sum", "total"] == 39


def test_one_hidden_cell_in_a_row_hides_the_smallest_sibling():
    result = suppress(table([[10, 3, 7], [12, 8, 6]]), SPEC, 5)
    row = result.values.loc["u0"]
    assert row["b"] is None
    assert row["c"] is None  # 7 < 10: the smallest visible sibling
    assert row["a"] == 10


def test_a_single_member_hides_the_total_it_equals():
    result = suppress(table([[10, 3, 7]]), SPEC, 5)
    assert result.values.at["sum", "b"] is None


def test_small_group_shows_no_figure():
    result = suppress(table([[1, 2, 0], [12, 8, 6], [20, 20, 20]]), SPEC, 5)
    assert result.values.at["u0", "total"] is None
    assert result.values.at["u0", "rate"] is None
    # The column total would reveal u0's hidden headcount: another unit's total is hidden too.
    assert result.values.loc[["u1", "u2"], "total"].isna().sum() == 1


def test_k_below_two_shows_everything():
    frame = table([[1, 2, 3]])
    assert not suppress(frame, SPEC, 0).any_hidden
    assert not suppress(frame, SPEC, 1).any_hidden


def test_explanation_names_k():
    assert "færre enn 5" in explain(5)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=3, max_size=3), min_size=1, max_size=6),
    st.integers(2, 10),
)
def test_no_count_below_k_visible_and_no_single_hidden_cell(rows, k):
    frame = table(rows)
    result = suppress(frame, SPEC, k)
    values, hidden = result.values, result.hidden
    for column in [*PARTS, "total"]:
        for label in frame.index:
            value = values.at[label, column]
            assert value is None or not 1 <= value < k, (label, column, value)
    for label in frame.index:
        if not hidden.at[label, "total"]:
            assert hidden.loc[label, PARTS].sum() != 1
    members = [label for label in frame.index if label != "sum"]
    for column in [*PARTS, "total"]:
        if not hidden.at["sum", column] and frame.at["sum", column] != 0:  # a shown 0: every part is 0
            assert hidden.loc[members, column].sum() != 1
