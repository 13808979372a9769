"""Oversikt in a real browser: the demo figures, the sidebar filters, and links that reproduce a view."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kompetanse import __main__ as cli
from kompetanse.figures import metrics
from kompetanse.storage import store, units

from .conftest import choose_unit, chosen_units, figure, metric, normalise, set_date, wait_for_app

pytestmark = pytest.mark.e2e

YEAR_BEFORE = date(2022, 12, 1)
WHOLE_ORGANISATION = 1196  # the demo's headcount on 01.12.2023 (DESIGN.md, demo data)
ALM_HEADCOUNT = 94  # Avdeling for laboratoriemedisin on 01.12.2023
ALM_IN_URL = re.compile(r"[?&]enhet=ALM(&|$)")
ALM_LABEL = re.compile(r"^\s*Avdeling for laboratoriemedisin \(ALM\)\s*$")


@pytest.fixture(scope="module")
def alm_year_before(tmp_path_factory: pytest.TempPathFactory) -> int:
    """ALM's headcount on 01.12.2022, computed from a separately built demo database."""
    path = Path(tmp_path_factory.mktemp("e2e-expected")) / "demo.duckdb"
    assert cli.main(["demo", "--db", str(path)]) == 0  # `python -m kompetanse demo --db PATH`, in-process
    con = store.connect(path)
    try:
        alm = units.descendants(units.tree(con), ["ALM"])
        frame = metrics.compute(con, metrics.Scope(as_of=YEAR_BEFORE, units=alm), by=None)
        return int(frame.loc["total", "headcount"])
    finally:
        con.close()




def test_fresh_start_shows_demo_key_figures(app_url: str, page: Page) -> None:
    page.goto(app_url)
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(WHOLE_ORGANISATION))
    assert normalise(metric(page, "Ansatte").inner_text()) == "1 196"
    expect(metric(page, "Årsverk")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_unit_and_date_in_sidebar_change_the_figures(
    app_url: str, page: Page, alm_year_before: int
) -> None:
    assert alm_year_before != ALM_HEADCOUNT, "the demo should differ between the two dates"
    page.goto(app_url)
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(WHOLE_ORGANISATION))

    choose_unit(page, "ALM")
    expect(metric(page, "Ansatte")).to_have_text(figure(ALM_HEADCOUNT))
    expect(page).to_have_url(ALM_IN_URL)

    set_date(page, "Referansedato", YEAR_BEFORE.day, YEAR_BEFORE.month, YEAR_BEFORE.year)
    expect(metric(page, "Ansatte")).to_have_text(figure(alm_year_before))
    expect(page).to_have_url(re.compile(r"[?&]dato=2022-12-01(&|$)"))
    expect(page).to_have_url(ALM_IN_URL)
    expect(chosen_units(page)).to_have_text([ALM_LABEL])
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_copied_url_opens_the_same_view(app_url: str, new_page: Callable[[], Page]) -> None:
    first = new_page()
    first.goto(app_url)
    wait_for_app(first, "[data-testid='stMetric']")
    choose_unit(first, "ALM")
    expect(metric(first, "Ansatte")).to_have_text(figure(ALM_HEADCOUNT))
    expect(first).to_have_url(ALM_IN_URL)
    copied = first.url

    second = new_page()  # a new browser context: nothing shared but the link
    second.goto(copied)
    wait_for_app(second, "[data-testid='stMetric']")
    expect(metric(second, "Ansatte")).to_have_text(figure(ALM_HEADCOUNT))
    expect(chosen_units(second)).to_have_text([ALM_LABEL])
    expect(second.locator("[data-testid='stException']")).to_have_count(0)


def test_url_with_unknown_unit_shows_notice_and_whole_organisation(
    app_url: str, page: Page
) -> None:
    page.goto(f"{app_url}/?enhet=FINNESIKKE")
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(WHOLE_ORGANISATION))
    notice = page.locator("[data-testid='stSidebar'] [data-testid='stAlert']")
    expect(notice).to_contain_text("FINNESIKKE")
    expect(chosen_units(page)).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

