"""Concurrency, crashes, a full disk and garbage input: nothing is lost, no lock error reaches a user."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetanse import importer
from kompetanse.demo import demo
from kompetanse.figures import metrics
from kompetanse.storage import store

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Ansattnr;Enhet;Yrkesgruppe;Fødselsdato;Kjønn;Stillingsprosent;Startdato\n"


def personnel_csv(path: Path, people: int, unit: str = "NY") -> Path:
    lines = [HEADER]
    lines += [f"{i};{unit};sykepleier;15.06.1980;K;100;01.01.2015\n" for i in range(1, people + 1)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def demo_db(path: Path) -> Path:
    con = store.connect(path)
    demo.load_demo(con)
    con.close()
    return path


def headcount(path: Path) -> int:
    con = store.connect(path)
    try:
        sql = "select count(distinct employee_id) from v_employments where end_date is null"
        return int(store.fetch_value(con, sql))
    finally:
        con.close()


def test_twenty_sessions_read_while_an_import_runs(tmp_path, monkeypatch):
    """Twenty sessions' page runs (threads, as Streamlit serves them) during an in-app import."""
    db = demo_db(tmp_path / "k.duckdb")
    monkeypatch.setenv("KOMPETANSE_DB", str(db))
    from ui import data

    new_file = personnel_csv(tmp_path / "ny.csv", 3000)
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    scope = metrics.Scope(as_of=demo.SNAPSHOT_DATE)

    def session() -> None:
        try:
            for _ in range(5):
                run = data.RunSnapshot(str(db))  # what app.py opens for each script run
                try:
                    first = metrics.compute(run, scope, by=None).loc["total", "headcount"]
                    time.sleep(0.01)
                    by_unit = metrics.compute(run, scope, by="unit").loc["total", "headcount"]
                    seen.append((int(first), int(by_unit)))
                finally:
                    run.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(20)]
    for thread in threads:
        thread.start()
    with data.busy() as con:
        outcome = importer.import_files(con, [new_file], snapshot_date=demo.SNAPSHOT_DATE)
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    assert outcome.rows == 3000
    assert all(first == second for first, second in seen), "a run mixed old and new data"
    assert {first for first, _ in seen} <= {1196, 3000}
    after = data.RunSnapshot(str(db))
    assert metrics.compute(after, scope, by=None).loc["total", "headcount"] == 3000
    after.close()


def test_command_line_import_while_the_app_holds_the_file(tmp_path, monkeypatch):
    db = demo_db(tmp_path / "k.duckdb")
    from ui import data

    shared = data.SharedConnection(str(db))
    con = shared.acquire()  # the app is reading
    assert store.fetch_value(con, "select count(*) from imports") >= 1
    shared.release()
    new_file = personnel_csv(tmp_path / "natt.csv", 40)
    result = subprocess.run(
        [sys.executable, "-m", "kompetanse", "import", str(new_file), "--db", str(db), "--snapshot-date", "2023-12-01"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "lock" not in result.stderr.lower()
    con = shared.acquire()  # the app opens the file again and sees the new data
    try:
        assert store.fetch_value(con, "select count(*) from v_employments") == 40
    finally:
        shared.release()


def test_a_killed_import_leaves_the_previous_data_and_a_clean_file(tmp_path):
    db = demo_db(tmp_path / "k.duckdb")
    before = headcount(db)
    big = personnel_csv(tmp_path / "stor.csv", 400_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "kompetanse", "import", str(big), "--db", str(db)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert headcount(db) in (before, 400_000)  # the old data, or (if it finished) the whole new import
    con = store.connect(db)
    assert store.fetch_value(con, "select count(*) from imports where active and kind = 'personnel'") == 1
    con.close()


def test_unwritable_location_gives_a_clear_message():
    result = subprocess.run(
        [sys.executable, "-m", "kompetanse", "metrics", "--json", "--db", "/proc/kompetanse/k.duckdb"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 1
    assert "Kan ikke opprette mappen" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_gives_a_clear_message(tiny_disk):
    result = subprocess.run(
        [sys.executable, "-m", "kompetanse", "demo", "--db", str(tiny_disk / "k.duckdb")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1, result.stdout
    assert "plass" in result.stderr.lower()
    assert "Traceback" not in result.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".ods"]))
def test_fuzz_random_bytes_only_raise_import_failed_and_change_nothing(tmp_path_factory, content, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    con = store.connect(folder / "k.duckdb")
    before = store.fetch_value(con, "select count(*) from imports")
    path = folder / f"fil{suffix}"
    path.write_bytes(content)
    try:
        importer.import_files(con, [path])
    except importer.ImportFailed as failure:
        assert failure.errors
        assert all(e.file == path.name for e in failure.errors)
        assert store.fetch_value(con, "select count(*) from imports") == before
    con.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_mutated_csv(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("mut")
    good = personnel_csv(folder / "god.csv", 8).read_bytes()
    position = data.draw(st.integers(0, len(good) - 1))
    mutation = data.draw(st.binary(min_size=0, max_size=8))
    cut = data.draw(st.integers(0, 8))
    path = folder / "mutert.csv"
    path.write_bytes(good[:position] + mutation + good[position + cut:])
    con = store.connect(folder / "k.duckdb")
    try:
        outcome = importer.import_files(con, [path], snapshot_date=demo.SNAPSHOT_DATE)
        assert outcome.rows >= 1
    except importer.ImportFailed as failure:
        assert failure.errors
        assert all(e.file == "mutert.csv" for e in failure.errors)
        assert all(e.row is None or e.row >= 1 for e in failure.errors)
        assert store.fetch_value(con, "select count(*) from imports") == 0
    con.close()
