"""Tiny personnel fixtures for tests: a row per employment, loaded as an active import."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from kompetanse.storage import history, store


def employment(
    employee_id: str,
    unit: str = "A",
    *,
    birth: date = date(1980, 6, 15),
    start: date = date(2015, 1, 1),
    end: date | None = None,
    reason: str | None = None,
    profession: str = "sykepleier",
    gender: str = "K",
    position: float = 100.0,
    employment_type: str = "fast",
) -> dict[str, object]:
    return {
        "employee_id": employee_id, "unit_code": unit, "profession": profession, "birth_date": birth,
        "gender": gender, "position_pct": position, "employment_type": employment_type,
        "start_date": start, "end_date": end, "end_reason": reason, "education_level": None,
    }


def load(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]], snapshot: date = date(2023, 12, 1)) -> None:
    frame = pd.DataFrame(rows)
    digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()
    history.record_import(con, "personnel", frame, file_name="fixture", sha256=digest, snapshot_date=snapshot)


def database(tmp_path: Path, rows: list[dict[str, object]]) -> duckdb.DuckDBPyConnection:
    con = store.connect(tmp_path / "t.duckdb")
    load(con, rows)
    return con


_DEMO_TEMPLATE: list[Path] = []


def demo_copy(path: Path) -> Path:
    """A demo database at `path`: built once per test process, then copied (each test module may write)."""
    import atexit
    import shutil
    import tempfile

    from kompetanse.demo import demo

    if not _DEMO_TEMPLATE:
        folder = tempfile.mkdtemp(prefix="kompetanse-demo-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "demo.duckdb"
        con = store.connect(template)
        demo.load_demo(con)
        con.close()
        _DEMO_TEMPLATE.append(template)
    shutil.copyfile(_DEMO_TEMPLATE[0], path)
    return path
