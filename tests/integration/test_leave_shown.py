"""Leave (issue 11, item 6): agreed FTE and agreed FTE excluding leave wherever FTE is shown."""

from __future__ import annotations

from datetime import date

import pytest

from kompetanse.export import pack
from kompetanse.figures import compare, metrics, overview
from kompetanse.storage import store
from tests.fixtures import employment, load

AS_OF = date(2023, 12, 1)


def _with_leave(row: dict[str, object], pct: float, start: date | None = None, end: date | None = None) -> dict:
    return {**row, "leave_pct": pct, "leave_start": start, "leave_end": end}


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "t.duckdb")
    connection.execute("insert into units values (0, 'A', 'Avdeling A', null, 'avdeling')")
    connection.execute("insert into imports values (0, 'units', 'u', 'u', 1, now(), '2023-12-01', true)")
    rows = [employment(str(i), position=80.0) for i in range(6)]
    rows[0] = _with_leave(rows[0], 50.0, date(2023, 1, 1), date(2024, 6, 30))  # 0.4 FTE on leave on d
    rows[1] = _with_leave(rows[1], 100.0, date(2022, 1, 1), date(2022, 12, 31))  # over before d
    load(connection, rows)
    yield connection
    connection.close()


def test_the_json_gives_fte_and_fte_excluding_leave(con):
    total = metrics.report(con, metrics.Scope(as_of=AS_OF), by="unit", min_cell=0)["total"]
    assert total["fte"] == pytest.approx(4.8)
    assert total["fte_excluding_leave"] == pytest.approx(4.4)


def test_oversikt_shows_both_agreed_fte_figures_where_leave_is_given(con):
    figures = {f.label: f.value for f in overview.key_figures(con, metrics.Scope(as_of=AS_OF), 5)}
    assert figures["Avtalte årsverk"] == "4,8"
    assert figures["Avtalte årsverk ekskl. permisjon"] == "4,4"
    assert "Årsverk" not in figures


def test_without_leave_in_the_data_fte_is_shown_once(tmp_path):
    plain = store.connect(tmp_path / "p.duckdb")
    load(plain, [employment(str(i)) for i in range(5)])
    labels = [f.label for f in overview.key_figures(plain, metrics.Scope(as_of=AS_OF), 5)]
    assert "Årsverk" in labels and metrics.FTE_EXCLUDING_LEAVE_LABEL not in labels
    assert metrics.FTE_EXCLUDING_LEAVE_LABEL not in compare.labels(plain)
    plain.close()


def test_sammenlign_offers_fte_excluding_leave_per_unit(con):
    label = metrics.FTE_EXCLUDING_LEAVE_LABEL
    assert label in compare.labels(con)
    table = compare.units_table(con, metrics.Scope(as_of=AS_OF), 5, ["Årsverk", label]).table.values
    assert table.loc["A", label] == pytest.approx(4.4)


def test_the_pack_has_both_agreed_fte_columns(con):
    built = pack.gather(con, None, AS_OF)
    staff = built.staff_by_unit.values
    assert staff.loc["A", "Avtalte årsverk"] == pytest.approx(4.8)
    assert staff.loc["A", "Avtalte årsverk ekskl. permisjon"] == pytest.approx(4.4)
    assert ("Avtalte årsverk ekskl. permisjon", "4,4") in {(f.label, f.value) for f in built.key_figures}
