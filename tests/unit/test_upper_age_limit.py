"""The upper age limit (DESIGN.md "Retirement"): it caps the chosen age in every figure, by the limit in force
on the day a person reaches it; rules above it are refused; staff past it are listed for HR.

Hand-computed on tiny fixtures; the default limits are 70 before 01.01.2026 and 72 from then.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kompetanse.figures import metrics, projection, retirement
from kompetanse.figures.metrics import Scope
from tests.fixtures import database, employment

AFTER = date(2026, 6, 1)  # limit 72
BEFORE = date(2025, 10, 1)  # limit 70


def total(con, scope: Scope) -> pd.Series:
    return metrics.compute(con, scope, by=None).loc["total"]


def years(con, scope: Scope) -> dict[str, int]:
    """Persons per year column of the retirement-per-year table's total row (nothing hidden)."""
    row = retirement.year_table(con, scope, 1).persons.values.loc[retirement.TOTAL]
    return {column: int(row[column]) for column in retirement.YEAR_COLUMNS if row[column]}


def test_a_71_year_old_reaching_72_within_a_year_retires_within_1y_whatever_the_chosen_age(tmp_path):
    # The case: born 15.01.1955, 71 on 01.06.2026, must leave at 72 on 15.01.2027.
    con = database(tmp_path, [employment("p", birth=date(1955, 1, 15), profession="lege")])
    row = total(con, Scope(as_of=AFTER, retirement_age=75))
    assert row["retiring_within_1y"] == 1
    assert row["past_upper_age_limit"] == 0
    assert years(con, Scope(as_of=AFTER, retirement_age=75)) == {"År 1": 1}


def test_someone_already_past_72_is_already_past_retirement_not_placed_in_year_2(tmp_path):
    # Born 01.06.1953: 73 on 01.06.2026. With 75 for everyone the old table put them in year 2.
    con = database(tmp_path, [employment("p", birth=date(1953, 6, 1), profession="lege")])
    assert years(con, Scope(as_of=AFTER, retirement_age=75)) == {retirement.ALREADY_PAST: 1}
    row = total(con, Scope(as_of=AFTER, retirement_age=75))
    assert (row["retiring_within_1y"], row["past_upper_age_limit"]) == (1, 1)


def test_a_71_year_old_before_2026_is_past_the_limit_of_70_and_after_2026_is_not(tmp_path):
    # Born 01.08.1954: 71 on 01.10.2025 (limit 70) and 71 on 01.03.2026 (limit 72; 72 on 01.08.2026).
    con = database(tmp_path, [employment("p", birth=date(1954, 8, 1), profession="lege")])
    before = Scope(as_of=BEFORE, retirement_age=72)
    assert years(con, before) == {retirement.ALREADY_PAST: 1}
    assert total(con, before)["past_upper_age_limit"] == 1
    after = Scope(as_of=date(2026, 3, 1), retirement_age=72)
    assert years(con, after) == {"År 1": 1}
    assert total(con, after)["past_upper_age_limit"] == 0


def test_the_limit_reached_inside_year_1_counts_in_year_1_not_when_the_chosen_age_comes(tmp_path):
    # Born 01.09.1955: 69 on 01.06.2025; 70 on 01.09.2025 while the limit is 70: leaves then (year 1),
    # not at 72 in 2027 (year 3).
    con = database(tmp_path, [employment("p", birth=date(1955, 9, 1), profession="lege"),
                              employment("young", birth=date(1990, 1, 1), profession="lege")])
    scope = Scope(as_of=date(2025, 6, 1), retirement_age=72)
    assert years(con, scope) == {"År 1": 1}
    row = total(con, scope)
    assert (row["retiring_within_1y"], row["retiring_within_5y"]) == (1, 1)
    # The projection places them in year 1 as well (never past the limit).
    result = projection.project(projection.population(con, scope), {}, projection.exit_rates(con),
                                projection.Scenario())
    assert list(result.sort_values("year")["retirements"])[:3] == [1.0, 0.0, 0.0]
    # With exit rates everyone still there at the limit leaves in that year.
    exits = projection.project(projection.population(con, scope), {}, projection.exit_rates(con),
                               projection.Scenario(method="exit_rates"))
    assert exits.loc[exits["year"] == 1, "exits_62_plus"].sum() == pytest.approx(1.0)


def test_rules_above_the_upper_age_limit_are_refused_with_a_message(tmp_path):
    con = database(tmp_path, [employment("p")])
    rules = retirement.rule_table(con)
    rules.loc[rules["profession"] == "*", "expected_age"] = 73
    errors = retirement.save_rules(con, rules)
    assert errors == ["Rad 1 (*): forventet alder (73) er over den øvre aldersgrensen (72 år)."]
    assert retirement.rule_table(con).set_index("profession").loc["*", "expected_age"] == 67
    rules.loc[rules["profession"] == "*", "expected_age"] = 72
    assert retirement.save_rules(con, rules) == []


def test_one_age_for_everyone_above_the_limit_is_refused():
    limits = pd.DataFrame({"valid_from": [date(1900, 1, 1), date(2026, 1, 1)], "upper_age": [70, 72]})
    # From 2025 the next ten years reach into 2026: 72 is possible, 73 never.
    assert retirement.highest_upper_age(limits, date(2025, 6, 1)) == 72
    assert retirement.fixed_age_error(72, 72) is None
    assert retirement.fixed_age_error(75, 72) == (
        "Alder for alle (75) er over den øvre aldersgrensen (72 år). Velg en alder på 72 eller lavere.")


def test_lowering_the_limit_below_a_rule_is_refused(tmp_path):
    con = database(tmp_path, [employment("p")])
    limits = pd.DataFrame({"valid_from": [date(1900, 1, 1)], "upper_age": [66]})
    errors = retirement.save_upper_age_limits(con, limits)
    assert errors and "over den nye aldersgrensen (66 år)" in errors[0]


def test_staff_past_the_limit_are_listed_for_hr_and_counted_as_small_counts(tmp_path):
    rows = [employment(f"young{i}", birth=date(1990, 1, 1), profession="lege") for i in range(9)]
    rows.append(employment("old", birth=date(1950, 3, 1), profession="overlege"))  # 75 on 01.06.2026
    con = database(tmp_path, rows)
    scope = Scope(as_of=AFTER)
    listed = retirement.past_upper_age_limit(con, scope)
    assert listed[["employee_id", "profession", "profession_group", "age", "upper_age"]].values.tolist() == [
        ["old", "overlege", "lege", 76, 72]]
    by_unit = retirement.past_limit_by_unit(con, scope, k=5)
    assert by_unit.values.loc[retirement.TOTAL, retirement.PAST_LIMIT_COLUMN] is None  # 1 person: "<5"
    assert retirement.past_limit_by_unit(con, scope, k=1).values.loc["A", retirement.PAST_LIMIT_COLUMN] == 1
    assert metrics.report(con, scope, by="unit", min_cell=5)["total"]["past_upper_age_limit"] is None
