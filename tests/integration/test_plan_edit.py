"""Saving edited measures: a valid save, a rejected edit leaves the database as it was, undo restores."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kompetanse.plan import costs, plan_edit
from kompetanse.presentation import formatting
from kompetanse.storage import history, store

D = date(2023, 12, 1)
UNITS = ["ALM", "MB-L", "HO"]


def _tables(con) -> dict[str, pd.DataFrame]:
    return {
        "measures": store.run_sql(con, "select * from measures order by import_id, measure_id"),
        "imports": store.run_sql(con, "select import_id, kind, file_name, rows, active from imports order by 1"),
    }


@pytest.fixture()
def con(tmp_path):
    con = store.connect(tmp_path / "t.duckdb")
    units = pd.DataFrame([(u, u, None, "avdeling") for u in UNITS],
                         columns=["unit_code", "unit_name", "parent_code", "level"])
    history.record_import(con, "units", units, file_name="u", sha256="u", snapshot_date=D)
    base = [
        {"measure_id": 1, "unit_code": "ALM", "main_task": "utdanning_helsepersonell", "category": "utvikling",
         "horizon": 1, "measure": "Internundervisning", "hourly_rate": 450.0, "participants": 15.0, "hours": 1.0,
         "sessions": 40.0},
        {"measure_id": 2, "unit_code": "ALM", "main_task": "forskning", "category": "rekruttering", "horizon": 5,
         "measure": "Interne kurs", "other_cost": 20_000.0},
        {"measure_id": 3, "unit_code": "HO", "main_task": "pasientbehandling", "category": "utvikling",
         "horizon": 1, "measure": "Demens", "course_fee": 60_000.0},
    ]
    history.record_import(con, "measures", pd.DataFrame(base), file_name="m", sha256="m", snapshot_date=D)
    yield con
    con.close()


def _editor(con, units=None) -> pd.DataFrame:
    return plan_edit.editor_frame(costs.lines(con, units))


def test_valid_save_adds_changes_and_deletes(con):
    frame = _editor(con)
    frame.loc[frame["measure"] == "Internundervisning", "participants"] = 20  # 450 x 20 x 40 = 360 000
    frame = frame[frame["measure"] != "Interne kurs"]  # delete
    added = {"unit_code": "MB-L", "main_task": "Forskning", "category": "Utvikling", "horizon": "5 år",
             "measure": "Mastergrad", "course_fee": "12 500,5"}  # labels and a decimal comma accepted
    frame = pd.concat([frame, pd.DataFrame([added])], ignore_index=True)
    before = plan_edit.active_import_id(con)
    result = plan_edit.save(con, frame, UNITS, D)
    assert result.previous_import_id == before and result.import_id != before
    lines = costs.lines(con).set_index("measure")
    assert lines.loc["Internundervisning", "cost"] == 360_000
    assert "Interne kurs" not in lines.index
    assert lines.loc["Mastergrad", "cost"] == 12_500.5
    assert lines.loc["Mastergrad", "main_task"] == "forskning" and lines.loc["Mastergrad", "horizon"] == 5
    assert lines.loc["Internundervisning", "measure_id"] == 1  # kept its id
    assert costs.planned_cost(con, None) == 360_000 + 60_000
    imports = history.list_imports(con)
    assert imports.loc[imports["import_id"] == result.import_id, "file_name"].item() == "redigert i appen"


def test_invalid_edit_is_rejected_and_nothing_changes(con):
    before = _tables(con)
    frame = _editor(con).astype(object)  # text where numbers belong, as a paste could bring
    frame.loc[0, "hours"] = -1
    frame.loc[1, "main_task"] = "ledelse"
    frame.loc[2, "horizon"] = 3
    frame.loc[2, "unit_code"] = "XYZ"
    frame.loc[1, "course_fee"] = "mye"
    frame = pd.concat([frame, pd.DataFrame([{"unit_code": "ALM", "main_task": "forskning", "category": "annet",
                                             "horizon": 1}])], ignore_index=True)
    with pytest.raises(plan_edit.PlanEditError) as caught:
        plan_edit.save(con, frame, UNITS, D)
    problems = caught.value.problems
    assert f"Rad 1: Timer: kan ikke være negativ ({formatting.number(-1)})." in problems
    assert any(p.startswith("Rad 2: Hovedoppgave: «ledelse»") for p in problems)
    assert "Rad 2: Kursavgift (kr): «mye» er ikke et tall." in problems
    assert any(p.startswith("Rad 3: Horisont: «3»") for p in problems)
    assert "Rad 3: Enhet: «XYZ» er ikke en kjent enhetskode." in problems
    assert any(p.startswith("Rad 4: Kategori: «annet»") for p in problems)
    assert "Rad 4: Fyll inn behov for kompetanse eller tiltak." in problems
    after = _tables(con)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_undo_restores_the_previous_version(con):
    original = costs.lines(con)
    frame = _editor(con)
    frame = frame[frame["measure"] != "Demens"]
    result = plan_edit.save(con, frame, UNITS, D)
    assert "Demens" not in set(costs.lines(con)["measure"])
    plan_edit.undo(con, result.previous_import_id)
    pd.testing.assert_frame_equal(costs.lines(con), original)
    with pytest.raises(LookupError):
        plan_edit.undo(con, 999)


def test_save_within_a_scope_keeps_other_units(con):
    frame = _editor(con, ["HO"])
    frame.loc[0, "course_fee"] = 80_000
    plan_edit.save(con, frame, UNITS, D, scope_units=["HO"])
    lines = costs.lines(con).set_index("measure")
    assert lines.loc["Demens", "cost"] == 80_000
    assert {"Internundervisning", "Interne kurs"} <= set(lines.index)
    assert len(lines) == 3
