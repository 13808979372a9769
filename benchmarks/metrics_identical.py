"""Write every metrics output for a set of scopes, so a rewrite of queries/metrics.sql can be diffed.

    python benchmarks/metrics_identical.py --db DB [--db DB2 ...] --out DIR [--cli]

For each database it writes, under DIR/<database name>/:
- compute-*.json: metrics.compute(...) unrounded and unsuppressed (every column, every row, floats in full),
  for several reference dates, by unit / profession / unit,profession, with unit, profession and
  employment-type filters, an empty unit list, earliest retirement and one fixed retirement age;
- cli-*.json (with --cli): `python -m kompetanse metrics --json` exactly as printed, for several dates and --by.

Run it once with the old query and once with the new one, then `diff -r OLD NEW`: no output means identical.
The databases are copied first and the copy opened for writing once (an older schema is migrated, as the app
does on open), so the originals are never touched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kompetanse.figures import metrics  # noqa: E402
from kompetanse.storage import history, store  # noqa: E402


def _dates(data_date: date) -> list[date]:
    """The data date, a year and a half before it, a 29 February, a year end, and a day after the data."""
    return [data_date, data_date - timedelta(days=548), date(2024, 2, 29), date(2022, 12, 31),
            data_date + timedelta(days=400)]


def _scopes(con: Any, data_date: date) -> list[tuple[str, metrics.Scope, str | None]]:
    unit_codes = [r[0] for r in con.execute("select distinct unit_code from v_employments order by 1").fetchall()]
    groups = [r[0] for r in con.execute(
        "select profession_group, count(*) from v_employments group by 1 order by 2 desc, 1").fetchall()]
    types = [r[0] for r in con.execute(
        "select distinct employment_type from v_employments where employment_type is not null order by 1").fetchall()]
    scopes: list[tuple[str, metrics.Scope, str | None]] = []
    for day in _dates(data_date):
        for by in ("unit", "profession", "unit,profession", None):
            scopes.append((f"{day}-{by}", metrics.Scope(as_of=day), by))
    some_units = tuple(unit_codes[:: max(1, len(unit_codes) // 5)][:5])
    variants = {
        "units": metrics.Scope(as_of=data_date, units=some_units),
        "no-units": metrics.Scope(as_of=data_date, units=()),
        "professions": metrics.Scope(as_of=data_date, professions=tuple(groups[:2] + groups[-1:])),
        "types": metrics.Scope(as_of=data_date, employment_types=tuple(types[:1])),
        "earliest": metrics.Scope(as_of=data_date, retirement_mode="earliest"),
        "age-65": metrics.Scope(as_of=data_date, retirement_age=65),
        "all-filters": metrics.Scope(as_of=data_date - timedelta(days=200), units=some_units,
                                     professions=tuple(groups[:3]), employment_types=tuple(types),
                                     retirement_mode="earliest"),
    }
    for name, scope in variants.items():
        for by in ("unit", "profession", "unit,profession"):
            scopes.append((f"{name}-{by}", scope, by))
    return scopes


def _json_value(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


def write_compute(db: Path, out: Path) -> int:
    con = store.connect(db, read_only=True)
    try:
        data_date = history.data_date(con) or date.today()
        written = 0
        for name, scope, by in _scopes(con, data_date):
            frame = metrics.compute(con, scope, by=by)  # type: ignore[arg-type]
            body = {
                "index": list(frame.index),
                "columns": list(frame.columns),
                "dtypes": [str(t) for t in frame.dtypes],
                "rows": [[_json_value(v) for v in row] for row in frame.itertuples(index=False)],
            }
            (out / f"compute-{name}.json").write_text(json.dumps(body, ensure_ascii=False, indent=0) + "\n",
                                                      encoding="utf-8")
            written += 1
        return written
    finally:
        con.close()


def write_cli(db: Path, out: Path) -> int:
    con = store.connect(db, read_only=True)
    data_date = history.data_date(con) or date.today()
    con.close()
    calls = []
    for day in _dates(data_date)[:3]:
        for by in ("unit", "profession", "unit,profession"):
            calls.append((f"{day}-{by}", ["--as-of", day.isoformat(), "--by", by]))
    calls.append(("min-cell-0", ["--min-cell", "0"]))
    calls.append(("age-66", ["--retirement-age", "66", "--by", "profession"]))
    for name, extra in calls:
        result = subprocess.run([sys.executable, "-m", "kompetanse", "metrics", "--db", str(db), "--json", *extra],
                                cwd=ROOT, capture_output=True, text=True, check=False)
        (out / f"cli-{name}.json").write_text(f"exit {result.returncode}\n{result.stdout}", encoding="utf-8")
    return len(calls)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, action="append", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cli", action="store_true", help="also the command line's --json output")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="metrics-identical-") as temp:
        for db in args.db:
            copy = Path(temp) / db.name
            shutil.copyfile(db, copy)
            store.connect(copy).close()  # an older file is migrated on open, as the app does
            target = args.out / db.stem
            target.mkdir(parents=True, exist_ok=True)
            count = write_compute(copy, target)
            if args.cli:
                count += write_cli(copy, target)
            print(f"{db}: {count} outputs in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
