"""Sign-in survives a reload in a real browser (issue 12, item 7): a session cookie brings the user back in a
reload and a new tab; sign-out and the inactivity timeout end it on the server, so a reload is signed out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kompetanse import __main__ as cli
from kompetanse.access import sessions, users
from kompetanse.storage import settings, store

from .conftest import SIGN_IN_TIMEOUT_MS, _require_chromium, figure, metric, settle, start_server, wait_for_app

pytestmark = pytest.mark.e2e

PASSWORD = "riktig-passord"
MB_L_HEADCOUNT = 32
TIMEOUT_SECONDS = 12


@pytest.fixture(scope="module")
def session_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private server on a demo database with a leader, and a short inactivity timeout."""
    _require_chromium()
    folder = Path(tmp_path_factory.mktemp("e2e-session"))
    db = folder / "kompetanse.duckdb"
    assert cli.main(["demo", "--db", str(db)]) == 0
    con = store.connect(db)
    users.add(con, "kari", "leder", ["MB-L"], PASSWORD)
    settings.put(con, "session_timeout_minutes", str(TIMEOUT_SECONDS / 60))
    con.close()
    with start_server(folder) as url:
        yield url


def _sign_in(page: Page, password: str = PASSWORD) -> None:
    wait_for_app(page, "[data-testid='stForm']")
    page.get_by_label("Brukernavn").fill("kari", timeout=SIGN_IN_TIMEOUT_MS)
    page.get_by_label("Passord", exact=True).fill(password, timeout=SIGN_IN_TIMEOUT_MS)
    page.get_by_role("button", name="Logg inn").click()
    wait_for_app(page, "[data-testid='stMetric']")
    settle(page)
    expect(metric(page, "Ansatte")).to_have_text(figure(MB_L_HEADCOUNT))


def _session_cookie(page: Page, previous: str | None = None) -> str:
    """The session cookie's value, once the browser has it (and it differs from `previous`)."""
    for _ in range(100):
        found = [c["value"] for c in page.context.cookies() if c["name"] == sessions.COOKIE]
        if found and found[0] != previous:
            return found[0]
        page.wait_for_timeout(100)
    raise AssertionError("the browser got no session cookie")


def _signed_in(page: Page) -> None:
    wait_for_app(page, "[data-testid='stMetric']")
    expect(metric(page, "Ansatte")).to_have_text(figure(MB_L_HEADCOUNT))
    expect(page.get_by_role("heading", name="Logg inn")).to_have_count(0)


def _signed_out(page: Page) -> None:
    wait_for_app(page, "[data-testid='stForm']")
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
    expect(page.locator("[data-testid='stMetric']")).to_have_count(0)


def test_sign_in_survives_a_reload_and_a_new_tab_until_sign_out_or_timeout(session_app_url: str, page: Page) -> None:
    page.goto(session_app_url)
    _sign_in(page)
    token = _session_cookie(page)
    assert "kari" not in token and "MB-L" not in token  # the token carries no personal data

    page.reload()
    _signed_in(page)
    tab = page.context.new_page()  # a new tab of the same browser
    tab.goto(session_app_url)
    _signed_in(tab)
    tab.close()

    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Logg ut").click()
    _signed_out(page)
    page.reload()
    _signed_out(page)

    _sign_in(page)
    _session_cookie(page, previous=token)
    page.wait_for_timeout((TIMEOUT_SECONDS + 3) * 1000)  # no activity for longer than the timeout
    page.reload()
    _signed_out(page)
    expect(page.get_by_text(re.compile("Du ble logget ut etter"))).to_be_visible()
