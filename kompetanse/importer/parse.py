"""Cell values to typed values, each over the distinct values of a column (a 1 000 000-row export has a few
thousand distinct dates); every converter returns (value, Norwegian error or None)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from kompetanse.figures import professions, rules
from kompetanse.importer.fields import ENUMS, norm_choice
from kompetanse.plan import placements
from kompetanse.text import fold

MAX_POSITION = 200.0
EXCEL_EPOCH = date(1899, 12, 30)


Parsed = tuple[pd.Series, pd.Series]  # values, error message (None where fine)


def by_unique(column: pd.Series, convert: Callable[[object], tuple[object, str | None]], dtype: str) -> Parsed:
    """Apply `convert(value) -> (value, error)` once per distinct value and spread the result."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values: list[object] = []
    errors: list[str | None] = []
    for raw in np.asarray(uniques, dtype=object):
        value, error = convert(raw)
        values.append(value)
        errors.append(error)
    values.append(None)  # code -1: a blank cell
    errors.append(None)
    if dtype == "datetime":
        table = np.array([np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[s]")
    elif dtype == "float":
        table = np.array([np.nan if v is None else v for v in values], dtype=float)
    else:
        table = np.empty(len(values), dtype=object)
        table[:] = values
    error_table = np.array(errors, dtype=object)
    return (
        pd.Series(table[codes], index=column.index),
        pd.Series(error_table[codes], index=column.index, dtype=object),
    )


def is_blank(value: object) -> bool:
    """An empty cell: None, NA or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def as_text(value: object) -> str:
    """A cell as text: 12345.0 -> "12345", a date -> dd.mm.yyyy."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y") if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def parse_text(column: pd.Series) -> Parsed:
    if column.dtype != object:  # CSV: already text, already trimmed, blanks missing
        text = column
    else:
        text, _ = by_unique(column, lambda v: (as_text(v), None), "object")
    return text, pd.Series(None, index=column.index, dtype=object)


_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DMY_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SERIAL = re.compile(r"\d{1,7}(?:[.,]0+)?")


def _checked_date(d: date, shown: str) -> tuple[date | None, str | None]:
    if not 1900 <= d.year <= 2100:
        return None, f"årstallet er utenfor 1900-2100: {shown}"
    return d, None


def parse_date_value(value: object) -> tuple[date | None, str | None]:
    """One cell to a date: (date, None) or (None, Norwegian error)."""
    if isinstance(value, datetime):
        return _checked_date(value.date(), as_text(value))
    if isinstance(value, date):
        return _checked_date(value, as_text(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), as_text(value))
    text = str(value).strip()
    for pattern, order in ((_DMY, "dmy"), (_DMY_SLASH, "dmy"), (_ISO, "ymd")):
        match = pattern.fullmatch(text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            try:
                parsed = date(year, month, day)
            except ValueError:
                return None, f"datoen finnes ikke: {text}"
            return _checked_date(parsed, text)
    if _SERIAL.fullmatch(text):
        return _serial(float(text.replace(",", ".")), text)
    return None, f"ugyldig dato: {text} (bruk dd.mm.åååå)"


def _serial(number: float, shown: str) -> tuple[date | None, str | None]:
    if not 1 <= number < 2958466:
        return None, f"ugyldig dato: {shown} (bruk dd.mm.åååå)"
    return _checked_date(EXCEL_EPOCH + timedelta(days=int(number)), shown)


def parse_dates(column: pd.Series) -> Parsed:
    return by_unique(column, parse_date_value, "datetime")


_NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f]|kr\.?$|%$", re.IGNORECASE)


def parse_number_value(value: object) -> float | None:
    """A number from a cell: decimal comma, spaces as thousands separators, "%" and "kr" allowed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    text = _NUMBER_NOISE.sub("", str(value).strip()).replace("\u2212", "-")
    text = _NUMBER_NOISE.sub("", text)
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def parse_position_value(value: object) -> tuple[float | None, str | None]:
    number = parse_number_value(value)
    shown = as_text(value)
    if number is None:
        return None, f"ugyldig stillingsprosent: {shown}"
    if number < 0:
        return None, f"stillingsprosent kan ikke være negativ: {shown}"
    if number <= 1.0:  # a fraction of a full position: 0.8 = 80 %
        number *= 100.0
    if number > MAX_POSITION:
        return None, f"stillingsprosent over 200: {shown}"
    return number, None


MAX_LEAVE = 100.0


def parse_leave_value(value: object) -> tuple[float | None, str | None]:
    """Permisjonsprosent: the share of the position on leave, 0-100 (a fraction 0-1 as for the position)."""
    number = parse_number_value(value)
    shown = as_text(value)
    if number is None:
        return None, f"ugyldig permisjonsprosent: {shown}"
    if number < 0:
        return None, f"permisjonsprosent kan ikke være negativ: {shown}"
    if number <= 1.0:
        number *= 100.0
    if number > MAX_LEAVE:
        return None, f"permisjonsprosent over 100: {shown}"
    return number, None


_CODE_LIKE = re.compile(r"\d{4}(?:\d{3})?")


def parse_occupation_code_value(value: object) -> tuple[str | None, str | None]:
    """A STYRK-08 unit group (4 digits) or a-meldingen's yrkeskode (7 digits) -> the 4-digit unit group."""
    text = as_text(value)
    code = professions.unit_group_code(text)
    if code is None:
        return None, f"ukjent yrkeskode: {text} (bruk STYRK-08 med 4 sifre eller yrkeskoden med 7)"
    return code, None


def parse_profession_value(value: object) -> tuple[str | None, str | None, str | None]:
    """A profession cell: (title, STYRK unit group, error). A code gives the unit group's Norwegian name."""
    text = as_text(value)
    if not text:
        return None, None, None
    if not _CODE_LIKE.fullmatch(text):
        return text, None, None
    code = professions.unit_group_code(text)
    if code is None:
        return None, None, f"ukjent yrkeskode: {text} (ikke en STYRK-08-kode)"
    return professions.unit_group_name(code), code, None


def parse_positions(column: pd.Series) -> Parsed:
    return by_unique(column, parse_position_value, "float")


def amount_parser(noun: str) -> Callable[[object], tuple[float | None, str | None]]:
    def parse(value: object) -> tuple[float | None, str | None]:
        number = parse_number_value(value)
        if number is None:
            return None, f"ugyldig tall for {noun}: {as_text(value)}"
        if number < 0:
            return None, f"{noun} kan ikke være negativ: {as_text(value)}"
        return number, None

    return parse


def places_parser(noun: str) -> Callable[[object], tuple[int | None, str | None]]:
    """A number of places: a whole number, 0 or more."""
    def parse(value: object) -> tuple[int | None, str | None]:
        number = parse_number_value(value)
        if number is None or not float(number).is_integer():
            return None, f"{noun} må være et helt tall: {as_text(value)}"
        if number < 0:
            return None, f"{noun} kan ikke være negativ: {as_text(value)}"
        return int(number), None

    return parse


def parse_semester_value(value: object) -> tuple[str | None, str | None]:
    found = placements.parse_semester(as_text(value))
    if found is None:
        return None, f"ukjent semester: {as_text(value)} (skriv for eksempel «Vår 2023» eller «Høst 2023»)"
    return found, None


def parse_year_value(value: object) -> tuple[int | None, str | None]:
    number = parse_number_value(value)
    if number is None or not float(number).is_integer() or not 1900 <= number <= 2100:
        return None, f"ugyldig årstall: {as_text(value)}"
    return int(number), None


def parse_count_value(value: object) -> tuple[int | None, str | None]:
    number = parse_number_value(value)
    if number is None or number < 0 or not float(number).is_integer():
        return None, f"minimum må være et helt tall, 0 eller mer: {as_text(value)}"
    return int(number), None


def parse_horizon_value(value: object) -> tuple[int | None, str | None]:
    match = re.match(r"\s*(\d+)(?:[.,]0+)?(?:\s*-?\s*(?:år|ar|arig|årig|years?))?\s*$", fold(as_text(value)))
    if match and int(match.group(1)) in rules.HORIZONS:
        return int(match.group(1)), None
    return None, f"ukjent horisont: {as_text(value)} (gyldige: 1 år, 5 år)"


def enum_parser(name: str) -> Callable[[object], tuple[str | None, str | None]]:
    spellings, noun, shown_choices = ENUMS[name]

    def parse(value: object) -> tuple[str | None, str | None]:
        found = spellings.get(norm_choice(as_text(value)))
        if found is None:
            return None, f"ukjent {noun}: {as_text(value)} (gyldige: {shown_choices})"
        return found, None

    return parse


def parse_end_reason(value: object) -> str | None:
    """"Egen oppsigelse" -> "egen_oppsigelse"; None when not in the list."""
    return enum_parser("end_reason")(value)[0]


def parse_gender(value: object) -> str | None:
    """K/M/Kvinne/Mann -> "K"/"M"; None when not recognised."""
    return enum_parser("gender")(value)[0]
