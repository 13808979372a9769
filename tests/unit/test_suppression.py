"""Small groups: no count from 1 to k-1 is ever visible, and no hidden cell can be worked out."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompetanse.figures.suppression import SuppressionSpec, explain, suppress

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


# --- Derived figures, «:» and what may not come back (issue 12) -------------------------------------

DERIVED = SuppressionSpec(
    size="persons", counts=["older"], rates=["share", "mean_age"], measures=["fte"],
    total_row="sum", derived={"share": ["older", "persons"], "mean_age": ["persons"], "fte": ["persons"]},
)


def units_frame(rows: dict[str, tuple[int, int, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=["persons", "older", "mean_age", "fte"]).T
    frame.loc["sum"] = frame.sum()
    frame["share"] = frame["older"] / frame["persons"]
    return frame


def test_a_share_is_hidden_with_its_count():
    frame = units_frame({"MB-L": (32, 2, 41.4, 27.4), "SENG": (66, 6, 45.8, 53.0), "SYK": (40, 5, 44.0, 35.0)})
    result = suppress(frame, DERIVED, 5)
    assert result.values.at["MB-L", "share"] is None  # 0.0625 x 32 would give the 2 back
    assert result.label("MB-L", "share") == "<5"
    # SYK's 5 is hidden so that the total's 13 does not give MB-L's 2 back: its share goes too, marked ":"
    assert result.values.at["SYK", "older"] is None and result.label("SYK", "share") == ":"
    assert result.values.at["SENG", "share"] == pytest.approx(6 / 66)


def test_a_headcount_hidden_to_protect_a_sibling_reads_colon_and_takes_its_mean_age_and_fte_along():
    result = suppress(units_frame({"BB-L": (7, 1, 49.4, 6.6), "BB-N": (4, 0, 47.0, 3.6), "MM": (13, 0, 42.2, 11.2)}),
                      DERIVED, 5)
    assert result.values.at["BB-N", "persons"] is None and result.label("BB-N", "persons") == "<5"
    assert result.values.at["BB-L", "persons"] is None  # else 24 - 7 - 13 = 4
    assert result.label("BB-L", "persons") == ":"
    assert result.values.at["BB-L", "mean_age"] is None and result.label("BB-L", "mean_age") == ":"
    assert result.values.at["BB-L", "fte"] is None
    assert result.values.at["MM", "persons"] == 13
    assert ":" in result.marked().to_numpy()
    assert "«:»" in explain(5)


def test_a_rate_of_zero_over_a_shown_zero_stays():
    frame = units_frame({"A": (12, 0, 40.0, 10.0), "B": (9, 6, 50.0, 8.0)})
    frame.loc["A", "persons"] = 12
    spec = SuppressionSpec(size="persons", counts=["older", "before"], rates=["share"],
                           derived={"share": ["older", "before"]})
    frame["before"] = [3, 9, 12]
    result = suppress(frame, spec, 5)
    assert result.values.at["A", "share"] == 0  # 0 / anything gives nothing back
    assert result.values.at["B", "share"] is not None


def test_a_shown_total_of_zero_needs_no_second_cell():
    frame = table([[0, 0, 0], [0, 0, 2], [0, 0, 9]])
    result = suppress(frame, SPEC, 5)
    assert result.values.at["sum", "a"] == 0 and result.values.at["u2", "a"] == 0  # true zeros stay 0
    assert result.values.at["u1", "c"] is None


def test_an_implicit_part_is_hidden_first_and_a_kept_figure_last():
    # 10 years = 5 years + years 6-10; the years 6-10 (1) are never shown but follow by difference
    frame = pd.DataFrame({"persons": [36], "within_5": [6], "within_10": [7], "years_6_10": [1]}, index=["FOD"])
    spec = SuppressionSpec(size="persons", counts=["within_5", "within_10"], implicit=["years_6_10"],
                           row_sums=[("within_10", ["within_5", "years_6_10"])], keep=["within_5"])
    result = suppress(frame, spec, 5)
    assert result.values.at["FOD", "within_5"] == 6  # the key figure stays
    assert result.values.at["FOD", "within_10"] is None and result.label("FOD", "within_10") == ":"
