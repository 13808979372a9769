"""Retirement per year, the share within 5 years and the rule-table edits, on tiny fixtures and the demo."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import pytest

from kompetanse.demo import demo
from kompetanse.figures import metrics, retirement
from kompetanse.figures.metrics import Scope
from kompetanse.storage import history, store

D = date(2023, 12, 1)
OLD = date(2010, 1, 1)
PAST = retirement.ALREADY_PAST


def person(pid: str, born: date, profession: str = "lege", *, unit: str = "A", pct: float = 100.0,
           end: date | None = None) -> dict[str, object]:
    return {
        "employee_id": pid, "unit_code": unit, "profession": profession, "birth_date": born, "gender": "K",
        "position_pct": pct, "employment_type": "fast", "start_date": OLD, "end_date": end,
        "end_reason": "pensjon" if end else None, "education_level": None,
    }


def load(tmp_path, rows: list[dict[str, object]]):
    con = store.connect(tmp_path / "t.duckdb")
    frame = pd.DataFrame(rows)
    for column in ("start_date", "end_date", "birth_date"):
        frame[column] = pd.to_datetime(frame[column])
    digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()
    history.record_import(con, "personnel", frame, file_name="t.csv", sha256=digest, snapshot_date=D)
    return con


FIXTURE = [
    person("turns-67-on-d+1y", date(1957, 12, 1)),  # 66 at d, 67 exactly on 01.12.2024: year 1
    person("turns-67-a-day-later", date(1957, 12, 2)),  # 67 on 02.12.2024: year 2
    person("already-70", date(1953, 6, 1)),  # past every age at d
    person("nurse-62", date(1961, 12, 1), "sykepleier"),  # 62 at d (birthday on d); 65 on d + 3 years
    person("young", date(1990, 1, 1)),  # 33: not within 10 years
    person("left", date(1957, 1, 1), end=date(2023, 11, 30)),  # not active at d
    person("two-jobs", date(1959, 3, 1), unit="A", pct=60.0),  # 64 at d; 67 on 01.03.2026: year 3
    person("two-jobs", date(1959, 3, 1), unit="B", pct=40.0),
]


def raw_years(con, scope: Scope) -> dict[str, dict[str, float]]:
    """Row key -> column -> value, with nothing hidden (k = 1)."""
    table = retirement.year_table(con, scope, 1)
    return table.persons.values.to_dict(orient="index"), table.fte.values.to_dict(orient="index")


def test_years_by_expected_age(tmp_path):
    con = load(tmp_path, FIXTURE)
    persons, fte = raw_years(con, Scope(as_of=D))
    lege, nurse, total = persons["lege"], persons["sykepleier"], persons[retirement.TOTAL]
    assert lege[PAST] == 1  # already 70
    assert lege["År 1"] == 1  # the birthday on d + 1 year counts in year 1
    assert lege["År 2"] == 1
    assert lege["År 3"] == 1  # the person with two employments counts once
    assert lege["Sum 10 år"] == 4
    assert lege[retirement.SIZE_COLUMN] == 5
    assert nurse["År 3"] == 1  # særaldersgrense 65, not 67
    assert nurse["År 5"] == 0
    assert total[PAST] + total["År 1"] + total["År 2"] + total["År 3"] == 5
    assert fte["lege"]["År 3"] == pytest.approx(1.0)  # 60 % + 40 %
    assert fte[retirement.TOTAL][PAST] == pytest.approx(1.0)


def test_earliest_and_fixed_age(tmp_path):
    con = load(tmp_path, FIXTURE)
    earliest, _ = raw_years(con, retirement.with_choice(Scope(as_of=D), "earliest"))
    assert earliest["sykepleier"][PAST] == 1  # 62 on d, earliest 62: already there
    assert earliest["lege"][PAST] == 4  # 66, 66, 70 and 64 are all past 62
    fixed, _ = raw_years(con, retirement.with_choice(Scope(as_of=D), "fixed", 70))
    assert fixed["lege"][PAST] == 1
    assert fixed["lege"]["År 4"] == 1  # 66 at d, 70 on 01.12.2027
    assert fixed["lege"]["År 5"] == 1  # the one born a day later
    assert fixed["lege"]["År 6"] == 1  # 64 at d
    assert fixed["sykepleier"]["År 8"] == 1  # the fixed age overrides særaldersgrense
    assert fixed["lege"]["Sum 10 år"] == 4


def test_small_counts_hidden_and_chart_leaves_them_out(tmp_path):
    con = load(tmp_path, FIXTURE)
    table = retirement.year_table(con, Scope(as_of=D), 5)
    assert table.headcount == 6
    assert table.persons.values.loc[retirement.TOTAL, retirement.SIZE_COLUMN] == 6
    assert table.persons.values.loc["lege", "År 1"] is None  # a group of 5 with a count of 1
    assert table.persons.values.loc["sykepleier", "År 3"] is None  # a group of 1
    assert table.fte.values.loc["lege", "År 3"] is None  # FTE hidden where the count is
    assert retirement.chart_rows(table.persons).empty
    assert retirement.total_labels(table.persons, ["År 1"]) == {"År 1": "<5"}


@pytest.fixture(scope="module")
def demo_con(tmp_path_factory):
    con = store.connect(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    demo.load_demo(con)
    yield con
    con.close()


@pytest.mark.parametrize(("choice", "age"), [("expected", None), ("earliest", None), ("fixed", 65)])
def test_years_add_up_to_retiring_within_5y_on_the_demo(demo_con, choice, age):
    scope = retirement.with_choice(Scope(as_of=D), choice, age)
    rows = retirement.by_year(demo_con, scope)
    figures = metrics.compute(demo_con, scope, by="profession")
    within = rows[rows["year"] <= 5]
    assert within.loc[within["is_total"], "persons"].sum() == figures.loc["total", "retiring_within_5y"]
    assert within.loc[within["is_total"], "fte"].sum() == pytest.approx(figures.loc["total", "retiring_within_5y_fte"])
    per_profession = within[~within["is_total"]].groupby("profession")["persons"].sum()
    for profession, row in figures[~figures["is_total"]].iterrows():
        assert per_profession.get(profession, 0) == row["retiring_within_5y"]
    assert rows.loc[rows["is_total"], "persons"].sum() == figures.loc["total", "retiring_within_10y"]


def test_year_span():
    assert retirement.year_span(D, 1) == "02.12.2023–01.12.2024"
    assert retirement.year_span(D, 10) == "02.12.2032–01.12.2033"


def test_share_matrix(tmp_path):
    rows = [person(f"a{i}", date(1990, 1, 1), unit="A") for i in range(4)]
    rows += [person("a-old1", date(1957, 1, 1), unit="A"), person("a-old2", date(1958, 6, 1), unit="A")]
    rows += [person(f"b{i}", date(1957, 1, 1), unit="B") for i in range(3)]
    con = load(tmp_path, rows)
    matrix = retirement.share_matrix(con, Scope(as_of=D), 5, {"A": "Enhet A"})
    shown = retirement.share_matrix(con, Scope(as_of=D), 0, {"A": "Enhet A"})
    assert shown.shares.loc["Enhet A", "lege"] == pytest.approx(2 / 6)
    assert shown.text.loc["Enhet A", "lege"].replace("\xa0", " ") == "33 %"
    # 2 of 6 would give the two retiring persons back (share x headcount): hidden with them
    assert pd.isna(matrix.shares.loc["Enhet A", "lege"])
    assert matrix.text.loc["Enhet A", "lege"] == "<5"
    assert pd.isna(matrix.shares.loc["B", "lege"])  # 3 persons: no rate
    assert matrix.text.loc["B", "lege"] == "<5"
    assert set(matrix.hidden_cells) == {("Enhet A", "lege"), ("B", "lege")}


# --- Rule edits ------------------------------------------------------------------------------


def rules_of(con) -> pd.DataFrame:
    return retirement.rule_table(con).reset_index(drop=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f[f["profession"] != "*"], "Standardraden"),
        (lambda f: f.assign(earliest_age=[68, *list(f["earliest_age"][1:])]), "høyere enn forventet"),
        (lambda f: f.assign(expected_age=[76, *list(f["expected_age"][1:])]), "helt tall fra 50 til 75"),
        (lambda f: f.assign(earliest_age=[49, *list(f["earliest_age"][1:])]), "helt tall fra 50 til 75"),
        (lambda f: f.assign(expected_age=[66.5, *list(f["expected_age"][1:])]), "helt tall"),
        (lambda f: pd.concat([f, pd.DataFrame([{"profession": " ", "earliest_age": 62, "expected_age": 67}])]),
         "yrkesgruppe mangler"),
        (lambda f: pd.concat([f, pd.DataFrame([{"profession": "Sykepleier", "earliest_age": 62,
                                                "expected_age": 67}])]), "mer enn én gang"),
        (lambda f: pd.concat([f, pd.DataFrame([{"profession": "lege", "earliest_age": None,
                                                "expected_age": 67}])]), "tidligste alder"),
    ],
)
def test_invalid_rule_edits_leave_the_database_unchanged(tmp_path, change, message):
    con = load(tmp_path, FIXTURE)
    before = rules_of(con)
    errors = retirement.save_rules(con, change(before.copy()))
    assert errors and any(message in e for e in errors)
    pd.testing.assert_frame_equal(rules_of(con), before)


def test_valid_rule_edit_is_saved_and_used(tmp_path):
    con = load(tmp_path, FIXTURE)
    edited = rules_of(con)
    edited.loc[edited["profession"] == "sykepleier", "expected_age"] = 67
    edited = pd.concat([edited, pd.DataFrame([{"profession": "lege", "earliest_age": 62, "expected_age": 70}])])
    assert retirement.save_rules(con, edited) == []
    saved = rules_of(con).set_index("profession")
    assert saved.loc["sykepleier", "expected_age"] == 67
    assert saved.loc["lege", "expected_age"] == 70
    persons, _ = raw_years(con, Scope(as_of=D))
    assert persons["sykepleier"]["År 5"] == 1  # 62 at d, 67 on d + 5 years
    assert persons["lege"]["År 4"] == 1  # 66 at d, 70 four years on
    retirement.reset_rules(con)
    assert rules_of(con).set_index("profession").loc["sykepleier", "expected_age"] == 65
    assert "lege" not in set(rules_of(con)["profession"])


def test_upper_age_limits_edit(tmp_path):
    con = load(tmp_path, FIXTURE)
    before = retirement.upper_age_limits(con)
    assert list(before["upper_age"]) == [70, 72]
    bad = before.assign(upper_age=[70, 80])
    assert retirement.save_upper_age_limits(con, bad)
    pd.testing.assert_frame_equal(retirement.upper_age_limits(con), before)
    dup = pd.concat([before, before.iloc[[1]]])
    assert retirement.save_upper_age_limits(con, dup)
    good = pd.concat([before, pd.DataFrame([{"valid_from": pd.Timestamp("2030-01-01"), "upper_age": 73}])])
    assert retirement.save_upper_age_limits(con, good) == []
    assert list(retirement.upper_age_limits(con)["upper_age"]) == [70, 72, 73]
