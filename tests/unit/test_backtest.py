"""The projection checks itself: last year's forecast beside what happened, on a fixture whose outcome is known."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kompetanse.figures import backtest, projection, retirement
from kompetanse.figures.metrics import Scope
from kompetanse.plan import plan_versions
from tests.fixtures import database, employment

D = date(2023, 12, 1)
THEN = date(2022, 12, 1)
YOUNG = date(1993, 1, 1)

# Doctors. On 01.12.2022: L1 (66, reaches 67 on 01.06.2023) and L2-L5; L0 had quit in the year before.
# Since: L1 retired, L2 quit, L6 joined.
ROWS = [
    employment("L0", profession="lege", birth=YOUNG, end=date(2022, 6, 30), reason="egen_oppsigelse"),
    employment("L1", profession="lege", birth=date(1956, 6, 1), end=date(2023, 5, 31), reason="pensjon"),
    employment("L2", profession="lege", birth=YOUNG, end=date(2023, 3, 31), reason="egen_oppsigelse"),
    *[employment(f"L{i}", profession="lege", birth=YOUNG) for i in (3, 4, 5)],
    employment("L6", profession="lege", birth=YOUNG, start=date(2023, 4, 1)),
]


def shown(check: backtest.Backtest, part: str, what: str, row: str = "lege") -> object:
    return check.table.values.loc[row, backtest.column(part, what)]


def test_last_years_forecast_stands_beside_what_happened(tmp_path):
    con = database(tmp_path, ROWS)
    check = backtest.compute(con, Scope(as_of=D), projection.Scenario(), k=1)
    assert check.then == THEN and check.source == "beregnet nå med samme regler og scenario"
    # Forecast at 01.12.2022: L1 retires in year 1; other leavers = 5 x turnover without retirements in the
    # year to then (1 leaver / mean(6, 5) persons); everyone replaced: 5 persons a year on.
    other = 5 * 1 / 5.5
    assert shown(check, "Pensjonering", "forventet") == pytest.approx(1)
    assert shown(check, "Andre avganger", "forventet") == pytest.approx(other)
    assert shown(check, "Ansatte", "forventet") == pytest.approx(5)
    # What happened: L1 retired, L2 quit; L3-L6 are there on 01.12.2023.
    assert (shown(check, "Pensjonering", "faktisk"), shown(check, "Andre avganger", "faktisk")) == (1, 1)
    assert shown(check, "Ansatte", "faktisk") == 4
    assert shown(check, "Pensjonering", "avvik") == pytest.approx(0)
    assert shown(check, "Andre avganger", "avvik") == pytest.approx(1 - other)
    assert shown(check, "Ansatte", "avvik") == pytest.approx(-1)
    assert check.table.values.loc[backtest.TOTAL, backtest.column("Ansatte", "avvik")] == pytest.approx(-1)


def test_a_plan_closed_last_year_supplies_the_forecast_it_showed(tmp_path):
    con = database(tmp_path, ROWS)
    plan_versions.close(con, 2022, as_of=THEN, closed_by="test")
    # The rules change afterwards (doctors to 70): a forecast computed now would have no retirement.
    rules = retirement.rule_table(con)
    rules = pd.concat([rules, pd.DataFrame([{"profession": "lege", "earliest_age": 62, "expected_age": 70}])])
    assert retirement.save_rules(con, rules) == []
    check = backtest.compute(con, Scope(as_of=D), projection.Scenario(), k=1)
    assert check.source == "fra lukket plan 2022"
    assert shown(check, "Pensjonering", "forventet") == pytest.approx(1)
    # Another scenario than the plan's: computed now, with today's rules.
    other = backtest.compute(con, Scope(as_of=D), projection.Scenario(growth=0.1), k=1)
    assert other.source.startswith("beregnet nå")
    assert shown(other, "Pensjonering", "forventet") == pytest.approx(0)
    assert shown(other, "Ansatte", "forventet") == pytest.approx(5.5)


def test_a_group_smaller_than_k_shows_no_forecast_or_outcome(tmp_path):
    con = database(tmp_path, ROWS)
    check = backtest.compute(con, Scope(as_of=D), projection.Scenario(), k=5)
    values = check.table.values
    assert values.loc["lege"].isna().all()  # 4 persons now
    assert values.loc[backtest.TOTAL].isna().all()
