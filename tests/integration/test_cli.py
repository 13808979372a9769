"""The command line's contract (DESIGN.md): commands, JSON keys, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "headcount", "fte", "mean_age", "age_bands", "share_60_plus", "retiring_within_1y", "retiring_within_5y",
    "retiring_within_10y", "retiring_within_5y_fte", "leavers_12m", "leavers_12m_retirement", "turnover_12m",
    "turnover_ks",
}


def run(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = None
    if env_db is not None:
        import os

        env = {**os.environ, "KOMPETANSE_DB": str(env_db)}
    return subprocess.run(
        [sys.executable, "-m", "kompetanse", *args], cwd=ROOT, capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    result = run("demo", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_metrics_json_shows_the_alm_plan_age_bands(db):
    result = run("metrics", "--db", str(db), "--as-of", "2023-12-01", "--by", "unit", "--min-cell", "0", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == "2023-12-01"
    assert data["by"] == ["unit"]
    assert data["min_cell"] == 0
    rows = {row["unit"]: row for row in data["rows"]}
    assert list(rows["MB-L"]["age_bands"].values()) == [0, 4, 13, 5, 8, 2, 0]
    assert list(rows["BB-N"]["age_bands"].values()) == [0, 0, 1, 0, 3, 0, 0]
    assert rows["MB-L"]["headcount"] == 32
    assert set(rows["MB-L"]) >= KEYS
    assert set(data["total"]) >= KEYS


def test_metrics_suppresses_small_counts_as_null(db):
    result = run("metrics", "--db", str(db), "--as-of", "2023-12-01", "--json")
    data = json.loads(result.stdout)
    rows = {row["unit"]: row for row in data["rows"]}
    assert data["min_cell"] == 5
    assert rows["BB-N"]["headcount"] is None  # four people
    assert rows["MB-L"]["age_bands"]["60-69"] is None  # two people
    assert rows["MB-L"]["age_bands"]["30-39"] == 13
    for row in data["rows"]:
        for value in row["age_bands"].values():
            assert value is None or not 1 <= value < 5


def test_metrics_hides_every_figure_that_gives_a_hidden_count_back(db):
    rows = {row["unit"]: row for row in json.loads(run("metrics", "--db", str(db), "--json").stdout)["rows"]}
    mb_l = rows["MB-L"]  # 32 persons, two of them 60-69 (hidden)
    assert mb_l["headcount"] == 32 and mb_l["age_bands"]["60-69"] is None
    assert mb_l["share_60_plus"] is None  # 0.0625 x 32 = the hidden 2
    assert mb_l["leavers_12m"] is None and mb_l["turnover_12m"] is None  # 1/32: one leaver
    assert mb_l["retiring_within_5y"] is None and mb_l["retiring_within_5y_fte"] is None
    for code in ("INT", "FOD"):  # hidden leavers came back from turnover_12m with turnover_ks
        assert rows[code]["leavers_12m"] is None
        assert rows[code]["turnover_12m"] is None and rows[code]["turnover_ks"] is None
    bb_l = rows["BB-L"]  # 7 persons, hidden to protect BB-N (4): no share or mean age that gives 7 back
    assert bb_l["headcount"] is None
    assert bb_l["share_60_plus"] is None and bb_l["mean_age"] is None and bb_l["fte"] is None
    assert bb_l["age_bands"]["<20"] == 0 and bb_l["age_bands"]["70+"] == 0  # true zeros stay 0
    for row in rows.values():
        for count, figure in (("retiring_within_5y", "retiring_within_5y_fte"), ("leavers_12m", "turnover_12m")):
            if row[count] is None:
                assert row[figure] is None, (row["unit"], figure)


def test_metrics_by_profession_and_both(db):
    data = json.loads(run("metrics", "--db", str(db), "--as-of", "2023-12-01", "--by", "profession", "--json").stdout)
    assert "profession" in data["rows"][0] and "unit" not in data["rows"][0]
    both = json.loads(
        run("metrics", "--db", str(db), "--as-of", "2023-12-01", "--by", "unit,profession", "--json").stdout
    )
    assert {"unit", "profession"} <= set(both["rows"][0])


def test_retirement_age_for_everyone(db):
    low = json.loads(run("metrics", "--db", str(db), "--retirement-age", "50", "--min-cell", "0", "--json").stdout)
    normal = json.loads(run("metrics", "--db", str(db), "--min-cell", "0", "--json").stdout)
    assert low["total"]["retiring_within_1y"] > normal["total"]["retiring_within_1y"]


def test_as_of_defaults_to_the_data_date(db):
    data = json.loads(run("metrics", "--db", str(db), "--json").stdout)
    assert data["as_of"] == "2023-12-01"


@pytest.mark.parametrize(
    "args",
    [["metrics", "--as-of", "2023-13-01", "--json"], ["metrics", "--by", "clinic"], ["nosuchcommand"], []],
)
def test_bad_usage_exits_2(db, args):
    result = run(*args, "--db", str(db)) if args and args[0] == "metrics" else run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_db_from_environment_is_created_from_demo(tmp_path):
    path = tmp_path / "env.duckdb"
    result = run("metrics", "--json", env_db=path)
    assert result.returncode == 0, result.stderr
    assert path.exists()
    assert json.loads(result.stdout)["total"]["headcount"] > 1000


def test_imports_and_activate(db, tmp_path):
    listing = run("imports", "--db", str(db))
    assert listing.returncode == 0
    assert "personnel" in listing.stdout
    assert run("activate", "999", "--db", str(db)).returncode == 1
    again = run("activate", "2", "--db", str(db))
    assert again.returncode == 0, again.stderr


GOOD_CSV = (
    "Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Kjønn;Stillingsprosent;Startdato\n"
    "1001;TEST;sykepleier;15.06.1980;K;100;01.01.2015\n"
    "1002;TEST;sykepleier;01.02.1975;M;80,5;01.03.2010\n"
)
BAD_CSV = (
    "Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Kjønn;Stillingsprosent;Startdato\n"
    "1001;TEST;sykepleier;31.02.1980;K;100;01.01.2015\n"
    "1002;TEST;sykepleier;01.02.1975;M;abc;01.03.2010\n"
    "1003;TEST;sykepleier;01.02.1975;M;100;01.03.2010\n"
)


def test_import_invalid_file_exits_1_with_a_line_per_bad_row(tmp_path):
    db = tmp_path / "k.duckdb"
    bad = tmp_path / "eksport.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    result = run("import", str(bad), "--db", str(db))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("eksport.csv:2: Fødselsdato: ")
    assert lines[1].startswith("eksport.csv:3: Stillingsprosent: ")
    assert len(lines) == 2
    metrics_out = json.loads(run("metrics", "--db", str(db), "--min-cell", "0", "--json").stdout)
    assert metrics_out["total"]["headcount"] == 0  # a new --db holds nothing (no demo), and nothing was imported


def test_import_good_file_then_again_is_a_no_op(tmp_path):
    db = tmp_path / "k.duckdb"
    good = tmp_path / "eksport.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    first = run("import", str(good), "--db", str(db), "--snapshot-date", "2023-12-01")
    assert first.returncode == 0, first.stderr
    again = run("import", str(good), "--db", str(db), "--snapshot-date", "2023-12-01")
    assert again.returncode == 0
    assert "Ingen endring" in again.stdout
    data = json.loads(run("metrics", "--db", str(db), "--min-cell", "0", "--json").stdout)
    assert data["total"]["headcount"] == 2
    assert data["total"]["fte"] == pytest.approx(1.805)


def test_import_skip_invalid_names_the_rejected_file(tmp_path):
    db = tmp_path / "k.duckdb"
    bad = tmp_path / "eksport.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    result = run("import", str(bad), "--db", str(db), "--skip-invalid", "--snapshot-date", "2023-12-01")
    assert result.returncode == 0, result.stderr
    rejected = tmp_path / "eksport.avviste.csv"
    assert str(rejected) in result.stdout
    assert rejected.exists()
    data = json.loads(run("metrics", "--db", str(db), "--min-cell", "0", "--json").stdout)
    assert data["total"]["headcount"] == 1


def test_metrics_json_is_the_same_byte_for_byte_on_the_same_data(tmp_path):
    from datetime import date

    from kompetanse.storage import store
    from tests.fixtures import employment, load

    path = tmp_path / "fte.duckdb"
    con = store.connect(path)
    positions = [33.3, 66.7, 12.5, 17.35, 80.5, 10.1, 20.2, 30.3]
    load(con, [employment(f"e{i}", unit=f"U{i % 7}", position=positions[i % len(positions)],
                          birth=date(1960 + i % 40, 1 + i % 12, 1)) for i in range(2000)])
    con.close()
    args = ("metrics", "--db", str(path), "--as-of", "2023-12-01", "--by", "unit,profession", "--min-cell", "0",
            "--json")
    first, second = run(*args), run(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.encode() == second.stdout.encode()
    total = json.loads(first.stdout)["total"]
    assert total["fte"] == sum(positions) * 250 / 100  # 2000 = 250 of each percentage, exactly


def test_metrics_refuses_one_retirement_age_above_the_upper_age_limit(db):
    result = run("metrics", "--db", str(db), "--retirement-age", "75", "--json")
    assert result.returncode == 2
    assert "over den øvre aldersgrensen (72 år)" in result.stderr  # 72 from 2026, inside ten years of 2023
