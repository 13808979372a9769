"""Rapport in a real browser: the Excel workbook and the PowerPoint deck for ALM arrive as downloads,
named by unit and date, and open: the workbook with its front sheet and charts, the deck in 16:9
with a key-figures slide whose headcount is Oversikt's for the same unit and date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pptx import Presentation
from pptx.util import Inches

from .conftest import RENDER_TIMEOUT_MS, metric, normalise, wait_for_app

pytestmark = pytest.mark.e2e

UNIT, DATE = "ALM", "2023-12-01"  # the demo's data date is the default reference date
BUILD_TIMEOUT_MS = 60_000  # both files, built while the button waits


def _key_figures(deck: Presentation) -> dict[str, str]:
    """The "Nøkkeltall" slide's table as {figure: value}."""
    for slide in deck.slides:
        texts = [normalise(shape.text_frame.text) for shape in slide.shapes if shape.has_text_frame]
        if texts and texts[0] == "Nøkkeltall":
            table = next(shape.table for shape in slide.shapes if shape.has_table)
            return {normalise(row.cells[0].text): normalise(row.cells[1].text) for row in list(table.rows)[1:]}
    titles = [[s.text_frame.text for s in slide.shapes if s.has_text_frame][:1] for slide in deck.slides]
    raise AssertionError(f"no slide titled Nøkkeltall: {titles}")


def test_rapport_downloads_excel_and_powerpoint(app_url: str, page: Page, tmp_path: Path) -> None:
    # Oversikt's headcount for the unit: the deck must say the same.
    page.goto(f"{app_url}/?enhet={UNIT}")
    wait_for_app(page, "[data-testid='stMetric']")
    headcount = normalise(metric(page, "Ansatte").inner_text())
    assert re.fullmatch(r"\d[\d ]*", headcount), headcount

    page.locator("[data-testid='stSidebarNavLink']", has_text="Rapport").click()
    wait_for_app(page, "[data-testid='stMain'] h1")
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Rapport")
    unit_box = page.locator("[data-testid='stMain']").get_by_role("combobox", name="Enhet", exact=True)
    expect(unit_box).to_have_value(re.compile(rf"\({UNIT}\)\s*$"))  # the one unit chosen in the sidebar
    page.locator("[data-testid='stRadio']").get_by_text("Begge", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Lag rapport").click()
    expect(page.get_by_text("Rapporten er klar.")).to_be_visible(timeout=BUILD_TIMEOUT_MS)
    wait_for_app(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

    files: dict[str, Path] = {}
    for fmt in ("xlsx", "pptx"):
        name = f"kompetanseplan-{UNIT}-{DATE}.{fmt}"
        button = page.locator("[data-testid='stDownloadButton']").filter(has_text=f"Last ned {name}")
        expect(button).to_be_visible()
        with page.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
            button.locator("button, a").first.click()
        download = info.value
        assert download.failure() is None
        assert download.suggested_filename == name
        files[fmt] = tmp_path / download.suggested_filename
        download.save_as(files[fmt])
        assert files[fmt].stat().st_size > 0

    workbook = load_workbook(files["xlsx"])
    assert workbook.sheetnames[0] == "Forside", workbook.sheetnames
    front = {row[0]: row[1] for row in workbook["Forside"].iter_rows(min_col=1, max_col=2, values_only=True) if row[0]}
    assert front["Referansedato"].date().isoformat() == DATE
    assert f"({UNIT})" in str(front["Utvalg"]), front["Utvalg"]
    charts = {sheet.title: len(sheet._charts) for sheet in workbook.worksheets}  # openpyxl reads charts back here
    assert sum(charts.values()) > 0, charts

    deck = Presentation(str(files["pptx"]))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.01
    figures = _key_figures(deck)
    assert figures.get("Ansatte") == headcount, figures
