"""The importer's cell parsers: headers, dates, positions, end reasons, gender and the rest."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from kompetanse import importer
from kompetanse.importer.read import decode_csv, sniff_delimiter
from kompetanse.text import header_key


@pytest.mark.parametrize("written", ["Fødselsdato", "fodselsdato", "FØDSELSDATO", "  Fødselsdato  "])
def test_header_normalisation_folds_case_and_accents(written):
    assert importer.normalise_header(written) == "fodselsdato"


def test_header_normalisation_collapses_spaces_and_folds_ae_aa():
    assert importer.normalise_header("  Stilling   %  ") == "stilling %"
    assert importer.normalise_header("Utdanningsnivå") == "utdanningsniva"
    assert importer.normalise_header("Særaldersgrense") == "saeraldersgrense"
    assert importer.normalise_header("Sluttårsak") == importer.normalise_header("SLUTTÅRSAK")
    assert header_key("Min. antall") == header_key("min antall")
    assert header_key("Employee_ID") == header_key("Employee ID")


def test_closest_header_for_a_typo():
    assert importer.closest_header("Fødselsdto") == "Fødselsdato"
    assert importer.closest_header("Stillingsprosnet") == "Stillingsprosent"
    assert importer.closest_header("Favorittfarge") is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("17.05.1980", date(1980, 5, 17)),
        ("7.5.1980", date(1980, 5, 7)),
        ("1980-05-17", date(1980, 5, 17)),
        ("1980-05-17 00:00:00", date(1980, 5, 17)),
        ("17/05/1980", date(1980, 5, 17)),
        ("45261", date(2023, 12, 1)),  # an Excel serial as text
        (45261.0, date(2023, 12, 1)),  # an Excel serial as a number cell
        (datetime(2023, 12, 1, 0, 0), date(2023, 12, 1)),  # a real Excel date
        (date(2023, 12, 1), date(2023, 12, 1)),
        ("29.02.2024", date(2024, 2, 29)),
    ],
)
def test_dates_in_every_format(cell, expected):
    assert importer.parse_date_value(cell) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31.02.2023", "datoen finnes ikke: 31.02.2023"),
        ("29.02.2023", "datoen finnes ikke: 29.02.2023"),
        ("2023-13-01", "datoen finnes ikke: 2023-13-01"),
        ("i går", "ugyldig dato: i går (bruk dd.mm.åååå)"),
        ("01.01.1800", "årstallet er utenfor 1900-2100: 01.01.1800"),
        ("0", "ugyldig dato: 0 (bruk dd.mm.åååå)"),
    ],
)
def test_invalid_dates(cell, message):
    assert importer.parse_date_value(cell) == (None, message)


def test_dates_are_parsed_per_unique_value():
    column = pd.Series(["01.12.2023", None, "01.12.2023", "31.02.2023"], dtype=object)
    values, errors = importer.parse_dates(column)
    assert values.iloc[0] == pd.Timestamp("2023-12-01") and values.iloc[2] == pd.Timestamp("2023-12-01")
    assert pd.isna(values.iloc[1]) and pd.isna(values.iloc[3])
    assert errors.tolist() == [None, None, None, "datoen finnes ikke: 31.02.2023"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("80,5", 80.5),
        ("80.5", 80.5),
        (0.8, 80.0),  # a fraction: values up to 1 are x 100
        ("0,8", 80.0),
        (1.0, 100.0),
        ("1", 100.0),
        (100, 100.0),
        (100.0, 100.0),
        ("100 %", 100.0),
        ("0", 0.0),
        ("200", 200.0),
    ],
)
def test_positions(cell, expected):
    value, error = importer.parse_position_value(cell)
    assert error is None
    assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (-1, "stillingsprosent kan ikke være negativ: -1"),
        ("-1", "stillingsprosent kan ikke være negativ: -1"),
        (250, "stillingsprosent over 200: 250"),
        ("abc", "ugyldig stillingsprosent: abc"),
        ("80,5,5", "ugyldig stillingsprosent: 80,5,5"),
    ],
)
def test_invalid_positions(cell, message):
    assert importer.parse_position_value(cell) == (None, message)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Pensjon", "pensjon"),
        ("PENSJON", "pensjon"),
        ("Egen oppsigelse", "egen_oppsigelse"),
        ("egen_oppsigelse", "egen_oppsigelse"),
        ("  Egen   Oppsigelse ", "egen_oppsigelse"),
        ("Intern overgang", "intern_overgang"),
        ("intern_overgang", "intern_overgang"),
        ("Annet", "annet"),
        ("Sparken", None),
    ],
)
def test_end_reasons(cell, expected):
    assert importer.parse_end_reason(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("K", "K"), ("k", "K"), ("Kvinne", "K"), ("M", "M"), ("mann", "M"), ("MANN", "M"), ("X", None), ("?", None)],
)
def test_gender(cell, expected):
    assert importer.parse_gender(cell) == expected


def test_invalid_gender_message():
    parse = importer.enum_parser("gender")
    assert parse("X") == (None, "ukjent kjønn: X (gyldige: K, M, Kvinne, Mann)")


@pytest.mark.parametrize(
    ("cell", "expected"), [(1, 1), ("5", 5), ("1 år", 1), ("5 år", 5), ("5 ÅR", 5), (5.0, 5), ("5-årig", 5)]
)
def test_horizon(cell, expected):
    assert importer.parse_horizon_value(cell) == (expected, None)


def test_invalid_horizon():
    assert importer.parse_horizon_value("3 år") == (None, "ukjent horisont: 3 år (gyldige: 1 år, 5 år)")


@pytest.mark.parametrize(("cell", "expected"), [("0", 0), (3, 3), ("2,0", 2)])
def test_min_holders(cell, expected):
    assert importer.parse_count_value(cell) == (expected, None)


@pytest.mark.parametrize("cell", ["-1", "1,5", "mange"])
def test_invalid_min_holders(cell):
    value, error = importer.parse_count_value(cell)
    assert value is None
    assert error == f"minimum må være et helt tall, 0 eller mer: {cell}"


def test_amounts_accept_thousand_spaces_and_kr():
    assert importer.parse_number_value("270 000") == 270000.0
    assert importer.parse_number_value("3 600 kr") == 3600.0
    assert importer.parse_number_value("12,5") == 12.5


def test_csv_encoding_detection():
    text = "Enhet;Navn\nÆrø;Søvik å\n"
    assert decode_csv(text.encode("utf-8")) == (text.encode("utf-8"), "utf-8")
    assert decode_csv(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text.encode("utf-8"), "utf-8-sig")
    assert decode_csv(text.encode("cp1252")) == (text.encode("utf-8"), "cp1252")


def test_delimiter_detection_with_decimal_commas():
    assert sniff_delimiter(["Ansattnr;Stilling %;Enhet", "1;80,5;A", "2;50,5;B"]) == ";"
    assert sniff_delimiter(["Ansattnr,Stilling %,Enhet", "1,80.5,A", "2,50,B"]) == ","


def test_row_error_text():
    assert str(importer.RowError("a.xlsx", 5, "Sluttdato", "datoen finnes ikke: 31.02.2023")) == (
        "a.xlsx:5: Sluttdato: datoen finnes ikke: 31.02.2023"
    )
    assert str(importer.RowError("a.pdf", None, None, "Filen er tom.")) == "a.pdf: Filen er tom."
