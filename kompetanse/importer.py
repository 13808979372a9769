"""Import of HR exports and plan tables: read, recognise the columns, check every row, store.

An import is all or nothing by default: every problem in every row is collected and
reported (file, the row number the user sees in Excel or the CSV line, column, message in
Norwegian), and on any problem nothing is written. With `skip_invalid` the valid rows are
imported and the rejected ones are written to `<file>.avviste.csv` beside the input.

Values are converted per unique value (a 1 000 000-row export has a few thousand distinct
dates) and the rest is column operations, so large files import in seconds.

Personal data: a fødselsnummer or D-nummer column is read only to derive the birth date,
the gender (where there is no gender column) and, where there is no employee number, a keyed
hash as employee_id. The number itself is never stored, logged or echoed in a message, and
it is blanked in the rejected-rows file.

Decisions a reader may look for:
- Position: a number above 1 is a percentage (80, "80,5", "80 %"); a number from 0 to 1 is a
  fraction of a full position (0.8 = 80 %, 1 = 100 %). Decided per value.
- Dates: real spreadsheet dates; d.m.yyyy / dd.mm.yyyy; yyyy-mm-dd; dd/mm/yyyy; Excel serial
  numbers (as numbers or as text of digits). Years outside 1900-2100 are rejected.
- Several files in one call are one import: rows concatenated in the given order; the
  sha256 of one file is the file's own, of several the sha256 of their sorted hashes.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from stdnum.no import fodselsnummer

from kompetanse import funding, goals, history, placements, rules, store
from kompetanse.fileformats import FileProblem, RawTable, fold, header_key, read_table

NATIONAL_ID = "national_id"  # our name of the fødselsnummer column: read, never stored
ID_HASH_KEY = "id_hash_key"
MIN_AGE, MAX_AGE = 13, 100
MAX_POSITION = 200.0
PREVIEW_ROWS = 20
EXCEL_EPOCH = date(1899, 12, 30)


# --- public types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportFailed(Exception):
    """The import was refused; `errors` holds every problem found (nothing was written)."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} feil i importen")

    def __str__(self) -> str:
        shown = [str(e) for e in self.errors[:50]]
        if len(self.errors) > 50:
            shown.append(f"... og {len(self.errors) - 50} feil til")
        return "\n".join(shown)


@dataclass(frozen=True)
class ImportOutcome:
    record: history.ImportRecord
    rows: int
    rejected: int
    rejected_file: Path | None
    unchanged: bool


@dataclass(frozen=True)
class Preview:
    file: str
    header_row: int
    recognised: dict[str, str]  # header as written -> the accepted Norwegian name it is read as
    unknown: dict[str, str | None]
    missing: list[str]
    sample: pd.DataFrame  # the first rows as text, headed by the accepted Norwegian names


# --- column specifications ------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str  # our column name
    aliases: tuple[str, ...]  # accepted headers; the first is the Norwegian name shown to users
    parse: str  # text | date | position | amount | count | horizon | enum | national_id
    noun: str  # for "mangler <noun>"
    required: bool = False  # the column must be in the file and every row must have a value
    choices: str | None = None  # name of the ENUMS table for parse == "enum"

    @property
    def label(self) -> str:
        return self.aliases[0]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    fields: tuple[Field, ...]
    # Columns that may stand in for each other: (our name, alternative), e.g. the employee id or
    # the fødselsnummer; at least one of each pair must be present, and one value per row.
    either: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _norm_choice(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(value))


# Accepted spellings of each list value (matched on letters and digits only, accents folded).
ENUMS: dict[str, tuple[dict[str, str], str, str]] = {
    # name: (spelling -> value, Norwegian noun, the accepted values as shown)
    "end_reason": (
        {"pensjon": "pensjon", "egenoppsigelse": "egen_oppsigelse", "internovergang": "intern_overgang",
         "annet": "annet"},
        "sluttårsak", "Pensjon, Egen oppsigelse, Intern overgang, Annet",
    ),
    "gender": (
        {"k": "K", "kvinne": "K", "kvinnelig": "K", "f": "K", "m": "M", "mann": "M", "mannlig": "M"},
        "kjønn", "K, M, Kvinne, Mann",
    ),
    "employment_type": (
        {"fast": "fast", "fastansatt": "fast", "midlertidig": "midlertidig", "vikar": "vikar",
         "vikariat": "vikar"},
        "ansettelsesform", "fast, midlertidig, vikar",
    ),
    "competence_kind": (
        {k: k for k in rules.COMPETENCE_KINDS},
        "kompetansetype", ", ".join(rules.COMPETENCE_KINDS),
    ),
    "main_task": (
        {"pasientbehandling": "pasientbehandling", "forskning": "forskning",
         "utdanninghelsepersonell": "utdanning_helsepersonell",
         "utdanningavhelsepersonell": "utdanning_helsepersonell",
         "opplaeringpasienterparorende": "opplaering_pasienter_parorende",
         "opplaeringavpasienterogparorende": "opplaering_pasienter_parorende",
         "opplaeringavpasienterogparorendeogpasienter": "opplaering_pasienter_parorende"},
        "hovedoppgave",
        "Pasientbehandling, Forskning, Utdanning av helsepersonell, Opplæring av pasienter og pårørende",
    ),
    "category": (
        {c: c for c in rules.CATEGORIES}, "kategori", "Rekruttering, Utvikling",
    ),
}
assert set(ENUMS["end_reason"][0].values()) == set(rules.END_REASONS)
assert set(ENUMS["employment_type"][0].values()) == set(rules.EMPLOYMENT_TYPES)
assert set(ENUMS["main_task"][0].values()) == set(rules.MAIN_TASKS)

_EMPLOYEE_ID = Field("employee_id", ("Ansattnr", "Ansattnummer", "Ressursnr", "Employee ID"), "text", "ansattnummer")
_NATIONAL_ID = Field(
    NATIONAL_ID, ("Fødselsnummer", "Fnr", "Personnummer", "D-nummer", "Fødselsnr"), "national_id", "fødselsnummer"
)


def _amount(name: str, aliases: tuple[str, ...], noun: str) -> Field:
    return Field(name, aliases, "amount", noun)


SPECS: dict[str, KindSpec] = {
    "personnel": KindSpec(
        "personnel",
        (
            _EMPLOYEE_ID,
            _NATIONAL_ID,
            Field("birth_date", ("Fødselsdato", "Født", "Birth date"), "date", "fødselsdato"),
            Field("unit_code", ("Enhet", "Enhetskode", "Avdeling", "Seksjon", "Unit"), "text", "enhet", True),
            Field(
                "profession", ("Yrkesgruppe", "Stillingskategori", "Stillingstittel", "Profession"), "text",
                "yrkesgruppe", True,
            ),
            Field("gender", ("Kjønn", "Gender"), "enum", "kjønn", choices="gender"),
            Field(
                "position_pct", ("Stillingsprosent", "Stilling %", "Stillingsandel", "Stilling"), "position",
                "stillingsprosent", True,
            ),
            Field("employment_type", ("Ansettelsesform",), "enum", "ansettelsesform", choices="employment_type"),
            Field("start_date", ("Startdato", "Tiltredelse", "Tiltredelsesdato", "Start date"), "date", "startdato",
                  True),
            Field("end_date", ("Sluttdato", "Fratredelse", "Fratredelsesdato", "End date"), "date", "sluttdato"),
            Field("end_reason", ("Sluttårsak",), "enum", "sluttårsak", choices="end_reason"),
            Field("education_level", ("Utdanningsnivå", "Utdanning"), "text", "utdanningsnivå"),
        ),
        either=(("employee_id", NATIONAL_ID), ("birth_date", NATIONAL_ID)),
    ),
    "units": KindSpec(
        "units",
        (
            Field("unit_code", ("Enhetskode", "Enhet", "Kode"), "text", "enhetskode", True),
            Field("unit_name", ("Navn", "Enhetsnavn"), "text", "navn", True),
            Field("parent_code", ("Overordnet", "Overordnet enhet"), "text", "overordnet enhet"),
            Field("level", ("Nivå",), "text", "nivå", True),
        ),
    ),
    "competences": KindSpec(
        "competences",
        (
            _EMPLOYEE_ID,
            _NATIONAL_ID,
            Field("competence", ("Kompetanse",), "text", "kompetanse", True),
            Field("kind", ("Type", "Kompetansetype"), "enum", "type", True, choices="competence_kind"),
            Field("acquired_date", ("Oppnådd", "Dato oppnådd"), "date", "dato oppnådd"),
            Field("expires_date", ("Utløper", "Gyldig til", "Utløpsdato"), "date", "utløpsdato"),
        ),
        either=(("employee_id", NATIONAL_ID),),
    ),
    "requirements": KindSpec(
        "requirements",
        (
            Field("unit_code", ("Enhet", "Enhetskode"), "text", "enhet", True),
            Field("competence", ("Kompetanse",), "text", "kompetanse", True),
            Field("min_holders", ("Minimum", "Min. antall", "Minimum antall"), "count", "minimum", True),
        ),
    ),
    "measures": KindSpec(
        "measures",
        (
            Field("unit_code", ("Enhet", "Enhetskode"), "text", "enhet", True),
            Field("main_task", ("Hovedoppgave",), "enum", "hovedoppgave", True, choices="main_task"),
            Field("category", ("Kategori",), "enum", "kategori", True, choices="category"),
            Field("horizon", ("Horisont",), "horizon", "horisont", True),
            Field("need", ("Behov",), "text", "behov"),
            Field("measure", ("Tiltak",), "text", "tiltak"),
            Field("schedule", ("Framdrift", "Fremdrift"), "text", "framdrift"),
            _amount("hours", ("Timer",), "timer"),
            _amount("participants", ("Deltakere",), "deltakere"),
            _amount("sessions", ("Ganger", "Antall ganger"), "ganger"),
            _amount("hourly_rate", ("Timepris",), "timepris"),
            _amount("days", ("Dager",), "dager"),
            _amount("day_rate", ("Dagsats",), "dagsats"),
            _amount("course_fee", ("Kursavgift",), "kursavgift"),
            _amount("travel", ("Reise",), "reise"),
            _amount("other_cost", ("Andre kostnader",), "andre kostnader"),
            Field("status", ("Status",), "text", "status"),
            Field("responsible", ("Ansvarlig",), "text", "ansvarlig"),
            Field("comment", ("Kommentar",), "text", "kommentar"),
            Field("funding_source", ("Finansiering", "Finansieringskilde", "Finansieres av"), "enum", "finansiering",
                  choices="funding_source"),
            Field("funding_applied", ("Søkt beløp", "Søkt", "Omsøkt"), "money", "søkt beløp"),
            Field("funding_granted", ("Innvilget beløp", "Innvilget", "Tildelt"), "money", "innvilget beløp"),
            Field("goal_id", ("Mål", "Mål nr", "Målnummer"), "text", "mål"),
        ),
    ),
}

# The plan itself (issue 8): practice placements and the plan's goals.
ENUMS.update({
    "funding_source": (
        {**{_norm_choice(c): c for c in funding.SOURCES}, **{_norm_choice(v): c for c, v in funding.SOURCES.items()},
         "kompetanseloft": "kompetanseloftmidler", "statsforvalteren": "kompetanseloftmidler",
         "prosjekt": "prosjektmidler", "budsjettet": "budsjett", "egetbudsjett": "budsjett"},
        "finansiering", ", ".join(funding.SOURCES.values()),
    ),
    "school_type": (
        {**placements.SCHOOL_TYPE_SPELLINGS, **{_norm_choice(v): c for c, v in placements.SCHOOL_TYPES.items()}},
        "skoletype", ", ".join(placements.SCHOOL_TYPES.values()),
    ),
    "goal_level": (
        {**{_norm_choice(v): c for c, v in goals.LEVELS.items()}, "strategi": goals.STRATEGY,
         "resultat": goals.RESULT},
        "nivå", ", ".join(goals.LEVELS.values()),
    ),
    "goal_status": (
        {**{_norm_choice(v): c for c, v in goals.STATUSES.items()},
         **{_norm_choice(v.removesuffix(" realisert")): c for c, v in goals.STATUSES.items()}},
        "status", ", ".join(goals.STATUSES.values()),
    ),
    "evaluation": (
        {**{_norm_choice(v): c for c, v in goals.EVALUATION_LEVELS.items()}, **{c: c for c in goals.EVALUATION_LEVELS}},
        "evalueringsnivå", ", ".join(goals.EVALUATION_LEVELS.values()),
    ),
})

SPECS["placements"] = KindSpec(
    "placements",
    (
        Field("semester", ("Semester", "Termin"), "semester", "semester", True),
        Field("unit_code", ("Enhet", "Enhetskode"), "text", "enhet", True),
        Field("school_type", ("Skoletype", "Utdanningstype", "Skole"), "enum", "skoletype", True,
              choices="school_type"),
        Field("asked", ("Etterspurt", "Etterspurte plasser"), "places", "etterspurt"),
        Field("offered", ("Tilbudt", "Tilbudte plasser"), "places", "tilbudt"),
        Field("used", ("Brukt", "Brukte plasser", "I praksis"), "places", "brukt"),
    ),
)
SPECS["goals"] = KindSpec(
    "goals",
    (
        Field("goal_id", ("Nr", "Nr.", "Målnummer"), "text", "nr.", True),
        Field("level", ("Nivå", "Type mål"), "enum", "nivå", True, choices="goal_level"),
        Field("parent_id", ("Overordnet mål", "Strategimål nr"), "text", "overordnet mål"),
        Field("title", ("Mål", "Målformulering"), "text", "mål", True),
        Field("period_from", ("Fra år", "Fra"), "year", "fra år"),
        Field("period_to", ("Til år", "Til"), "year", "til år"),
        Field("status", ("Status", "Måloppnåelse"), "enum", "status", choices="goal_status"),
        Field("evaluation", ("Evaluering", "Evalueringsnivå"), "enum", "evalueringsnivå", choices="evaluation"),
        Field("responsible", ("Ansvarlig", "Ansvar"), "text", "ansvarlig"),
        Field("comment", ("Kommentar",), "text", "kommentar"),
    ),
)
assert set(SPECS) == set(store.IMPORT_KINDS)


def _alias_index(spec: KindSpec) -> dict[str, str]:
    return {header_key(alias): f.name for f in spec.fields for alias in f.aliases}


def _score(spec: KindSpec) -> Callable[[list[str]], int]:
    index = _alias_index(spec)
    return lambda cells: len({index[k] for k in map(header_key, cells) if k in index})


def normalise_header(text: str) -> str:
    """How headers compare: case, accents, æ/ø/å and spacing do not matter ("FØDSELSDATO" == "fodselsdato")."""
    return fold(text)


def closest_header(header: str, kind: str = "personnel") -> str | None:
    """The accepted header most like `header` (as written in DESIGN.md), or None."""
    aliases = {normalise_header(a): a for f in SPECS[kind].fields for a in f.aliases}
    match = difflib.get_close_matches(normalise_header(header), list(aliases), n=1, cutoff=0.6)
    return aliases[match[0]] if match else None


# --- value parsers (each over the unique values of a column) ----------------------------------

Parsed = tuple[pd.Series, pd.Series]  # values, error message (None where fine)


def _by_unique(column: pd.Series, convert: Callable[[object], tuple[object, str | None]], dtype: str) -> Parsed:
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
        text, _ = _by_unique(column, lambda v: (as_text(v), None), "object")
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
    return _by_unique(column, parse_date_value, "datetime")


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


def parse_positions(column: pd.Series) -> Parsed:
    return _by_unique(column, parse_position_value, "float")


def _amount_parser(noun: str) -> Callable[[object], tuple[float | None, str | None]]:
    def parse(value: object) -> tuple[float | None, str | None]:
        number = parse_number_value(value)
        if number is None:
            return None, f"ugyldig tall for {noun}: {as_text(value)}"
        if number < 0:
            return None, f"{noun} kan ikke være negativ: {as_text(value)}"
        return number, None

    return parse


def _places_parser(noun: str) -> Callable[[object], tuple[int | None, str | None]]:
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


def _enum_parser(name: str) -> Callable[[object], tuple[str | None, str | None]]:
    spellings, noun, shown_choices = ENUMS[name]

    def parse(value: object) -> tuple[str | None, str | None]:
        found = spellings.get(_norm_choice(as_text(value)))
        if found is None:
            return None, f"ukjent {noun}: {as_text(value)} (gyldige: {shown_choices})"
        return found, None

    return parse


def parse_end_reason(value: object) -> str | None:
    """"Egen oppsigelse" -> "egen_oppsigelse"; None when not in the list."""
    return _enum_parser("end_reason")(value)[0]


def parse_gender(value: object) -> str | None:
    """K/M/Kvinne/Mann -> "K"/"M"; None when not recognised."""
    return _enum_parser("gender")(value)[0]


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


# --- one file ---------------------------------------------------------------------------------


@dataclass
class _Problems:
    """Row problems of one file: (row position, column header, message) in column order."""

    positions: list[np.ndarray] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    messages: list[object] = field(default_factory=list)  # array of messages or one message

    def add(self, mask: pd.Series | np.ndarray, column: str, message: object) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        where = np.flatnonzero(mask)
        self.positions.append(where)
        self.columns.append(column)
        if isinstance(message, pd.Series):
            message = message.to_numpy(dtype=object)[where]
        self.messages.append(message)

    def add_errors(self, errors: pd.Series, column: str) -> None:
        self.add(errors.notna().to_numpy(), column, errors)

    def frame(self, headers: list[str]) -> pd.DataFrame:
        """One row per problem, by row and then by the column's place in the file."""
        place = {h: i for i, h in reversed(list(enumerate(headers)))}
        parts = []
        for where, column, message in zip(self.positions, self.columns, self.messages, strict=True):
            parts.append(pd.DataFrame({
                "pos": where, "order": place.get(column, len(headers)), "column": column,
                "message": message if not isinstance(message, str) else [message] * len(where),
            }))
        if not parts:
            return pd.DataFrame({"pos": [], "order": [], "column": [], "message": []})
        return pd.concat(parts, ignore_index=True).sort_values(["pos", "order"], kind="stable")


@dataclass
class _FileResult:
    name: str
    raw: RawTable
    columns: dict[str, int]  # our name -> header position
    frame: pd.DataFrame  # our columns, converted
    problems: pd.DataFrame  # pos, column, message
    unknown: dict[str, str | None]


def _match_columns(spec: KindSpec, headers: list[str]) -> tuple[dict[str, int], dict[str, str | None]]:
    index = _alias_index(spec)
    columns: dict[str, int] = {}
    unknown: dict[str, str | None] = {}
    for position, header in enumerate(headers):
        if not header:
            continue
        name = index.get(header_key(header))
        if name is None:
            unknown[header] = closest_header(header, spec.kind)
        elif name in columns:
            unknown[header] = None  # a second column for the same field: the first one is used
        else:
            columns[name] = position
    return columns, unknown


def _missing_columns(spec: KindSpec, columns: dict[str, int]) -> list[str]:
    missing = [f.label for f in spec.fields if f.required and f.name not in columns]
    for first, second in spec.either:
        if first not in columns and second not in columns:
            missing.append(f"{spec.field(first).label} eller {spec.field(second).label}")
    return missing


def _hash_key(con: duckdb.DuckDBPyConnection) -> tuple[bytes, bool]:
    """The secret key of the employee-id hash, and whether it still has to be saved."""
    value = store.fetch_value(con, "select value from settings where key = $k", {"k": ID_HASH_KEY})
    if value:
        return str(value).encode("ascii"), False
    return secrets.token_hex(32).encode("ascii"), True


def _convert_file(
    spec: KindSpec, name: str, raw: RawTable, snapshot: date, key: bytes
) -> _FileResult:
    columns, unknown = _match_columns(spec, raw.headers)
    missing = _missing_columns(spec, columns)
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        raise FileProblem(f"Mangler kolonnen {names}." if len(missing) == 1 else f"Mangler kolonnene {names}.")
    problems = _Problems()
    out: dict[str, pd.Series] = {}
    header = {f: raw.headers[p] for f, p in columns.items()}
    data = raw.data
    index = data.index

    for f in spec.fields:
        if f.name not in columns or f.parse == "national_id":
            continue
        column = data[columns[f.name]]
        if f.parse == "text":
            values, errors = parse_text(column)
        elif f.parse == "date":
            values, errors = parse_dates(column)
        elif f.parse == "position":
            values, errors = parse_positions(column)
        elif f.parse == "amount":
            values, errors = _by_unique(column, _amount_parser(f.noun), "float")
        elif f.parse == "count":
            values, errors = _by_unique(column, parse_count_value, "object")
        elif f.parse == "horizon":
            values, errors = _by_unique(column, parse_horizon_value, "object")
        elif f.parse == "enum":
            values, errors = _by_unique(column, _enum_parser(f.choices or f.name), "object")
        elif f.parse == "money":  # an amount that may be blank (not given)
            values, errors = _by_unique(column, _amount_parser(f.noun), "float")
        elif f.parse == "places":
            values, errors = _by_unique(column, _places_parser(f.noun), "object")
        elif f.parse == "semester":
            values, errors = _by_unique(column, parse_semester_value, "object")
        elif f.parse == "year":
            values, errors = _by_unique(column, parse_year_value, "object")
        else:  # pragma: no cover - a spec error
            raise ValueError(f.parse)
        problems.add_errors(errors, header[f.name])
        out[f.name] = values

    if NATIONAL_ID in columns:
        ids = read_national_ids(data[columns[NATIONAL_ID]], key)
        problems.add(ids.invalid, header[NATIONAL_ID], "ugyldig fødselsnummer")
        if "employee_id" in {f.name for f in spec.fields}:
            current = out.get("employee_id", pd.Series(None, index=index, dtype=object))
            out["employee_id"] = current.where(current.notna(), ids.hashed_id)
        if spec.kind == "personnel":
            born = out.get("birth_date", pd.Series(pd.NaT, index=index, dtype="datetime64[s]"))
            out["birth_from_national_id"] = born.isna() & ids.birth_date.notna()
            out["birth_date"] = born.where(born.notna(), ids.birth_date)
            gender = out.get("gender", pd.Series(None, index=index, dtype=object))
            given = data[columns["gender"]].notna() if "gender" in columns else pd.Series(False, index=index)
            out["gender"] = gender.where(given, ids.gender)

    # A value every row must have (a blank cell: an invalid value is reported already).
    def require(name: str, noun: str, alternative: str | None = None) -> None:
        if name not in out:
            return
        blank = out[name].isna().to_numpy().copy()
        for source in (name, alternative):
            if source is not None and source in columns:
                blank &= data[columns[source]].isna().to_numpy()
        problems.add(blank, header.get(name) or header[str(alternative)], f"mangler {noun}")

    for f in spec.fields:
        if f.required:
            require(f.name, f.noun)
    for first, second in spec.either:
        require(first, spec.field(first).noun, second)

    if spec.kind == "personnel":
        _check_personnel(out, columns, header, snapshot, problems)
    if spec.kind == "competences" and "acquired_date" in out and "expires_date" in out:
        before = (out["expires_date"] < out["acquired_date"]).fillna(False).to_numpy()
        problems.add(before, header["expires_date"], "utløpsdatoen er før datoen kompetansen ble oppnådd")
    if spec.kind == "placements":
        _check_placements(out, header, problems)
    if spec.kind == "goals":
        _check_goals(out, header, problems)

    frame = pd.DataFrame({k: v for k, v in out.items() if k != "birth_from_national_id"}, index=index)
    return _FileResult(name, raw, columns, frame, problems.frame(raw.headers), unknown)


def _check_placements(out: dict[str, pd.Series], header: dict[str, str], problems: _Problems) -> None:
    """The same semester, unit and school type on two rows would count the places twice."""
    keys = pd.DataFrame({k: out[k] for k in ("semester", "unit_code", "school_type")})
    twice = (keys.notna().all(axis=1) & keys.duplicated(keep=False)).to_numpy()
    problems.add(twice, header["semester"], "samme semester, enhet og skoletype står på mer enn én rad")


def _check_goals(out: dict[str, pd.Series], header: dict[str, str], problems: _Problems) -> None:
    """A result goal needs a strategy goal of the file above it; numbers are unique."""
    ids, level = out["goal_id"], out["level"]
    parent = out.get("parent_id", pd.Series(None, index=ids.index, dtype=object))
    strategy = set(ids[level == goals.STRATEGY].dropna())
    result = (level == goals.RESULT).to_numpy()
    where = header.get("parent_id", header["level"])
    problems.add(result & parent.isna().to_numpy(), where, "et resultatmål må ha et overordnet strategimål")
    problems.add(result & parent.notna().to_numpy() & ~parent.isin(strategy).to_numpy(), where,
                 "overordnet mål er ikke et strategimål i filen")
    problems.add((ids.notna() & ids.duplicated(keep=False)).to_numpy(), header["goal_id"],
                 "samme nummer står på mer enn én rad")


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _fmt(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%d.%m.%Y")


def _check_personnel(
    out: dict[str, pd.Series], columns: dict[str, int], header: dict[str, str], snapshot: date, problems: _Problems
) -> None:
    start, end = out.get("start_date"), out.get("end_date")
    if start is not None and end is not None:
        bad = (end < start).fillna(False).to_numpy()
        if bad.any():
            problems.add(bad, header["end_date"],
                         "sluttdato " + _fmt(end) + " er før startdato " + _fmt(start))
    born = out.get("birth_date")
    if born is None:
        return
    from_id = out.get("birth_from_national_id", pd.Series(False, index=born.index)).to_numpy()
    birth_header = np.where(from_id, header.get(NATIONAL_ID, ""), header.get("birth_date", ""))
    snap = pd.Timestamp(snapshot)
    shown_snap = snapshot.strftime("%d.%m.%Y")
    future = (born > snap).fillna(False).to_numpy()
    year, month, day = born.dt.year, born.dt.month, born.dt.day
    before_birthday = (month > snap.month) | ((month == snap.month) & (day > snap.day))
    age = (snap.year - year - before_birthday.astype(float)).to_numpy(dtype=float)
    young = ~future & (age < MIN_AGE)
    old = age > MAX_AGE
    for mask, text in (
        (future, f"fødselsdatoen er etter datadatoen {shown_snap}"),
        (young, f"alderen er under {MIN_AGE} år på datadatoen {shown_snap}"),
        (old, f"alderen er over {MAX_AGE} år på datadatoen {shown_snap}"),
    ):
        for column in np.unique(birth_header[mask]):
            problems.add(mask & (birth_header == column), str(column), text)


# --- the whole import -------------------------------------------------------------------------


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(path: Path, name: str, spec: KindSpec, max_rows: int | None = None) -> RawTable:
    try:
        return read_table(path, _score(spec), max_rows=max_rows)
    except FileProblem as problem:
        raise ImportFailed([RowError(name, None, None, str(problem))]) from None
    except Exception as exc:
        raise ImportFailed([RowError(name, None, None, f"Filen kunne ikke leses ({type(exc).__name__}).")]) from None


def preview_file(path: Path, kind: str = "personnel") -> Preview:
    """The header row, the recognised and unknown columns and the first rows (no fødselsnummer)."""
    path = Path(path)
    spec = SPECS[kind]
    raw = _read(path, path.name, spec, max_rows=PREVIEW_ROWS)
    columns, unknown = _match_columns(spec, raw.headers)
    labels = {f.name: f.label for f in spec.fields}
    recognised = {raw.headers[p]: labels.get(n, n) for n, p in columns.items()}
    sample = pd.DataFrame(
        {labels.get(n, n): raw.data[p].map(lambda v: "" if _blank(v) else as_text(v))
         for n, p in columns.items() if n != NATIONAL_ID}
    ).head(PREVIEW_ROWS)
    return Preview(path.name, raw.header_row, recognised, unknown, _missing_columns(spec, columns), sample)


def import_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    kind: str = "personnel",
    *,
    skip_invalid: bool = False,
    snapshot_date: date | None = None,
    progress: Callable[[float, str], None] | None = None,
    display_names: list[str] | None = None,
) -> ImportOutcome:
    """Import one or more files as one import of `kind`; raises ImportFailed with every problem."""
    if kind not in SPECS:
        raise ValueError(f"unknown import kind: {kind}")
    if not paths:
        raise ImportFailed([RowError("", None, None, "Ingen filer å importere.")])
    paths = [Path(p) for p in paths]
    names = list(display_names) if display_names else [p.name for p in paths]
    if len(names) != len(paths):
        raise ValueError("display_names must match paths")
    snapshot = snapshot_date or date.today()
    spec = SPECS[kind]

    def report(fraction: float, text: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), text)

    key, new_key = _hash_key(con)
    results: list[_FileResult] = []
    file_errors: list[RowError] = []
    for number, (path, name) in enumerate(zip(paths, names, strict=True)):
        report(0.6 * number / len(paths), f"Leser {name}")
        try:
            raw = _read(path, name, spec)
            results.append(_convert_file(spec, name, raw, snapshot, key))
        except ImportFailed as failed:
            file_errors.extend(failed.errors)
        except FileProblem as problem:
            file_errors.append(RowError(name, None, None, str(problem)))
        except Exception as exc:
            file_errors.append(RowError(name, None, None, f"Uventet feil ved lesing av filen ({type(exc).__name__})."))
    if file_errors:
        raise ImportFailed(file_errors)

    report(0.65, "Kontrollerer radene")
    errors: list[RowError] = []
    kept: list[pd.DataFrame] = []
    rejected_parts: list[pd.DataFrame] = []
    for result in results:
        problems = result.problems
        row_numbers = result.raw.row_numbers
        if len(problems):
            positions = problems["pos"].to_numpy(dtype=int)
            rows = row_numbers[positions]
            errors.extend(
                RowError(result.name, int(r), c, m)
                for r, c, m in zip(rows, problems["column"], problems["message"], strict=True)
            )
        bad = np.zeros(len(result.frame), dtype=bool)
        if len(problems):
            bad[problems["pos"].to_numpy(dtype=int)] = True
        kept.append(result.frame.loc[~bad])
        if bad.any():
            rejected_parts.append(_rejected_rows(result, bad, multiple=len(results) > 1))
    total = sum(len(r.frame) for r in results)
    rejected = total - sum(len(k) for k in kept)
    if errors and (not skip_invalid or rejected == total):
        raise ImportFailed(errors)

    frame = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True)
    if kind == "measures":
        first_id = store.next_id(con, "measures", "measure_id")
        frame.insert(0, "measure_id", np.arange(first_id, first_id + len(frame)))
    if kind == "requirements":
        frame["min_holders"] = frame["min_holders"].astype("int64")
    for f in spec.fields:  # whole numbers that may be blank (placements, goal years)
        if f.parse in ("places", "year") and f.name in frame:
            frame[f.name] = pd.array(frame[f.name].tolist(), dtype="Int64")
    if kind == "measures":
        frame["horizon"] = frame["horizon"].astype("int64")
        for f in spec.fields:
            if f.parse == "amount":
                frame[f.name] = frame[f.name].astype(float).fillna(0.0) if f.name in frame else 0.0

    rejected_file = None
    if rejected_parts:
        rejected_file = paths[0].with_name(f"{paths[0].stem}.avviste.csv")
        report(0.75, f"Skriver avviste rader til {rejected_file.name}")
        _write_rejected(rejected_parts, rejected_file)

    hashes = sorted(_file_sha(p) for p in paths)
    sha = hashes[0] if len(hashes) == 1 else hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()
    report(0.8, "Lagrer i databasen")
    try:
        if new_key and NATIONAL_ID in set().union(*(r.columns for r in results)):
            with store.transaction(con):
                con.execute(
                    "insert into settings select $k, $v where not exists (select 1 from settings where key = $k)",
                    {"k": ID_HASH_KEY, "v": key.decode("ascii")},
                )
        record = history.record_import(
            con, kind, frame, file_name=", ".join(names), sha256=sha, snapshot_date=snapshot
        )
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImportFailed([RowError(", ".join(names), None, None, f"Kunne ikke lagre importen: {first}")]) from exc
    report(1.0, "Ferdig")
    return ImportOutcome(record, len(frame), rejected, rejected_file, record.reused)


def _rejected_rows(result: _FileResult, bad: np.ndarray, *, multiple: bool) -> pd.DataFrame:
    """The original cells of the rejected rows (fødselsnummer blanked), with "Rad" and "Feil"."""
    raw = result.raw
    national = result.columns.get(NATIONAL_ID)
    cells: dict[str, pd.Series] = {}
    for position, header in enumerate(raw.headers):
        if not header or header in cells:
            continue
        column = raw.data[position].loc[bad]
        if position == national:
            cells[header] = pd.Series("", index=column.index, dtype=object)
        else:
            cells[header] = column.map(lambda v: "" if _blank(v) else as_text(v)).astype(object)
    frame = pd.DataFrame(cells)
    if multiple:
        frame.insert(0, "Fil", result.name)
    positions = np.flatnonzero(bad)
    frame["Rad"] = raw.row_numbers[positions]
    problems = result.problems
    joined = problems.groupby("pos", sort=True).apply(
        lambda g: "; ".join(f"{c}: {m}" for c, m in zip(g["column"], g["message"], strict=True)),
        include_groups=False,
    )
    frame["Feil"] = joined.reindex(positions).to_numpy()
    return frame


def _write_rejected(parts: list[pd.DataFrame], path: Path) -> None:
    frame = pd.concat(parts, ignore_index=True).fillna("")
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")


# --- templates --------------------------------------------------------------------------------


def template(kind: str) -> bytes:
    """An empty .xlsx with the kind's Norwegian headers (each field's first accepted name), to fill in."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    spec = SPECS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Import"
    fields = [f for f in spec.fields if f.name != NATIONAL_ID]
    for column, f in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=column, value=f.label)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(f.label) + 4)
    notes = workbook.create_sheet("Forklaring")
    notes.append(["Kolonne", "Påkrevd", "Andre navn som godtas", "Gyldige verdier"])
    for f in fields:
        choices = ENUMS[f.choices or f.name][2] if f.parse == "enum" else ""
        notes.append([f.label, "ja" if f.required else "nei", ", ".join(f.aliases[1:]), choices])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_file_name(kind: str) -> str:
    return f"mal-{kind}.xlsx"
