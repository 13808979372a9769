"""Tiltak og kostnader in a real browser: an edit typed into the plan's table, saved, changes the
one-year cost total, and the new total is still there after a reload (a new session).

The save changes the database, so this test runs against its own freshly started server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from kompetanse import __main__ as cli
from kompetanse.plan import costs, plan_edit
from kompetanse.storage import store, units

from .conftest import RENDER_TIMEOUT_MS, edit_cell, metric, wait_for_app

pytestmark = pytest.mark.e2e

MEASURE = "Internundervisning i arbeidstiden"  # the ALM plan: 450 kr x 15 participants x 1 hour x 40 times
NEW_HOURS = 3


def _cost(line: pd.Series) -> float:
    """The cost formula (DESIGN.md "Training cost of a measure"), written out here to check the app's."""
    return (
        line["hourly_rate"] * line["participants"] * line["hours"] * line["sessions"]
        + line["day_rate"] * line["days"] + line["course_fee"] + line["travel"] + line["other_cost"]
    )


@pytest.fixture(scope="module")
def alm_plan(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """ALM's plan lines, in the editor's order, from a separately built demo database."""
    path = Path(tmp_path_factory.mktemp("e2e-plan")) / "demo.duckdb"
    assert cli.main(["demo", "--db", str(path)]) == 0
    con = store.connect(path)
    try:
        return costs.lines(con, units.descendants(units.tree(con), ["ALM"])).reset_index(drop=True)
    finally:
        con.close()


def _kroner(amount: float) -> re.Pattern[str]:
    """A pattern for an amount as st.metric shows it ("1 190 000 kr", any kind of space)."""
    assert amount.is_integer(), amount
    grouped = f"{int(amount):,}".replace(",", r"\s")
    return re.compile(rf"^\s*{grouped}\s*kr\s*$")


def test_editing_a_measure_changes_the_cost_total_after_reload(
    fresh_app_url: str, page: Page, alm_plan: pd.DataFrame
) -> None:
    one_year = alm_plan[alm_plan["horizon"] == 1]
    before = float(sum(_cost(line) for _, line in one_year.iterrows()))
    assert before == 650_000, "the demo's ALM one-year plan (DESIGN.md)"
    rows = alm_plan.index[(alm_plan["measure"] == MEASURE) & (alm_plan["horizon"] == 1)]
    assert len(rows) == 1, MEASURE
    row = int(rows[0])
    line = alm_plan.loc[row]
    assert line["hours"] != NEW_HOURS and line["hourly_rate"] * line["participants"] * line["sessions"] > 0
    changed = line.copy()
    changed["hours"] = NEW_HOURS
    after = before - _cost(line) + _cost(changed)  # 650 000 - 270 000 + 450 x 15 x 3 x 40 = 1 190 000

    page.goto(f"{fresh_app_url}/tiltak?enhet=ALM")
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ettårsplan")).to_have_text(_kroner(before))

    editor = page.locator(
        "xpath=//h3[contains(., 'Rediger tiltak')]/following::div[@data-testid='stDataFrame'][1]"
    )
    # grid column 0 is the row marker; then the editor's columns, measure_id hidden
    columns = [c for c in plan_edit.EDITOR_COLUMNS if c != "measure_id"]
    expect(editor.locator(f"#glide-cell-{1 + columns.index('measure')}-0")).to_have_text(alm_plan.loc[0, "measure"])
    edit_cell(editor, 1 + columns.index("hours"), row, str(NEW_HOURS))
    expect(editor.locator(f"#glide-cell-{1 + columns.index('measure')}-{row}")).to_have_text(MEASURE)
    wait_for_app(page)

    page.get_by_role("button", name="Lagre endringer").click()
    # the save stores the whole plan (every unit's lines), so the count is not ALM's alone
    expect(page.get_by_text(re.compile(r"^Lagret: \d+ tiltak i planen\.$"))).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(metric(page, "Ettårsplan")).to_have_text(_kroner(after))
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

    page.reload()  # a new session, reading the database afresh
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ettårsplan")).to_have_text(_kroner(after))
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
