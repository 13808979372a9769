"""AppTest helpers: a fresh demo database per test module, text normalised for comparisons."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def app(timeout: float = 60) -> AppTest:
    return AppTest.from_file(APP, default_timeout=timeout)


def plain(text: str) -> str:
    """Babel's non-breaking spaces as ordinary spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: plain(m.value) for m in at.metric}


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Choose a tab as a user does: the page runs again and draws that tab (ui.render.tabs draws only the open one)."""
    at.session_state[key] = label
    return at.run()
