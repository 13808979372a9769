"""The cost model against the ALM plan's lines, growth over five years, totals and cost per FTE."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kompetanse.demo import demo
from kompetanse.figures.metrics import Scope
from kompetanse.plan import costs
from kompetanse.storage import history, settings, store

D = date(2023, 12, 1)


def _measure(measure_id: int, unit: str, horizon: int, measure: str, *, main_task: str = "utdanning_helsepersonell",
             category: str = "utvikling", **amounts: float) -> dict[str, object]:
    row: dict[str, object] = {
        "measure_id": measure_id, "unit_code": unit, "main_task": main_task, "category": category,
        "horizon": horizon, "need": "Vedlikehold", "measure": measure, "schedule": None, "status": None,
        "responsible": None, "comment": None,
    }
    for column in costs.COST_INPUTS:
        row[column] = amounts.get(column, 0.0)
    return row


def _person(employee_id: str, unit: str, pct: float = 100.0) -> dict[str, object]:
    return {
        "employee_id": employee_id, "unit_code": unit, "profession": "bioingeniør", "birth_date": date(1980, 1, 1),
        "gender": "K", "position_pct": pct, "employment_type": "fast", "start_date": date(2015, 1, 1),
        "end_date": None, "end_reason": None, "education_level": "Bachelor",
    }


@pytest.fixture()
def con(tmp_path):
    con = store.connect(tmp_path / "t.duckdb")
    units = pd.DataFrame(
        [("DEP", "Avdeling", None, "avdeling"), ("A", "Seksjon A", "DEP", "seksjon"),
         ("B", "Seksjon B", "DEP", "seksjon")],
        columns=["unit_code", "unit_name", "parent_code", "level"],
    )
    # A: 5 persons, 4.5 FTE; B: 2 persons (a small group).
    people = [_person(f"a{i}", "A", 100.0 if i < 4 else 50.0) for i in range(5)]
    people += [_person("b1", "B"), _person("b2", "B")]
    measures = pd.DataFrame([
        _measure(1, "DEP", 1, "Internundervisning", hourly_rate=450, participants=15, hours=1, sessions=40),
        _measure(2, "DEP", 1, "Eksterne kurs, arbeidstid", day_rate=3600, days=50),
        _measure(3, "DEP", 1, "Eksterne kurs", course_fee=150_000, travel=10_000),
        _measure(4, "DEP", 1, "Interne kurs", category="rekruttering", main_task="forskning", other_cost=20_000),
        _measure(5, "A", 5, "Kurs hvert år", course_fee=100_000),
        _measure(6, "B", 1, "Mastergrad", course_fee=0),  # "?" in the plan: vurderes for hvert tilfelle
    ])
    for kind, frame in (("units", units), ("personnel", pd.DataFrame(people)), ("measures", measures)):
        history.record_import(con, kind, frame, file_name=kind, sha256=kind, snapshot_date=D)
    settings.put(con, "cost_growth", "0.05")
    yield con
    con.close()


def test_line_costs_follow_the_alm_plan(con):
    lines = costs.lines(con).set_index("measure")["cost"]
    assert lines["Internundervisning"] == 270_000  # 450 x 15 x 1 x 40
    assert lines["Eksterne kurs, arbeidstid"] == 180_000  # 3 600 x 50
    assert lines["Eksterne kurs"] == 160_000
    assert lines["Interne kurs"] == 20_000
    assert lines["Mastergrad"] == 0


def test_growth_over_five_years(con):
    yearly = costs.by_year(con).groupby("plan_year")["cost"].sum()
    assert yearly[0] == pytest.approx(270_000 + 180_000 + 160_000 + 20_000 + 0)
    expected = {1: 105_000.0, 2: 110_250.0, 3: 115_762.5, 4: 121_550.625, 5: 127_628.15625}  # 100 000 x 1.05^k
    for year, value in expected.items():
        assert yearly[year] == pytest.approx(value)
        assert costs.planned_cost(con, None, year) == pytest.approx(value)
    assert costs.planned_cost(con, None) == pytest.approx(630_000)
    assert costs.planned_cost(con, ["A"], 0) == 0
    assert costs.planned_cost(con, ["A"], 2) == pytest.approx(110_250)


def test_totals_per_unit_main_task_and_category(con):
    totals = costs.totals(con)
    unit = costs.totals_for(totals, "unit")
    assert unit.loc["DEP", "cost_1y"] == 630_000
    assert unit.loc["A", "cost_5y"] == pytest.approx(sum(100_000 * 1.05**k for k in range(1, 6)))
    task = costs.totals_for(totals, "main_task")
    assert task.loc["forskning", "cost_1y"] == 20_000
    assert task.loc["utdanning_helsepersonell", "cost_1y"] == 610_000
    category = costs.totals_for(totals, "category")
    assert category.loc["rekruttering", "cost_1y"] == 20_000
    assert costs.totals_for(totals, "total").iloc[0]["lines"] == 6


def test_cost_per_fte_hidden_for_small_units(con):
    table = costs.cost_per_fte_by_unit(con, Scope(as_of=D), k=5).set_index("unit_code")
    # DEP: 630 000 / (4.5 + 2.0) FTE over its 7 persons; B: 2 persons, hidden.
    assert table.loc["DEP", "cost_per_fte"] == pytest.approx(630_000 / 6.5)
    assert table.loc["A", "cost_per_fte"] == 0
    assert table.loc["B", "cost_per_fte"] is None
    assert table.loc["B", "cost_1y"] == 0  # costs themselves always show


def test_demo_plan_has_the_alm_lines(tmp_path):
    frames = demo.demo_plan.build_frames(demo.build_personnel())
    measures = frames["measures"]
    alm = measures[measures["unit_code"] == "ALM"]
    con = store.connect(tmp_path / "d.duckdb")
    history.record_import(con, "measures", measures, file_name="m", sha256="m", snapshot_date=D)
    lines = costs.lines(con, ["ALM"])
    by_measure = dict(zip(lines["measure"], lines["cost"], strict=True))
    assert by_measure["Internundervisning i arbeidstiden"] == 270_000
    assert by_measure["Hospitering og eksterne kurs: arbeidstid"] == 180_000
    # 270 000 + 20 000 + 180 000 + 150 000 + 10 000 + 20 000
    assert costs.planned_cost(con, ["ALM"]) == 650_000
    assert set(alm["main_task"]) == {"pasientbehandling", "forskning", "utdanning_helsepersonell",
                                     "opplaering_pasienter_parorende"}
    con.close()
