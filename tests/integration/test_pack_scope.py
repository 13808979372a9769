"""Scope everywhere: a leader's pack holds the same numbers as the pack an administrator builds for that
leader's units, and nothing from the rest of the organisation (issue 12, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from kompetanse import __main__ as cli
from kompetanse.access import users
from kompetanse.storage import store
from tests.fixtures import demo_copy

NUMBER = re.compile(r"-?\d[\d\s.,]*")


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """kari (leder for MB-L) exports for herself; an administrator exports MB-L; both formats."""
    folder = tmp_path_factory.mktemp("scope")
    db = demo_copy(folder / "demo.duckdb")
    con = store.connect(db)
    users.add(con, "kari", "leder", ["MB-L"], "riktig-passord")
    users.add(con, "ada", "admin", [], "riktig-passord")
    con.close()
    built = {}
    for fmt in ("xlsx", "pptx"):
        for who, extra in (("leader", ["--as-user", "kari"]), ("admin", ["--as-user", "ada", "--unit", "MB-L"])):
            out = folder / f"{who}.{fmt}"
            assert cli.main(["export", "--db", str(db), "--format", fmt, "--out", str(out), *extra]) == 0
            built[f"{who}.{fmt}"] = out
    return built


def _sheet_numbers(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Every number in every cell of every sheet (numeric cells, and the figures inside text cells), by position.
    The Forside's "Laget" time and the scope line (the leader's «dine enheter» against the unit's name) are left out."""
    workbook = load_workbook(path)
    found: dict[str, list[tuple[str, str]]] = {}
    for sheet in workbook.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or (sheet.title == "Forside" and cell.row == 8) or cell.row == 2:
                    continue
                if isinstance(cell.value, int | float):  # as Excel shows it (sums may differ in the 15th digit)
                    cells.append((cell.coordinate, f"{cell.value:.9g}"))
                elif isinstance(cell.value, str):
                    cells += [(cell.coordinate, n.strip()) for n in NUMBER.findall(cell.value)]
        found[sheet.title] = cells
    return found


def test_a_leaders_workbook_has_the_numbers_of_her_units_only(packs: dict[str, Path]) -> None:
    leader, admin = _sheet_numbers(packs["leader.xlsx"]), _sheet_numbers(packs["admin.xlsx"])
    assert list(leader) == list(admin)
    for sheet in leader:
        assert leader[sheet] == admin[sheet], sheet


def test_a_leaders_key_figures_then_and_now_are_her_units(packs: dict[str, Path]) -> None:
    sheet = load_workbook(packs["leader.xlsx"])["Endringer"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any("hele organisasjonen" in t for t in texts)
    assert "32" in texts  # MB-L's headcount now (the Oversikt page shows kari 32)


def _slide_numbers(path: Path) -> list[tuple[int, str]]:
    deck = Presentation(str(path))
    found = []
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            texts = []
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                plot = shape.chart.plots[0]
                texts += [str(list(s.values)) for s in plot.series] + [str(list(plot.categories))]
            for text in texts:
                found += [(number, n.strip()) for n in NUMBER.findall(text)]
    return found


def test_a_leaders_deck_has_the_numbers_of_her_units_only(packs: dict[str, Path]) -> None:
    leader, admin = _slide_numbers(packs["leader.pptx"]), _slide_numbers(packs["admin.pptx"])
    # the title slide says when the deck was made (to the minute): leave its numbers out
    assert [n for n in leader if n[0] > 1] == [n for n in admin if n[0] > 1]
