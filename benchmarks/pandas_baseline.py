"""The metrics baseline: the same key figures per unit in plain pandas group-bys.

It computes, for every unit and for the whole organisation, what queries/metrics.sql computes
for headcount, FTE, mean age, age bands, leavers in 12 months and turnover, by DESIGN.md's
definitions (persons counted once per unit; FTE sums employments). It is the benchmark's
yardstick for the metrics query and, since it is written independently of the SQL, a
cross-check of it: run.py compares the two and warns on any difference.

Written the way a competent pandas user would (vectorised, one group-by per level, no
Python loops over rows), so the comparison is fair.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

BANDS = [("band_lt20", 0, 19), ("band_20_29", 20, 29), ("band_30_39", 30, 39), ("band_40_49", 40, 49),
         ("band_50_59", 50, 59), ("band_60_69", 60, 69), ("band_70_plus", 70, 999)]
COLUMNS = ["employee_id", "unit_code", "birth_date", "position_pct", "start_date", "end_date"]


def _age_at(birth: pd.Series, on: pd.Timestamp) -> pd.Series:
    """Completed years at `on`; a birthday on `on` counts."""
    before = (birth.dt.month > on.month) | ((birth.dt.month == on.month) & (birth.dt.day > on.day))
    return on.year - birth.dt.year - before.astype(int)


def _active(frame: pd.DataFrame, on: pd.Timestamp) -> pd.Series:
    return (frame["start_date"] <= on) & (frame["end_date"].isna() | (frame["end_date"] >= on))


def _figures(persons: pd.DataFrame, keys: list[str], d: pd.Timestamp) -> pd.DataFrame:
    """Per-group figures from one row per person (and group)."""
    active = persons["active_d"]
    age = _age_at(persons["birth_date"], d).where(active)
    flags = pd.DataFrame({
        "headcount": active,
        "fte": persons["fte"],
        "age": age,
        "leavers_12m": persons["ended_in_window"] & ~active,
        "headcount_year_before": persons["active_d0"],
        **{name: age.between(low, high) for name, low, high in BANDS},
    })
    for key in keys:
        flags[key] = persons[key].to_numpy()
    grouped = flags.groupby(keys, sort=True) if keys else flags.assign(_all=0).groupby("_all")
    out = grouped.agg(
        headcount=("headcount", "sum"), fte=("fte", "sum"), mean_age=("age", "mean"),
        leavers_12m=("leavers_12m", "sum"), headcount_year_before=("headcount_year_before", "sum"),
        **{name: (name, "sum") for name, _, _ in BANDS},
    )
    out["turnover_12m"] = out["leavers_12m"] / ((out["headcount_year_before"] + out["headcount"]) / 2).replace(
        0, np.nan
    )
    return out


def metrics_by_unit(employments: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Headcount, FTE, mean age, age bands, leavers 12m and turnover per unit; the last row is "total"."""
    d = pd.Timestamp(as_of)
    d0 = pd.Timestamp(as_of.replace(year=as_of.year - 1) if (as_of.month, as_of.day) != (2, 29)
                      else as_of.replace(year=as_of.year - 1, day=28))
    frame = employments[COLUMNS]
    active_d = _active(frame, d)
    rows = pd.DataFrame({
        "unit_code": frame["unit_code"],
        "employee_id": frame["employee_id"],
        "birth_date": frame["birth_date"],
        "active_d": active_d,
        "active_d0": _active(frame, d0),
        # DESIGN.md "Turnover": the leaver window is [d - 1 year, d) (a last working day on d is still active).
        "ended_in_window": (frame["end_date"] >= d0) & (frame["end_date"] < d),
        "fte": frame["position_pct"].where(active_d, 0.0) / 100,
    })
    person_aggs = {"birth_date": "min", "active_d": "any", "active_d0": "any", "ended_in_window": "any", "fte": "sum"}
    per_unit = rows.groupby(["unit_code", "employee_id"], sort=False).agg(person_aggs).reset_index()
    per_org = rows.groupby("employee_id", sort=False).agg(person_aggs).reset_index()
    units = _figures(per_unit, ["unit_code"], d)
    units = units[(units["headcount"] > 0) | (units["headcount_year_before"] > 0) | (units["leavers_12m"] > 0)]
    total = _figures(per_org, [], d)
    total.index = ["total"]
    return pd.concat([units, total])
