"""The demo organisation reproduces the figures of the plans in seeds/."""

from __future__ import annotations

from datetime import date

import pytest

from kompetanse.demo import demo
from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.storage import store

D = date(2023, 12, 1)
ALM_UNITS = ("Stab", "MB-L", "MB-N", "BB-L", "BB-N", "MM")
MUNICIPAL_UNITS = ("SYK-A", "SYK-B", "HJT", "BOA")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = store.connect(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    demo.load_demo(connection)
    return connection


def bands(row) -> list[int]:
    return [int(row[c]) for c in metrics.BAND_COLUMNS]


def test_alm_unit_charts_exactly(con):
    frame = metrics.compute(con, Scope(as_of=D, units=ALM_UNITS), by="unit")
    for unit, expected in demo.ALM_BANDS.items():
        assert bands(frame.loc[unit]) == expected, unit


def test_alm_department_counts_persons_once_like_the_sum_chart(con):
    row = metrics.compute(con, Scope(as_of=D, units=ALM_UNITS), by=None).loc["total"]
    assert bands(row) == [0, 7, 32, 18, 30, 7, 0]
    assert row["headcount"] == 94


def test_larvik_turnover(con):
    frame = metrics.compute(con, Scope(as_of=D, units=MUNICIPAL_UNITS), by="profession")
    assert round(frame.loc["total", "turnover_12m"], 3) == 0.129
    assert round(frame.loc["assistent", "turnover_12m"], 3) == 0.209
    assert round(frame.loc["helsefagarbeider", "turnover_12m"], 3) == 0.099


def test_one_in_six_specialist_nurses_and_midwives_over_60(con):
    scope = Scope(as_of=D, professions=("spesialsykepleier", "jordmor"))
    row = metrics.compute(con, scope, by=None).loc["total"]
    assert row["share_60_plus"] == pytest.approx(1 / 6, abs=0.01)


def test_five_years_of_history(con):
    first = store.fetch_value(con, "select min(end_date) from v_employments")
    assert first <= date(2018, 12, 1)
    assert metrics.compute(con, Scope(as_of=date(2019, 12, 1)), by=None).loc["total", "leavers_12m"] > 0


def test_deterministic():
    assert demo.build_personnel().equals(demo.build_personnel())


def test_snapshot_date_recorded(con):
    from kompetanse.storage import history

    assert history.data_date(con) == D
