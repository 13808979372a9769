"""Every .sql file in queries/ is one query with named parameters, and runs on the demo database."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kompetanse.demo import demo
from kompetanse.plan import goals, plan_versions
from kompetanse.storage import store

# A sample value for every named parameter a query may use.
SAMPLE_PARAMS: dict[str, object] = {
    "as_of": date(2023, 12, 1),
    "units": None,
    "professions": None,
    "employment_types": None,
    "retirement_mode": "expected",
    "retirement_age": None,
    "by_unit": True,
    "by_profession": False,
    "unit": "MB-L",
    "year": 1,
    "horizon": 1,
    "import_id": 1,
    "growth": 0.03,
    "age_shift": 0,
    "min_holders": 1,
    "days": 90,
    "since": None,
    "action": None,
    "limit": 100,
    "title": "Intensivsykepleier",
    "code": None,
    # closing a year (plan_versions): a version that the demo does not have, and empty lists of rows
    "version_id": 99,
    "plan_year": 2099,
    "closed_at": date(2099, 12, 1),
    "closed_by": "test",
    **{f"g_{c}": [] for c in goals.GOAL_COLUMNS},
    **{f"m_{c}": [] for c in plan_versions.VERSION_MEASURE_COLUMNS},
    "f_figure": [],
    "f_value": [],
}
QUERY_FILES = sorted(store.QUERIES_DIR.glob("*.sql"))
PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = store.connect(tmp_path_factory.mktemp("q") / "demo.duckdb")
    demo.load_demo(connection)
    return connection


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_query_runs_on_the_demo(con, path):
    sql = path.read_text(encoding="utf-8")
    names = set(PARAMETER.findall(sql))
    unknown = names - set(SAMPLE_PARAMS)
    assert not unknown, f"add a sample value for {unknown} to SAMPLE_PARAMS"
    frame = store.run_query(con, path.stem, {n: SAMPLE_PARAMS[n] for n in names})
    assert frame is not None


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_one_statement_per_file(path):
    body = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8")).strip().rstrip(";")
    assert ";" not in body
