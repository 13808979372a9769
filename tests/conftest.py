"""Shared test set-up."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from streamlit.runtime.pages_manager import PagesManager

# Every figure the app shares between sessions is checked, at the end of each run that used it, to be
# unchanged (ui/data.SharedResults): in AppTests here, and in the browser tests' servers, which inherit it.
os.environ["KOMPETANSE_CHECK_SHARED"] = "1"

_original_init = PagesManager.__init__


def _navigation_only_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    # AppTest resets PagesManager before every run; with a pages/ folder beside app.py the
    # second run then takes Streamlit's legacy multipage path and skips app.py. The app
    # uses st.navigation only, as the real server sees after the first run.
    _original_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _navigation_only_init


@pytest.fixture(autouse=True)
def _shared_figures_stay_unchanged() -> Iterator[None]:
    """No run may change a figure that every session shares (it would change what the others see)."""
    from ui import data

    before = len(data.shared_figures_changed())
    yield
    changed = data.shared_figures_changed()[before:]
    assert changed == [], f"a page changed a figure shared by every session: {changed}"
