"""kompetanse.figures.compare on a tiny fixture: distance from the organisation, ranking, suppression."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kompetanse.figures import compare
from kompetanse.figures.metrics import Scope
from kompetanse.figures.suppression import Suppressed
from kompetanse.presentation import formatting
from kompetanse.storage import history, store

D = date(2023, 12, 1)
COLUMNS = history.KIND_TABLES["personnel"][1]


def _person(i: int, unit: str, age: int, pct: float = 100.0) -> dict[str, object]:
    return {
        "employee_id": f"{unit}-{i}", "unit_code": unit, "profession": "sykepleier",
        "birth_date": date(D.year - age, 1, 1), "gender": "K", "position_pct": pct, "employment_type": "fast",
        "start_date": date(2015, 1, 1), "end_date": None, "end_reason": None, "education_level": None,
    }


# A: 10 persons, 2 of them 60+ (share 20 %); B: 6 persons, none 60+; C: 2 persons (small).
ROWS = (
    [_person(i, "A", 62 if i < 2 else 40) for i in range(10)]
    + [_person(i, "B", 30, 50.0) for i in range(6)]
    + [_person(i, "C", 50) for i in range(2)]
)


@pytest.fixture()
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = store.connect(tmp_path / "t.duckdb")
    frame = pd.DataFrame(ROWS).reindex(columns=COLUMNS)
    history.record_import(connection, "personnel", frame, file_name="t.csv", sha256="t", snapshot_date=D)
    return connection


def test_relative_difference() -> None:
    assert compare.relative_difference(12, 10) == pytest.approx(0.2)
    assert compare.relative_difference(5, 10) == pytest.approx(-0.5)
    assert compare.relative_difference(None, 10) is None
    assert compare.relative_difference(3, 0) is None
    assert compare.cell_colour(None) == ""
    assert compare.cell_colour(0.5).startswith("background-color: rgba(230")  # above: orange
    assert compare.cell_colour(-0.5).startswith("background-color: rgba(52")  # below: blue


def test_units_table_ranks_and_compares_with_the_total(con: duckdb.DuckDBPyConnection) -> None:
    table = compare.units_table(con, Scope(as_of=D), 0, ["Andel 60+", "Ansatte", "Årsverk"])
    values = table.table.values
    assert table.unit_codes == ["A", "B", "C"]  # ranked by share 60+: 20 %, 0 %, 0 % (then by name)
    assert list(values.columns) == [compare.UNIT, "Andel 60+", "Ansatte", "Årsverk"]
    assert values.at["total", "Ansatte"] == 18
    assert values.at["A", "Andel 60+"] == pytest.approx(0.2)
    # A rate is compared with the total row: 2 of 18 are 60+.
    assert table.reference["Andel 60+"] == pytest.approx(2 / 18)
    assert table.relative.at["A", "Andel 60+"] == pytest.approx((0.2 - 2 / 18) / (2 / 18))
    # A count with the total per unit: 18 persons over 3 units.
    assert table.reference["Ansatte"] == pytest.approx(6)
    assert table.relative.at["A", "Ansatte"] == pytest.approx(10 / 6 - 1)
    assert table.relative.at["B", "Årsverk"] == pytest.approx(3 / (15 / 3) - 1)
    assert table.relative.at["total", "Ansatte"] is None
    styles = table.styles()
    assert styles.at["A", "Ansatte"].startswith("background-color")
    assert styles.at["total", "Ansatte"] == ""


def test_small_groups_are_hidden_uncoloured_and_ranked_last(con: duckdb.DuckDBPyConnection) -> None:
    table = compare.units_table(con, Scope(as_of=D), 5, ["Ansatte", "Gjennomsnittsalder", "Andel 60+"])
    values, hidden = table.table.values, table.table.hidden
    assert table.unit_codes == ["A", "B", "C"]  # C (2 persons) is hidden and last
    assert hidden.loc["C", ["Ansatte", "Gjennomsnittsalder", "Andel 60+"]].all()
    assert table.styles().loc["C"].eq("").all()
    shown = [v for v, h in zip(values["Ansatte"], hidden["Ansatte"], strict=True) if not h]
    assert not any(1 <= v < 5 for v in shown)
    assert values.at["A", "Gjennomsnittsalder"] == pytest.approx((2 * 62 + 8 * 40) / 10)


def test_chart_leaves_hidden_units_out(con: duckdb.DuckDBPyConnection) -> None:
    raw = compare.indicator_chart(con, Scope(as_of=D), 0, "Andel 60+")
    bars = raw.figure.data[0]
    assert list(bars.y) == ["C", "B", "A"]  # largest at the top
    assert list(bars.text) == [formatting.percent(0.0), formatting.percent(0.0), formatting.percent(0.2)]
    line = raw.figure.layout.shapes[0]
    assert line.x0 == pytest.approx(100 * 2 / 18)
    assert "11,1 %" in raw.figure.layout.annotations[0].text
    chart = compare.indicator_chart(con, Scope(as_of=D), 5, "Andel 60+")
    # C has 2 persons; A's share (2 of 10) would give its two persons 60+ back: both are left out,
    # and so is the reference line (2 of 18 in the whole selection).
    assert chart.left_out == ["A", "C"]
    assert chart.note is not None and "C" in chart.note
    assert list(chart.figure.data[0].y) == ["B"]
    assert not chart.figure.layout.shapes
    nobody = compare.indicator_chart(con, Scope(as_of=D, units=("C",)), 5, "Andel 60+")
    assert nobody.figure is None and nobody.left_out == ["C"]


def test_one_more_indicator_is_one_more_entry(con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    def gaps(db: store.Db, scope: Scope, k: int) -> Suppressed:
        frame = pd.DataFrame({"gap": [3, 0, 1, 4]}, index=["A", "B", "C", "total"])
        return Suppressed(values=frame.astype(object), hidden=frame.eq(1), k=k)

    extra = compare.Indicator("Testgap", "gap", formatting.number, "Manglende innehavere.", kind="sum",
                              source=gaps)
    monkeypatch.setattr(compare, "INDICATORS", [*compare.INDICATORS, extra])
    assert "Testgap" in compare.labels()
    table = compare.units_table(con, Scope(as_of=D), 0, ["Testgap", "Ansatte"])
    assert table.unit_codes == ["A", "B", "C"]  # 3, 0, hidden
    assert table.table.values.at["A", "Testgap"] == 3
    assert table.table.hidden.at["C", "Testgap"]


def test_competence_gaps_and_training_cost_are_indicators(con: duckdb.DuckDBPyConnection) -> None:
    assert {"Kompetansegap", "Opplæringskostnad per årsverk"} <= set(compare.labels())
    table = compare.units_table(con, Scope(as_of=D), 0, ["Kompetansegap", "Opplæringskostnad per årsverk"])
    assert table.table.values.at["A", "Kompetansegap"] == 0  # no requirements in this fixture: no gap
    assert table.table.values.at["A", "Opplæringskostnad per årsverk"] == 0


def test_a_selected_row_names_its_unit_and_the_total_row_none(con: duckdb.DuckDBPyConnection) -> None:
    table = compare.units_table(con, Scope(as_of=D), 0, ["Ansatte"])
    assert compare.selected_unit(table, [0]) == table.unit_codes[0]
    assert compare.selected_unit(table, [len(table.unit_codes)]) is None  # the total row
    assert compare.selected_unit(table, []) is None
