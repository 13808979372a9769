"""Each definition of DESIGN.md on hand-built cases, with the reference-date edge cases."""

from __future__ import annotations

from datetime import date

import pytest

from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from tests.fixtures import database, employment

D = date(2023, 12, 1)


def total(con, scope: Scope | None = None):
    return metrics.compute(con, scope or Scope(as_of=D), by=None).loc["total"]


def by_unit(con, scope: Scope | None = None):
    return metrics.compute(con, scope or Scope(as_of=D), by="unit")


def test_active_on_the_reference_date_is_inclusive(tmp_path):
    con = database(tmp_path, [
        employment("first-day", start=D),
        employment("last-day", start=date(2010, 1, 1), end=D),
        employment("left-day-before", start=date(2010, 1, 1), end=date(2023, 11, 30)),
        employment("starts-tomorrow", start=date(2023, 12, 2)),
    ])
    assert total(con)["headcount"] == 2


def test_age_in_completed_years_with_birthday_on_the_date(tmp_path):
    con = database(tmp_path, [
        employment("turns-60-today", birth=date(1963, 12, 1)),
        employment("turns-60-tomorrow", birth=date(1963, 12, 2)),
    ])
    row = total(con)
    assert row["band_60_69"] == 1
    assert row["band_50_59"] == 1
    assert row["mean_age"] == pytest.approx(59.5)
    assert row["share_60_plus"] == pytest.approx(0.5)


def test_leap_day_birthday_counts_from_first_of_march(tmp_path):
    con = database(tmp_path, [employment("leap", birth=date(1964, 2, 29))])
    assert total(con, Scope(as_of=date(2023, 2, 28)))["mean_age"] == 58
    assert total(con, Scope(as_of=date(2023, 3, 1)))["mean_age"] == 59


def test_person_with_two_employments_counts_once_per_unit_and_once_in_total(tmp_path):
    con = database(tmp_path, [
        employment("p1", "A", position=60.0),
        employment("p1", "B", position=40.0),
        employment("p2", "A", position=100.0),
    ])
    units = by_unit(con)
    assert units.loc["A", "headcount"] == 2
    assert units.loc["B", "headcount"] == 1
    assert units.loc["total", "headcount"] == 2
    assert units.loc["total", "fte"] == pytest.approx(2.0)
    assert units.loc["A", "fte"] == pytest.approx(1.6)


def test_age_bands_sum_to_headcount(tmp_path):
    births = [date(2005, 1, 1), date(1999, 1, 1), date(1985, 1, 1), date(1975, 1, 1), date(1965, 1, 1),
              date(1960, 1, 1), date(1950, 1, 1)]
    con = database(tmp_path, [employment(f"p{i}", birth=b) for i, b in enumerate(births)])
    row = total(con)
    assert [row[c] for c in metrics.BAND_COLUMNS] == [1, 1, 1, 1, 1, 1, 1]


def test_retiring_within_years_uses_the_profession_rule(tmp_path):
    con = database(tmp_path, [
        # sykepleier: særaldersgrense 65. Turns 65 exactly on d + 1 year: within 1 year.
        employment("nurse-65-in-1y", birth=date(1959, 12, 1), profession="sykepleier"),
        # bioingeniør: 67. 64 on d, 67 in 3 years: within 5, not within 1.
        employment("bio-64", birth=date(1959, 6, 1), profession="bioingeniør"),
        # already 70: counts.
        employment("bio-70", birth=date(1953, 1, 1), profession="bioingeniør"),
        employment("young", birth=date(1990, 1, 1), profession="bioingeniør", position=50.0),
    ])
    row = total(con)
    assert row["retiring_within_1y"] == 2
    assert row["retiring_within_5y"] == 3
    assert row["retiring_within_10y"] == 3
    assert row["retiring_within_5y_fte"] == pytest.approx(3.0)
    earliest = total(con, Scope(as_of=D, retirement_mode="earliest"))
    assert earliest["retiring_within_1y"] == 3  # bio-64 reaches 62 already
    everyone_at_34 = total(con, Scope(as_of=D, retirement_age=34))
    assert everyone_at_34["retiring_within_1y"] == 4


def test_leavers_last_working_day_and_window_edges(tmp_path):
    year_before = date(2022, 12, 1)
    con = database(tmp_path, [
        employment("stays", start=date(2010, 1, 1)),
        employment("last-day-is-d", start=date(2010, 1, 1), end=D, reason="egen_oppsigelse"),
        employment("left-on-window-start", start=date(2010, 1, 1), end=year_before, reason="annet"),
        employment("left-inside", start=date(2010, 1, 1), end=date(2023, 5, 1), reason="pensjon"),
        employment("joined-and-left-inside", start=date(2023, 2, 1), end=date(2023, 8, 1), reason="annet"),
    ])
    row = total(con)
    # The window is [d - 1 year, d): left-on-window-start, left-inside, joined-and-left-inside.
    assert row["leavers_12m"] == 3
    assert row["leavers_12m_retirement"] == 1
    # a year before: stays, last-day-is-d, left-on-window-start (its last day), left-inside = 4; now: 2
    assert row["headcount_year_before"] == 4
    assert row["headcount"] == 2
    assert row["turnover_12m"] == pytest.approx(3 / 3)
    assert row["turnover_12m_excl_retirement"] == pytest.approx(2 / 3)
    # KS cohort: of the 4 active a year before, 2 not active now.
    assert row["turnover_ks"] == pytest.approx(0.5)


def test_move_between_units_is_a_leaver_for_the_unit_not_the_organisation(tmp_path):
    con = database(tmp_path, [
        employment("mover", "A", start=date(2015, 1, 1), end=date(2023, 3, 31), reason="intern_overgang"),
        employment("mover", "B", start=date(2023, 4, 1)),
        employment("other", "A", start=date(2015, 1, 1)),
    ])
    units = by_unit(con)
    assert units.loc["A", "leavers_12m"] == 1
    assert units.loc["B", "leavers_12m"] == 0
    assert units.loc["total", "leavers_12m"] == 0
    assert units.loc["A", "turnover_ks"] == pytest.approx(0.5)
    assert units.loc["total", "turnover_ks"] == 0


def test_filters_restrict_the_scope(tmp_path):
    con = database(tmp_path, [
        employment("a", "A", profession="sykepleier", employment_type="fast"),
        employment("b", "B", profession="lege", employment_type="vikar"),
    ])
    assert total(con, Scope(as_of=D, units=("A",)))["headcount"] == 1
    assert total(con, Scope(as_of=D, professions=("lege",)))["headcount"] == 1
    assert total(con, Scope(as_of=D, employment_types=("vikar",)))["headcount"] == 1
    assert total(con, Scope(as_of=D, units=("C",)))["headcount"] == 0


def test_by_profession_and_unit(tmp_path):
    con = database(tmp_path, [
        employment("a", "A", profession="sykepleier"),
        employment("b", "A", profession="lege"),
        employment("c", "B", profession="lege"),
    ])
    frame = metrics.compute(con, Scope(as_of=D), by="unit,profession")
    assert frame.loc["A|lege", "headcount"] == 1
    assert frame.loc["total", "headcount"] == 3
    assert list(frame.loc[~frame["is_total"], "unit"]) == ["A", "A", "B"]


def test_fte_is_the_exact_decimal_sum_of_the_percentages(tmp_path):
    # 10.1 + 20.2 + 33.3 = 63.6 %: 0.636 FTE. Summed as doubles it comes out as 0.6359999999999999.
    con = database(tmp_path, [employment("a", position=10.1), employment("b", position=20.2),
                              employment("c", position=33.3)])
    assert total(con)["fte"] == 0.636
    assert str(total(con)["retiring_within_5y_fte"]) == "0.0"
