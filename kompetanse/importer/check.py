"""One file from raw grid to checked columns: parse every recognised column, then the checks across columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from kompetanse import goals
from kompetanse.importer import profiles
from kompetanse.importer.fields import NATIONAL_ID, KindSpec
from kompetanse.importer.national_id import read_national_ids
from kompetanse.importer.parse import (
    amount_parser,
    by_unique,
    enum_parser,
    parse_count_value,
    parse_dates,
    parse_horizon_value,
    parse_positions,
    parse_semester_value,
    parse_text,
    parse_year_value,
    places_parser,
)
from kompetanse.importer.read import FileProblem, RawTable
from kompetanse.importer.recognise import Recognition, missing_columns, recognise

MIN_AGE, MAX_AGE = 13, 100


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
    recognition: Recognition | None = None  # what each column is, the profile, the columns not used


def convert_file(
    spec: KindSpec, name: str, raw: RawTable, snapshot: date, key: bytes,
    mapping: Mapping[str, str | None] | None = None,
) -> FileResult:
    recognition = recognise(spec, raw.headers, raw.data, mapping)
    if recognition.competing:
        raise FileProblem(" ".join(recognition.competing))
    columns, unknown = recognition.positions, recognition.unknown
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
        check_personnel(out, columns, header, snapshot, problems)
    if spec.kind == "competences" and "acquired_date" in out and "expires_date" in out:
        before = (out["expires_date"] < out["acquired_date"]).fillna(False).to_numpy()
        problems.add(before, header["expires_date"], "utløpsdatoen er før datoen kompetansen ble oppnådd")
    if spec.kind == "placements":
        check_placements(out, header, problems)
    if spec.kind == "goals":
        check_goals(out, header, problems)

    frame = pd.DataFrame({k: v for k, v in out.items() if k != "birth_from_national_id"}, index=index)
    return FileResult(name, raw, columns, frame, problems.frame(raw.headers), unknown, recognition)


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
