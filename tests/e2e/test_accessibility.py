"""WCAG 2.1 AA in a real browser: axe-core finds nothing on any page, for any role.

One server: the open demo first (no users), then the same server after users of every role are
added with the command line, so that the sign-in page and each role's pages are checked as that
user sees them. Every expander is opened and every tab shown before axe looks, and the window is
as tall as the page, so that nothing is hidden or scrolled out of axe's sight.

The signed-in roles are checked side by side (one browser context each, Playwright's async API):
most of the time goes in waiting for the server and the browser, not in computing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from kompetanse import __main__ as cli
from kompetanse.presentation import accessibility

from .conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXCEPTION,
    RENDER_TIMEOUT_MS,
    SETTLE_CHECKS,
    SETTLE_GAP_MS,
    SETTLED,
    SIGN_IN_TIMEOUT_MS,
    VIEWPORT,
    _require_chromium,
    normalise,
    require_file,
    start_server,
)

pytestmark = pytest.mark.e2e

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGE = "nb"  # the pages are in Norwegian bokmål (3.1.1 Language of page)
WCAG_TAGS = list(accessibility.WCAG_TAGS)  # the statement names what is tested
PASSWORD = "riktig-passord"
# name, role, units granted (None: all); each role's own navigation decides the pages visited
USERS = [("lise", "leder", "MB-L"), ("kjell", "klinikkledelse", "KAK"), ("hege", "hr", None), ("arne", "admin", None)]
TALL_VIEWPORT = {"width": VIEWPORT["width"], "height": 5000}  # taller than most pages: few resizes
MAX_HEIGHT = 10_000
SIDE_BY_SIDE = 2  # roles checked at once: the waits overlap, and a 2-core machine is not swamped

AXE_RUN = """async ([include, tags]) => {
  const result = await axe.run(include ? {include: [include]} : document,
                               {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                          summary: n.failureSummary.slice(0, 300)})),
  }));
}"""


def require_axe() -> None:
    """No axe-core: a failure on CI, a skip (with the command that enables it) on a developer machine."""
    require_file(AXE_SCRIPT, f"{AXE_SCRIPT} is missing: run `npm ci` in the repository (axe-core, pinned in "
                             "package.json).")


@pytest.fixture(scope="module")
def a11y_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """One private server on a fresh demo database (no users yet); yields (url, database path)."""
    _require_chromium()
    require_axe()
    folder = Path(tmp_path_factory.mktemp("e2e-a11y"))
    db = str(folder / "kompetanse.duckdb")
    assert cli.main(["demo", "--db", db]) == 0
    with start_server(folder) as url:
        yield url, db


async def wait_for_app(page: Page, selector: str | None = None) -> None:
    """conftest.wait_for_app for the async API: the run has ended, `selector` shows, charts are drawn."""
    await page.wait_for_timeout(150)
    for state in ("data-test-connection-state='CONNECTED'", "data-test-script-state='notRunning'"):
        await page.wait_for_selector(f"[data-testid='stApp'][{state}]", state="attached")
    await page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")
    # a rerun just begun (the sign-in cookie's confirmation, say) fades the page: axe must see it settled
    await page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    if selector:
        await page.locator(f"{selector}, {EXCEPTION}").first.wait_for(state="visible")
        if not await page.locator(selector).first.is_visible():
            text = normalise(await page.locator(EXCEPTION).first.inner_text())
            raise AssertionError(f"{page.url} shows an exception instead of {selector}: {text[:1500]}")
    for chart in await page.locator("[data-testid='stPlotlyChart']").all():
        await chart.locator(".main-svg").first.wait_for(state="attached")


class Audit:
    """Runs axe on one view after another and keeps what it finds, by where it was found."""

    def __init__(self, page: Page, who: str) -> None:
        self.page = page
        self.who = who
        self.found: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    async def run(self, where: str, include: str | None = None) -> None:
        if not await self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # once per document: Streamlit switches pages in place
            await self.page.add_script_tag(path=str(AXE_SCRIPT))
        await self.page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
        violations = await self.page.evaluate(AXE_RUN, [include, WCAG_TAGS])
        language = await self.page.evaluate("() => document.documentElement.lang")
        if language != LANGUAGE:  # axe checks that a language is declared, not that it is the right one
            violations.append({"id": "html-lang-norwegian", "help": f"3.1.1: lang={language!r}, not {LANGUAGE!r}"})
        self.checked.append(f"{self.who}: {where}")
        if violations:
            self.found[f"{self.who}: {where}"] = violations


async def _open_expanders(page: Page) -> None:
    """Open every closed expander in view (they open in the browser, without a rerun)."""
    for summary in await page.locator("[data-testid='stExpander'] details:not([open]) > summary").all():
        if await summary.is_visible():
            await summary.click()


async def _fit_window(page: Page) -> None:
    """Grow the window to the page's height: Streamlit scrolls inside its own container, and axe
    cannot judge the contrast of text scrolled out of sight (it only grows: a resize redraws charts)."""
    height = await page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\"); return m ? m.scrollHeight : 0; }"
    )
    current = page.viewport_size["height"] if page.viewport_size else 0
    if height > current:
        await page.set_viewport_size({"width": TALL_VIEWPORT["width"], "height": min(height + 200, MAX_HEIGHT)})
        await page.wait_for_timeout(150)


async def _check_view(audit: Audit, where: str) -> None:
    """The page as it is, with its expanders open; then each further tab of every tab bar."""
    page = audit.page
    await _open_expanders(page)
    await _fit_window(page)
    await audit.run(where)
    tab_bars = page.locator("[data-testid='stTabs']")
    for bar_number in range(await tab_bars.count()):
        tabs = tab_bars.nth(bar_number).get_by_role("tab")
        count = await tabs.count()
        for tab_number in range(1, count):
            tab = tabs.nth(tab_number)
            await tab.click()
            await expect(tab).to_have_attribute("aria-selected", "true")
            await _open_expanders(page)
            await _fit_window(page)
            panel = await tab.get_attribute("aria-controls")
            label = normalise(await tab.inner_text())
            await audit.run(f"{where}, fane «{label}»", f"[id='{panel}']" if panel else None)
        if count > 1:
            await tabs.first.click()


async def _check_every_page(audit: Audit) -> list[str]:
    """Visit each page of the navigation by clicking its link (one session), and check it."""
    page = audit.page
    await wait_for_app(page, "[data-testid='stSidebarNav']")
    links = page.locator("[data-testid='stSidebarNavLink']")
    titles = [normalise(t) for t in await links.locator("[data-testid='stMarkdownContainer']").all_inner_texts()]
    for number, title in enumerate(titles):
        link = links.nth(number)
        await link.click()
        await expect(link).to_have_attribute("aria-current", "page")
        await wait_for_app(page, "[data-testid='stMain'] h1")
        await _check_view(audit, title)
    return titles


async def _sign_in(page: Page, name: str, password: str) -> None:
    await wait_for_app(page, "[data-testid='stForm']")
    await page.get_by_label("Brukernavn").fill(name, timeout=SIGN_IN_TIMEOUT_MS)
    await page.get_by_label("Passord", exact=True).fill(password, timeout=SIGN_IN_TIMEOUT_MS)
    await page.get_by_role("button", name="Logg inn").click()
    await wait_for_app(page)
    await settle(page)


async def settle(page: Page) -> None:
    """conftest.settle for the async API: the page stays still (a sign-in reruns it once more by itself)."""
    still = 0
    for _ in range(40):
        await page.wait_for_timeout(SETTLE_GAP_MS)
        still = still + 1 if await page.evaluate(SETTLED) else 0
        if still >= SETTLE_CHECKS:
            return


async def _new_page(browser: Browser, url: str) -> Page:
    context = await browser.new_context(viewport=TALL_VIEWPORT, locale="nb-NO", timezone_id="Europe/Oslo")
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    page = await context.new_page()
    await page.goto(url)
    return page


async def _open_demo(browser: Browser, url: str) -> Audit:
    audit = Audit(await _new_page(browser, url), "åpen demo")
    await _check_every_page(audit)
    await audit.page.context.close()
    return audit


async def _signed_in(browser: Browser, url: str, name: str, role: str, sign_in_page_too: bool) -> Audit:
    audit = Audit(await _new_page(browser, url), role)
    page = audit.page
    if sign_in_page_too:  # the sign-in form, also as it answers a wrong password
        await wait_for_app(page, "[data-testid='stForm']")
        await _check_view(audit, "innlogging")
        await _sign_in(page, name, "feil-passord")
        await expect(page.get_by_text("Feil brukernavn eller passord.")).to_be_visible()
        await _check_view(audit, "innlogging, feil passord")
    await _sign_in(page, name, PASSWORD)
    await _check_every_page(audit)
    await page.context.close()
    return audit


def _add_users(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, role, granted in USERS:
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        args = ["user", "add", name, "--role", role, "--password-stdin", "--db", db]
        assert cli.main(args + (["--units", granted] if granted else [])) == 0


async def _audit_all(url: str, db: str, monkeypatch: pytest.MonkeyPatch) -> list[Audit]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            audits = [await _open_demo(browser, url)]
            _add_users(db, monkeypatch)  # from now on the same server asks everyone to sign in
            side_by_side = asyncio.Semaphore(SIDE_BY_SIDE)

            async def one(number: int, name: str, role: str) -> Audit:
                async with side_by_side:
                    return await _signed_in(browser, url, name, role, sign_in_page_too=number == 0)

            audits += await asyncio.gather(*(one(n, name, role) for n, (name, role, _g) in enumerate(USERS)))
            return audits
        finally:
            await browser.close()


def test_axe_finds_no_wcag_21_aa_violation_on_any_page_for_any_role(
    a11y_server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, db = a11y_server
    # Its own thread: a sync Playwright test on this worker may have left an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        audits = pool.submit(asyncio.run, _audit_all(url, db, monkeypatch)).result()

    checked = [where for audit in audits for where in audit.checked]
    for expected in ("åpen demo: Import", "leder: innlogging", "leder: innlogging, feil passord", "leder: Oversikt",
                     "klinikkledelse: Sammenlign enheter", "hr: Import", "admin: Logg",
                     "admin: Pensjon og rekruttering, fane «Rekrutteringsbehov»"):
        assert expected in checked, f"{expected!r} was not checked; checked: {checked}"
    found = {where: violations for audit in audits for where, violations in audit.found.items()}
    assert not found, f"axe found WCAG 2.1 AA violations:\n{json.dumps(found, ensure_ascii=False, indent=1)}"
