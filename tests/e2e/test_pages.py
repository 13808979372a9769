"""Every page in the navigation renders without an exception; a screenshot of each goes to artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS, EXCEPTION, VIEWPORT, normalise, wait_for_app

pytestmark = pytest.mark.e2e

# The pages the design names; the navigation may hold more (all of them are captured).
PAGES = [
    "Oversikt", "Alder", "Pensjon og rekruttering", "Turnover", "Kompetanse", "Tiltak og kostnader", "Behov og dekning",
    "Mål og strategi", "Praksisplasser", "Sammenlign enheter", "Rapport", "Import",
]
MAX_SCREENSHOT_HEIGHT = 5000


def _slug(title: str) -> str:
    folded = title.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _screenshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its own container, so grow the window to fit it."""
    height = page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\"); return m ? m.scrollHeight : 0; }"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"],
                                                                      min(height, MAX_SCREENSHOT_HEIGHT))})
    wait_for_app(page)
    page.screenshot(path=str(path), animations="disabled")
    page.set_viewport_size(VIEWPORT)


def test_every_page_renders_and_is_captured(app_url: str, page: Page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("[0-9][0-9]-*.png"):  # an earlier run's, perhaps of pages since renamed
        old.unlink()
    page.goto(app_url)
    wait_for_app(page, "[data-testid='stMetric']")
    links = page.locator("[data-testid='stSidebarNavLink']")
    titles = [normalise(t) for t in links.locator("[data-testid='stMarkdownContainer']").all_inner_texts()]
    missing = [title for title in PAGES if title not in titles]
    assert not missing, f"pages missing from the navigation: {missing} (it lists {titles})"

    broken: dict[str, str] = {}
    for number, title in enumerate(titles, start=1):
        link = links.filter(has=page.get_by_text(title, exact=True))
        link.click()
        expect(link).to_have_attribute("aria-current", "page")
        # a page that fails before its title shows only the exception: capture that too, and go on
        page.locator(f"[data-testid='stMain'] h1, {EXCEPTION}").first.wait_for(state="visible")
        wait_for_app(page)
        _screenshot(page, ARTIFACTS / f"{number:02d}-{_slug(title)}.png")
        exceptions = page.locator(EXCEPTION)
        if exceptions.count():
            broken[title] = normalise(exceptions.first.inner_text())[:300]
    assert not broken, f"exceptions on pages: {broken}"
