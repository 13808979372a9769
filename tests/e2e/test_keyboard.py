"""Keyboard only (WCAG 2.1, 2.1.1): a leader's main journey with key presses and nothing else.

Choose a unit and a reference date in the sidebar, then switch page: Tab moves the focus, the test
only reads where the focus is (never clicks), so whatever cannot be reached or used by keyboard fails.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import figure, metric, normalise, wait_for_app

pytestmark = pytest.mark.e2e

MAX_TABS = 60  # more Tab presses than this to reach a control is itself a failure
MAX_ARROWS = 10
ALM_HEADCOUNT = 94  # Avdeling for laboratoriemedisin on 01.12.2023
ALM_YEAR_BEFORE = re.compile(r"[?&]dato=2022-12-01(&|$)")

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e) return '';
  const label = e.getAttribute('aria-label') || '';
  const labelled = e.getAttribute('aria-labelledby');
  const byId = labelled ? labelled.split(' ').map(id => document.getElementById(id)?.textContent || '').join(' ') : '';
  return [e.tagName, e.getAttribute('role') || '', label, byId, (e.textContent || '').slice(0, 80)].join(' | ');
}"""


ACTIVE_OPTION = """() => {
  const id = document.activeElement && document.activeElement.getAttribute('aria-activedescendant');
  const option = id && document.getElementById(id);
  return option ? option.textContent : '';
}"""


def _tab_to(page: Page, pattern: str, backwards: bool = False) -> str:
    """Press Tab (or Shift+Tab) until the focused element's description matches `pattern`."""
    wanted = re.compile(pattern)
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = normalise(page.evaluate(FOCUSED))
        seen.append(focused)
        if wanted.search(focused):
            return focused
    pytest.fail(f"{pattern!r} cannot be reached with Tab; the focus went through: {seen}", pytrace=False)


def test_a_leader_chooses_unit_and_date_and_switches_page_with_the_keyboard_alone(app_url: str, page: Page) -> None:
    page.goto(app_url)
    wait_for_app(page, "[data-testid='stMetric']")

    # The unit: Tab to the "Enheter" box, type to filter, arrow down to the unit (the first line of the
    # list is "Select N matches"), Enter picks it, Escape closes the list.
    _tab_to(page, r"INPUT \| combobox \| Enheter")
    page.keyboard.type("ALM", delay=30)
    expect(page.get_by_role("option", name=re.compile(r"\(ALM\)\s*$"))).to_be_visible()
    for _ in range(MAX_ARROWS):
        page.keyboard.press("ArrowDown")
        if normalise(page.evaluate(ACTIVE_OPTION)).endswith("(ALM)"):
            break
    else:
        pytest.fail("the arrow keys never reach the option (ALM)", pytrace=False)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(metric(page, "Ansatte")).to_have_text(figure(ALM_HEADCOUNT))

    # The date: back to the reference date's day segment, type day, month and year, Tab out to commit.
    _tab_to(page, r"spinbutton \| day, Referansedato", backwards=True)
    for part, value in (("day", "01"), ("month", "12"), ("year", "2022")):
        focused = normalise(page.evaluate(FOCUSED))
        assert f"{part}, Referansedato" in focused, focused
        page.keyboard.type(value, delay=30)
    _tab_to(page, r"combobox \| Organisasjonsnivå")  # the date is sent when the focus leaves the field
    wait_for_app(page)
    expect(page).to_have_url(ALM_YEAR_BEFORE)
    expect(metric(page, "Ansatte")).not_to_have_text(figure(ALM_HEADCOUNT))

    # Another page: back to the menu's "Alder" link, Enter follows it; the choice of unit and date stays.
    _tab_to(page, r"^A \| .*Alder", backwards=True)
    page.keyboard.press("Enter")
    wait_for_app(page, "[data-testid='stMain'] h1")
    expect(page.get_by_role("heading", name="Alder", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/alder\?"))
    expect(page).to_have_url(ALM_YEAR_BEFORE)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
