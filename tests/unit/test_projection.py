"""The replacement-need projection: hand-computed cases over small DataFrames, and the demo's consistency."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kompetanse.demo import demo
from kompetanse.figures import projection, retirement, rules
from kompetanse.figures.metrics import Scope
from kompetanse.figures.projection import Scenario
from kompetanse.storage import store

D = date(2023, 12, 1)


def pop(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["profession", "age", "retirement_age", "persons"])


# 100 persons: 60 aged 30, 20 aged 64, 10 aged 66, 10 aged 70; retirement age 67.
HUNDRED = pop([("a", 30, 67, 60), ("a", 64, 67, 20), ("a", 66, 67, 10), ("a", 70, 67, 10)])
RATES = pd.DataFrame({"age_from": [0, 55, 65], "age_to": [54, 64, 200], "yearly_rate": [0.0, 0.1, 0.5]})


def series(frame: pd.DataFrame, column: str, profession: str = "a") -> list[float]:
    return list(frame.loc[frame["profession"] == profession].sort_values("year")[column])


def test_retirements_by_age():
    out = projection.retirements_by_age(HUNDRED)
    # year 1: the 66-year-olds reach 67, and the 70-year-olds already past it; year 3: the 64-year-olds
    assert series(out, "retirements") == [20, 0, 20, 0, 0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("shift", "expected"),
    [
        (2, [10, 0, 10, 0, 20, 0, 0, 0, 0, 0]),  # age 69: 70 already past, 66 in year 3, 64 in year 5
        (-3, [40, 0, 0, 0, 0, 0, 0, 0, 0, 0]),  # age 64: all but the 30-year-olds past it
        (0, [20, 0, 20, 0, 0, 0, 0, 0, 0, 0]),
    ],
)
def test_retirement_age_shift(shift, expected):
    assert series(projection.retirements_by_age(HUNDRED, shift), "retirements") == expected


def test_need_with_turnover_and_growth():
    out = projection.project(HUNDRED, {}, RATES, Scenario(turnover=0.10, growth=0.02))
    assert series(out, "headcount_start")[:3] == pytest.approx([100, 102, 104.04])
    assert series(out, "other_leavers")[:3] == pytest.approx([10, 10.2, 10.404])
    assert series(out, "growth")[:3] == pytest.approx([2, 2.04, 2.0808])
    assert series(out, "need")[:3] == pytest.approx([32, 12.24, 32.4848])
    assert series(out, "need")[9] == pytest.approx(100 * 1.02**9 * 0.12)


def test_measured_turnover_per_profession_unless_one_rate_for_all():
    two = pop([("a", 30, 67, 50), ("b", 30, 67, 20)])
    measured = projection.project(two, {"a": 0.1}, RATES, Scenario())
    assert series(measured, "other_leavers", "a")[0] == pytest.approx(5)
    assert series(measured, "other_leavers", "b")[0] == 0  # no measured rate: none
    same = projection.project(two, {"a": 0.1}, RATES, projection.scenario("age", 0, 20, 0))
    assert series(same, "other_leavers", "b")[0] == pytest.approx(4)


def test_exit_rates_age_the_staff():
    ten = pop([("a", 64, 67, 10)])
    out = projection.retirements_by_exit_rates(ten, RATES)
    # 64: 10 % of 10 = 1; then 65: 50 % of 9 = 4.5; then 50 % of 4.5 = 2.25
    assert series(out, "retirements")[:3] == pytest.approx([1, 4.5, 2.25])
    later = projection.retirements_by_exit_rates(ten, RATES, shift=1)
    # a year later: the rate of 63 at 64, of 64 at 65, of 65 at 66
    assert series(later, "retirements")[:3] == pytest.approx([1, 0.9, 4.05])
    via_project = projection.project(ten, {}, RATES, Scenario(method="exit_rates"))
    assert series(via_project, "need")[:2] == pytest.approx([1, 4.5])


def test_need_table_rounds_and_hides_small_counts():
    sixty = pop([("a", 30, 67, 50), ("a", 66, 67, 10)])
    out = projection.project(sixty, {}, RATES, Scenario(turnover=0.07, growth=0.0))
    table = projection.need_table(out, 5)
    # year 1: 10 retire + 7 % of 60 = 4.2 -> 14; year 2: 4.2 -> 4 -> "<5"
    assert table.values.loc["a", "År 1"] == 14
    assert table.values.loc["a", "År 2"] is None
    assert table.values.loc["a", projection.SIZE_COLUMN] == 60
    assert table.values.loc["a", projection.SUM_COLUMN] == 52  # 10 + 10 x 4.2
    parts = projection.components_table(out, 5)
    assert parts.values.loc["År 1", "Annen turnover"] is None  # 4
    assert parts.values.loc["År 1", "Pensjonering"] is None  # else 14 - 10 - 0 would give the 4 away
    assert parts.values.loc["År 1", "Vekst"] == 0  # a true 0 stays
    assert parts.values.loc["År 1", "Behov i alt"] == 14
    # the other years retire nobody: the 10-year total would equal the hidden year 1, so the total is
    # hidden (a true 0 stays 0) and marked ":" (hidden only to protect another figure)
    assert parts.values.loc[projection.TOTAL, "Pensjonering"] is None
    assert parts.label(projection.TOTAL, "Pensjonering") == ":"
    assert parts.values.loc["År 2", "Pensjonering"] == 0
    rows = projection.chart_rows(table)
    assert list(rows["year"]) == ["År 1"] and list(rows["value"]) == [14]

    with_small = pop([("a", 30, 67, 50), ("a", 66, 67, 10), ("small", 66, 67, 3)])
    table = projection.need_table(projection.project(with_small, {}, RATES, Scenario(turnover=0.07)), 5)
    assert table.values.loc["small", "År 1"] is None  # a group of 3 shows nothing
    assert table.values.loc[projection.TOTAL, projection.SIZE_COLUMN] == 63
    # the total's År 1 (17) is shown, so a's 14 is hidden too: otherwise small's 3 = 17 - 14
    assert table.values.loc[projection.TOTAL, "År 1"] == 17
    assert table.values.loc["a", "År 1"] is None
    assert projection.chart_rows(table).empty


def test_exit_rate_edits():
    good = pd.DataFrame({"age_from": [0, 60], "age_to": [59, 200], "percent": [2.5, 40]})
    rows, errors = projection.validate_rates(good)
    assert errors == [] and rows == [(0, 59, 0.025, None), (60, 200, 0.4, None)]
    for bad in (
        good.assign(percent=[2.5, 140]),
        good.assign(age_to=[60, 200]),  # 60 in two rows
        good.assign(age_from=[10, 60], age_to=[5, 200]),
        good.assign(percent=[None, 40]),
    ):
        assert projection.validate_rates(bad)[1]


def test_exit_rates_saved_in_one_go(tmp_path):
    con = store.connect(tmp_path / "t.duckdb")
    before = projection.exit_rates(con)
    assert projection.save_rates(con, pd.DataFrame({"age_from": [0], "age_to": [10], "percent": [101]}))
    pd.testing.assert_frame_equal(projection.exit_rates(con), before)
    edited = projection.rates_for_editing(before)
    assert list(edited["percent"]) == [3, 5, 15, 41, 60]
    edited.loc[3, "percent"] = 50
    assert projection.save_rates(con, edited) == []
    assert projection.exit_rates(con).loc[3, "yearly_rate"] == pytest.approx(0.5)
    projection.reset_rates(con)
    pd.testing.assert_frame_equal(projection.exit_rates(con), before)


def test_projection_by_age_matches_retirements_per_year_on_the_demo(tmp_path):
    con = store.connect(tmp_path / "demo.duckdb")
    demo.load_demo(con)
    scope = Scope(as_of=D)
    population = projection.population(con, scope)
    out = projection.project(population, projection.measured_turnover(con, scope), projection.exit_rates(con),
                             Scenario())
    years = retirement.by_year(con, scope)
    years = years[~years["is_total"]]
    years = years.assign(year=years["year"].clip(lower=1)).groupby(["profession", "year"])["persons"].sum()
    got = out.set_index(["profession", "year"])["retirements"]
    assert got[got > 0].to_dict() == pytest.approx(years.to_dict())
    assert population.groupby("profession")["persons"].sum()["sykepleier"] == 258
    con.close()


def test_exit_rates_replace_retirements_and_other_turnover_and_split_at_62():
    # 10 aged 30 (3 %), 10 aged 56 (5 %), 10 aged 62 (15 %), 10 aged 66 (41 %): the default KS/assumption rates.
    rates = pd.DataFrame([r[:3] for r in rules.DEFAULT_EXIT_RATES], columns=["age_from", "age_to", "yearly_rate"])
    staff = pop([("a", 30, 67, 10), ("a", 56, 67, 10), ("a", 62, 65, 10), ("a", 66, 67, 10)])
    out = projection.project(staff, {"a": 0.25}, rates, Scenario(method="exit_rates"))
    first = out[out["year"] == 1].iloc[0]
    # Exits are what the rates give, nothing on top: the measured 25 % turnover is not added.
    assert first["exits_under_62"] == pytest.approx(10 * 0.03 + 10 * 0.05)
    assert first["exits_62_plus"] == pytest.approx(10 * 0.15 + 10 * 0.41)
    assert (first["other_leavers"], first["retirements"]) == (0, 0)
    assert first["need"] == pytest.approx(0.3 + 0.5 + 1.5 + 4.1)
    parts = projection.components_table(out, k=1, method="exit_rates").values
    assert list(parts.columns) == ["Ansatte", "Avganger etter alder, 62 år og eldre",
                                   "Avganger etter alder, under 62 år", "Vekst", "Behov i alt"]
    assert parts.loc["År 1", "Behov i alt"] == 6


def test_default_exit_rates_say_which_rows_are_ks_figures():
    sources = {(low, high): source for low, high, _, source in rules.DEFAULT_EXIT_RATES}
    assert sources == {(0, 54): "antakelse", (55, 60): "KS", (61, 64): "antakelse", (65, 67): "KS",
                       (68, 200): "antakelse"}
