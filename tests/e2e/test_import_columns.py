"""The Import page in a real browser: a SAP HCM export is recognised, one column is mapped by hand and the
mapping saved; the next file with the same columns gets it without a step (issue 11, "Done means")."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests import import_corpus as corpus

from .conftest import KEY_PAUSE_MS, wait_for_app

pytestmark = pytest.mark.e2e

USED_AS_COLUMN = 2  # Kolonne i filen, Eksempel, Brukes som, Merknad (a fixed editor has no row-marker column)


def _sap_with_typo(path: Path) -> Path:
    """SAP HCM's layout with the end date's header mistyped: its dates are lost unless mapped."""
    corpus.write("sap", path)
    path.write_text(path.read_text(encoding="utf-8").replace("Fratredelsesdato", "Sluttdto", 1), encoding="utf-8")
    return path


def _upload(page: Page, url: str, path: Path) -> None:
    page.goto(f"{url}/import")
    wait_for_app(page, "h1")
    page.keyboard.press("Escape")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    expect(page.get_by_role("heading", name="Forhåndsvisning")).to_be_visible()
    wait_for_app(page, "[data-testid='stDataFrame']")


def _choose(grid: Locator, row: int, value: str) -> None:
    """Pick `value` in the «Brukes som» cell of `row`: select the first cell of the grid's accessible table, move
    there with the arrow keys, open the cell's dropdown with Enter, type the choice and take it with Enter."""
    page = grid.page
    grid.scroll_into_view_if_needed()
    selected = grid.locator("td[aria-selected='true']")
    grid.locator("#glide-cell-0-0").focus()
    expect(selected).to_have_attribute("id", "glide-cell-0-0")
    for key, count in (("ArrowRight", USED_AS_COLUMN), ("ArrowDown", row)):
        for _ in range(count):
            page.keyboard.press(key)
            page.wait_for_timeout(KEY_PAUSE_MS)
    expect(selected).to_have_attribute("id", f"glide-cell-{USED_AS_COLUMN}-{row}")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    page.keyboard.type(value, delay=20)
    page.keyboard.press("Enter")
    wait_for_app(page)


def test_a_system_export_is_mapped_once_and_the_next_file_needs_no_step(
    fresh_app_url: str, page: Page, tmp_path: Path
) -> None:
    url = fresh_app_url
    _upload(page, url, _sap_with_typo(tmp_path / "sap-november.csv"))
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("Gjenkjent som SAP HCM.")).to_be_visible()
    expect(main.get_by_text("Kolonnen «Sluttdto» er ikke brukt; mente du «Sluttdato»?")).to_be_visible()

    headers = [h for h, _ in corpus.LAYOUTS["sap"]]
    grid = page.locator("[data-testid='stDataFrame']").first
    _choose(grid, headers.index("Fratredelsesdato"), "Sluttdato")
    expect(main.get_by_text("Kolonnen «Sluttdto» er ikke brukt; mente du «Sluttdato»?")).to_have_count(0)

    page.get_by_role("textbox", name="Lagre kolonneoppsettet som").fill("SAP klinikk")
    page.get_by_role("button", name="Lagre oppsett").click()
    expect(main.get_by_text("Kolonneoppsettet «SAP klinikk» er lagret.")).to_be_visible()
    wait_for_app(page)
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(main.get_by_text("Importert 30 rader.")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

    # December's file from the same system: the saved mapping is used without a step.
    _upload(page, url, _sap_with_typo(tmp_path / "sap-desember.csv"))
    expect(main.get_by_text("Bruker det lagrede kolonneoppsettet «SAP klinikk» (samme kolonner som filen).")
           ).to_be_visible()
    expect(main.get_by_text("Kolonnen «Sluttdto» er ikke brukt", exact=False)).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
