"""Pensjon og rekruttering through AppTest: figures follow the retirement-age choice, the scenario and rule edits.

The expected figures are computed here from the raw employments with plain Python.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kompetanse.figures import retirement, rules
from kompetanse.storage import store
from tests.app.helpers import app, open_tab
from tests.fixtures import demo_copy

D = date(2023, 12, 1)
PAGE = "pages/pensjon.py"
# Each tab is drawn only when open (ui.render.tabs); the tables by their place in their tab.
YEARS_TAB, NEED_TAB, RULES_TAB = "Pensjonering per år", "Rekrutteringsbehov", "Regler og utgangsrater"
NEED_TABLE, PARTS_TABLE, BACKTEST_TABLE = 0, 1, 2
RULES_TABLE = 0


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = demo_copy(tmp_path_factory.mktemp("pensjon") / "demo.duckdb")
    return path


@pytest.fixture(autouse=True)
def use_db(db, monkeypatch):
    monkeypatch.setenv("KOMPETANSE_DB", str(db))


def active_people(db) -> pd.DataFrame:
    con = store.connect(db)
    try:
        frame = con.execute("select employee_id, profession, birth_date, start_date, end_date from v_employments").df()
        rule_rows = con.execute("select profession, expected_age from retirement_rules").fetchall()
    finally:
        con.close()
    for column in ("birth_date", "start_date", "end_date"):
        frame[column] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
    active = frame[(frame["start_date"] <= D) & frame["end_date"].map(lambda e: e is None or e >= D)].copy()
    expected = {p.lower(): age for p, age in rule_rows}
    active["rule_age"] = [expected.get(p.lower(), expected["*"]) for p in active["profession"]]
    active["age"] = [rules.age_at(b, D) for b in active["birth_date"]]
    return active


def first_years(active: pd.DataFrame, fixed: int | None = None) -> pd.Series:
    """Per person: the first year 0..10 in which they are at the age (None: later)."""
    def first(row: pd.Series) -> int | None:
        limit = fixed if fixed is not None else row["rule_age"]
        for n in range(11):
            if rules.age_at(row["birth_date"], D.replace(year=D.year + n)) >= limit:
                return n
        return None
    years = active.apply(first, axis=1)
    return years.groupby(active["employee_id"]).min()


def year_table(at) -> pd.DataFrame:
    """The first tab's table: short enough in the demo to be a static table (ui.render.table)."""
    return at.table[0].value


def total_row(at) -> pd.Series:
    return year_table(at).loc[retirement.TOTAL]


def open_page():
    at = app().run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def test_retirements_per_year_follow_the_age_choice(db):
    at = open_page()
    active = active_people(db)
    years = first_years(active)
    shown = total_row(at)
    assert shown[retirement.ALREADY_PAST] == (years == 0).sum()
    for n in range(1, 11):
        assert shown[f"År {n}"] == (years == n).sum()
    assert shown[retirement.SIZE_COLUMN] == active["employee_id"].nunique()

    at.radio(key="p_choice").set_value("fixed").run()
    at.number_input(key="p_age").set_value(65).run()
    years65 = first_years(active, fixed=65)
    shown = total_row(at)
    assert shown[retirement.ALREADY_PAST] == (years65 == 0).sum()
    assert shown["År 3"] == (years65 == 3).sum()
    assert shown["Sum 10 år"] == years65.notna().sum()
    assert (years65 == 0).sum() != (years == 0).sum()

    at.radio(key="p_measure").set_value("fte").run()
    assert not at.exception
    assert total_row(at)[retirement.SIZE_COLUMN] == active["employee_id"].nunique()


def test_scenario_sliders_change_the_need(db):
    at = open_page()
    active = active_people(db)
    headcount = active["employee_id"].nunique()
    years = first_years(active)
    open_tab(at, "p_tab", NEED_TAB)
    at.toggle(key="p_same_turnover").set_value(True).run()
    at.slider(key="p_turnover").set_value(10).run()
    at.slider(key="p_growth").set_value(2).run()
    assert not at.exception
    parts = at.dataframe[PARTS_TABLE].value
    assert parts.loc["År 1", "Pensjonering"] == (years <= 1).sum()  # already past count in year 1
    assert parts.loc["År 1", "Annen turnover"] == round(0.10 * headcount)
    assert parts.loc["År 1", "Vekst"] == round(0.02 * headcount)
    assert parts.loc["År 2", "Annen turnover"] == round(0.10 * headcount * 1.02)
    assert parts.loc["År 1", "Behov i alt"] == round((years <= 1).sum() + 0.12 * headcount)

    at.slider(key="p_shift").set_value(2).run()
    people = active.groupby(["profession", "employee_id"]).agg(age=("age", "max"), rule=("rule_age", "first"))
    shifted = ((people["rule"] + 2 - people["age"]).clip(lower=1) == 1).sum()
    assert at.dataframe[PARTS_TABLE].value.loc["År 1", "Pensjonering"] == shifted

    at.radio(key="p_method").set_value("exit_rates").run()
    at.slider(key="p_shift").set_value(0).run()
    rate = {age: r for low, high, r, _ in rules.DEFAULT_EXIT_RATES for age in range(low, min(high, 120) + 1)}
    # A 69-year-old turns 70 in year 1, when the upper age limit is 70 (until 2026): all of them leave.
    exits = {age: 1.0 if age >= 69 else rate.get(age, 0.0) for age in people["age"].unique()}
    older = sum(exits[age] for age in people["age"] if age >= 62)
    younger = sum(exits[age] for age in people["age"] if age < 62)
    parts = at.dataframe[PARTS_TABLE].value
    assert parts.loc["År 1", "Avganger etter alder, 62 år og eldre"] == round(older)
    assert parts.loc["År 1", "Avganger etter alder, under 62 år"] == round(younger)
    # The rates count every leaver: no turnover on top (the slider is still at 10 %).
    assert "Annen turnover" not in parts.columns and "Pensjonering" not in parts.columns
    assert parts.loc["År 1", "Behov i alt"] == round(older + younger + 0.02 * headcount)


def test_a_saved_rule_shows_after_a_rerun(db):
    from ui import data

    at = open_tab(open_page(), "p_tab", RULES_TAB)
    shown_rules = at.dataframe[RULES_TABLE].value.set_index("profession")
    assert shown_rules.loc["sykepleier", "expected_age"] == 65
    con = data.connection()
    edited = at.dataframe[RULES_TABLE].value.copy()
    edited.loc[edited["profession"] == "sykepleier", "expected_age"] = 67
    bad = edited.assign(earliest_age=edited["earliest_age"].where(edited["profession"] != "*", 70))
    assert retirement.save_rules(con, bad)  # earliest above expected: rejected
    assert retirement.save_rules(con, edited) == []
    data.data_changed()
    try:
        at.run()
        assert at.dataframe[RULES_TABLE].value.set_index("profession").loc["sykepleier", "expected_age"] == 67
        open_tab(at, "p_tab", YEARS_TAB)
        active = active_people(db)
        years = first_years(active)
        nurses = first_years(active[active["profession"] == "sykepleier"])
        shown = year_table(at).loc["sykepleier"]
        assert shown["Sum 10 år"] == nurses.notna().sum()
        assert total_row(at)[retirement.ALREADY_PAST] == (years == 0).sum()
    finally:
        retirement.reset_rules(con)
        data.data_changed()


def test_an_empty_selection_says_so():
    at = open_page()
    at.date_input(key="f_date").set_value(date(1975, 1, 1)).run()  # before anyone started
    assert not at.exception
    assert any("Ingen data i utvalget" in info.value for info in at.info)


def test_from_risk_to_measure_opens_the_units_measures():
    at = app().run()
    at.switch_page("pages/pensjon.py").run()
    open_tab(at, "p_tab", "Andel per enhet")
    at.selectbox(key="p_to_unit").set_value("Fødeavdeling").run()
    at.selectbox(key="p_to_profession").set_value("jordmor").run()
    next(b for b in at.button if b.label == "Vis tiltak").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Tiltak og kostnader"
    assert at.multiselect(key="f_units").value == ["FOD"]
    assert at.multiselect(key="f_professions").value == ["jordmor"]
    assert "Fødeavdeling" in at.caption[0].value


def test_the_page_opens_on_retirements_per_year_and_builds_another_tab_only_when_it_is_chosen():
    at = open_page()
    assert [t.label for t in at.tabs] == [YEARS_TAB, "Andel per enhet", NEED_TAB, RULES_TAB]
    assert [s.value for s in at.subheader] == ["Når pensjonsalder de neste 10 årene"]
    assert len(at.get("plotly_chart")) == 1 and len(at.table) == 1
    assert not at.dataframe  # neither the need tables nor the rule editors are built on the first tab
    open_tab(at, "p_tab", RULES_TAB)
    assert at.subheader[0].value == "Pensjonsalder per yrkesgruppe"
    assert not at.get("plotly_chart") and not at.table
    assert len(at.dataframe) == 4  # the four rule tables, editable in open mode
    assert any("før du bytter fane" in info.value for info in at.info)  # an undrawn editor keeps no edits
