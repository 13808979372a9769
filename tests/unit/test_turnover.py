"""Turnover: the rolling trend and the leavers by reason follow metrics.sql's rule, on tiny fixtures and the demo."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import pytest

from kompetanse.demo import demo
from kompetanse.figures import metrics, turnover
from kompetanse.figures.metrics import Scope
from kompetanse.storage import history, store

D = date(2023, 12, 1)
OLD = date(2015, 1, 1)  # a start date long before the windows tested


def row(pid: str, unit: str = "A", *, start: date = OLD, end: date | None = None, reason: str | None = None,
        profession: str = "sykepleier") -> dict[str, object]:
    return {
        "employee_id": pid, "unit_code": unit, "profession": profession, "birth_date": date(1980, 6, 15),
        "gender": "K", "position_pct": 100.0, "employment_type": "fast", "start_date": start,
        "end_date": end, "end_reason": reason, "education_level": None,
    }


_OPEN: list = []


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    while _OPEN:
        _OPEN.pop().close()


def load(tmp_path, rows: list[dict[str, object]]):
    con = store.connect(tmp_path / "t.duckdb")
    _OPEN.append(con)
    frame = pd.DataFrame(rows)
    for column in ("start_date", "end_date", "birth_date"):
        frame[column] = pd.to_datetime(frame[column])
    digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()
    history.record_import(con, "personnel", frame, file_name="t.csv", sha256=digest, snapshot_date=D)
    return con


def stayers(count: int, unit: str = "A", prefix: str = "s") -> list[dict[str, object]]:
    return [row(f"{prefix}{unit}{i}", unit) for i in range(count)]


def history_begins(unit: str = "A") -> dict[str, object]:
    """A leaver in January 2019: the unit's data begins then, so the trend has whole windows from 2020."""
    return row(f"history-begins-{unit}", unit, end=date(2019, 1, 31), reason="annet")


def point(con, scope: Scope, at: date) -> pd.Series:
    frame = turnover.trend_raw(con, scope)
    return frame.loc[at]


def test_last_working_day_on_the_point_is_still_employed(tmp_path):
    con = load(tmp_path, [*stayers(3), history_begins(), row("last-day", end=D, reason="egen_oppsigelse")])
    at_d = point(con, Scope(as_of=D), D)
    assert at_d["headcount"] == 4
    assert at_d["leavers_12m"] == 0
    month_later = point(con, Scope(as_of=date(2024, 1, 1)), date(2024, 1, 1))
    assert month_later["headcount"] == 3
    assert month_later["leavers_12m"] == 1
    # 1 / mean(4, 3)
    assert month_later["turnover_12m"] == pytest.approx(1 / 3.5)


def test_joined_and_left_inside_the_window_is_a_leaver_but_not_in_the_cohort(tmp_path):
    con = load(tmp_path, [
        *stayers(4),
        history_begins(),
        row("short", start=date(2023, 3, 1), end=date(2023, 8, 31), reason="egen_oppsigelse"),
        row("retired", end=date(2023, 5, 31), reason="pensjon"),
    ])
    at_d = point(con, Scope(as_of=D), D)
    assert at_d["leavers_12m"] == 2
    assert at_d["leavers_12m_retirement"] == 1
    assert at_d["headcount_year_before"] == 5  # the 4 stayers and the retiree
    assert at_d["headcount"] == 4
    assert at_d["cohort_left"] == 1
    assert at_d["turnover_12m"] == pytest.approx(2 / 4.5)
    assert at_d["turnover_12m_excl_retirement"] == pytest.approx(1 / 4.5)
    assert at_d["turnover_ks"] == pytest.approx(1 / 5)


def test_a_move_between_units_is_a_leaver_for_the_unit_left_only(tmp_path):
    con = load(tmp_path, [
        *stayers(5, "A"),
        *stayers(5, "B"),
        history_begins("A"),
        history_begins("B"),
        row("mover", "A", end=date(2023, 6, 30), reason="intern_overgang"),
        row("mover", "B", start=date(2023, 7, 1)),
    ])
    unit_a = point(con, Scope(as_of=D, units=("A",)), D)
    assert (unit_a["leavers_12m"], unit_a["cohort_left"]) == (1, 1)
    unit_b = point(con, Scope(as_of=D, units=("B",)), D)
    assert (unit_b["leavers_12m"], unit_b["headcount"], unit_b["headcount_year_before"]) == (0, 6, 5)
    both = point(con, Scope(as_of=D, units=("A", "B")), D)
    assert (both["leavers_12m"], both["cohort_left"], both["headcount"]) == (0, 0, 11)
    everyone = point(con, Scope(as_of=D), D)
    assert everyone["leavers_12m"] == 0
    # The reasons follow the same scope logic.
    assert turnover.leavers_by_reason_raw(con, Scope(as_of=D, units=("A",)))["Intern overgang"] == 1
    assert turnover.leavers_by_reason_raw(con, Scope(as_of=D)).sum() == 0


def test_points_go_back_month_by_month_to_the_first_start_plus_a_year(tmp_path):
    con = load(tmp_path, [row("p1", start=date(2021, 5, 15)), row("p2", start=date(2022, 1, 1))])
    points = list(turnover.trend_raw(con, Scope(as_of=date(2024, 3, 31)))["point"])
    assert points[-1] == date(2024, 3, 31)
    assert points[-2] == date(2024, 2, 29)  # the day of the month, clamped
    assert points[-3] == date(2024, 1, 31)
    assert points[0] == date(2022, 5, 31)  # the first point on or after 15.05.2022
    assert len(points) == 23
    since = list(turnover.trend_raw(con, Scope(as_of=date(2024, 3, 31)), since=date(2023, 3, 31))["point"])
    assert since[0] == date(2023, 3, 31) and len(since) == 13
    # A history shorter than a year has no points.
    assert turnover.trend_raw(con, Scope(as_of=date(2022, 3, 1))).empty


EDGE_ROWS = [
    *stayers(6, "A"),
    *stayers(2, "B"),
    row("last-day", "A", end=date(2023, 6, 1), reason="egen_oppsigelse"),
    row("ends-on-year-before", "A", end=date(2022, 12, 1), reason="annet"),
    row("short", "B", start=date(2023, 2, 10), end=date(2023, 9, 30), reason="egen_oppsigelse"),
    row("mover", "A", end=date(2023, 4, 30), reason="intern_overgang"),
    row("mover", "B", start=date(2023, 5, 1)),
    row("two-jobs", "A", end=date(2023, 3, 31), reason="pensjon"),
    row("two-jobs", "B", start=date(2012, 1, 1), end=date(2023, 10, 15), reason="pensjon",
        profession="helsefagarbeider"),
    row("back-again", "A", end=date(2022, 8, 31), reason="egen_oppsigelse"),
    row("back-again", "A", start=date(2023, 1, 1)),
    row("no-reason", "B", start=date(2020, 1, 1), end=date(2023, 11, 30)),
    row("history-b", "B", end=date(2021, 6, 30), reason="annet"),  # B's data begins in June 2021
]
TREND_COLUMNS = ["headcount", "leavers_12m", "leavers_12m_retirement", "headcount_year_before", "cohort_left",
                 "turnover_12m", "turnover_12m_excl_retirement", "turnover_ks"]


def assert_same_as_metrics(con, scope: Scope, frame: pd.DataFrame, at: date) -> None:
    expected = metrics.compute(con, Scope(as_of=at, units=scope.units, professions=scope.professions,
                                          employment_types=scope.employment_types), by=None).loc["total"]
    got = frame.loc[at]
    for column in TREND_COLUMNS:
        if pd.isna(expected[column]):
            assert pd.isna(got[column]), (at, column)
        else:
            assert got[column] == pytest.approx(expected[column]), (at, column)


@pytest.mark.parametrize("units", [None, ("A",), ("B",), ("A", "B")])
def test_every_point_of_the_trend_equals_metrics_on_that_date(tmp_path, units):
    con = load(tmp_path, EDGE_ROWS)
    scope = Scope(as_of=date(2024, 6, 1), units=units)
    frame = turnover.trend_raw(con, scope, since=date(2022, 1, 1))
    assert len(frame) >= 9 and min(frame.index) >= date(2022, 1, 1)  # from the first end date in the scope
    for at in frame.index:
        assert_same_as_metrics(con, scope, frame, at)


def test_leavers_by_reason_on_a_fixture(tmp_path):
    con = load(tmp_path, EDGE_ROWS)
    counts = turnover.leavers_by_reason_raw(con, Scope(as_of=D))
    # Leavers in [01.12.2022, 01.12.2023) in the whole organisation: last-day, ends-on-year-before (its
    # last day opens the window), short, two-jobs (last job ended in October: pensjon), no-reason.
    # Not the mover, not back-again.
    assert counts.to_dict() == {"Pensjon": 1, "Egen oppsigelse": 2, "Intern overgang": 0, "Annet": 1,
                                "Ikke oppgitt": 1}
    assert counts.sum() == metrics.compute(con, Scope(as_of=D), by=None).loc["total", "leavers_12m"]
    # Unit A alone: the mover and two-jobs (ended in A in March; still employed in B, but not in A).
    unit_a = turnover.leavers_by_reason_raw(con, Scope(as_of=D, units=("A",)))
    assert unit_a.to_dict() == {"Pensjon": 1, "Egen oppsigelse": 1, "Intern overgang": 1, "Annet": 1}


def test_leavers_by_reason_hides_small_counts_and_their_complement(tmp_path):
    rows = [*stayers(20)]
    rows += [row(f"quit{i}", end=date(2023, 6, 1), reason="egen_oppsigelse") for i in range(6)]
    rows += [row(f"ret{i}", end=date(2023, 6, 1), reason="pensjon") for i in range(2)]
    rows += [row(f"other{i}", end=date(2023, 6, 1), reason="annet") for i in range(5)]
    con = load(tmp_path, rows)
    reasons = turnover.leavers_by_reason(con, Scope(as_of=D), k=5)
    values = reasons.values["Sluttet"]
    assert values["Pensjon"] is None  # 2 < 5
    assert values["Intern overgang"] == 0  # a true 0 shows
    assert values[turnover.TOTAL_LABEL] == 13
    # With the total shown, 2 could be worked out: the smallest other count (Annet, 5) is hidden too.
    assert values["Annet"] is None
    assert values["Egen oppsigelse"] == 6
    chart = turnover.reason_chart_frame(reasons).set_index("Sluttårsak")
    assert chart.loc["Pensjon", "Tekst"] == "<5" and chart.loc["Pensjon", "Antall"] == 0
    assert chart.loc["Egen oppsigelse", "Tekst"] == "6"
    # k = 1 shows everything.
    assert turnover.leavers_by_reason(con, Scope(as_of=D), k=1).values["Sluttet"]["Pensjon"] == 2


def test_a_small_scope_hides_all_reasons_and_trend_points(tmp_path):
    con = load(tmp_path, [*stayers(3), history_begins(), row("quit", end=date(2023, 6, 1), reason="egen_oppsigelse")])
    reasons = turnover.leavers_by_reason(con, Scope(as_of=D), k=5)
    assert reasons.hidden.to_numpy().all()
    trend = turnover.trend(con, Scope(as_of=D), k=5)
    assert trend.values["turnover_12m"].isna().all()
    assert turnover.trend_has_gaps(trend)
    assert turnover.trend_chart_frame(trend)["Andel"].isna().all()
    figures = turnover.key_figures(con, Scope(as_of=D), k=5)
    assert figures.average[0].value == "<5" and figures.any_hidden


def test_trend_hides_points_below_k_only(tmp_path):
    # 4 people until 2023-06-30, then 6.
    rows = [*stayers(4), *[row(f"new{i}", start=date(2023, 7, 1)) for i in range(2)]]
    con = load(tmp_path, rows)
    trend = turnover.trend(con, Scope(as_of=D), k=5, since=date(2023, 1, 1))
    shown = trend.values.set_index("point")["turnover_12m"]
    assert shown[date(2023, 6, 1)] is None
    assert shown[date(2023, 7, 1)] == pytest.approx(0.0)


# --- The demo: the Larvik figures and the trend against metrics -----------------------------------

HO = ("BOA", "HJT", "HO", "SYK-A", "SYK-B")


@pytest.fixture(scope="module")
def demo_con(tmp_path_factory):
    con = store.connect(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    demo.load_demo(con)
    yield con
    con.close()


def test_demo_key_figures_for_the_municipal_sector(demo_con):
    figures = turnover.key_figures(demo_con, Scope(as_of=D, units=HO), k=5)
    assert figures.average[0].value.replace("\xa0", " ") == "12,9 %"
    counts = {f.key: f.value for f in figures.counts}
    assert counts["leavers_12m"] == "116"
    assert counts["headcount"] == "902"
    professions = turnover.by_group(demo_con, Scope(as_of=D, units=HO), "profession", k=5).values
    rates = dict(zip(professions["Yrkesgruppe"], professions["Turnover"], strict=True))
    assert rates["assistent"] == pytest.approx(0.209, abs=0.0005)
    assert rates["helsefagarbeider"] == pytest.approx(0.099, abs=0.0005)
    assert rates[turnover.TOTAL_LABEL] == pytest.approx(116 / 902)


@pytest.mark.parametrize("scope", [
    Scope(as_of=D),
    Scope(as_of=D, units=HO),
    Scope(as_of=D, units=("MB-L", "MB-N", "BB-L", "BB-N", "MM", "Stab")),
    Scope(as_of=D, professions=("assistent",)),
    Scope(as_of=date(2021, 12, 1), units=HO, employment_types=("fast",)),
])
def test_demo_trend_equals_metrics_at_the_last_point_and_a_year_back(demo_con, scope):
    frame = turnover.trend_raw(demo_con, scope)
    assert frame.index[-1] == scope.as_of
    assert_same_as_metrics(demo_con, scope, frame, scope.as_of)
    assert_same_as_metrics(demo_con, scope, frame, date(scope.as_of.year - 1, 6, 1))


def test_demo_leavers_by_reason_add_up_to_the_leavers(demo_con):
    for scope in (Scope(as_of=D), Scope(as_of=D, units=HO), Scope(as_of=date(2020, 12, 1))):
        expected = metrics.compute(demo_con, scope, by=None).loc["total", "leavers_12m"]
        assert turnover.leavers_by_reason_raw(demo_con, scope).sum() == expected


def test_demo_by_unit_hides_rates_of_small_units(demo_con):
    groups = turnover.by_group(demo_con, Scope(as_of=D), "unit", k=5, names={"BB-N": "Blodbank Namsos"})
    values = groups.values.set_index("Enhet")
    assert values.loc["Blodbank Namsos", "Turnover"] is None  # 4 persons
    assert values.loc["SYK-A", "Turnover"] == pytest.approx(30 / 223)
    chart = turnover.group_chart_frame(groups, "Enhet")
    hidden = chart[chart["Enhet"] == "Blodbank Namsos"]
    assert set(hidden["Tekst"]) == {"<5"} and set(hidden["Andel"]) == {0.0}
    assert turnover.TOTAL_LABEL not in set(chart["Enhet"])


def test_few_leavers_in_a_large_scope_show_as_small_counts_and_true_zeros(tmp_path):
    rows = [*stayers(10), *[row(f"quit{i}", end=date(2023, 6, 1), reason="egen_oppsigelse") for i in range(3)]]
    con = load(tmp_path, rows)
    reasons = turnover.leavers_by_reason(con, Scope(as_of=D), k=5)
    values = reasons.values["Sluttet"].to_dict()
    assert values == {"Pensjon": 0, "Egen oppsigelse": None, "Intern overgang": 0, "Annet": 0,
                      turnover.TOTAL_LABEL: None}
    table = turnover.reason_table(reasons)
    assert list(table.values["Sluttårsak"]) == ["Pensjon", "Egen oppsigelse", "Intern overgang", "Annet",
                                                turnover.TOTAL_LABEL]
    assert not table.hidden["Sluttårsak"].any()


# --- The leaver window is [d - 1 year, d) (issue 14) -------------------------------------------------


def test_a_leaver_on_d_is_still_employed_on_d_one_on_d_minus_a_year_leaves_one_on_d_plus_a_day_stays(tmp_path):
    con = load(tmp_path, [
        *stayers(6),
        row("last-day-d", end=D, reason="egen_oppsigelse"),
        row("last-day-a-year-before", end=date(2022, 12, 1), reason="pensjon"),
        row("last-day-after-d", end=date(2023, 12, 2), reason="annet"),
    ])
    figures = metrics.compute(con, Scope(as_of=D), by=None).loc["total"]
    # Only the one whose last day opened the window, 01.12.2022, left in [01.12.2022, 01.12.2023).
    assert (figures["leavers_12m"], figures["leavers_12m_retirement"]) == (1, 1)
    assert figures["headcount"] == 8  # the six, last-day-d and last-day-after-d
    assert figures["turnover_12m"] == pytest.approx(1 / ((9 + 8) / 2))
    assert turnover.leavers_by_reason_raw(con, Scope(as_of=D))["Pensjon"] == 1
    at_d = point(con, Scope(as_of=D), D)
    assert at_d["leavers_12m"] == 1
    # A year later the leaver on 01.12.2023 counts (in the window that ends a year after d).
    later = metrics.compute(con, Scope(as_of=date(2024, 12, 1)), by=None).loc["total"]
    assert later["leavers_12m"] == 2  # last-day-d and last-day-after-d


def test_the_trend_starts_at_the_first_month_with_a_whole_window_in_the_data(tmp_path):
    # The data begins with the first end date, 15.03.2019: its month, March 2019. The first whole window
    # [10.03.2019, 10.03.2020) ends on 10.03.2020 (points fall on the reference date's day, the 10th).
    con = load(tmp_path, [*stayers(6), row("first-leaver", end=date(2019, 3, 15), reason="annet"),
                          row("later", end=date(2020, 6, 30), reason="egen_oppsigelse")])
    trend = turnover.trend(con, Scope(as_of=date(2021, 1, 10)), k=1)
    points = list(trend.values["point"])
    assert points[0] == date(2020, 3, 10) and points[-1] == date(2021, 1, 10) and len(points) == 11
    assert turnover.trend_start_text(trend, None).startswith(
        "Første punkt er 10.03.2020: den første måneden der hele 12-månedersperioden (10.03.2019–09.03.2020)")
