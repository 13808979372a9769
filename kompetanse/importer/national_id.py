"""The fødselsnummer column: validated, turned into birth date, gender and a keyed hash, then dropped.

python-stdnum checks the ordinary numbers, D-numbers and H-numbers (and derives their birth date and
gender). Written here, only what it does not cover (each with its source):
- a 10-digit value: Excel stored the number as a number and dropped the leading zero; it is padded;
- Skatteetaten's synthetic test numbers (Tenor / Test-Norge): the month plus 80 (navikt/testnorge docs);
- the 2032 scheme (Skatteetaten, "Nytt fødselsnummer fra 2032"): the first check digit may make the
  weighted sum leave a remainder of 0, 1, 2 or 3; gender is no longer encoded and the individual
  number no longer tells the century;
- FH-numbers (felles hjelpenummer, first digit 8 or 9): no birth date by design, so the row needs a
  Fødselsdato of its own.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
from stdnum.no import fodselsnummer

from kompetanse.storage import pseudonym

ID_HASH_KEY = pseudonym.LEGACY_SETTING  # a database from before issue 12 kept the key here

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
SCHEME_2032_REMAINDERS = (0, 1, 2, 3)  # the remainders the 2032 scheme's first check digit may leave
TENOR_MONTH_OFFSET = 80

# What a number is, once read. Only ORDINARY..SCHEME_2032 identify a person with a birth date.
ORDINARY, TEST, SCHEME_2032, FH, INVALID = "ordinary", "test", "2032", "fh", "invalid"


@dataclass(frozen=True)
class NumberInfo:
    """One number read: its kind, and what it tells (never the number itself)."""

    kind: str
    birth_date: date | None = None
    gender: str | None = None  # "K" / "M"; None where the number does not encode it
    century_known: bool = True  # False for the 2032 scheme: the century was inferred


@dataclass
class NationalIds:
    """What a fødselsnummer column yields per row; the numbers themselves go no further."""

    birth_date: pd.Series
    gender: pd.Series
    hashed_id: pd.Series
    invalid: pd.Series  # bool: not a valid number (checksum, date)
    fh: pd.Series  # bool: an FH-number (valid, but no birth date)
    test: pd.Series  # bool: a synthetic test number (Tenor)
    century_known: pd.Series  # bool: False where the birth year's century was inferred (2032 scheme)


def digits_of(value: object) -> str | None:
    """The 11 digits of a cell, or None: a number cell or a 10-digit text gets back its leading zero."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    number = isinstance(value, int | np.integer)
    text = str(int(value)) if number else fodselsnummer.compact(str(value).strip())  # type: ignore[arg-type]
    if not text.isdigit() or len(text) not in (10, 11):
        return None
    return text.zfill(11)


def _inferred_century(day: int, month: int, year2: int, as_of: date) -> date | None:
    """The 2032 scheme's birth date: the latest year ending in `year2` that is not after `as_of`."""
    year = as_of.year - (as_of.year - year2) % 100
    try:
        born = date(year, month, day)
        return born if born <= as_of else date(year - 100, month, day)
    except ValueError:
        return None


def read_number(digits: str, as_of: date | None = None) -> NumberInfo:
    """What an 11-digit string is: the second check digit as always, the first as today or as from 2032."""
    if len(digits) != 11 or not digits.isdigit():
        return NumberInfo(INVALID)
    if fodselsnummer.calc_check_digit2(digits[:10]) != digits[10]:
        return NumberInfo(INVALID)
    ordinary_k1 = fodselsnummer.calc_check_digit1(digits[:9]) == digits[9]
    remainder = (sum(w * int(n) for w, n in zip(_K1_WEIGHTS, digits, strict=False)) + int(digits[9])) % 11
    if not ordinary_k1 and remainder not in SCHEME_2032_REMAINDERS:
        return NumberInfo(INVALID)
    if digits[0] in "89":
        return NumberInfo(FH)
    month = int(digits[2:4])
    test = month > TENOR_MONTH_OFFSET
    dated = digits[:2] + f"{month - TENOR_MONTH_OFFSET:02d}" + digits[4:] if test else digits
    if not ordinary_k1:  # the 2032 scheme: no gender, the century from the reference date
        day, month = int(dated[0:2]), int(dated[2:4])
        day -= 40 if day > 40 else 0
        month -= 40 if month > 40 else 0
        born = _inferred_century(day, month, int(dated[4:6]), as_of or date.today())
        return NumberInfo(TEST if test else SCHEME_2032, born, None, False) if born else NumberInfo(INVALID)
    try:
        born = fodselsnummer.get_birth_date(dated)
    except Exception:
        return NumberInfo(INVALID)
    gender = "K" if fodselsnummer.get_gender(dated) == "F" else "M"
    return NumberInfo(TEST if test else ORDINARY, born, gender)


def is_national_id(value: object, as_of: date | None = None) -> bool:
    """True for a cell that holds a fødselsnummer (or D-, H-, FH- or test number): it must not be kept."""
    digits = digits_of(value)
    return digits is not None and read_number(digits, as_of).kind != INVALID


def national_id_cells(column: pd.Series, as_of: date | None = None) -> np.ndarray:
    """Which cells of a column hold a fødselsnummer (checked once per distinct value)."""

    def check(cells: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        found = np.zeros(len(uniques) + 1, dtype=bool)
        values = np.asarray(uniques, dtype=object)
        for i in np.flatnonzero(_may_be_number(values, all_text=isinstance(cells.dtype, pd.StringDtype))):
            found[i] = is_national_id(values[i], as_of)
        return found[codes]

    return _where_long_enough(column, check)


def number_like_cells(column: pd.Series) -> np.ndarray:
    """Which cells hold 10 or 11 digits, a fødselsnummer or not (an error never echoes such a value)."""

    def check(cells: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        all_text = isinstance(cells.dtype, pd.StringDtype)
        return np.append(_may_be_number(np.asarray(uniques, dtype=object), all_text), False)[codes]

    return _where_long_enough(column, check)


def _where_long_enough(column: pd.Series, check: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """`check` on the cells that can hold a number of 10-11 digits; in a text column only those 10-13 characters
    long are asked (a length is cheap; telling a million IDs apart is not), False for the rest."""
    if not isinstance(column.dtype, pd.StringDtype):
        return check(column)
    lengths = column.str.len().to_numpy(dtype=float, na_value=0)
    near = (lengths >= 10) & (lengths <= 13)  # 11 digits and at most two separators, as _may_be_number
    found = np.zeros(len(column), dtype=bool)
    if near.any():
        found[near] = check(column[near])
    return found


def _may_be_number(values: np.ndarray, all_text: bool = False) -> np.ndarray:
    """A fast first sieve over distinct values: 10 or 11 digits (as text or as a whole number).

    `all_text`: the column is a text column, so no value is a number (a million IDs need not be asked)."""
    numeric = np.zeros(len(values), dtype=bool) if all_text else np.fromiter(
        (isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values), bool, len(values)
    )
    out = np.zeros(len(values), dtype=bool)
    if numeric.any():
        numbers = values[numeric].astype(float)
        out[numeric] = np.isfinite(numbers) & (numbers >= 1e9) & (numbers < 1e11)
    texts = pd.Series(values[~numeric], dtype=object).astype(str)
    lengths = texts.str.len().to_numpy()
    near = (lengths >= 10) & (lengths <= 13)  # 11 digits and at most two separators
    if near.any():
        candidates = texts[near].str.replace(r"[ \-:]", "", regex=True).str.fullmatch(r"\d{10,11}")
        textual = np.zeros(len(texts), dtype=bool)
        textual[near] = candidates.fillna(False).to_numpy(dtype=bool)
        out[~numeric] = textual
    return out


def read_national_ids(column: pd.Series, key: bytes, as_of: date | None = None) -> NationalIds:
    """Validate once per distinct number; derive birth date, gender and keyed hash."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    n = len(uniques)
    born = np.full(n + 1, np.datetime64("NaT"), dtype="datetime64[s]")
    gender = np.full(n + 1, None, dtype=object)
    hashed = np.full(n + 1, None, dtype=object)
    invalid = np.zeros(n + 1, dtype=bool)
    fh = np.zeros(n + 1, dtype=bool)
    test = np.zeros(n + 1, dtype=bool)
    century_known = np.ones(n + 1, dtype=bool)
    for i, value in enumerate(np.asarray(uniques, dtype=object)):
        digits = digits_of(value)
        info = read_number(digits, as_of) if digits is not None else NumberInfo(INVALID)
        if info.kind == INVALID:
            invalid[i] = True
            continue
        assert digits is not None
        # The hash of the 11 digits: the same person with or without Excel's lost zero is one id.
        hashed[i] = "H" + hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()[:16]
        fh[i] = info.kind == FH
        test[i] = info.kind == TEST
        century_known[i] = info.century_known
        if info.birth_date is not None:
            born[i] = np.datetime64(info.birth_date, "s")
        gender[i] = info.gender
    index = column.index
    return NationalIds(
        pd.Series(born[codes], index=index),
        pd.Series(gender[codes], index=index, dtype=object),
        pd.Series(hashed[codes], index=index, dtype=object),
        pd.Series(invalid[codes], index=index),
        pd.Series(fh[codes], index=index),
        pd.Series(test[codes], index=index),
        pd.Series(century_known[codes], index=index),
    )


def hash_key(con: duckdb.DuckDBPyConnection) -> tuple[bytes, bool]:
    """The secret key of the employee-id hash (kompetanse/storage/pseudonym.py: outside the database file, created on
    first use), and whether it still has to be saved in the database: never, it is saved where it lives."""
    return pseudonym.id_key(con), False
