"""The demo's competence plan: competences, requirements and measures (the ALM plan's lines).

Synthetic and deterministic (fixed seed). On the demo date (01.12.2023):
- every active person has their education (utdanning) from the personnel data; some hold further
  education (videreutdanning) and certificates (sertifisering) with an expiry date: a few expire
  within 90 days, one expires on 01.12.2023 itself (still valid that day), some have expired;
- each unit has requirements, some with gaps; in BB-N (four people) "Videreutdanning
  immunhematologi" is held by exactly one person (a single-person dependency), and in MB-N and
  MB-L the holders of some requirements are the oldest, who retire within 5 years;
- the ALM plan's measures for the one-year and five-year horizons with its cost lines, and a few
  measures for clinical and municipal units.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pandas as pd

SEED = 20231201
DEMO_DATE = date(2023, 12, 1)

COMPETENCE_COLUMNS = ["employee_id", "competence", "kind", "acquired_date", "expires_date"]
REQUIREMENT_COLUMNS = ["unit_code", "competence", "min_holders"]
MEASURE_COLUMNS = [
    "measure_id", "unit_code", "main_task", "category", "horizon", "need", "measure", "schedule",
    "hours", "participants", "sessions", "hourly_rate", "days", "day_rate", "course_fee", "travel",
    "other_cost", "status", "responsible", "comment",
]

# The education a profession's level stands for.
EDUCATION_NAMES: dict[str, str] = {
    "bioingeniør": "bioingeniør",
    "helsesekretær": "helsesekretær",
    "sykepleier": "sykepleie",
    "spesialsykepleier": "sykepleie",
    "jordmor": "sykepleie",
    "helsefagarbeider": "helsearbeiderfaget",
    "barnepleier": "barne- og ungdomsarbeiderfaget",
    "assistent": "helse- og oppvekstfag",
    "vernepleier": "vernepleie",
    "ergoterapeut": "ergoterapi",
    "lege": "medisin",
}

# Further education per profession: (competence, share of the profession holding it).
FURTHER: dict[str, list[tuple[str, float]]] = {
    "bioingeniør": [("Videreutdanning molekylærbiologi", 0.15), ("Videreutdanning klinisk biokjemi", 0.2)],
    "spesialsykepleier": [("Videreutdanning intensivsykepleie", 0.55), ("Videreutdanning operasjonssykepleie", 0.45)],
    "jordmor": [("Videreutdanning jordmorfag", 1.0)],
    "sykepleier": [("Videreutdanning demens", 0.08), ("Videreutdanning geriatri", 0.06)],
    "helsefagarbeider": [("Fagskole demens og alderspsykiatri", 0.1)],
    "vernepleier": [("Videreutdanning utviklingshemming", 0.1)],
}

# Certificates: (competence, units, profession or None for all, share holding it, validity in years).
CERTIFICATES: list[tuple[str, tuple[str, ...], str | None, float, int]] = [
    ("Blodbank sertifisering", ("BB-L", "BB-N"), "bioingeniør", 1.0, 2),
    ("Beaker superbruker", ("MB-L", "MB-N", "MM", "Stab"), None, 0.12, 3),
    ("HLR-instruktør", ("INT", "OPS", "FOD", "SENG"), None, 0.08, 2),
    ("Legemiddelhåndtering", ("SYK-A", "SYK-B", "HJT", "BOA", "SENG"), "sykepleier", 0.6, 3),
]

# Requirements: unit -> [(competence, min_holders)].
REQUIREMENTS: dict[str, list[tuple[str, int]]] = {
    "Stab": [("ISO 15189 internrevisor", 2), ("Beaker superbruker", 2)],
    "MB-L": [("Beaker superbruker", 4), ("ISO 15189 internrevisor", 2), ("Videreutdanning klinisk biokjemi", 4)],
    "MB-N": [("Beaker superbruker", 2), ("ISO 15189 internrevisor", 1), ("Videreutdanning klinisk biokjemi", 3)],
    "BB-L": [("Blodbank sertifisering", 6), ("Videreutdanning immunhematologi", 2)],
    "BB-N": [("Blodbank sertifisering", 3), ("Videreutdanning immunhematologi", 1)],
    "MM": [("Videreutdanning molekylærbiologi", 3), ("ISO 15189 internrevisor", 1)],
    "INT": [("Videreutdanning intensivsykepleie", 25), ("HLR-instruktør", 3)],
    "OPS": [("Videreutdanning operasjonssykepleie", 20), ("HLR-instruktør", 2)],
    "FOD": [("Videreutdanning jordmorfag", 28), ("HLR-instruktør", 2)],
    "SENG": [("Legemiddelhåndtering", 25)],
    "SYK-A": [("Videreutdanning demens", 6), ("Legemiddelhåndtering", 40)],
    "SYK-B": [("Videreutdanning demens", 6), ("Legemiddelhåndtering", 40)],
    "HJT": [("Videreutdanning demens", 4), ("Legemiddelhåndtering", 40)],
    "BOA": [("Videreutdanning utviklingshemming", 4)],
}


def _active(personnel: pd.DataFrame, on: date) -> pd.DataFrame:
    end = pd.to_datetime(personnel["end_date"])
    start = pd.to_datetime(personnel["start_date"])
    day = pd.Timestamp(on)
    mask = (start <= day) & (end.isna() | (end >= day))
    return personnel[mask].sort_values(["unit_code", "employee_id"]).reset_index(drop=True)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class _Competences:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[dict[str, Any]] = []
        self.held: set[tuple[str, str]] = set()

    def add(self, employee_id: str, competence: str, kind: str, acquired: date | None,
            expires: date | None = None) -> None:
        if (employee_id, competence) in self.held and expires is None:
            return
        self.held.add((employee_id, competence))
        self.rows.append({
            "employee_id": employee_id, "competence": competence, "kind": kind,
            "acquired_date": acquired, "expires_date": expires,
        })

    def certificate(self, employee_id: str, competence: str, validity: int, expires: date | None = None) -> None:
        """A certificate valid `validity` years; expiry spread over the coming years unless given."""
        if expires is None:
            expires = DEMO_DATE + timedelta(days=self.rng.randint(120, 365 * validity))
        self.add(employee_id, competence, "sertifisering", _years_after(expires, -validity), expires)


def _education(c: _Competences, people: pd.DataFrame) -> None:
    for row in people.drop_duplicates("employee_id").itertuples():
        level = row.education_level
        if not isinstance(level, str) or level == "Ufaglært":
            continue
        subject = EDUCATION_NAMES.get(row.profession, row.profession)
        birth = row.birth_date
        finished = _years_after(birth, 19 if level == "Fagbrev" else 23 if level == "Bachelor" else 25)
        c.add(row.employee_id, f"{level} {subject}", "utdanning", min(finished, row.start_date))


def _further(c: _Competences, people: pd.DataFrame) -> None:
    for row in people.drop_duplicates("employee_id").itertuples():
        for competence, share in FURTHER.get(row.profession, []):
            if c.rng.random() < share:
                acquired = row.start_date + timedelta(days=c.rng.randint(200, 2000))
                c.add(row.employee_id, competence, "videreutdanning", min(acquired, DEMO_DATE - timedelta(days=30)))


def _certificates(c: _Competences, people: pd.DataFrame) -> None:
    for competence, unit_codes, profession, share, validity in CERTIFICATES:
        chosen = people[people["unit_code"].isin(unit_codes)]
        if profession is not None:
            chosen = chosen[chosen["profession"] == profession]
        for employee_id in dict.fromkeys(chosen["employee_id"]):
            if share >= 1.0 or c.rng.random() < share:
                c.certificate(employee_id, competence, validity)


def _alm_specials(c: _Competences, people: pd.DataFrame) -> None:
    """The cases the Kompetanse page must show, placed on purpose."""
    def staff(unit: str, oldest_first: bool = False) -> list[str]:
        frame = people[people["unit_code"] == unit]
        frame = frame.sort_values(["birth_date", "employee_id"]) if oldest_first else frame
        return list(dict.fromkeys(frame["employee_id"]))

    # BB-N (four people): one holds immunohaematology; blood-bank certificates: one expires on the
    # demo date itself (valid that day), one expired the day before (not valid), two valid.
    bb_n = staff("BB-N")
    c.add(bb_n[0], "Videreutdanning immunhematologi", "videreutdanning", date(2016, 6, 15))
    bb_n_expiry = [DEMO_DATE, DEMO_DATE - timedelta(days=1), date(2024, 1, 20), date(2025, 4, 30)]
    for employee_id, expires in zip(bb_n, bb_n_expiry, strict=False):
        c.certificate(employee_id, "Blodbank sertifisering", 2, expires)
    # BB-L: two hold immunohaematology; certificates expiring within 90 days and one long expired.
    bb_l = staff("BB-L")
    for employee_id in bb_l[:2]:
        c.add(employee_id, "Videreutdanning immunhematologi", "videreutdanning", date(2019, 6, 15))
    for employee_id, expires in zip(bb_l, [date(2024, 2, 15), date(2023, 12, 20), date(2023, 6, 30)], strict=False):
        c.certificate(employee_id, "Blodbank sertifisering", 2, expires)
    # Internal auditors (ISO 15189): mostly senior staff, so some retire within five years.
    for unit, count in (("MB-N", 2), ("MB-L", 2), ("MM", 1), ("Stab", 1)):
        for employee_id in staff(unit, oldest_first=True)[:count]:
            c.certificate(employee_id, "ISO 15189 internrevisor", 3)
    # One internal auditor in MB-L lapses within 90 days; Stab's Beaker superusers (IKT).
    first_mb_l = staff("MB-L", oldest_first=True)[0]
    c.certificate(first_mb_l, "ISO 15189 internrevisor", 3, date(2024, 2, 10))
    ikt = people[(people["unit_code"] == "Stab") & (people["profession"] == "IKT-koordinator")]
    for employee_id, expires in zip(ikt["employee_id"], [date(2024, 1, 31), date(2026, 3, 31)], strict=False):
        c.certificate(employee_id, "Beaker superbruker", 3, expires)


def competences(personnel: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    people = _active(personnel, DEMO_DATE)
    c = _Competences(random.Random(seed))
    _education(c, people)
    _further(c, people)
    _certificates(c, people)
    _alm_specials(c, people)
    frame = pd.DataFrame(c.rows, columns=COMPETENCE_COLUMNS)
    # The later certificate of the same person and competence wins: keep only the last one placed.
    frame = frame.drop_duplicates(["employee_id", "competence"], keep="last").reset_index(drop=True)
    return frame


def requirements() -> pd.DataFrame:
    rows = [(unit, competence, n) for unit, items in REQUIREMENTS.items() for competence, n in items]
    return pd.DataFrame(rows, columns=REQUIREMENT_COLUMNS)


def _m(unit: str, main_task: str, category: str, horizon: int, need: str, measure: str, schedule: str | None = None,
       comment: str | None = None, **costs: float) -> dict[str, Any]:
    row: dict[str, Any] = {
        "unit_code": unit, "main_task": main_task, "category": category, "horizon": horizon,
        "need": need, "measure": measure, "schedule": schedule, "status": "planlagt",
        "responsible": None, "comment": comment,
    }
    for column in ("hours", "participants", "sessions", "hourly_rate", "days", "day_rate", "course_fee", "travel",
                   "other_cost"):
        row[column] = float(costs.get(column, 0.0))
    return row


FO, UT, OP, PB = "forskning", "utdanning_helsepersonell", "opplaering_pasienter_parorende", "pasientbehandling"
RE, UV = "rekruttering", "utvikling"

# The ALM plan (one-year 2023, five-year 2023-2028); costs per year.
ALM_MEASURES: list[dict[str, Any]] = [
    _m("ALM", PB, UV, 1, "Ikke aktuelt", "ALM driver ikke pasientbehandling"),
    _m("ALM", FO, RE, 1, "Forskningsmetode", "Bruke medarbeidere som har kompetansen", "Ved behov", "Ingen kostnad"),
    _m("ALM", FO, RE, 5, "Forskningskompetanse", "Vurdere å ansette flere med forskningskompetanse",
       "Vurderes etter behov", "Lønn: omgjøring av stilling eller søknad om ny stilling"),
    _m("ALM", FO, UV, 1, "Kontinuerlig", "Intern opplæring"),
    _m("ALM", FO, UV, 5, "Forskningskompetanse", "1 person i mastergradsløp; prosjekter til nytte i praktisk arbeid",
       "Høst 2024, deretter kontinuerlig", "Kostnad vurderes for hvert tilfelle"),
    _m("ALM", UT, RE, 1, "Medisinsk faglig kompetanse i biokjemi og mikrobiologi",
       "Avtale med St. Olavs hospital; vurdere regionalt samarbeid om spesialistutdanning", None,
       "20 % lønn (MB), uavklart (MM), honorar og reise"),
    _m("ALM", UT, RE, 1, "Medisinsk faglig kompetanse (MM)", "Ansette spesialist i medisinsk mikrobiologi", "2024",
       "Lønn"),
    _m("ALM", UT, RE, 1, "Bioingeniørfaglig kompetanse", "Bioingeniørstudenter i praksis"),
    _m("ALM", UT, RE, 1, "IKT-kompetanse: elektronisk rekvirering og Beaker",
       "Spesialrådgiver ansatt; opplæring av ansatte i Beaker", None, "Lønn"),
    _m("ALM", UT, RE, 5, "Administrasjon og ledelse", "Beholde ledere; kvalifisere egnede kandidater"),
    _m("ALM", UT, RE, 5, "Medisinsk faglig kompetanse i MB, BB og MM", "Avtale med St. Olavs hospital", None,
       "Lønn etter tariff"),
    _m("ALM", UT, RE, 5, "Bioingeniør- og helsesekretærkompetanse", "Studenter i praksis"),
    _m("ALM", UT, RE, 5, "Bioingeniørkompetanse i daglig drift",
       "Utlysning, jobbmesser, dialog med høyskolene, markedsføring av arbeidsplass og yrke", "Kontinuerlig",
       "Annonsekostnad og lønnspolitiske virkemidler"),
    # The one-year development lines with their cost estimates (budget 2023).
    _m("ALM", UT, UV, 1, "Kontinuerlig vedlikehold av kompetanse", "Internundervisning i arbeidstiden",
       "Egen plan for internundervisning", "Estimat: 450 kr per time, 15 deltakere, 1 time i 40 uker",
       hourly_rate=450, participants=15, hours=1, sessions=40),
    _m("ALM", UT, UV, 1, "Kontinuerlig vedlikehold av kompetanse", "Interne kurs og samlinger", "Plan fra LG",
       "Prosjektmidler", other_cost=20_000),
    _m("ALM", UT, UV, 1, "Utvikling av ny fagkunnskap", "Hospitering og eksterne kurs: arbeidstid",
       "Egen plan for eksterne kurs", "3 600 kr per dag, ca. 50 dager per år", day_rate=3_600, days=50),
    _m("ALM", UT, UV, 1, "Utvikling av ny fagkunnskap", "Eksterne kurs, konferanser og kongresser: kursavgift og reise",
       "Egen plan for eksterne kurs", "Basert på budsjett 2023", course_fee=150_000, travel=10_000),
    _m("ALM", UT, UV, 1, "Kvalitetsstyring ISO 15189:2022, validering, statistikk",
       "Kurs for teknisk bedømmer og validering", "Når kurs er tilgjengelig",
       "Aktuelt hvis kvalitetsrådgiver eller IKT-koordinator ikke har kompetansen", course_fee=20_000),
    _m("ALM", UT, UV, 1, "IKT-kompetanse: Beaker og Helseplattformen", "Opplæring internt i regionen", None,
       "Arbeidstid"),
    # The five-year development lines: a yearly cost that rises with prices and wages.
    _m("ALM", UT, UV, 5, "Kravspesifikasjon, validering, statistikk, IKT, internrevisjon og ROS",
       "Etterutdanning: interne kurs og samlinger", "Halvårlig plan for internundervisning", "Prosjektmidler",
       other_cost=20_000),
    _m("ALM", UT, UV, 5, "Kravspesifikasjon, validering, statistikk, IKT, internrevisjon og ROS",
       "Etterutdanning: eksterne kurs og kongresser", "Egen plan for eksterne kurs",
       "Basert på budsjett 2023; stiger med pris- og lønnsvekst", course_fee=150_000, travel=10_000),
    # Cost "?" in the plan: 0 here, vurderes for hvert tilfelle.
    _m("ALM", UT, UV, 5, "Metodevalidering, immunhematologi, molekylærbiologi/PCR", "Mastergrad (1-2)",
       "Etter søknad", "Vurderes for hvert tilfelle"),
    _m("ALM", UT, UV, 5, "Ledelse, fag og IKT", "Videreutdanning (1-2)", "Etter søknad",
       "Vurderes for hvert tilfelle"),
    _m("ALM", OP, RE, 1, "Ingen plan", "Ingen tiltak"),
    _m("ALM", OP, RE, 5, "Ingen plan", "Ingen tiltak"),
    _m("ALM", OP, UV, 1, "IKT", "Nye system (HP-Link)", "2023-2024", "Regionalt prosjekt"),
    _m("ALM", OP, UV, 5, "IKT-kompetanse (HP-Link)", "Intern opplæring og eventuelt kurs", "2023-2024",
       "Kostnad usikker; veiledning på legekontor og sykehjem"),
    _m("ALM", OP, UV, 5, "Kjennskap til pasientnært utstyr", "Leverandøropplæring og kurs", "2023-2024",
       "Samarbeid med NOKLUS"),
]

# A few measures elsewhere, so the comparison has something.
OTHER_MEASURES: list[dict[str, Any]] = [
    _m("HO", PB, UV, 5, "Demensomsorg", "Videreutdanning demens for fire sykepleiere", "2024-2026",
       "Kursavgift og 10 dager permisjon med lønn per person", course_fee=60_000, days=40, day_rate=2_800),
    _m("HO", PB, UV, 1, "Legemiddelhåndtering", "E-læring og praktisk prøve for alle med delegert ansvar", "Vår 2024",
       hourly_rate=400, participants=120, hours=2, sessions=1),
    _m("HO", UT, RE, 1, "Sykepleierkompetanse", "Sommerjobb og praksisplasser for sykepleierstudenter", "2024",
       other_cost=50_000),
    _m("FOD", PB, RE, 5, "Jordmorkompetanse", "Utdanningsstillinger: to sykepleiere til jordmorutdanning",
       "Opptak høst 2024", "Lønn under utdanning, delvis", other_cost=400_000),
    _m("FOD", PB, UV, 1, "Nyfødtresuscitering", "Ferdighetstrening (NRP)", "Hvert halvår",
       hourly_rate=500, participants=30, hours=3, sessions=2),
    _m("INT", OP, UV, 1, "Samtaler med pårørende", "Kurs i pårørendesamtaler", "2024", course_fee=25_000),
    _m("INT", PB, UV, 5, "Intensivsykepleie", "Videreutdanning intensivsykepleie: to per år", "Årlig",
       "Kursavgift og reise", course_fee=40_000, travel=15_000),
]


def measures() -> pd.DataFrame:
    rows = [*ALM_MEASURES, *OTHER_MEASURES]
    frame = pd.DataFrame(rows)
    frame.insert(0, "measure_id", range(1, len(frame) + 1))
    return frame[MEASURE_COLUMNS]


def build_frames(personnel: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Frames per import kind (competences, requirements, measures) for the demo people."""
    return {"competences": competences(personnel), "requirements": requirements(), "measures": measures()}
