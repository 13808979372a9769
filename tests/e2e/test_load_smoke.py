"""The load driver's smoke run: 3 sessions at once over Streamlit's websocket, Oversikt on the demo.

The full load test (1, 10 and 50 sessions on 100 000 employments, an import halfway, the
one-chart baseline) is benchmarks/load.py; this only shows that the driver and the app still
speak the same protocol. No browser: the sessions are the driver's own websockets.
"""

from __future__ import annotations

import re

import pytest

from benchmarks import load

pytestmark = pytest.mark.e2e

WHOLE_ORGANISATION = 1196  # the demo's headcount on 01.12.2023 (DESIGN.md, demo data)


def _headcount(text: str | None) -> int | None:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else None


def test_three_sessions_at_once_each_see_the_demo_headcount_and_no_error(app_url: str) -> None:
    level = load.drive(app_url, None, 3, ["oversikt"], warm_up=False)

    assert level.failures == []
    assert [e for visit in level.visits for e in visit.errors] == []
    assert level.headcounts_seen == [WHOLE_ORGANISATION] * 3  # each session, after its filter change
    filtered = [_headcount(v.metrics.get(load.HEADCOUNT_LABEL)) for v in level.visits if v.kind == "filter"]
    assert len(filtered) == 3 and all(h is not None and 0 < h < WHOLE_ORGANISATION for h in filtered)
    assert all(v.script_runs == 1 for v in level.visits if v.kind in ("open", "filter", "check"))


def test_a_session_clicks_through_each_lazy_tab_of_pensjon_without_an_error(app_url: str) -> None:
    level = load.drive(app_url, None, 1, ["pensjon"], warm_up=False)

    assert level.failures == []
    assert [e for visit in level.visits for e in visit.errors] == []
    tabs = [v.page for v in level.visits if v.kind == "tab"]
    assert tabs == ["pensjon: Andel per enhet", "pensjon: Rekrutteringsbehov", "pensjon: Regler og utgangsrater"]
    assert all(v.script_runs == 1 for v in level.visits if v.kind == "tab")
