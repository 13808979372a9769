"""Occupation codes: STYRK-08 unit groups (data/styrk08.csv) and a-meldingen's 7-digit yrkeskoder."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

STYRK_FILE = Path(__file__).resolve().parent.parent / "data" / "styrk08.csv"

# 4 digits: a STYRK-08 unit group; 7 digits: a-meldingen's yrkeskode (unit group + 3 digits).
_OCCUPATION_CODE = re.compile(r"\d{4}(?:\d{3})?")


@cache
def styrk_unit_groups() -> dict[str, str]:
    """Every 4-digit STYRK-08 unit group and its Norwegian name."""
    with STYRK_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle, delimiter=";") if row["level"] == "4"}


def unit_group_code(value: str) -> str | None:
    """The STYRK-08 unit group of a 4-digit code or a 7-digit yrkeskode; None if it is neither or unknown."""
    text = value.strip()
    if not _OCCUPATION_CODE.fullmatch(text):
        return None
    code = text[:4]
    return code if code in styrk_unit_groups() else None


def unit_group_name(code: str) -> str | None:
    """The Norwegian name of a STYRK-08 unit group ("2223" -> "Sykepleiere")."""
    return styrk_unit_groups().get(code)
