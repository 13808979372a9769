"""Fødselsnummer as exports hold them (issue 11, item 7), checked on published example numbers.

Sources of the examples: python-stdnum's own doctest (15108695088, a woman born 15.10.1986);
navikt/testnorge's test list ("10915596784" a Test-Norge/Tenor number with month + 80, "42921275204"
a Tenor D-number); Skatteetaten's "Nytt fødselsnummer fra 2032" (folkeregisteret-api-dokumentasjon):
30108299920 and 30108299939 for two persons born 30.10.1982 numbered in 2032, the second valid only
under the new first check digit; an R package's test list for an FH-number ("88888888831").
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from kompetanse.importer import national_id
from kompetanse.importer.national_id import digits_of, read_national_ids, read_number

AS_OF = date(2026, 12, 1)
KEY = b"k" * 64


def test_an_ordinary_number_gives_birth_date_and_gender_through_stdnum():
    info = read_number("15108695088", AS_OF)
    assert (info.kind, info.birth_date, info.gender) == ("ordinary", date(1986, 10, 15), "K")


def test_a_ten_digit_value_is_a_number_excel_lost_the_leading_zero_of():
    assert digits_of("1108951234") == "01108951234"
    assert digits_of(1108951234) == "01108951234"
    assert digits_of(1108951234.0) == "01108951234"
    assert digits_of("123456789") is None and digits_of("abc") is None and digits_of(12.5) is None


def test_a_ten_digit_number_cell_and_the_same_number_as_text_are_one_person():
    number = "01010150740"  # a number with a leading zero (navikt's test list); stdnum accepts it
    ids = read_national_ids(pd.Series([number, int(number), number[1:]], dtype=object), KEY, AS_OF)
    assert not ids.invalid.any()
    assert ids.hashed_id.nunique() == 1
    assert ids.birth_date.iloc[0].date() == date(2001, 1, 1)  # individual number 507: born 2000 or later


def test_tenor_test_numbers_with_month_plus_80_are_accepted_and_flagged():
    info = read_number("10915596784", AS_OF)
    assert (info.kind, info.birth_date, info.gender) == ("test", date(1955, 11, 10), "M")
    d_number = read_number("42921275204", AS_OF)  # a Tenor D-number: day + 40 and month + 80
    assert (d_number.kind, d_number.birth_date) == ("test", date(2012, 12, 2))
    ids = read_national_ids(pd.Series(["10915596784", "15108695088"]), KEY, AS_OF)
    assert ids.test.tolist() == [True, False]


def test_the_2032_scheme_first_check_digit_is_accepted_without_a_gender():
    assert read_number("30108299920", AS_OF).kind == "ordinary"  # remainder 0: valid under both rules
    info = read_number("30108299939", AS_OF)  # remainder 1: valid only from 2032
    assert (info.kind, info.birth_date, info.gender, info.century_known) == ("2032", date(1982, 10, 30), None, False)
    ids = read_national_ids(pd.Series(["30108299939"]), KEY, AS_OF)
    assert not ids.invalid.iloc[0] and ids.gender.iloc[0] is None


def test_a_first_check_digit_outside_the_2032_remainders_is_invalid():
    # 301082999 has weighted sum 196 (remainder 9); k1 = 7 leaves remainder 5, neither 0-3.
    base = "301082999" + "7"
    from stdnum.no import fodselsnummer

    number = base + fodselsnummer.calc_check_digit2(base)
    assert read_number(number, AS_OF).kind == "invalid"


def test_an_fh_number_is_valid_but_has_no_birth_date():
    info = read_number("88888888831", AS_OF)
    assert (info.kind, info.birth_date, info.gender) == ("fh", None, None)
    ids = read_national_ids(pd.Series(["88888888831"]), KEY, AS_OF)
    assert ids.fh.iloc[0] and not ids.invalid.iloc[0] and pd.isna(ids.birth_date.iloc[0])


def test_a_wrong_check_digit_is_invalid():
    assert read_number("15108695077", AS_OF).kind == "invalid"
    assert not national_id.is_national_id("15108695077")


def test_cells_holding_a_number_are_found_in_any_column_as_text_or_number():
    column = pd.Series(["15108695088", 15108695088.0, "151086 95088", "1001", None, 12.5, "abc"], dtype=object)
    assert national_id.national_id_cells(column).tolist() == [True, True, True, False, False, False, False]


def test_a_text_column_is_checked_only_where_a_cell_is_long_enough_and_still_finds_every_number():
    # A CSV column is text: only cells of 10-13 characters are asked, the rest are no number without asking.
    column = pd.Series(["15108695088", "151086-95088", "15108695089", "1001", None, "151086 95088 x", ""], dtype="str")
    assert national_id.national_id_cells(column).tolist() == [True, True, False, False, False, False, False]
    assert national_id.number_like_cells(column).tolist() == [True, True, True, False, False, False, False]
    assert national_id.national_id_cells(pd.Series(["A1", "B2"], dtype="str")).tolist() == [False, False]
