"""The management-review pack: the files a user opens (Excel and PowerPoint), and the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from pptx import Presentation
from pptx.util import Inches, Pt

from kompetanse import __main__ as cli
from kompetanse import export
from kompetanse.figures import metrics, retirement
from kompetanse.figures.metrics import BAND_COLUMNS, Scope
from kompetanse.figures.suppression import explain
from kompetanse.plan import costs
from kompetanse.storage import settings, store, units
from tests.fixtures import demo_copy

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2023, 12, 1)
ALM_BANDS = {  # the ALM plan's unit charts on 01.12.2023: <20 ... 70+
    "Avdelingsleder med stab": [0, 2, 2, 4, 9, 0, 0],
    "Medisinsk biokjemi Levanger": [0, 4, 13, 5, 8, 2, 0],
    "Medisinsk biokjemi Namsos": [0, 1, 9, 6, 4, 4, 0],
    "Blodbank Levanger": [0, 0, 2, 1, 3, 1, 0],
    "Blodbank Namsos": [0, 0, 1, 0, 3, 0, 0],
    "Medisinsk mikrobiologi": [0, 0, 7, 2, 4, 0, 0],
}
SHEETS = ["Forside", "Ansatte og årsverk", "Aldersfordeling", "Pensjon", "Turnover", "Kompetanse", "Tiltak",
          "Dekker planen behovet", "Finansiering", "Mål og status", "Praksisplasser", "Endringer",
          "Prognose mot faktisk"]
SLIDE_TITLES = [
    "Strategisk kompetanseplan", "Nøkkeltall", "Alderspyramide", "Aldersfordeling per enhet",
    "Pensjon og erstatningsbehov", "Turnover", "Kompetansegap", "Tiltak og kostnader", "Dekker planen behovet?",
    "Finansiering av tiltakene", "Mål og status", "Praksisplasser", "Endringer fra forrige plan",
    "Fjorårets prognose mot faktisk", "Definisjoner og datagrunnlag",
]
COUNT_FORMAT = "#,##0"  # the workbook's format for person counts
# A requirement (how many holders a unit needs), a number of measures and a goal's number: not counts of persons.
# Not figures about persons' characteristics: requirements, measures, and competence coverage (holders
# against a requirement is an operational figure, shown as on the Kompetanse page: DESIGN.md "Small groups").
NON_PERSON_COLUMNS = {"Krav", "Tiltak", "Nr.", "Innehavere", "Mangler"}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_copy(tmp_path_factory.mktemp("export") / "demo.duckdb")
    return path


@pytest.fixture(scope="module")
def packs(db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str | None, int], Path]:
    """Built once: (format, unit, k) -> file. The database is closed again before the command-line tests."""
    folder = tmp_path_factory.mktemp("packs")
    con = store.connect(db_path)
    built: dict[tuple[str, str | None, int], Path] = {}
    try:
        for k, cases in ((0, [("ALM", "xlsx"), ("ALM", "pptx")]),
                         (5, [("ALM", "xlsx"), ("ALM", "pptx"), (None, "xlsx"), (None, "pptx")])):
            settings.put(con, "min_group_size", str(k))
            for unit, fmt in cases:
                (folder / f"k{k}").mkdir(exist_ok=True)
                out = folder / f"k{k}" / export.file_name(unit, AS_OF, fmt)
                built[(fmt, unit, k)] = export.build(con, fmt, out, unit=unit, as_of=None)
    finally:
        settings.put(con, "min_group_size", "5")
        con.close()
    return built


@pytest.fixture(scope="module")
def alm_figures(db_path: Path):  # type: ignore[no-untyped-def]
    con = store.connect(db_path, read_only=True)
    try:
        scope = Scope(as_of=AS_OF, units=units.descendants(units.tree(con), ["ALM"]))
        per_unit = metrics.compute(con, scope, by="unit")
        by_year = retirement.by_year(con, scope)
        cost_by_year = costs.by_year(con, scope.units)
    finally:
        con.close()
    return per_unit, by_year, cost_by_year


# --- Excel ---------------------------------------------------------------------------------------


def _range_values(wb, formula: str) -> list:  # type: ignore[no-untyped-def]
    """The cell values a chart reference such as 'Aldersfordeling'!$C$7:$I$7 points at."""
    sheet, cells = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    return [ws.cell(row=r, column=c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def _categories(wb, series) -> list:  # type: ignore[no-untyped-def]
    reference = series.cat.strRef or series.cat.numRef
    return _range_values(wb, reference.f)


def _charts(wb) -> dict[str, list]:  # type: ignore[no-untyped-def]
    return {ws.title: list(ws._charts) for ws in wb.worksheets if ws._charts}


def test_file_name_carries_unit_and_date() -> None:
    assert export.file_name("ALM", AS_OF, "xlsx") == "kompetanseplan-ALM-2023-12-01.xlsx"
    assert export.file_name(None, AS_OF, "pptx") == "kompetanseplan-alle-2023-12-01.pptx"


def test_workbook_has_the_sheets_in_order(packs) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(packs[("xlsx", "ALM", 5)])
    assert wb.sheetnames == SHEETS


def test_front_sheet_says_what_the_figures_are(packs) -> None:  # type: ignore[no-untyped-def]
    ws = load_workbook(packs[("xlsx", "ALM", 5)])["Forside"]
    fields = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    assert fields["Organisasjon"] == "Kompetanse"
    assert fields["Utvalg"] == "Avdeling for laboratoriemedisin (ALM) med underenheter"
    assert fields["Referansedato"] == datetime(2023, 12, 1)
    assert fields["Datadato (dataene er fra)"] == datetime(2023, 12, 1)
    assert fields["Minste gruppestørrelse"] == 5
    assert fields["Små grupper"] == explain(5)
    for term in ("Ansatte", "Årsverk", "Alder", "Pensjon", "KS-turnover (kohort)", "Små grupper"):
        assert fields.get(term), term
    assert any(str(term).startswith("Turnover (sluttede") for term in fields)


def test_excel_has_native_charts_referencing_the_cells(packs, alm_figures) -> None:  # type: ignore[no-untyped-def]
    per_unit, by_year, cost_by_year = alm_figures
    wb = load_workbook(packs[("xlsx", "ALM", 0)])
    charts = _charts(wb)
    assert {name: len(found) for name, found in charts.items()} == {
        "Aldersfordeling": 1, "Pensjon": 1, "Tiltak": 1, "Dekker planen behovet": 1,
    }

    # Age bands: one series per unit, the plan's counts (k = 0 shows them all), against metrics.compute.
    ages_chart = charts["Aldersfordeling"][0]
    series = {s.tx.v: _range_values(wb, s.val.numRef.f) for s in ages_chart.series}
    assert series["Medisinsk biokjemi Levanger"] == [0, 4, 13, 5, 8, 2, 0]
    assert series == ALM_BANDS
    for code in ("MB-L", "MM", "Stab"):
        assert list(per_unit.loc[code, BAND_COLUMNS]) in series.values()
    assert _categories(wb, ages_chart.series[0]) == ["<20", "20-29", "30-39", "40-49", "50-59",
                                                                     "60-69", "70+"]

    # Retirements per year (years 1-10 of the total): with those already past, years 1-5 make up
    # metrics' "retiring within 5 years", years 1-10 its "within 10 years".
    years_chart = charts["Pensjon"][0]
    per_year = _range_values(wb, years_chart.series[0].val.numRef.f)
    assert _categories(wb, years_chart.series[0]) == [f"År {n}" for n in range(1, 11)]
    total_rows = by_year[by_year["is_total"]].set_index("year")["persons"]
    assert per_year == [int(total_rows.get(n, 0)) for n in range(1, 11)]
    already = int(total_rows.get(0, 0))
    assert already + sum(per_year[:5]) == per_unit.loc["total", "retiring_within_5y"]
    assert already + sum(per_year) == per_unit.loc["total", "retiring_within_10y"]

    # Cost per plan year and category, as costs.by_year computes it.
    cost_chart = charts["Tiltak"][0]
    cost_series = {s.tx.v: _range_values(wb, s.val.numRef.f) for s in cost_chart.series}
    expected = cost_by_year.pivot_table(index="plan_year", columns="category", values="cost")
    assert cost_series["Utvikling av personell"] == pytest.approx(list(expected["utvikling"]))
    assert cost_series["Rekruttering av personell"] == pytest.approx(list(expected["rekruttering"]))
    assert _categories(wb, cost_chart.series[0])[0] == "2023 (ettårsplan)"


def test_hidden_cells_say_lt5_with_number_formats_and_frozen_headers(packs) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(packs[("xlsx", "ALM", 5)])
    ws = wb["Aldersfordeling"]
    header = [c.value for c in ws[6]]
    mb_l = next(row for row in ws.iter_rows(min_row=7) if row[0].value == "MB-L")
    shown = {header[i]: cell for i, cell in enumerate(mb_l) if header[i]}
    # MB-L: 0, 4, 13, 5, 8, 2, 0 -> the 4 and the 2 are hidden; the unit's 32 persons show.
    assert [shown[b].value for b in ("<20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")] == \
        [0, "<5", 13, 5, 8, "<5", 0]
    assert shown["Totalt"].value == 32
    assert shown["30-39"].number_format == COUNT_FORMAT
    staff = wb["Ansatte og årsverk"]
    mb_l_row = next(row[0].row for row in staff.iter_rows(min_row=7) if row[0].value == "MB-L")
    formats = {staff.cell(row=6, column=c).value: staff.cell(row=mb_l_row, column=c).number_format
               for c in range(1, 7)}
    assert formats["Årsverk"] == "#,##0.0"
    assert formats["Gjennomsnittsalder"] == "#,##0.0"
    # MB-L's two persons 60+ are hidden, and so is its share 60+ (2/32 x 32 would give them back)
    assert staff.cell(row=mb_l_row, column=list(formats).index("Andel 60 år +") + 1).value == "<5"
    for name in SHEETS[1:]:
        assert wb[name].freeze_panes == "A7", name
    assert staff.column_dimensions["B"].width >= len("Medisinsk biokjemi Levanger")
    assert "<5 vises ikke i diagrammet." in [c.value for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize("unit", ["ALM", None])
def test_no_small_count_in_the_workbook(packs, unit) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(packs[("xlsx", unit, 5)])
    small = [
        (ws.title, cell.coordinate, cell.value)
        for ws in wb.worksheets for row in ws.iter_rows() for cell in row
        if cell.number_format == COUNT_FORMAT and isinstance(cell.value, int | float) and 1 <= cell.value <= 4
    ]
    assert small == []
    counts = sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.number_format == COUNT_FORMAT)
    assert counts > 100  # the check above looked at the person counts


def test_coverage_shows_holders_and_gaps_as_the_kompetanse_page_does(packs) -> None:  # type: ignore[no-untyped-def]
    ws = load_workbook(packs[("xlsx", "ALM", 5)])["Kompetanse"]
    header = [c.value for c in ws[6]]
    rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=7)
            if row[0].value]
    beaker = next(r for r in rows if r["Kode"] == "MB-L" and r["Kompetanse"] == "Beaker superbruker")
    assert (beaker["Krav"], beaker["Innehavere"], beaker["Mangler"], beaker["Status"]) == (4, 2, 2, "mangler")
    assert not [r for r in rows if "<5" in (r["Innehavere"], r["Mangler"])]


# --- PowerPoint ----------------------------------------------------------------------------------


def _titles(prs) -> list[str]:  # type: ignore[no-untyped-def]
    return [next(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in prs.slides]


def _chart_on(prs, title: str):  # type: ignore[no-untyped-def]
    slide = prs.slides[_titles(prs).index(title)]
    return next(s.chart for s in slide.shapes if s.has_chart)


def test_deck_is_16_9_with_the_slides_in_order(packs) -> None:  # type: ignore[no-untyped-def]
    prs = Presentation(packs[("pptx", "ALM", 5)])
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert _titles(prs) == SLIDE_TITLES
    charts = [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert len(charts) == 6  # pyramid, age bands, retirement and need, turnover, costs, the gap
    assert not [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]  # no pictures
    definitions = " ".join(s.text_frame.text for s in prs.slides[-1].shapes if s.has_text_frame)
    assert explain(5) in definitions
    assert "Dataene er fra: 01.12.2023" in definitions


def test_deck_charts_hold_the_figures(packs, alm_figures) -> None:  # type: ignore[no-untyped-def]
    per_unit = alm_figures[0]
    prs = Presentation(packs[("pptx", "ALM", 0)])
    pyramid = _chart_on(prs, "Alderspyramide")
    series = {s.name: s.values for s in pyramid.plots[0].series}
    assert list(series) == ["Kvinner", "Menn"]
    persons = [abs(w) + m for w, m in zip(series["Kvinner"], series["Menn"], strict=True)]
    assert persons == [0, 7, 32, 18, 30, 7, 0]  # the department's persons per band (each person once)
    bands = _chart_on(prs, "Aldersfordeling per enhet")
    values = {s.name: list(s.values) for s in bands.plots[0].series}
    assert values["Medisinsk biokjemi Levanger"] == [0, 4, 13, 5, 8, 2, 0]
    assert values == {name: [float(v) for v in counts] for name, counts in ALM_BANDS.items()}
    assert values["Medisinsk mikrobiologi"] == list(per_unit.loc["MM", BAND_COLUMNS].astype(float))


def test_deck_leaves_hidden_counts_out_of_charts_and_says_so(packs) -> None:  # type: ignore[no-untyped-def]
    prs = Presentation(packs[("pptx", "ALM", 5)])
    bands = _chart_on(prs, "Aldersfordeling per enhet")
    values = {s.name: list(s.values) for s in bands.plots[0].series}
    assert values["Medisinsk biokjemi Levanger"] == [0, None, 13, 5, 8, None, 0]
    slide = prs.slides[_titles(prs).index("Aldersfordeling per enhet")]
    assert any("<5 vises ikke" in s.text_frame.text for s in slide.shapes if s.has_text_frame)


@pytest.mark.parametrize("unit", ["ALM", None])
def test_no_small_count_in_the_deck(packs, unit) -> None:  # type: ignore[no-untyped-def]
    prs = Presentation(packs[("pptx", unit, 5)])
    small = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart and shape.chart.value_axis.tick_labels.number_format.startswith("#,##0"):
                for series in shape.chart.plots[0].series:
                    small += [(series.name, v) for v in series.values if v is not None and 1 <= abs(v) <= 4]
            if shape.has_table:
                header = [c.text for c in shape.table.rows[0].cells]
                for row in list(shape.table.rows)[1:]:
                    for name, cell in zip(header, row.cells, strict=True):
                        if name not in NON_PERSON_COLUMNS and re.fullmatch(r"[1-4]", cell.text):
                            small.append((name, cell.text))
    assert small == []


def test_no_text_under_12_pt(packs) -> None:  # type: ignore[no-untyped-def]
    prs = Presentation(packs[("pptx", None, 5)])
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    minimum = Pt(12).centipoints
    for number, slide in enumerate(prs.slides, start=1):
        parts = [slide.shapes._spTree]
        parts += [s.chart._chartSpace for s in slide.shapes if s.has_chart]
        for part in parts:
            sizes = [int(el.get("sz")) for el in part.iter() if el.get("sz") is not None and el.tag.startswith(a)]
            assert sizes and min(sizes) >= minimum, number
        for run in slide.shapes._spTree.iter(f"{a}r"):
            properties = run.find(f"{a}rPr")
            assert properties is not None and properties.get("sz") is not None, number
        for shape in slide.shapes:
            if shape.has_chart:
                chart = shape.chart
                assert chart.font.size >= Pt(12)
                assert chart.legend.font.size >= Pt(12)
                assert chart.category_axis.tick_labels.font.size >= Pt(12)
                assert chart.value_axis.tick_labels.font.size >= Pt(12)


# --- The command line ----------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kompetanse", *args], cwd=ROOT, capture_output=True, text=True,
                          check=False)


def test_cli_builds_a_deck(packs, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "pakke.pptx"
    result = run("export", "--format", "pptx", "--out", str(out), "--db", str(db_path), "--unit", "MB-L",
                 "--as-of", "2023-12-01")
    assert result.returncode == 0, result.stderr
    prs = Presentation(out)
    assert _titles(prs) == SLIDE_TITLES
    assert "Medisinsk biokjemi Levanger (MB-L)" in prs.slides[0].shapes[1].text_frame.text


def test_cli_unknown_unit(packs, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("export", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx"), "--db", str(db_path),
                 "--unit", "NOPE")
    assert result.returncode == 1
    assert result.stderr == "ukjent enhet: NOPE\n"
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_bad_date(packs, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx"), "--db", str(db_path),
                  "--as-of", "2023-13-01"])
    assert exit_.value.code == 2
    assert "ugyldig dato «2023-13-01»" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["missing-folder", "read-only", "folder"])
def test_cli_unwritable_out(  # type: ignore[no-untyped-def]
    packs, db_path: Path, tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = {
        "missing-folder": tmp_path / "finnes-ikke" / "x.xlsx",
        "read-only": Path("/proc/kompetanse-rapport.xlsx"),
        "folder": tmp_path,
    }[where]
    assert cli.main(["export", "--format", "xlsx", "--out", str(out), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Kan ikke skrive rapporten"), err
    assert "Traceback" not in err


# --- Disclosure control in the pack (issue 12) ----------------------------------------------------


def test_the_competence_gap_slide_shows_holders_and_gaps(packs) -> None:  # type: ignore[no-untyped-def]
    prs = Presentation(packs[("pptx", "ALM", 5)])
    slide = prs.slides[_titles(prs).index("Kompetansegap")]
    table = next(s.table for s in slide.shapes if s.has_table)
    header = [c.text for c in table.rows[0].cells]
    rows = [dict(zip(header, (c.text for c in row.cells), strict=True)) for row in list(table.rows)[1:]]
    assert rows and not [r for r in rows if "<5" in (r["Innehavere"], r["Mangler"])]
    beaker = next(r for r in rows if r["Kompetanse"] == "Beaker superbruker" and "Levanger" in r["Enhet"])
    assert (beaker["Krav"], beaker["Innehavere"], beaker["Mangler"]) == ("4", "2", "2")


def test_a_cell_hidden_to_protect_another_reads_colon_and_true_zeros_read_0(packs) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(packs[("xlsx", "ALM", 5)])
    bands = wb["Aldersfordeling"]
    header = [c.value for c in bands[6]]
    rows = {row[0].value: {header[i]: c.value for i, c in enumerate(row) if header[i]}
            for row in bands.iter_rows(min_row=7) if row[0].value}
    # BB-L has 7 persons, hidden so that BB-N's 4 cannot be worked out from the department's total
    assert rows["BB-L"]["Totalt"] == ":"
    assert rows["BB-N"]["Totalt"] == "<5"
    assert rows["BB-L"]["<20"] == 0 and rows["BB-L"]["70+"] == 0  # true zeros: 0, not «<5»
    staff = wb["Ansatte og årsverk"]
    header = [c.value for c in staff[6]]
    bb_l = next({header[i]: c.value for i, c in enumerate(row[:6])}  # the per-unit table (professions beside it)
                for row in staff.iter_rows(min_row=7) if row[0].value == "BB-L")
    assert bb_l["Ansatte"] == ":"
    assert bb_l["Gjennomsnittsalder"] == ":" and bb_l["Årsverk"] == ":"
    assert bb_l["Andel 60 år +"] == "<5"  # its one person 60+ is hidden itself
    notes = " ".join(str(c.value) for c in staff["A"] if c.value)
    assert "«:»" in notes
