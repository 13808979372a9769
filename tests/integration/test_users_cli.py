"""The command line's user commands and --as-user (DESIGN.md's contract), and the audit rows it writes."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "riktig-passord"
CLI = f"kommandolinje ({getpass.getuser()})"  # the audit names the operating-system account that ran a command


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kompetanse", *args], cwd=ROOT, capture_output=True, text=True, input=stdin,
        check=False, env={**os.environ, "KOMPETANSE_DB": "/nonexistent/never-used.duckdb"},
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("users-cli") / "demo.duckdb"
    assert run("demo", "--db", str(path)).returncode == 0
    added = run("user", "add", "kari", "--role", "leder", "--units", "MB-L", "--password-stdin", "--db", str(path),
                stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert run("user", "add", "hanne", "--role", "hr", "--password-stdin", "--db", str(path),
               stdin=PASSWORD + "\n").returncode == 0
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "db.duckdb"
    shutil.copyfile(template, path)
    return path


def audit_rows(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute('select actor, action, scope, detail from audit order by "at"').fetchall()
    finally:
        con.close()


def test_user_add_list_grant_remove(db):
    listed = run("user", "list", "--db", str(db))
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == ["navn\trolle\tenheter\tsperret til", "hanne\thr\talle\t",
                                          "kari\tleder\tMB-L\t"]
    assert PASSWORD not in listed.stdout and "argon2" not in listed.stdout

    granted = run("user", "grant", "kari", "--units", "MB-N", "--db", str(db))
    assert granted.returncode == 0, granted.stderr
    assert "MB-L, MB-N" in granted.stdout
    assert "kari\tleder\tMB-L,MB-N\t" in run("user", "list", "--db", str(db)).stdout

    removed = run("user", "remove", "kari", "--db", str(db))
    assert removed.returncode == 0
    assert "kari" not in run("user", "list", "--db", str(db)).stdout

    actions = [(actor, action, scope) for actor, action, scope, _ in audit_rows(db)]
    assert actions == [(CLI, "bruker lagt til", "MB-L"), (CLI, "bruker lagt til", "alle"),
                       (CLI, "brukere vist", "alle"), (CLI, "tilgang gitt", "MB-L,MB-N"), (CLI, "brukere vist", "alle"),
                       (CLI, "bruker fjernet", "ingen"), (CLI, "brukere vist", "alle")]
    assert not [row for row in audit_rows(db) if PASSWORD in " ".join(map(str, row))]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "ola", "--role", "leder", "--units", "FINNES-IKKE", "--password-stdin"], PASSWORD,
         "ukjent enhet: FINNES-IKKE"),
        (["user", "add", "ola", "--role", "leder", "--password-stdin"], PASSWORD, "trenger minst én enhet"),
        (["user", "add", "kari", "--role", "hr", "--password-stdin"], PASSWORD, "finnes allerede: kari"),
        (["user", "add", "ola", "--role", "hr", "--password-stdin"], "kort", "minst 8 tegn"),
        (["user", "remove", "ola"], None, "ukjent bruker: ola"),
        (["user", "grant", "ola", "--units", "MB-L"], None, "ukjent bruker: ola"),
    ],
)
def test_invalid_user_input_exits_1_with_a_message(db, args, stdin, message):
    result = run(*args, "--db", str(db), stdin=None if stdin is None else stdin + "\n")
    assert result.returncode == 1
    assert message in result.stderr


def test_bad_usage_exits_2(db):
    assert run("user", "add", "ola", "--role", "sjef", "--password-stdin", "--db", str(db)).returncode == 2
    assert run("user", "add", "ola", "--role", "hr", "--db", str(db), stdin=PASSWORD).returncode == 2


def test_metrics_as_user_shows_exactly_what_the_user_may_see(db):
    leader = run("metrics", "--db", str(db), "--as-user", "kari", "--json")
    assert leader.returncode == 0, leader.stderr
    shown = json.loads(leader.stdout)
    assert [row["unit"] for row in shown["rows"]] == ["MB-L"]
    assert shown["total"]["headcount"] == 32
    hr = json.loads(run("metrics", "--db", str(db), "--as-user", "hanne", "--json").stdout)
    everyone = json.loads(run("metrics", "--db", str(db), "--json").stdout)
    assert [r["unit"] for r in hr["rows"]] == [r["unit"] for r in everyone["rows"]]
    assert hr["total"]["headcount"] == everyone["total"]["headcount"] == 1196


def test_as_user_never_shows_raw_figures_a_lower_min_cell_is_refused(db):
    # kari sees MB-L with the app's k = 5: its two persons 60+ are hidden, so --min-cell 0 may not show them
    refused = run("metrics", "--db", str(db), "--as-user", "kari", "--min-cell", "0", "--json")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "--as-user" in refused.stderr and "minste gruppestørrelse 5" in refused.stderr
    stricter = json.loads(run("metrics", "--db", str(db), "--as-user", "kari", "--min-cell", "10", "--json").stdout)
    assert stricter["min_cell"] == 10
    shown = json.loads(run("metrics", "--db", str(db), "--as-user", "kari", "--json").stdout)
    assert shown["min_cell"] == 5
    assert shown["rows"][0]["age_bands"]["60-69"] is None
    # export has no --min-cell: the pack always uses the app's k (argparse: bad usage, exit 2)
    assert run("export", "--db", str(db), "--as-user", "kari", "--min-cell", "0", "--format", "xlsx",
               "--out", "/tmp/never-written.xlsx").returncode == 2


def test_unknown_user_exits_1(db, tmp_path):
    for args in (["metrics", "--json"], ["export", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx")]):
        result = run(*args, "--db", str(db), "--as-user", "ukjent")
        assert result.returncode == 1
        assert result.stderr.strip() == "ukjent bruker: ukjent"


def test_export_as_user_for_another_unit_is_refused(db, tmp_path):
    out = tmp_path / "mb-n.xlsx"
    result = run("export", "--db", str(db), "--as-user", "kari", "--unit", "MB-N", "--format", "xlsx",
                 "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.strip() == "ingen tilgang til enhet: MB-N"
    assert not out.exists()


def test_export_as_user_carries_the_users_scope_and_is_logged(db, tmp_path):
    out = tmp_path / "kari.xlsx"
    result = run("export", "--db", str(db), "--as-user", "kari", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out, read_only=True)
    cells = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v}
    assert "MB-L" in " ".join(cells)
    assert not cells & {"MB-N", "ALM", "BB-L", "KAK", "HO", "SYK-A"}
    assert audit_rows(db)[-1][:3] == (f"{CLI} som kari", "eksport", "MB-L")  # who ran it, and as whom


def test_metrics_is_logged_with_the_account_and_the_user_it_acted_as(db):
    assert run("metrics", "--db", str(db), "--as-user", "kari", "--json").returncode == 0
    assert audit_rows(db)[-1][:3] == (f"{CLI} som kari", "nøkkeltall", "MB-L")
    assert run("metrics", "--db", str(db), "--by", "profession").returncode == 0
    assert audit_rows(db)[-1][:3] == (CLI, "nøkkeltall", "alle")


def test_import_and_activate_are_logged_without_personal_data(db, tmp_path):
    rows = ["Ansattnr;Fødselsnummer;Enhet;Yrkesgruppe;Stillingsprosent;Startdato",
            "900001;01017010170;MB-L;bioingeniør;100;01.01.2020"]
    source = tmp_path / "ansatte.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    imported = run("import", str(source), "--db", str(db), "--skip-invalid")
    assert imported.returncode == 0, imported.stderr
    # The import removed the demo (its imports included): activate the one that is left.
    own = imported.stdout.split("som import ")[1].split()[0]
    activated = run("activate", own, "--db", str(db))
    assert activated.returncode == 0, activated.stderr
    logged = audit_rows(db)
    assert [(a, b) for a, b, _, _ in logged[-2:]] == [(CLI, "import"), (CLI, "aktivering")]
    text = " ".join(" ".join(map(str, row)) for row in logged)
    assert "900001" not in text and "01017010170" not in text and "ansatte.csv" not in text
