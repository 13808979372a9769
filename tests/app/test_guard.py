"""The guard around every page: an unexpected error is a sentence and a reference, never a traceback;
bad stored data (a duplicated unit code) does not take pages down; an import in one session does
not stop another."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from datetime import date

import pandas as pd
import pytest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.figures import overview
from kompetanse.importer import sandbox
from kompetanse.storage import history, store
from tests import crafted
from tests.app.helpers import app, metric_values
from tests.fixtures import demo_copy

REFERENCE = re.compile(r"referanse ([A-Z2-9]{6})")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = demo_copy(tmp_path / "demo.duckdb")
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    return path


def errors(at) -> list[str]:
    return [e.value for e in at.error] + [e.value for e in at.sidebar.error]


def test_a_page_that_raises_shows_a_sentence_and_a_reference_that_the_log_has_with_the_traceback(
    db, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(overview, "key_figures", broken)
    with caplog.at_level(logging.ERROR, logger="kompetanse.app"):
        at = app().run()
    assert not at.exception
    shown = [e for e in errors(at) if "Siden kunne ikke vises på grunn av en uventet feil" in e]
    assert len(shown) == 1
    ref = REFERENCE.search(shown[0]).group(1)
    assert "Traceback" not in shown[0] and "ZeroDivisionError" not in shown[0]
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert at.sidebar.date_input(key="f_date").value == date(2023, 12, 1)  # the sidebar still drew


def duplicate_a_unit(db) -> int:
    """A units import holding MB-L twice, stored as units files were before they were checked."""
    con = store.connect(db)
    try:
        frame = con.execute("select * from v_units").df()
        frame = pd.concat([frame, frame[frame["unit_code"] == "MB-L"]], ignore_index=True)
        digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()
        record = history.record_import(con, "units", frame, file_name="enheter.csv", sha256=digest,
                                       snapshot_date=date(2023, 12, 1))
        return record.import_id
    finally:
        con.close()


def test_a_duplicated_unit_code_in_the_database_is_said_and_every_figure_still_shows(db):
    duplicate_a_unit(db)
    at = app().run()
    assert not at.exception
    assert not errors(at)
    warning = next(w.value for w in at.warning if "samme enhetskode flere ganger" in w.value)
    assert "«MB-L» (2 ganger)" in warning
    at.multiselect(key="f_units").select("MB-L").run()
    assert not at.exception
    assert metric_values(at)["Ansatte"] == "32"


def test_when_the_sidebar_fails_the_import_page_still_undoes_the_bad_import(db, monkeypatch):
    bad = duplicate_a_unit(db)
    from ui import filters

    def broken(*args, **kwargs):
        raise TypeError("cannot convert the series to <class 'int'>")

    monkeypatch.setattr(filters, "sidebar", broken)
    at = app().run()
    assert not at.exception
    assert any("Utvalget kunne ikke vises" in e for e in errors(at))
    at.switch_page("pages/import_data.py").run()
    assert not at.exception
    previous_units = max(
        int(b.key.split("_")[1]) for b in at.button if b.label == "Gjør aktiv" and int(b.key.split("_")[1]) < bad
        and b.key.startswith("activate_")
        and _kind(db, int(b.key.split("_")[1])) == "units"
    )
    at.button(key=f"activate_{previous_units}").click().run()
    assert not at.exception
    assert _active_units_import(db) == previous_units


def _kind(db, import_id: int) -> str:
    con = store.connect(db)
    try:
        return store.fetch_value(con, "select kind from imports where import_id = $i", {"i": import_id})
    finally:
        con.close()


def _active_units_import(db) -> int:
    con = store.connect(db)
    try:
        return store.fetch_value(con, "select import_id from imports where active and kind = 'units'")
    finally:
        con.close()


def test_a_second_session_is_served_while_the_first_imports_a_file_that_kills_the_reader(db, tmp_path, monkeypatch):
    # The reader sleeps, then aborts as python-calamine does on a sparse sheet.
    dying = tmp_path / "dying.py"
    dying.write_text("import os, sys, time\nsys.stdin.buffer.read(8)\ntime.sleep(3)\nos.abort()\n")
    monkeypatch.setattr(sandbox, "CHILD", dying)
    upload = crafted.xlsx(tmp_path / "ansatte.xlsx", {"Ark1": crafted.sheet_xml(crafted.personnel_rows(3))})
    first = app(timeout=120).run()
    first.switch_page("pages/import_data.py").run()
    first.file_uploader[0].set_value(("ansatte.xlsx", upload.read_bytes(), "application/octet-stream"))
    finished: dict[str, float] = {}

    def importing() -> None:
        first.run()  # the preview reads the file: the reader dies after 3 s
        finished["first"] = time.monotonic()

    thread = threading.Thread(target=importing)
    thread.start()
    time.sleep(0.5)
    second = app().run()
    finished["second"] = time.monotonic()
    thread.join(timeout=120)
    assert not second.exception and metric_values(second)["Ansatte"] == "1 196"
    assert finished["second"] < finished["first"]
    assert not first.exception
    assert any("mer minne enn grensen" in e.value for e in first.error)
