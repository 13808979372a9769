"""A unit tree stored before units files were checked (a code twice, a ring): figures still come, and it is said."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pandas as pd

from kompetanse.__main__ import main
from kompetanse.storage import history, store, units
from tests.fixtures import demo_copy


def store_units(db, frame: pd.DataFrame) -> None:
    con = store.connect(db)
    try:
        digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()
        history.record_import(con, "units", frame, file_name="enheter.csv", sha256=digest,
                              snapshot_date=date(2023, 12, 1))
    finally:
        con.close()


def test_metrics_on_a_stored_duplicate_and_ring_gives_the_figures_and_says_what_is_wrong(tmp_path, capsys):
    db = demo_copy(tmp_path / "k.duckdb")
    con = store.connect(db)
    frame = con.execute("select * from v_units").df()
    con.close()
    frame = pd.concat([frame, frame[frame["unit_code"] == "MB-L"]], ignore_index=True)
    ring = pd.DataFrame({"unit_code": ["R1", "R2"], "unit_name": ["Ring 1", "Ring 2"], "parent_code": ["R2", "R1"],
                         "level": ["enhet", "enhet"]})
    store_units(db, pd.concat([frame, ring], ignore_index=True))
    assert main(["metrics", "--json", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["total"]["headcount"] == 1196
    assert "«MB-L» (2 ganger)" in err
    assert "Enhetene «R1», «R2» ligger under hverandre i en ring" in err
    con = store.connect(db)
    try:
        labels = units.labels(units.tree(con))
    finally:
        con.close()
    assert labels["MB-L"].strip().endswith("(MB-L)")
