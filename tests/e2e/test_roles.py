"""Sign-in in a real browser: a unit leader signs in through the form and sees only her own unit,
even from a link naming another unit; the pages of other roles are not in her menu."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kompetanse import __main__ as cli
from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.storage import store, units

from .conftest import (
    SIGN_IN_TIMEOUT_MS,
    _require_chromium,
    figure,
    metric,
    normalise,
    settle,
    start_server,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

PASSWORD = "riktig-passord"
MB_L_HEADCOUNT = 32  # Medisinsk biokjemi Levanger on 01.12.2023 (the ALM plan's unit chart)


@pytest.fixture(scope="module")
def users_app_url(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> Iterator[str]:
    """A private server on a demo database with a leader (MB-L) and an HR user, made with the command line."""
    _require_chromium()
    folder = Path(tmp_path_factory.mktemp("e2e-roles"))
    db = str(folder / "kompetanse.duckdb")  # the file start_server points the app at
    assert cli.main(["demo", "--db", db]) == 0
    for name, role, granted in (("kari", "leder", "MB-L"), ("hanne", "hr", None), ("klara", "klinikkledelse", "KAK"),
                              ("ada", "admin", None)):
        monkeypatch_module.setattr("sys.stdin", _Lines(PASSWORD))
        args = ["user", "add", name, "--role", role, "--password-stdin", "--db", db]
        assert cli.main(args + (["--units", granted] if granted else [])) == 0
    with start_server(folder) as url:
        yield url


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text

    def readline(self) -> str:
        return self.text + "\n"


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def sign_in(page: Page, name: str, password: str) -> None:
    wait_for_app(page, "[data-testid='stForm']")
    page.get_by_label("Brukernavn").fill(name, timeout=SIGN_IN_TIMEOUT_MS)
    page.get_by_label("Passord", exact=True).fill(password, timeout=SIGN_IN_TIMEOUT_MS)
    page.get_by_role("button", name="Logg inn").click()
    wait_for_app(page)
    settle(page)


def test_a_leader_signs_in_and_sees_only_her_unit(users_app_url: str, page: Page) -> None:
    page.goto(f"{users_app_url}/?enhet=MB-N")  # a link to another leader's unit
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    expect(page.locator("[data-testid='stMetric']")).to_have_count(0)

    sign_in(page, "kari", "feil-passord")
    expect(page.get_by_text("Feil brukernavn eller passord.")).to_be_visible()

    sign_in(page, "kari", PASSWORD)
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(MB_L_HEADCOUNT))
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Du har ikke tilgang til enheten «MB-N» i lenken; den er utelatt.")).to_be_visible()
    expect(sidebar.get_by_text(re.compile("Innlogget som"))).to_contain_text("kari")

    box = page.get_by_role("combobox", name="Enheter")
    box.click()
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    assert normalise(options.first.inner_text()).endswith("(MB-L)")
    page.keyboard.press("Escape")

    nav = page.locator("[data-testid='stSidebarNav']")
    expect(nav.get_by_text("Oversikt")).to_be_visible()
    expect(nav.get_by_text("Import", exact=True)).to_have_count(0)
    expect(nav.get_by_text("Logg", exact=True)).to_have_count(0)
    expect(page.get_by_text("Åpen demo")).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_a_shared_page_link_opens_that_page_after_sign_in(users_app_url: str, page: Page) -> None:
    page.goto(f"{users_app_url}/alder")
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    sign_in(page, "kari", PASSWORD)
    wait_for_app(page, "[data-testid='stPlotlyChart']")
    expect(page.get_by_role("heading", name="Alder", exact=True)).to_be_visible()
    assert page.url.split("?")[0].endswith("/alder")


def test_a_page_link_outside_the_role_does_not_open_it(users_app_url: str, page: Page) -> None:
    page.goto(f"{users_app_url}/import")
    sign_in(page, "kari", PASSWORD)
    expect(metric(page, "Ansatte")).to_have_text(figure(MB_L_HEADCOUNT))  # Oversikt, her own unit
    expect(page.get_by_role("heading", name="Import")).to_have_count(0)
    expect(page.get_by_role("button", name="Importer")).to_have_count(0)


def _expected_headcount(db: str, granted: str | None) -> int:
    con = store.connect(db)
    try:
        scope_units = units.descendants(units.tree(con), [granted]) if granted else None
        frame = metrics.compute(con, Scope(as_of=AS_OF, units=scope_units), by=None)
        return int(frame.loc["total", "headcount"])
    finally:
        con.close()


AS_OF = date(2023, 12, 1)  # the demo's data date


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Each role's headcount, computed on a separate demo database with the metrics the app uses."""
    db = str(Path(tmp_path_factory.mktemp("e2e-roles-expected")) / "demo.duckdb")
    assert cli.main(["demo", "--db", db]) == 0
    return {"klara": _expected_headcount(db, "KAK"), "hanne": _expected_headcount(db, None),
            "ada": _expected_headcount(db, None)}


@pytest.mark.parametrize(
    ("name", "pages_in_menu", "pages_not_in_menu"),
    [
        ("klara", ["Sammenlign enheter"], ["Import", "Logg"]),
        ("hanne", ["Sammenlign enheter", "Import"], ["Logg"]),
        ("ada", ["Sammenlign enheter", "Import", "Logg"], []),
    ],
)
def test_each_role_sees_its_units_and_its_pages(
    users_app_url: str, page: Page, expected: dict[str, int], name: str, pages_in_menu: list[str],
    pages_not_in_menu: list[str],
) -> None:
    page.goto(f"{users_app_url}/")
    sign_in(page, name, PASSWORD)
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(expected[name]))
    nav = page.locator("[data-testid='stSidebarNav']")
    for title in pages_in_menu:
        expect(nav.get_by_text(title, exact=True)).to_be_visible()
    for title in pages_not_in_menu:
        expect(nav.get_by_text(title, exact=True)).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
