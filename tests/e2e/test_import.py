"""The Import page in a real browser: a messy file's error table, then a good file replaces the data.

The import changes the database, so this test runs against its own freshly started server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import chosen_units, figure, metric, normalise, set_date, table_rows, wait_for_app

pytestmark = pytest.mark.e2e

HEADERS = ["Ansattnr", "Enhet", "Yrkesgruppe", "Fødselsdato", "Kjønn", "Stillingsprosent", "Startdato"]
GOOD_PEOPLE = 12


def _csv(rows: list[list[str]]) -> str:
    return "".join(";".join(cells) + "\r\n" for cells in [HEADERS, *rows])


def _person(number: int) -> list[str]:
    return [
        f"T{number:03d}", "TEST", "sykepleier" if number % 2 else "helsefagarbeider",
        f"{1 + number:02d}.{1 + number % 12:02d}.{1965 + number * 2}", "K" if number % 3 else "M",
        "100" if number % 4 else "80,5", f"01.{1 + number % 12:02d}.{2010 + number % 8}",
    ]


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    """`;`-separated Windows-1252 with a date that does not exist (row 3) and a bad position (row 5)."""
    rows = [_person(n) for n in range(1, 5)]
    rows[1][6] = "31.02.2023"  # file row 3 (the header is row 1)
    rows[3][5] = "abc"  # file row 5
    path = tmp_path / "ansatte æøå.csv"
    path.write_bytes(_csv(rows).encode("cp1252"))
    return path


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ansatte.csv"
    path.write_bytes(_csv([_person(n) for n in range(1, GOOD_PEOPLE + 1)]).encode("utf-8"))
    return path


def _upload(page: Page, url: str, path: Path) -> None:
    page.goto(f"{url}/import")
    wait_for_app(page, "h1")
    # .first: the page's own upload (the second is «Legg til rettede rader»)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    expect(page.get_by_role("heading", name="Forhåndsvisning")).to_be_visible()
    wait_for_app(page, "[data-testid='stDataFrame']")


def _import_button(page: Page) -> Locator:
    # exact: the "Importer gyldige rader ..." checkbox label also starts with "Importer"
    return page.get_by_role("button", name="Importer", exact=True)


def test_import_messy_then_good_file(fresh_app_url: str, page: Page, messy_csv: Path, good_csv: Path) -> None:
    url = fresh_app_url
    # The first request after the server started is a copied link to a page other than Oversikt:
    # Streamlit runs it in its legacy multipage mode first (the pages/ folder), and
    # ui.filters.current() must recover, keeping the view, without a traceback.
    page.goto(f"{url}/import?enhet=ALM")
    wait_for_app(page, "[data-testid='stMain'] h1")
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Import")
    expect(chosen_units(page)).to_have_text([re.compile(r"\(ALM\)\s*$")])
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

    # A messy file: nothing is imported, and every bad row is listed with its row number.
    _upload(page, url, messy_csv)
    _import_button(page).click()
    expect(page.get_by_text("Importen ble avbrutt: 2 feil. Ingenting er endret.")).to_be_visible()
    wait_for_app(page)
    # the error table is the first grid after the message (the page's last one lists unmapped titles)
    message = page.get_by_text("Importen ble avbrutt: 2 feil. Ingenting er endret.")
    errors = message.locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    rows = [[normalise(cell) for cell in row] for row in table_rows(errors)]
    by_row = {row[1]: row for row in rows}
    assert set(by_row) == {"3", "5"}, rows
    assert by_row["3"][0] == messy_csv.name
    assert by_row["3"][2] == "Startdato" and "31.02.2023" in by_row["3"][3]
    assert by_row["5"][2] == "Stillingsprosent" and "abc" in by_row["5"][3]
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

    # A good file, dated 01.12.2023, replaces the active personnel data.
    _upload(page, url, good_csv)
    set_date(page, "Datoen dataene gjelder", 1, 12, 2023)
    wait_for_app(page)
    _import_button(page).click()
    expect(page.get_by_text(f"Importert {GOOD_PEOPLE} rader.")).to_be_visible()
    wait_for_app(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

    page.locator("[data-testid='stSidebarNavLink']", has_text="Oversikt").click()
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(GOOD_PEOPLE))

    # A new session (a fresh start of the browser) sees the imported data too.
    page.goto(url)
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(GOOD_PEOPLE))
