"""The demo organisation: synthetic, deterministic (fixed seed), no real person in it.

- The laboratory department of the ALM plan (seeds/): units Stab, MB-L, MB-N, BB-L, BB-N, MM
  with, on 01.12.2023, exactly the age-band counts of the plan's unit charts. Three people hold
  a position in two units; counted once in the department, they make the plan's "Sum ALM" chart
  (0, 7, 32, 18, 30, 7, 0) true as well.
- Clinical units where one in six specialist nurses and midwives is over 60 (Riksrevisjonen).
- A municipal health-and-care sector whose 12-month turnover to 01.12.2023 is 12.9 % overall,
  20.9 % for assistants and 9.9 % for helsefagarbeidere (the Larvik figures).
- Employment history from 2017, with end reasons, so trends and turnover have something to show.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import pandas as pd

from kompetanse.demo import demo_plan
from kompetanse.storage import history, settings, store

SEED = 20231201
SNAPSHOT_DATE = date(2023, 12, 1)
HISTORY_START_YEAR = 2018  # leavers are generated for the 12-month windows ending 1 Dec 2018..2023

BAND_RANGES = [(16, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 72)]

# (code, name, parent, level)
UNITS: list[tuple[str, str, str | None, str]] = [
    ("HF", "Demo helseforetak", None, "foretak"),
    ("KIS", "Klinikk for intern service", "HF", "klinikk"),
    ("ALM", "Avdeling for laboratoriemedisin", "KIS", "avdeling"),
    ("Stab", "Avdelingsleder med stab", "ALM", "seksjon"),
    ("MB-L", "Medisinsk biokjemi Levanger", "ALM", "seksjon"),
    ("MB-N", "Medisinsk biokjemi Namsos", "ALM", "seksjon"),
    ("BB-L", "Blodbank Levanger", "ALM", "seksjon"),
    ("BB-N", "Blodbank Namsos", "ALM", "seksjon"),
    ("MM", "Medisinsk mikrobiologi", "ALM", "seksjon"),
    ("KAK", "Klinikk for akuttmedisin og kvinnehelse", "HF", "klinikk"),
    ("AIO", "Avdeling for anestesi, intensiv og operasjon", "KAK", "avdeling"),
    ("INT", "Intensiv", "AIO", "seksjon"),
    ("OPS", "Operasjon", "AIO", "seksjon"),
    ("KVB", "Kvinne-barn", "KAK", "avdeling"),
    ("FOD", "Fødeavdeling", "KVB", "seksjon"),
    ("SENG", "Sengepost kirurgi", "KAK", "avdeling"),
    ("KOM", "Demo kommune", None, "kommune"),
    ("HO", "Helse og omsorg", "KOM", "sektor"),
    ("SYK-A", "Sykehjem A", "HO", "enhet"),
    ("SYK-B", "Sykehjem B", "HO", "enhet"),
    ("HJT", "Hjemmetjenesten", "HO", "enhet"),
    ("BOA", "Bo- og aktivitetssenter", "HO", "enhet"),
]

# ALM: age-band counts per unit on 01.12.2023 (the plan's unit charts) and professions.
ALM_BANDS: dict[str, list[int]] = {
    "Stab": [0, 2, 2, 4, 9, 0, 0],
    "MB-L": [0, 4, 13, 5, 8, 2, 0],
    "MB-N": [0, 1, 9, 6, 4, 4, 0],
    "BB-L": [0, 0, 2, 1, 3, 1, 0],
    "BB-N": [0, 0, 1, 0, 3, 0, 0],
    "MM": [0, 0, 7, 2, 4, 0, 0],
}
ALM_PROFESSIONS: dict[str, list[tuple[str, int]]] = {
    "Stab": [
        ("helsesekretær", 8), ("kvalitetsrådgiver", 1), ("IKT-koordinator", 2),
        ("spesialrådgiver", 1), ("seksjonsleder", 4), ("avdelingsleder", 1),
    ],
    "MB-L": [("bioingeniør", 30), ("helsesekretær", 2)],
    "MB-N": [("bioingeniør", 22), ("helsesekretær", 2)],
    "BB-L": [("bioingeniør", 7)],
    "BB-N": [("bioingeniør", 4)],
    "MM": [("bioingeniør", 12), ("helsesekretær", 1)],
}
# People with a second position in another unit: (main unit, second unit, band index).
ALM_SHARED: list[tuple[str, str, int]] = [("MB-L", "BB-L", 2), ("MB-N", "BB-N", 2), ("MB-N", "BB-N", 4)]

# Clinical units: (unit, profession, headcount, how many aged 60+ on the snapshot date).
CLINICAL: list[tuple[str, str, int, int]] = [
    ("INT", "spesialsykepleier", 42, 7),
    ("OPS", "spesialsykepleier", 36, 6),
    ("FOD", "jordmor", 30, 5),
    ("INT", "sykepleier", 20, 1),
    ("SENG", "sykepleier", 38, 3),
    ("SENG", "helsefagarbeider", 16, 2),
    ("FOD", "barnepleier", 6, 1),
    ("SENG", "lege", 12, 1),
]

# Municipal sector: (profession, units, headcount on the snapshot date, leavers in the 12 months).
# 71/340 = 20.9 %, 28/282 = 9.9 %, 116/902 = 12.9 % (joiners replace leavers, headcount stable).
MUNICIPAL: list[tuple[str, list[str], int, int]] = [
    ("assistent", ["SYK-A", "SYK-B", "HJT", "BOA"], 340, 71),
    ("helsefagarbeider", ["SYK-A", "SYK-B", "HJT", "BOA"], 282, 28),
    ("sykepleier", ["SYK-A", "SYK-B", "HJT"], 200, 13),
    ("vernepleier", ["BOA", "HJT"], 60, 3),
    ("ergoterapeut", ["HJT"], 20, 1),
]

# Municipal turnover rose in the last year (the window to 01.12.2022 had about 15 % fewer leavers), so last
# year's forecast, made from that year's turnover, falls short of what happened: a realistic backtest.
MUNICIPAL_TREND: dict[int, float] = {2022: 0.85}

EDUCATION_BY_PROFESSION: dict[str, list[tuple[str, float]]] = {
    "assistent": [("Ufaglært", 0.7), ("Fagbrev", 0.15), ("Bachelor", 0.15)],
    "helsefagarbeider": [("Fagbrev", 1.0)],
    "barnepleier": [("Fagbrev", 1.0)],
    "helsesekretær": [("Fagbrev", 0.8), ("Bachelor", 0.2)],
    "bioingeniør": [("Bachelor", 0.85), ("Master", 0.15)],
    "lege": [("Master", 1.0)],
    "seksjonsleder": [("Bachelor", 0.5), ("Master", 0.5)],
    "avdelingsleder": [("Master", 1.0)],
    "kvalitetsrådgiver": [("Master", 1.0)],
    "spesialrådgiver": [("Master", 1.0)],
}
ORDINARY_TURNOVER = {"bioingeniør": 0.06, "helsesekretær": 0.08}


@dataclass
class _Builder:
    rng: random.Random
    rows: list[dict[str, object]] = field(default_factory=list)
    next_id: int = 1

    def new_id(self) -> str:
        employee_id = f"D{self.next_id:05d}"
        self.next_id += 1
        return employee_id

    def birth_for_age(self, age_low: int, age_high: int, on: date) -> date:
        """A birth date giving an age in [age_low, age_high] in completed years on `on`."""
        age = self.rng.randint(age_low, age_high)
        latest = _years_before(on, age)  # the birthday on `on` itself: exactly `age`
        return latest - timedelta(days=self.rng.randint(0, 364))

    def gender(self, share_women: float) -> str:
        return "K" if self.rng.random() < share_women else "M"

    def position(self) -> float:
        return self.rng.choice([100.0, 100.0, 100.0, 100.0, 80.0, 75.0, 60.0, 50.0])

    def education(self, profession: str) -> str:
        options = EDUCATION_BY_PROFESSION.get(profession, [("Bachelor", 1.0)])
        pick = self.rng.random()
        total = 0.0
        for level, share in options:
            total += share
            if pick <= total:
                return level
        return options[-1][0]

    def add(self, **row: object) -> None:
        self.rows.append(row)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _current_employee(
    b: _Builder, unit: str, profession: str, band: tuple[int, int], *, joined_in_window: bool,
    share_women: float = 0.85, employee_id: str | None = None, birth: date | None = None,
) -> tuple[str, date]:
    """Someone active on the snapshot date; joiners started inside the last 12 months."""
    employee_id = employee_id or b.new_id()
    birth = birth or b.birth_for_age(band[0], band[1], SNAPSHOT_DATE)
    if joined_in_window:
        start = SNAPSHOT_DATE - timedelta(days=b.rng.randint(0, 364))
    else:
        age_now = (SNAPSHOT_DATE - birth).days // 365
        max_tenure_days = max(400, (age_now - 19) * 365)
        start = SNAPSHOT_DATE - timedelta(days=b.rng.randint(366, max_tenure_days))
    b.add(
        employee_id=employee_id, unit_code=unit, profession=profession, birth_date=birth,
        gender=b.gender(share_women), position_pct=b.position(),
        # ten choices as before (the same random stream), a few of the health services' other forms among them
        employment_type=b.rng.choice(["fast"] * 6 + ["midlertidig", "vikar", "tilkallingsvikar", "engasjement"]),
        start_date=start, end_date=None, end_reason=None, education_level=b.education(profession),
    )
    return employee_id, birth


def _leaver(b: _Builder, unit: str, profession: str, window_end: date, *, share_women: float = 0.85) -> None:
    """Someone who ended in the 12 months to `window_end` and had started before that window."""
    end = window_end - timedelta(days=b.rng.randint(1, 364))  # before the window end: no longer active
    retires = b.rng.random() < 0.2
    if retires:
        birth = b.birth_for_age(62, 66, end)
        reason = "pensjon"
    else:
        birth = b.birth_for_age(22, 58, end)
        reason = b.rng.choice(["egen_oppsigelse"] * 6 + ["annet"])
    window_start = _years_before(window_end, 1)
    start = window_start - timedelta(days=b.rng.randint(1, 3650))
    b.add(
        employee_id=b.new_id(), unit_code=unit, profession=profession, birth_date=birth,
        gender=b.gender(share_women), position_pct=b.position(), employment_type="fast",
        start_date=start, end_date=end, end_reason=reason, education_level=b.education(profession),
    )


def _history(b: _Builder, unit: str, profession: str, headcount: int, yearly_rate: float, share_women: float,
             year_factors: dict[int, float] | None = None) -> None:
    """Leavers in the earlier windows (before the last 12 months), at about the yearly rate (times the
    year's factor, where given)."""
    for year in range(HISTORY_START_YEAR, SNAPSHOT_DATE.year):
        factor = (year_factors or {}).get(year, 1.0)
        expected = headcount * yearly_rate * factor * b.rng.uniform(0.7, 1.3)
        count = int(expected) + (1 if b.rng.random() < expected - int(expected) else 0)
        for _ in range(count):
            _leaver(b, unit, profession, date(year, 12, 1), share_women=share_women)


def _alm(b: _Builder) -> None:
    remaining = {unit: list(bands) for unit, bands in ALM_BANDS.items()}
    remaining_professions = {unit: dict(professions) for unit, professions in ALM_PROFESSIONS.items()}
    for main, second, band_index in ALM_SHARED:
        employee_id, birth = _current_employee(b, main, "bioingeniør", BAND_RANGES[band_index], joined_in_window=False)
        _current_employee(
            b, second, "bioingeniør", BAND_RANGES[band_index], joined_in_window=False,
            employee_id=employee_id, birth=birth,
        )
        for unit in (main, second):
            remaining[unit][band_index] -= 1
            remaining_professions[unit]["bioingeniør"] -= 1
    for unit, bands in remaining.items():
        professions = [p for p, n in remaining_professions[unit].items() for _ in range(n)]
        b.rng.shuffle(professions)
        slots = [i for i, n in enumerate(bands) for _ in range(n)]
        for profession, band_index in zip(professions, slots, strict=True):
            _current_employee(b, unit, profession, BAND_RANGES[band_index], joined_in_window=b.rng.random() < 0.06)
        for profession, count in ALM_PROFESSIONS[unit]:
            _history(b, unit, profession, count, ORDINARY_TURNOVER.get(profession, 0.05), 0.85)
        if unit in ("MB-L", "MB-N"):
            _leaver(b, unit, "bioingeniør", SNAPSHOT_DATE)
    # The last medical specialist in microbiology left on 1 September 2023.
    b.add(
        employee_id=b.new_id(), unit_code="MM", profession="lege", birth_date=date(1971, 5, 14),
        gender="M", position_pct=100.0, employment_type="fast", start_date=date(2016, 3, 1),
        end_date=date(2023, 8, 31), end_reason="egen_oppsigelse", education_level="Master",
    )
    _internal_moves(b)


MOVE_DATES = (date(2020, 3, 1), date(2021, 9, 1))


def _internal_moves(b: _Builder) -> None:
    """Two people moved from Namsos biochemistry to the blood bank: a leaver for the unit only."""
    movers = [r for r in b.rows if r["unit_code"] == "BB-N" and r["end_date"] is None][:2]
    for row, moved_on in zip(movers, MOVE_DATES, strict=True):
        # Inside the history (from December 2017), so the data's first end date is where the history begins.
        row["start_date"] = start = moved_on
        b.add(
            employee_id=row["employee_id"], unit_code="MB-N", profession="bioingeniør",
            birth_date=row["birth_date"], gender=row["gender"], position_pct=100.0, employment_type="fast",
            start_date=start - timedelta(days=b.rng.randint(700, 3000)), end_date=start - timedelta(days=1),
            end_reason="intern_overgang", education_level=row["education_level"],
        )


def _clinical(b: _Builder) -> None:
    for unit, profession, headcount, over_60 in CLINICAL:
        women = 0.95 if profession in ("jordmor", "barnepleier") else 0.85
        if profession == "lege":
            women = 0.5
        bands = [(60, 66)] * over_60 + [(25, 59)] * (headcount - over_60)
        for band in bands:
            _current_employee(b, unit, profession, band, joined_in_window=b.rng.random() < 0.07, share_women=women)
        _history(b, unit, profession, headcount, 0.07, women)
        for _ in range(round(headcount * 0.07)):
            _leaver(b, unit, profession, SNAPSHOT_DATE, share_women=women)


def _municipal(b: _Builder) -> None:
    for profession, units, headcount, leavers in MUNICIPAL:
        women = 0.9 if profession != "assistent" else 0.8
        for index in range(headcount):
            unit = units[index % len(units)]
            band = (18, 29) if profession == "assistent" and b.rng.random() < 0.5 else (22, 66)
            # As many joiners as leavers in the last 12 months, so the headcount a year ago is the same.
            _current_employee(b, unit, profession, band, joined_in_window=index < leavers, share_women=women)
        for index in range(leavers):
            _leaver(b, units[index % len(units)], profession, SNAPSHOT_DATE, share_women=women)
        for unit in units:
            _history(b, unit, profession, headcount // len(units), leavers / headcount, women, MUNICIPAL_TREND)


def build_personnel(seed: int = SEED) -> pd.DataFrame:
    """The demo employments, one row per employment."""
    b = _Builder(random.Random(seed))
    _alm(b)
    _clinical(b)
    _municipal(b)
    frame = pd.DataFrame(b.rows)
    for column in ("birth_date", "start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def build_units() -> pd.DataFrame:
    return pd.DataFrame(UNITS, columns=["unit_code", "unit_name", "parent_code", "level"])


def _fingerprint(frame: pd.DataFrame) -> str:
    return hashlib.sha256(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes()).hexdigest()


def load_demo(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the demo data in the store: each kind becomes one active import."""
    personnel = build_personnel()
    frames = {"units": build_units(), "personnel": personnel, **demo_plan.build_frames(personnel)}
    for kind, frame in frames.items():
        history.record_import(
            con, kind, frame, file_name=f"demo-{kind}", sha256=f"demo-{_fingerprint(frame)}",
            snapshot_date=SNAPSHOT_DATE,
        )
    demo_plan.load_versions(con)  # the plan's closed yearly versions (2022 and 2023)
    if not store.fetch_value(con, "select count(*) from users"):
        settings.put(con, "open_access", "ja")  # the demo runs open until a user is added


# --- real data never mixes with the demo (issue 11) -------------------------------------------------

DEMO_SHA_PREFIX = "demo-"  # every demo import's sha256 starts so (load_demo, demo_plan.load_versions)
PLAN_VERSION_TABLES = ("plan_version_goals", "plan_version_measures", "plan_version_figures")
# One fixed statement per table (no SQL built from names): the rows of the demo's imports and plan versions.
_DELETE_IMPORT_ROWS = {
    table: "delete from " + table + " where list_contains($ids, import_id)"
    for table in ("employments", "units", "competences", "requirements", "measures", "placements", "goals")
}
_DELETE_VERSION_ROWS = {
    table: "delete from " + table + " where list_contains($ids, version_id)" for table in PLAN_VERSION_TABLES
}
DEMO_KIND_NAMES = {
    "units": "enheter", "personnel": "ansatte", "competences": "kompetanse", "requirements": "kompetansekrav",
    "measures": "tiltak", "goals": "mål", "placements": "praksisplasser",
}


def holds_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any import of the demo is still in the database."""
    return bool(con.execute(
        "select count(*) from imports where starts_with(sha256, $prefix)", {"prefix": DEMO_SHA_PREFIX}
    ).fetchone()[0])


def remove_demo(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Delete every row of the demo; call inside the transaction that stores the user's own data.

    The demo is its imports (sha256 "demo-..."), the edits made in the app on top of them (an edit of a
    kind with no file import of one's own before it), and the plan versions closed while the database
    held nothing of one's own. Where a kind keeps imports of one's own, the latest becomes active.
    Returns the Norwegian names of the kinds that lost rows.
    """
    from kompetanse.plan.table_edit import EDIT_FILE_NAME

    demo_ids = [row[0] for row in con.execute(
        """select i.import_id from imports i
           where starts_with(i.sha256, $prefix)
              or (i.file_name = $edit and not exists (
                    select 1 from imports own
                    where own.kind = i.kind and own.import_id < i.import_id
                      and not starts_with(own.sha256, $prefix) and own.file_name <> $edit))""",
        {"prefix": DEMO_SHA_PREFIX, "edit": EDIT_FILE_NAME},
    ).fetchall()]
    kinds = [row[0] for row in con.execute(
        "select distinct kind from imports where list_contains($ids, import_id) order by kind", {"ids": demo_ids}
    ).fetchall()]
    assert set(_DELETE_IMPORT_ROWS) == {table for table, _columns in history.KIND_TABLES.values()}
    for statement in _DELETE_IMPORT_ROWS.values():
        con.execute(statement, {"ids": demo_ids})
    con.execute("delete from imports where list_contains($ids, import_id)", {"ids": demo_ids})
    first_own = con.execute("select min(imported_at) from imports").fetchone()[0]
    versions = [row[0] for row in con.execute(
        "select version_id from plan_versions where closed_by = $demo or $first is null or closed_at < $first",
        {"demo": demo_plan.VERSION_CLOSED_BY, "first": first_own},
    ).fetchall()]
    for statement in _DELETE_VERSION_ROWS.values():
        con.execute(statement, {"ids": versions})
    con.execute("delete from plan_versions where list_contains($ids, version_id)", {"ids": versions})
    # A kind left without an active import gets its latest own import back.
    con.execute(
        """update imports set active = true where import_id in (
               select max(import_id) from imports group by kind having not bool_or(active))"""
    )
    removed = [DEMO_KIND_NAMES.get(k, k) for k in kinds]
    return removed + (["planversjoner"] if versions else [])
