"""Stored with each employment for scale (issue 13): the profession group (written at import, re-derived when the
group table changes) and whether it is the person's only employment; both filled in when a database from before
is opened, so figures stay the same."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from kompetanse.figures import metrics, professions
from kompetanse.figures.metrics import Scope
from kompetanse.storage import store
from tests.fixtures import database, employment

D = date(2023, 12, 1)


def _headcounts_by_profession(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    frame = metrics.compute(con, Scope(as_of=D), by="profession")
    return {row["profession"]: int(row["headcount"]) for _, row in frame[~frame["is_total"]].iterrows()}


def test_a_database_from_before_the_stored_group_gets_its_groups_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create table schema_version (version integer, applied_at timestamp)")
    for version, statements in enumerate(store.MIGRATIONS[:-1], start=1):
        for statement in statements:
            old.execute(statement)
        old.execute("insert into schema_version values (?, ?)", [version, datetime(2026, 1, 1)])
    for statement in store.SQL_MACROS:
        old.execute(statement)
    old.execute("insert into profession_groups values ('tittel', 'intensivsykepleier', 'spesialsykepleier')")
    old.execute("insert into imports values (1, 'personnel', 'f', 'x', 2, now(), date '2023-12-01', true)")
    old.execute("""insert into employments (import_id, employee_id, unit_code, profession, birth_date, position_pct,
        start_date) values (1, 'a', 'A', 'Intensivsykepleier', date '1980-01-01', 100, date '2015-01-01'),
        (1, 'a', 'B', 'Intensivsykepleier', date '1980-01-01', 20, date '2016-01-01'),
        (1, 'b', 'A', 'Kokk', date '1980-01-01', 100, date '2015-01-01')""")
    old.close()

    con = store.connect(path)
    assert _headcounts_by_profession(con) == {"Kokk": 1, "spesialsykepleier": 1}
    by_unit = metrics.compute(con, Scope(as_of=D), by="unit")
    assert by_unit.loc["A", "headcount"] == 2 and by_unit.loc["B", "headcount"] == 1
    assert by_unit.loc["total", "headcount"] == 2
    assert by_unit.loc["total", "fte"] == 2.2


def test_a_person_with_two_employments_is_one_person_in_each_unit_and_in_the_total(tmp_path):
    con = database(tmp_path, [employment("a", "A", birth=date(1960, 1, 1)), employment("a", "A", position=20.0),
                              employment("a", "B", birth=date(1970, 1, 1)), employment("b", "B")])
    flags = con.execute("select employee_id, only_employment from v_employments order by 1, 2").fetchall()
    assert flags == [("a", False), ("a", False), ("a", False), ("b", True)]
    frame = metrics.compute(con, Scope(as_of=D), by="unit")
    assert [frame.loc[label, "headcount"] for label in ("A", "B", "total")] == [1, 2, 2]
    assert frame.loc["A", "fte"] == 1.2 and frame.loc["total", "fte"] == 3.2
    assert frame.loc["total", "mean_age"] == (63 + 43) / 2  # a person's age is that of the earliest birth date


def test_assigning_a_title_and_resetting_the_table_move_the_stored_employments(tmp_path):
    con = database(tmp_path, [employment("a", profession="Kokk"), employment("b", profession="Kokk"),
                              employment("c", profession="Intensivsykepleier")])
    assert _headcounts_by_profession(con) == {"Kokk": 2, "spesialsykepleier": 1}
    assert professions.assign_titles(con, professions.unmapped_titles(con).assign(profession_group="kjøkken")) == []
    assert _headcounts_by_profession(con) == {"kjøkken": 2, "spesialsykepleier": 1}
    professions.reset_groups(con)
    assert _headcounts_by_profession(con) == {"Kokk": 2, "spesialsykepleier": 1}
