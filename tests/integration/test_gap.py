"""`gap --json`, the measures' effect columns and the pack's «Dekker planen behovet?» against each other."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from kompetanse import importer
from kompetanse.__main__ import main
from kompetanse.plan import plan_versions
from kompetanse.storage import history, store
from tests.fixtures import demo_copy, employment, load

D = date(2023, 12, 1)


def record(con, kind: str, rows: list[dict[str, object]]) -> None:
    frame = pd.DataFrame(rows)
    digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()
    history.record_import(con, kind, frame, file_name="fixture", sha256=digest, snapshot_date=D)


def measure(**fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "measure_id": 1, "unit_code": "A", "main_task": "pasientbehandling", "category": "utvikling", "horizon": 1,
        "need": "Intensivsykepleie", "measure": "Videreutdanning", "schedule": None, "hours": 0.0,
        "participants": 0.0, "sessions": 0.0, "hourly_rate": 0.0, "days": 0.0, "day_rate": 0.0,
        "course_fee": 0.0, "travel": 0.0, "other_cost": 0.0, "status": None, "responsible": None, "comment": None,
        "funding_source": None, "funding_applied": None, "funding_granted": None, "goal_id": None,
        "effect_kind": None, "effect_target": None, "effect_count": None, "effect_unit": None, "effect_from": None,
    }
    return {**row, **fields}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Unit A needs 3 with Intensivsykepleie, has 2 (b reaches 67 in year 2); a measure qualifies 2 in year 1."""
    path = tmp_path / "small.duckdb"
    con = store.connect(path)
    load(con, [
        employment("a", profession="bioingeniør", birth=date(1983, 3, 1)),
        employment("b", profession="bioingeniør", birth=date(1958, 6, 15)),
        *[employment(f"x{i}", profession="bioingeniør", birth=date(1990, 1, 1)) for i in range(5)],
    ])
    record(con, "competences", [
        {"employee_id": e, "competence": "Intensivsykepleie", "kind": "videreutdanning", "acquired_date": None,
         "expires_date": None} for e in ("a", "b")
    ])
    record(con, "requirements", [{"unit_code": "A", "competence": "Intensivsykepleie", "min_holders": 3}])
    record(con, "measures", [measure(course_fee=40_000.0, effect_kind="kompetanse", effect_target="Intensivsykepleie",
                                     effect_count=2.0, effect_from=date(2024, 6, 1))])
    con.close()
    return path


def gap_json(capsys, *args: str) -> dict:
    assert main(["gap", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_gap_json_gives_the_hand_computed_gaps_without_and_with_the_plan(small, capsys):
    result = gap_json(capsys, "--db", str(small), "--as-of", "2023-12-01")
    totals = result["totals"]
    assert [t["competence_gap_without"] for t in totals] == [1, 1, 2, 2, 2, 2]
    assert [t["competence_gap_with"] for t in totals] == [1, 0, 0, 0, 0, 0]
    [line] = result["measures"]
    assert (line["effect_count"], line["effect_year"], line["planned_cost"], line["cost_per_person"]) == (
        2.0, 1, 40_000.0, 20_000.0)


def test_gap_is_audited_with_the_account_that_ran_it(small, capsys):
    gap_json(capsys, "--db", str(small))
    con = store.connect(small, read_only=True)
    try:
        action, actor = con.execute('select action, actor from audit order by "at" desc limit 1').fetchone()
    finally:
        con.close()
    assert action == "behov og dekning" and actor.startswith("kommandolinje")


def test_years_narrow_the_projection(small, capsys):
    result = gap_json(capsys, "--db", str(small), "--years", "2")
    assert [t["year"] for t in result["totals"]] == [0, 1, 2]


def test_gap_refuses_an_unknown_unit_with_exit_1(small, capsys):
    assert main(["gap", "--json", "--db", str(small), "--unit", "NOPE"]) == 1
    assert "NOPE" in capsys.readouterr().err


def test_a_measures_file_with_effect_columns_imports_them(tmp_path):
    path = tmp_path / "db.duckdb"
    con = store.connect(path)
    csv = tmp_path / "tiltak.csv"
    csv.write_text(
        "Enhet;Hovedoppgave;Kategori;Horisont;Tiltak;Kursavgift;Effekt;Effekt gjelder;Antall personer;Effekt fra\n"
        "A;Pasientbehandling;Utvikling;1 år;Videreutdanning;40 000;Kompetanse;Intensivsykepleie;2;01.06.2024\n"
        "A;Pasientbehandling;Rekruttering;5 år;Utlysning;;Rekruttering;sykepleier;3;\n",
        encoding="utf-8",
    )
    importer.import_files(con, [csv], "measures", snapshot_date=D)
    stored = con.execute(
        "select effect_kind, effect_target, effect_count, effect_from from v_measures order by measure_id"
    ).fetchall()
    assert stored == [
        ("kompetanse", "Intensivsykepleie", 2.0, date(2024, 6, 1)), ("rekruttering", "sykepleier", 3.0, None),
    ]
    template = openpyxl.load_workbook(io.BytesIO(importer.template("measures")))
    headers = [c.value for c in template["Import"][1]]
    assert {"Effekt", "Effekt gjelder", "Antall personer", "Effekt fra"} <= set(headers)


def test_a_closed_year_keeps_the_effects_it_promised(small):
    con = store.connect(small)
    version = plan_versions.close(con, 2023, as_of=D, closed_by="test")
    kept = plan_versions.version_measures(con, version.version_id)
    assert kept[["effect_kind", "effect_target", "effect_count"]].values.tolist() == [
        ["kompetanse", "Intensivsykepleie", 2.0]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("gapdemo") / "demo.duckdb")


def test_the_packs_sheet_and_slide_show_the_figures_of_gap_json(demo, tmp_path, capsys):
    result = gap_json(capsys, "--db", str(demo), "--unit", "ALM")
    for kind in ("xlsx", "pptx"):
        out = str(tmp_path / f"p.{kind}")
        assert main(["export", "--db", str(demo), "--unit", "ALM", "--format", kind, "--out", out]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx")["Dekker planen behovet"]
    rows = [r for r in sheet.iter_rows(values_only=True)
            if r[0] and str(r[0]).startswith(("I dag", "Om ")) and len(r) > 1 and r[1] is not None][:6]
    assert [r[1] for r in rows] == [t["competence_gap_without"] for t in result["totals"]]
    assert [r[2] for r in rows] == [t["competence_gap_with"] for t in result["totals"]]
    assert [r[3] for r in rows] == [t["staffing_gap_without"] for t in result["totals"]]
    last = result["totals"][-1]
    deck = Presentation(str(tmp_path / "p.pptx"))
    slide = next(s for s in deck.slides if any(
        sh.has_text_frame and sh.text_frame.text == "Dekker planen behovet?" for sh in s.shapes))
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    closed = last["competence_gap_without"] - round(last["competence_gap_with"])
    assert f"mangler {last['competence_gap_without']} personer" in text and f"dekker {closed} av dem" in text
    chart = next(sh.chart for sh in slide.shapes if sh.has_chart)
    plotted = [list(p.values) for p in chart.plots[0].series]
    assert plotted[0] == [float(t["competence_gap_without"]) for t in result["totals"]]


def test_last_years_promises_stand_beside_what_happened(demo):
    from kompetanse.figures import gap
    from kompetanse.figures.metrics import Scope

    con = store.connect(demo, read_only=True)
    follow_up = gap.follow_up(con, Scope(as_of=D), 5)
    assert (follow_up.plan_year, follow_up.since) == (2022, date(2022, 12, 1))
    row = follow_up.competence.set_index(gap.COMPETENCE).loc["Videreutdanning intensivsykepleie"]
    assert (row[gap.PROMISED], row[gap.THEN], row[gap.NOW]) == (2, 24, 28)
    assert follow_up.recruitment.values.loc["sykepleier", gap.STARTED] == 16
    assert follow_up.recruitment.hidden.loc["bioingeniør", gap.STARTED]  # fewer than 5 started: hidden
