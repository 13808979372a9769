"""Synthetic organisations for the benchmark: deterministic (fixed seed), no real person in it.

An organisation of N employments has 500 units in a tree (1 foretak > 6 klinikker > 48 avdelinger
> 445 seksjoner; employments sit in the seksjoner), 20 professions and 10 years of history: about
45 % of the employments ended in the 10 years before the data date, with an end reason; about one
person in eight holds two employments (two units at once, or a re-hire). Everything is drawn with
numpy from one seed, column by column, so 1 000 000 rows take seconds.

The same rows are written as the HR export a user would import (Norwegian headers, `;`-separated
UTF-8 CSV with dd.mm.yyyy dates and decimal commas, or an .xlsx with real date cells), and stored
directly (history.record_import, no importer) as the database that the metrics and pages run on.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kompetanse.access import users
from kompetanse.storage import history, store

SEED = 20251201
AS_OF = date(2025, 12, 1)  # the data (snapshot) date of every generated organisation
HISTORY_YEARS = 10
N_CLINICS, AVD_PER_CLINIC, N_UNITS = 6, 8, 500

# (profession, weight, education level)
PROFESSIONS: list[tuple[str, float, str]] = [
    ("sykepleier", 24, "bachelor"),
    ("spesialsykepleier", 8, "master"),
    ("jordmor", 2, "master"),
    ("helsefagarbeider", 10, "fagbrev"),
    ("hjelpepleier", 3, "fagbrev"),
    ("barnepleier", 1, "fagbrev"),
    ("lege", 4, "profesjonsstudium"),
    ("overlege", 6, "profesjonsstudium"),
    ("bioingeniør", 4, "bachelor"),
    ("radiograf", 2, "bachelor"),
    ("fysioterapeut", 2, "bachelor"),
    ("ergoterapeut", 1, "bachelor"),
    ("psykolog", 2, "profesjonsstudium"),
    ("helsesekretær", 5, "fagbrev"),
    ("renholder", 3, "grunnskole"),
    ("portør", 1, "videregående"),
    ("merkantil", 6, "videregående"),
    ("IKT-konsulent", 2, "bachelor"),
    ("seksjonsleder", 2, "master"),
    ("avdelingsleder", 1, "master"),
]
POSITIONS = np.array([100.0, 80.0, 75.0, 60.0, 50.0, 40.0, 20.0, 66.7, 33.3, 90.0])
POSITION_WEIGHTS = np.array([55, 12, 8, 5, 6, 3, 3, 3, 2, 3], dtype=float)
EMPLOYMENT_TYPES = np.array(["fast", "midlertidig", "vikar"], dtype=object)
END_REASONS = np.array(["Pensjon", "Egen oppsigelse", "Intern overgang", "Annet"], dtype=object)
END_REASON_CODES = {"Pensjon": "pensjon", "Egen oppsigelse": "egen_oppsigelse",
                    "Intern overgang": "intern_overgang", "Annet": "annet"}

# The export's headers (DESIGN.md "Import headers"), in the order of the generated file.
HEADERS = ["Ansattnr", "Enhet", "Yrkesgruppe", "Fødselsdato", "Kjønn", "Stillingsprosent", "Ansettelsesform",
           "Startdato", "Sluttdato", "Sluttårsak"]


def units() -> pd.DataFrame:
    """500 units: foretak > klinikk > avdeling > seksjon (unit_code, unit_name, parent_code, level)."""
    rows: list[tuple[str, str, str | None, str]] = [("HF", "Benchmark helseforetak", None, "foretak")]
    n_sections = N_UNITS - 1 - N_CLINICS - N_CLINICS * AVD_PER_CLINIC
    departments = [(c, a) for c in range(1, N_CLINICS + 1) for a in range(1, AVD_PER_CLINIC + 1)]
    per_department = np.full(len(departments), n_sections // len(departments))
    per_department[: n_sections % len(departments)] += 1
    for c in range(1, N_CLINICS + 1):
        rows.append((f"K{c}", f"Klinikk {c}", "HF", "klinikk"))
    for (c, a), count in zip(departments, per_department, strict=True):
        code = f"K{c}-A{a}"
        rows.append((code, f"Avdeling {c}.{a}", f"K{c}", "avdeling"))
        rows.extend((f"{code}-S{s}", f"Seksjon {c}.{a}.{s}", code, "seksjon") for s in range(1, count + 1))
    frame = pd.DataFrame(rows, columns=["unit_code", "unit_name", "parent_code", "level"])
    assert len(frame) == N_UNITS and frame["unit_code"].is_unique
    return frame


def _days(day: date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def employments(n: int, seed: int = SEED) -> pd.DataFrame:
    """N employments as the export has them (one row each; display values, not yet database codes).

    Columns: employee_id (int), unit_code, profession, birth_date, gender (K/M), position_pct,
    employment_type, start_date, end_date (NaT while employed), end_reason (the export's words).
    """
    rng = np.random.default_rng(seed)
    snap = _days(AS_OF)
    year = 365.25

    n_persons = max(1, int(n * 0.88))
    person = np.concatenate([np.arange(n_persons), rng.integers(0, n_persons, n - n_persons)])
    person = rng.permutation(person)
    age_now = 19.0 + 53.0 * rng.beta(2.2, 2.0, n_persons)  # 19-72 years at the data date
    birth_p = snap - np.floor(age_now * year).astype(np.int64)
    women_p = rng.random(n_persons) < 0.78
    birth = birth_p[person]
    adult = birth + int(18 * year) + 1  # nobody starts before 18

    sections = units().query("level == 'seksjon'")["unit_code"].to_numpy(dtype=object)
    unit_weights = rng.lognormal(0.0, 0.6, len(sections))
    unit = sections[rng.choice(len(sections), n, p=unit_weights / unit_weights.sum())]
    names = np.array([p for p, _, _ in PROFESSIONS], dtype=object)
    weights = np.array([w for _, w, _ in PROFESSIONS])
    profession = names[rng.choice(len(names), n, p=weights / weights.sum())]
    position = POSITIONS[rng.choice(len(POSITIONS), n, p=POSITION_WEIGHTS / POSITION_WEIGHTS.sum())]
    etype = EMPLOYMENT_TYPES[rng.choice(3, n, p=[0.8, 0.12, 0.08])]

    ended = rng.random(n) < 0.45
    window_start = snap - int(HISTORY_YEARS * year)
    end_low = np.maximum(window_start, adult + 180)
    end = end_low + np.floor(rng.random(n) * (snap - end_low + 1)).astype(np.int64)
    # Most of those who are 62 or older now and left in the window left at retirement age.
    retire_low = np.maximum(window_start, birth + int(62 * year))
    retire_high = np.minimum(snap, birth + int(70 * year))
    retiring = ended & (retire_low <= retire_high) & (rng.random(n) < 0.7)
    end = np.where(retiring, retire_low + np.floor(rng.random(n) * (retire_high - retire_low + 1)), end)
    end = end.astype(np.int64)
    tenure = np.floor(rng.exponential(6.0 * year, n)).astype(np.int64)
    start_ended = np.maximum(end - tenure, adult)
    tenure_now = np.minimum(np.floor(rng.exponential(9.0 * year, n)), 45 * year).astype(np.int64)
    start_active = np.minimum(np.maximum(snap - tenure_now, adult), snap)
    start = np.where(ended, start_ended, start_active)
    # Temporary staff still employed often have an end date after the data date (no reason yet).
    future_end = ~ended & (etype != "fast") & (rng.random(n) < 0.4)
    end_date = np.where(ended, end, np.where(future_end, snap + rng.integers(1, 366, n), -1))

    age_at_end = (end - birth) / year
    retired = ended & (age_at_end >= 62) & (rng.random(n) < 0.85)
    other_reason = END_REASONS[1:][rng.choice(3, n, p=[0.6, 0.2, 0.2])]
    reason = np.where(retired, "Pensjon", np.where(ended, other_reason, None))

    def as_dates(days: np.ndarray) -> np.ndarray:
        return days.astype("datetime64[D]").astype("datetime64[s]")

    end_values = as_dates(np.where(end_date < 0, 0, end_date))
    end_values[end_date < 0] = np.datetime64("NaT")
    return pd.DataFrame({
        "employee_id": 100000 + person,
        "unit_code": unit,
        "profession": profession,
        "birth_date": as_dates(birth),
        "gender": np.where(women_p[person], "K", "M").astype(object),
        "position_pct": position,
        "employment_type": etype,
        "start_date": as_dates(start),
        "end_date": end_values,
        "end_reason": reason.astype(object),
    })


# --- the export files -----------------------------------------------------------------------


def _dmy(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%d.%m.%Y").fillna("")


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A `;`-separated UTF-8 export: dd.mm.yyyy dates, decimal comma, blank cells for no value."""
    out = pd.DataFrame({
        "Ansattnr": frame["employee_id"].astype(str),
        "Enhet": frame["unit_code"],
        "Yrkesgruppe": frame["profession"],
        "Fødselsdato": _dmy(frame["birth_date"]),
        "Kjønn": frame["gender"],
        "Stillingsprosent": frame["position_pct"].map(
            {p: f"{p:g}".replace(".", ",") for p in frame["position_pct"].unique()}),
        "Ansettelsesform": frame["employment_type"],
        "Startdato": _dmy(frame["start_date"]),
        "Sluttdato": _dmy(frame["end_date"]),
        "Sluttårsak": frame["end_reason"].fillna(""),
    })
    out.to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")
    return path


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    """An .xlsx export (openpyxl write-only): numbers as numbers, dates as date cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Ansatte")
    sheet.append(HEADERS)
    date_cell = WriteOnlyCell(sheet)
    date_cell.number_format = "DD.MM.YYYY"

    def dates(column: str) -> list[date | None]:
        values = frame[column]
        return [None if pd.isna(v) else v for v in values.dt.date]

    columns = [
        frame["employee_id"].tolist(), frame["unit_code"].tolist(), frame["profession"].tolist(),
        dates("birth_date"), frame["gender"].tolist(), frame["position_pct"].tolist(),
        frame["employment_type"].tolist(), dates("start_date"), dates("end_date"), frame["end_reason"].tolist(),
    ]
    for row in zip(*columns, strict=True):
        sheet.append(row)
    workbook.save(path)
    return path


# --- the database the metrics and pages run on ----------------------------------------------


def personnel_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The export rows as the employments table stores them (what the importer produces)."""
    education = {p: e for p, _, e in PROFESSIONS}
    return pd.DataFrame({
        "employee_id": frame["employee_id"].astype(str),
        "unit_code": frame["unit_code"],
        "profession": frame["profession"],
        "birth_date": frame["birth_date"],
        "gender": frame["gender"],
        "position_pct": frame["position_pct"],
        "employment_type": frame["employment_type"],
        "start_date": frame["start_date"],
        "end_date": frame["end_date"],
        "end_reason": frame["end_reason"].map(END_REASON_CODES),
        "education_level": frame["profession"].map(education),
    })


FURTHER = ["Videreutdanning intensivsykepleie", "Videreutdanning demens", "Videreutdanning geriatri",
           "Videreutdanning kreftsykepleie", "Videreutdanning veiledning"]
CERTIFICATES = ["HLR-sertifisering", "Blodbank sertifisering", "Strålevern", "Legemiddelhåndtering"]


def plan_frames(frame: pd.DataFrame, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Competences (education, further education, certificates), requirements and measures."""
    rng = np.random.default_rng(seed + 1)
    people = frame.drop_duplicates("employee_id")
    ids = people["employee_id"].astype(str).to_numpy(dtype=object)
    n = len(ids)
    acquired = (people["birth_date"] + pd.Timedelta(days=int(23 * 365.25))).to_numpy()
    education = people["profession"].map({p: f"Utdanning {p}" for p, _, _ in PROFESSIONS}).to_numpy(dtype=object)
    parts = [pd.DataFrame({"employee_id": ids, "competence": education, "kind": "utdanning",
                           "acquired_date": acquired, "expires_date": pd.NaT})]
    further = rng.random(n) < 0.25
    parts.append(pd.DataFrame({
        "employee_id": ids[further], "competence": np.array(FURTHER, dtype=object)[rng.integers(0, 5, further.sum())],
        "kind": "videreutdanning", "acquired_date": acquired[further] + np.timedelta64(5 * 365, "D"),
        "expires_date": pd.NaT,
    }))
    certified = rng.random(n) < 0.4
    valid_from = np.datetime64(AS_OF) - rng.integers(0, 2 * 365, certified.sum()).astype("timedelta64[D]")
    parts.append(pd.DataFrame({
        "employee_id": ids[certified],
        "competence": np.array(CERTIFICATES, dtype=object)[rng.integers(0, 4, certified.sum())],
        "kind": "sertifisering", "acquired_date": valid_from.astype("datetime64[s]"),
        "expires_date": (valid_from + np.timedelta64(2 * 365, "D")).astype("datetime64[s]"),
    }))
    competences = pd.concat(parts, ignore_index=True)

    sections = units().query("level == 'seksjon'")["unit_code"].tolist()
    requirements = pd.DataFrame([
        (u, c, int(m)) for u in sections
        for c, m in zip(rng.choice([*FURTHER, *CERTIFICATES], 3, replace=False), rng.integers(1, 6, 3), strict=True)
    ], columns=["unit_code", "competence", "min_holders"])

    measure_rows = []
    tasks = ["pasientbehandling", "forskning", "utdanning_helsepersonell", "opplaering_pasienter_parorende"]
    for i, u in enumerate(sections * 2):
        measure_rows.append({
            "measure_id": i + 1, "unit_code": u, "main_task": tasks[i % 4],
            "category": "utvikling" if i % 3 else "rekruttering", "horizon": 1 if i % 2 else 5,
            "need": "Kompetanseheving", "measure": f"Tiltak {i + 1}", "schedule": "2026",
            "hours": 1.0, "participants": 15.0, "sessions": 40.0, "hourly_rate": 450.0, "days": 0.0,
            "day_rate": 0.0, "course_fee": 0.0, "travel": 0.0, "other_cost": 0.0, "status": "planlagt",
            "responsible": "Seksjonsleder", "comment": None,
        })
    return {"competences": competences, "requirements": requirements, "measures": pd.DataFrame(measure_rows)}


def _fingerprint(kind: str, n: int, seed: int) -> str:
    return hashlib.sha256(f"benchmark-{kind}-{n}-{seed}".encode()).hexdigest()


def build_database(path: Path, frame: pd.DataFrame, *, seed: int = SEED, with_plan: bool = False) -> Path:
    """A database file with the units and the employments (and with_plan: competences, measures)."""
    con = store.connect(path)
    try:
        frames = {"units": units(), "personnel": personnel_rows(frame)}
        if with_plan:
            frames.update(plan_frames(frame, seed))
        for kind, data in frames.items():
            history.record_import(
                con, kind, data, file_name=f"benchmark-{kind}-{len(frame)}",
                sha256=_fingerprint(kind, len(frame), seed), snapshot_date=AS_OF,
            )
        users.set_open(con, True)  # synthetic people, no users: open like the demo
        con.execute("checkpoint")
    finally:
        con.close()
    return path
