"""One file from raw grid to checked columns: parse every recognised column, then the checks across columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from kompetanse.figures.professions import unit_group_name
from kompetanse.importer import profiles
from kompetanse.importer.fields import NATIONAL_ID, KindSpec
from kompetanse.importer.national_id import NationalIds, national_id_cells, number_like_cells, read_national_ids
from kompetanse.importer.parse import (
    amount_parser,
    by_unique,
    enum_parser,
    parse_count_value,
    parse_dates,
    parse_horizon_value,
    parse_leave_value,
    parse_occupation_code_value,
    parse_positions,
    parse_profession_value,
    parse_semester_value,
    parse_text,
    parse_year_value,
    places_parser,
)
from kompetanse.importer.read import FileProblem, RawTable
from kompetanse.importer.recognise import Recognition, missing_columns, recognise
from kompetanse.plan import goals

MIN_AGE, MAX_AGE = 13, 100
# A fødselsnummer outside its column is refused, never echoed and never stored (issue 12).
NATIONAL_ID_ELSEWHERE = (
    "verdien ser ut som et fødselsnummer og leses ikke her (fødselsnummer hører hjemme i kolonnen «Fødselsnummer»)"
)
FH_NUMBER = "FH-nummer (felles hjelpenummer) har ingen fødselsdato: fyll inn Fødselsdato for raden"
BIRTH_DATE_CONTRADICTS = "fødselsdatoen stemmer ikke med fødselsnummeret"


@dataclass
class Problems:
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
class FileResult:
    name: str
    raw: RawTable
    columns: dict[str, int]  # our name -> header position
    frame: pd.DataFrame  # our columns, converted
    problems: pd.DataFrame  # pos, column, message
    unknown: dict[str, str | None]
    # Per header position: the cells that hold a fødselsnummer outside its column (blanked in the rejected rows).
    hidden_cells: dict[int, np.ndarray] = field(default_factory=dict)
    test_numbers: int = 0  # rows whose fødselsnummer is a synthetic test number (Tenor)
    recognition: Recognition | None = None  # what each column is, the profile, the columns not used


def convert_file(
    spec: KindSpec, name: str, raw: RawTable, snapshot: date, key: bytes,
    mapping: Mapping[str, str | None] | None = None,
) -> FileResult:
    recognition = recognise(spec, raw.headers, raw.data, mapping)
    if recognition.competing:
        raise FileProblem(" ".join(recognition.competing))
    columns, unknown = dict(recognition.positions), recognition.unknown
    if "profession_code" in columns and "profession" not in columns:
        # Only a code column (a-meldingen's yrke): it is the profession column, read as codes (read_occupations).
        columns["profession"] = columns.pop("profession_code")
    missing = missing_columns(spec, columns)
    if missing:
        names = ", ".join(f"«{m}»" for m in missing)
        text = f"Mangler kolonnen {names}." if len(missing) == 1 else f"Mangler kolonnene {names}."
        unused = ", ".join(f"«{c.header}»" for c in recognition.unused)
        raise FileProblem(f"{text} Ikke brukt: {unused}." if unused else text)
    problems = Problems()
    out: dict[str, pd.Series] = {}
    header = {f: raw.headers[p] for f, p in columns.items()}
    data = raw.data
    index = data.index
    national = columns.get(NATIONAL_ID)
    hidden_cells = {
        position: found for position in data.columns if position != national
        for found in [national_id_cells(data[position], snapshot)] if found.any()
    }

    for f in spec.fields:
        if f.name not in columns or f.parse == "national_id":
            continue
        column = data[columns[f.name]]
        if f.name in profiles.OPEN_END_FIELDS:
            column = profiles.open_end_as_blank(column)
        if f.parse == "text":
            values, errors = parse_text(column)
        elif f.parse == "date":
            values, errors = parse_dates(column)
        elif f.parse == "position":
            values, errors = parse_positions(column)
        elif f.parse == "amount":
            values, errors = by_unique(column, amount_parser(f.noun), "float")
        elif f.parse == "count":
            values, errors = by_unique(column, parse_count_value, "object")
        elif f.parse == "horizon":
            values, errors = by_unique(column, parse_horizon_value, "object")
        elif f.parse == "enum":
            values, errors = by_unique(column, enum_parser(f.choices or f.name), "object")
        elif f.parse == "money":  # an amount that may be blank (not given)
            values, errors = by_unique(column, amount_parser(f.noun), "float")
        elif f.parse == "places":
            values, errors = by_unique(column, places_parser(f.noun), "object")
        elif f.parse == "semester":
            values, errors = by_unique(column, parse_semester_value, "object")
        elif f.parse == "year":
            values, errors = by_unique(column, parse_year_value, "object")
        elif f.parse == "leave":
            values, errors = by_unique(column, parse_leave_value, "float")
        elif f.parse == "occupation_code":
            values, errors = by_unique(column, parse_occupation_code_value, "object")
        else:  # pragma: no cover - a spec error
            raise ValueError(f.parse)
        found = hidden_cells.get(columns[f.name])
        if found is not None:  # the number is neither read nor echoed in the value's own error
            errors = errors.where(~found, None)
            values = values.where(~found)
            problems.add(found, header[f.name], NATIONAL_ID_ELSEWHERE)
        if errors.notna().any():  # nor is a mistyped one: an error never shows a value of 10-11 digits
            long = number_like_cells(column) & errors.notna().to_numpy()
            errors = errors.where(~long, f"ugyldig {f.noun} (et tall med 10-11 sifre vises ikke i feilmeldingen)")
        problems.add_errors(errors, header[f.name])
        out[f.name] = values

    if spec.kind == "personnel":
        read_occupations(out, header, problems)

    test_numbers = 0
    if NATIONAL_ID in columns:
        ids = read_national_ids(data[columns[NATIONAL_ID]], key, snapshot)
        problems.add(ids.invalid, header[NATIONAL_ID], "ugyldig fødselsnummer")
        test_numbers = int(ids.test.sum())
        if "employee_id" in {f.name for f in spec.fields}:
            current = out.get("employee_id", pd.Series(None, index=index, dtype=object))
            out["employee_id"] = current.where(current.notna(), ids.hashed_id)
        if spec.kind == "personnel":
            born = out.get("birth_date", pd.Series(pd.NaT, index=index, dtype="datetime64[s]"))
            given_birth = (data[columns["birth_date"]].notna() if "birth_date" in columns
                           else pd.Series(False, index=index))
            problems.add(ids.fh & ~given_birth, header[NATIONAL_ID], FH_NUMBER)
            check_birth_date_matches(born, ids, header, problems)
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
        check_personnel(out, columns, header, snapshot, problems)
        check_leave(out, header, problems)
    if spec.kind == "competences" and "acquired_date" in out and "expires_date" in out:
        before = (out["expires_date"] < out["acquired_date"]).fillna(False).to_numpy()
        problems.add(before, header["expires_date"], "utløpsdatoen er før datoen kompetansen ble oppnådd")
    if spec.kind == "units":
        check_units(out, header, raw.row_numbers, problems)
    if spec.kind == "placements":
        check_placements(out, header, problems)
    if spec.kind == "goals":
        check_goals(out, header, problems)

    frame = pd.DataFrame({k: v for k, v in out.items() if k != "birth_from_national_id"}, index=index)
    return FileResult(name, raw, columns, frame, problems.frame(raw.headers), unknown, hidden_cells, test_numbers,
                      recognition)


def read_occupations(out: dict[str, pd.Series], header: dict[str, str], problems: Problems) -> None:
    """A STYRK-08 code or a 7-digit yrkeskode in the title column, or in a code column beside it (issue 11).

    `profession` keeps the title (the STYRK unit group's name where only a code is given) and
    `profession_code` the 4-digit unit group; a code column wins over a code in the title column.
    """
    if "profession" not in out:
        return
    title, code_in_title, errors = _professions(out["profession"])
    problems.add_errors(errors, header["profession"])
    code = out.get("profession_code", pd.Series(None, index=title.index, dtype=object))
    code = code.where(code.notna(), code_in_title)
    named, _ = by_unique(code, lambda c: (unit_group_name(str(c)), None), "object")  # once per code, not per row
    out["profession"] = title.where(title.notna(), named)
    out["profession_code"] = code


def _professions(column: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    parsed = [parse_profession_value(v) for v in np.asarray(uniques, dtype=object)] + [(None, None, None)]
    table = np.empty((len(parsed), 3), dtype=object)
    table[:] = parsed
    index = column.index
    return tuple(pd.Series(table[codes, i], index=index, dtype=object) for i in range(3))  # type: ignore[return-value]


def check_birth_date_matches(born: pd.Series, ids: NationalIds, header: dict[str, str], problems: Problems) -> None:
    """A Fødselsdato that contradicts the fødselsnummer is an error on the row (neither is echoed)."""
    if "birth_date" not in header:
        return
    from_number = ids.birth_date
    both = born.notna() & from_number.notna()
    same_day = (born.dt.day == from_number.dt.day) & (born.dt.month == from_number.dt.month)
    same_year = born.dt.year == from_number.dt.year
    # The 2032 scheme does not tell the century: only the two last digits of the year are compared.
    same_year |= ~ids.century_known & (born.dt.year % 100 == from_number.dt.year % 100)
    problems.add((both & ~(same_day & same_year)).to_numpy(), header["birth_date"], BIRTH_DATE_CONTRADICTS)


def check_leave(out: dict[str, pd.Series], header: dict[str, str], problems: Problems) -> None:
    """Leave dates need a percentage, and a leave cannot end before it starts."""
    pct = out.get("leave_pct")
    start, end = out.get("leave_start"), out.get("leave_end")
    dated = pd.Series(False, index=next(iter(out.values())).index)
    for dates in (start, end):
        if dates is not None:
            dated |= dates.notna()
    if pct is None:
        if dated.any():
            where = header.get("leave_start") or header["leave_end"]
            problems.add(dated.to_numpy(), where, "permisjonsdatoer uten Permisjonsprosent")
        return
    where = header.get("leave_start") or header.get("leave_end")
    if where is not None:
        problems.add((dated & pct.isna()).to_numpy(), where, "mangler permisjonsprosent for permisjonen")
    if start is not None and end is not None:
        bad = (end < start).fillna(False).to_numpy()
        problems.add(bad, header["leave_end"], "permisjonen slutter før den begynner")


def check_units(out: dict[str, pd.Series], header: dict[str, str], row_numbers: np.ndarray, problems: Problems) -> None:
    """The units must form a tree: each code once, each parent a unit of the file, no unit its own ancestor."""
    codes = out["unit_code"]
    parents = out.get("parent_code", pd.Series(None, index=codes.index, dtype=object))
    code_list = codes.tolist()
    rows_of: dict[str, list[int]] = {}
    for position, code in enumerate(code_list):
        if code is not None and code == code:
            rows_of.setdefault(code, []).append(int(row_numbers[position]))
    twice = np.array([c in rows_of and len(rows_of[c]) > 1 for c in code_list], dtype=bool)
    if twice.any():
        messages = pd.Series([
            "samme enhetskode står også på rad " + ", ".join(str(r) for r in rows_of[c] if r != int(row_numbers[i]))
            if twice[i] else None for i, c in enumerate(code_list)
        ], index=codes.index, dtype=object)
        problems.add(twice, header["unit_code"], messages)
    if "parent_code" not in header:
        return
    parent_list = [p if p is not None and p == p and p != "" else None for p in parents.tolist()]
    unknown = np.array([p is not None and p not in rows_of for p in parent_list], dtype=bool)
    problems.add(unknown, header["parent_code"], pd.Series(
        [f"overordnet enhet {p} finnes ikke i filen" if u else None for p, u in zip(parent_list, unknown, strict=True)],
        index=codes.index, dtype=object))
    parent_of = {c: p for c, p in zip(code_list, parent_list, strict=True) if c is not None and c == c}
    in_cycle = np.zeros(len(code_list), dtype=bool)
    for position, code in enumerate(code_list):
        seen, current = set(), code
        while current is not None and current in parent_of and current not in seen:
            seen.add(current)
            current = parent_of[current]
        in_cycle[position] = current is not None and current == code and code in parent_of
    problems.add(in_cycle, header["parent_code"], "enheten ligger under seg selv (en sirkel i overordnet enhet)")


def check_placements(out: dict[str, pd.Series], header: dict[str, str], problems: Problems) -> None:
    """The same semester, unit and school type on two rows would count the places twice."""
    keys = pd.DataFrame({k: out[k] for k in ("semester", "unit_code", "school_type")})
    twice = (keys.notna().all(axis=1) & keys.duplicated(keep=False)).to_numpy()
    problems.add(twice, header["semester"], "samme semester, enhet og skoletype står på mer enn én rad")


def check_goals(out: dict[str, pd.Series], header: dict[str, str], problems: Problems) -> None:
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


def _fmt(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%d.%m.%Y")


def check_personnel(
    out: dict[str, pd.Series], columns: dict[str, int], header: dict[str, str], snapshot: date, problems: Problems
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
