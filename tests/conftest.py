"""Shared test set-up."""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager

_original_init = PagesManager.__init__


def _navigation_only_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    # AppTest resets PagesManager before every run; with a pages/ folder beside app.py the
    # second run then takes Streamlit's legacy multipage path and skips app.py. The app
    # uses st.navigation only, as the real server sees after the first run.
    _original_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _navigation_only_init
