"""Norwegian number and date formats (babel, nb_NO): "1 234", "12,9 %", "270 000 kr", "01.12.2025"."""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "nb_NO"
# Plotly's layout.separators: decimal mark, then thousands separator.
PLOTLY_SEPARATORS = ", "


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, decimals: int = 0, hidden: str = "–") -> str:
    """1234 -> "1 234"; 28.6 with decimals=1 -> "28,6"."""
    if _missing(value):
        return hidden
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round(float(value), decimals), format=pattern, locale=LOCALE)


def percent(share: float | None, decimals: int = 1, hidden: str = "–") -> str:
    """0.129 -> "12,9 %"."""
    if _missing(share):
        return hidden
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
    return format_percent(share, format=pattern, locale=LOCALE)


def kroner(amount: float | None, hidden: str = "–") -> str:
    """270000 -> "270 000 kr"."""
    if _missing(amount):
        return hidden
    return f"{number(amount)} kr"


def day(value: date | None, hidden: str = "–") -> str:
    """date(2025, 12, 1) -> "01.12.2025"."""
    if value is None:
        return hidden
    return format_date(value, format="dd.MM.yyyy", locale=LOCALE)


def signed(value: float | None, decimals: int = 0, suffix: str = "") -> str | None:
    """A change: "+3", "-1,5"; None when unknown.

    A hyphen-minus, not the typographic minus: Streamlit reads it to point the change arrow down.
    """
    if _missing(value):
        return None
    text = number(abs(value), decimals)
    sign = "+" if value > 0 else ("-" if value < 0 else "")
    return f"{sign}{text}{suffix}"
