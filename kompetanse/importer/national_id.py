"""The fødselsnummer column: validated, turned into birth date, gender and a keyed hash, then dropped."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from stdnum.no import fodselsnummer

from kompetanse import pseudonym

ID_HASH_KEY = pseudonym.LEGACY_SETTING  # a database from before issue 12 kept the key here


@dataclass
class NationalIds:
    """What a fødselsnummer column yields per row; the numbers themselves go no further."""

    birth_date: pd.Series
    gender: pd.Series
    hashed_id: pd.Series
    invalid: pd.Series  # bool


def read_national_ids(column: pd.Series, key: bytes) -> NationalIds:
    """Validate (python-stdnum) once per distinct number; derive birth date, gender and keyed hash."""

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    n = len(uniques)
    born = np.full(n + 1, np.datetime64("NaT"), dtype="datetime64[s]")
    gender = np.full(n + 1, None, dtype=object)
    hashed = np.full(n + 1, None, dtype=object)
    invalid = np.zeros(n + 1, dtype=bool)
    for i, value in enumerate(np.asarray(uniques, dtype=object)):
        if isinstance(value, float) and value.is_integer():
            text = str(int(value)).zfill(11)  # a number cell loses its leading zero
        elif isinstance(value, int):
            text = str(value).zfill(11)
        else:
            text = str(value)
        number = fodselsnummer.compact(text)
        try:
            if not (len(number) == 11 and number.isdigit() and fodselsnummer.is_valid(number)):
                raise ValueError
            birth = fodselsnummer.get_birth_date(number)
        except Exception:
            invalid[i] = True
            continue
        born[i] = np.datetime64(birth, "s")
        gender[i] = "K" if fodselsnummer.get_gender(number) == "F" else "M"
        hashed[i] = "H" + hmac.new(key, number.encode("ascii"), hashlib.sha256).hexdigest()[:16]
    index = column.index
    return NationalIds(
        pd.Series(born[codes], index=index),
        pd.Series(gender[codes], index=index, dtype=object),
        pd.Series(hashed[codes], index=index, dtype=object),
        pd.Series(invalid[codes], index=index),
    )


def hash_key(con: duckdb.DuckDBPyConnection) -> tuple[bytes, bool]:
    """The secret key of the employee-id hash (kompetanse/pseudonym.py: outside the database file, created on
    first use), and whether it still has to be saved in the database: never, it is saved where it lives."""
    return pseudonym.id_key(con), False
