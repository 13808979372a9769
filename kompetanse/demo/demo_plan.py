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
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from kompetanse.plan import plan_versions, table_edit
from kompetanse.storage import history

SEED = 20231201
DEMO_DATE = date(2023, 12, 1)

COMPETENCE_COLUMNS = ["employee_id", "competence", "kind", "acquired_date", "expires_date"]
REQUIREMENT_COLUMNS = ["unit_code", "competence", "min_holders"]
MEASURE_COLUMNS = [
    "measure_id", "unit_code", "main_task", "category", "horizon", "need", "measure", "schedule",
    "hours", "participants", "sessions", "hourly_rate", "days", "day_rate", "course_fee", "travel",
    "other_cost", "status", "responsible", "comment", "funding_source", "funding_applied", "funding_granted",
    "goal_id", "effect_kind", "effect_target", "effect_count", "effect_unit", "effect_from",
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


# The Lørenskog plan's kind of measures for the municipal sector, each with who is responsible and the
# goal it serves (paraphrased; the plan lists "Tiltak" with "Ansvar" under each strategy goal).
LORENSKOG_MEASURES: list[dict[str, Any]] = [
    {**_m("HO", PB, UV, 1, "Lik opplæring for nyansatte", "Introduksjonskurs for nye medarbeidere", "Hver vår og høst",
          hourly_rate=400, participants=20, hours=6, sessions=2), "responsible": "Fagutviklingsenheten",
     "goal_id": "1.2"},
    {**_m("HO", PB, UV, 1, "Demensomsorg", "Systematisk opplæring i demensomsorg (ABC-program)", "2024",
          course_fee=45_000, other_cost=15_000), "responsible": "Ressursgruppe demens", "goal_id": "1.3"},
    {**_m("HO", PB, UV, 1, "Hverdagsmestring", "Opplæring i hverdagsmestring og velferdsteknologi", "2024",
          hourly_rate=400, participants=25, hours=3, sessions=4), "responsible": "Ressursgruppe hverdagsmestring",
     "goal_id": "2.3"},
    {**_m("HO", PB, UV, 1, "Pasientsikkerhet", "Risikotavlemøter i alle avdelinger", "Høst 2024",
          other_cost=10_000), "responsible": "Ressursgruppe pasientsikkerhet", "goal_id": "3.2"},
]
# Goal links and responsible parties for the earlier municipal measures.
LINKS: dict[str, tuple[str, str]] = {
    "Videreutdanning demens for fire sykepleiere": ("1.4", "Fagutviklingsenheten"),
    "E-læring og praktisk prøve for alle med delegert ansvar": ("3.1", "Ressursgruppe pasientsikkerhet"),
}
# Funding (source, applied, granted), as the plans describe it: the ALM plan pays internal courses and
# gatherings from project funds and the rest from the budget (BU 2023); Larvik applies for
# kompetanseløftmidler from Statsforvalteren every year, which fund part of further education.
FUNDING: dict[str, tuple[str, float | None, float | None]] = {
    "Internundervisning i arbeidstiden": ("budsjett", None, 270_000),
    "Interne kurs og samlinger": ("prosjektmidler", 20_000, 20_000),
    "Hospitering og eksterne kurs: arbeidstid": ("budsjett", None, 180_000),
    "Eksterne kurs, konferanser og kongresser: kursavgift og reise": ("budsjett", None, 160_000),
    "Kurs for teknisk bedømmer og validering": ("annet", 20_000, None),
    "Etterutdanning: interne kurs og samlinger": ("prosjektmidler", 20_000, 20_000),
    "Etterutdanning: eksterne kurs og kongresser": ("budsjett", None, 160_000),
    "Videreutdanning demens for fire sykepleiere": ("kompetanseloftmidler", 200_000, 150_000),
    "Systematisk opplæring i demensomsorg (ABC-program)": ("kompetanseloftmidler", 60_000, 40_000),
    "Introduksjonskurs for nye medarbeidere": ("budsjett", None, 96_000),
    "Opplæring i hverdagsmestring og velferdsteknologi": ("prosjektmidler", 40_000, 40_000),
    "Videreutdanning intensivsykepleie: to per år": ("kompetanseloftmidler", 55_000, None),
}


# What the measures produce (kompetanse/figures/gap.py): (kind, profession group or competence, persons, unit or None
# for the measure's own, effective from). The ALM plan's recruitment lines and its master's and further-education
# lines; a few clinical and municipal lines.
EFFECTS: dict[str, tuple[str, str, float, str | None, date]] = {
    "Ansette spesialist i medisinsk mikrobiologi": ("rekruttering", "lege", 1, "MM", date(2024, 9, 1)),
    "Utlysning, jobbmesser, dialog med høyskolene, markedsføring av arbeidsplass og yrke":
        ("rekruttering", "bioingeniør", 4, None, date(2025, 1, 1)),
    # Blood-bank certificates lapse after two years: the internal teaching renews them.
    "Internundervisning i arbeidstiden": ("kompetanse", "Blodbank sertifisering", 6, "BB-L", date(2024, 12, 1)),
    "Interne kurs og samlinger": ("kompetanse", "Blodbank sertifisering", 3, "BB-N", date(2024, 12, 1)),
    "Spesialrådgiver ansatt; opplæring av ansatte i Beaker": ("kompetanse", "Beaker superbruker", 2, "MB-L",
                                                              date(2024, 3, 1)),
    "Kurs for teknisk bedømmer og validering": ("kompetanse", "ISO 15189 internrevisor", 1, "MB-N", date(2024, 6, 1)),
    "Mastergrad (1-2)": ("kompetanse", "Videreutdanning molekylærbiologi", 1, "MM", date(2026, 6, 1)),
    "Videreutdanning (1-2)": ("kompetanse", "Videreutdanning immunhematologi", 1, "BB-L", date(2025, 6, 1)),
    "Videreutdanning demens for fire sykepleiere": ("kompetanse", "Videreutdanning demens", 4, "SYK-A",
                                                    date(2025, 6, 1)),
    "E-læring og praktisk prøve for alle med delegert ansvar": ("kompetanse", "Legemiddelhåndtering", 45, "SYK-B",
                                                                date(2024, 6, 1)),
    "Sommerjobb og praksisplasser for sykepleierstudenter": ("rekruttering", "sykepleier", 3, "SYK-B",
                                                             date(2024, 8, 1)),
    "Utdanningsstillinger: to sykepleiere til jordmorutdanning": ("kompetanse", "Videreutdanning jordmorfag", 2,
                                                                  None, date(2026, 6, 1)),
    "Videreutdanning intensivsykepleie: to per år": ("kompetanse", "Videreutdanning intensivsykepleie", 6, None,
                                                     date(2026, 12, 1)),
}


def measures() -> pd.DataFrame:
    rows = [*ALM_MEASURES, *OTHER_MEASURES, *LORENSKOG_MEASURES]
    frame = pd.DataFrame(rows)
    frame.insert(0, "measure_id", range(1, len(frame) + 1))
    frame = frame.reindex(columns=MEASURE_COLUMNS).astype(
        {"goal_id": object, "funding_source": object, "effect_kind": object, "effect_target": object,
         "effect_count": float, "effect_unit": object, "effect_from": object}
    )
    for index, text in zip(frame.index, frame["measure"], strict=True):
        if text in LINKS:
            frame.at[index, "goal_id"], frame.at[index, "responsible"] = LINKS[text]
        if text in EFFECTS:
            kind, target, count, unit, start = EFFECTS[text]
            frame.loc[index, ["effect_kind", "effect_target", "effect_count", "effect_unit", "effect_from"]] = [
                kind, target, float(count), unit, start,
            ]
        if text in FUNDING:
            source, applied, granted = FUNDING[text]
            frame.loc[index, ["funding_source", "funding_applied", "funding_granted"]] = [source, applied, granted]
    frame["funding_applied"] = frame["funding_applied"].astype(float)
    frame["funding_granted"] = frame["funding_granted"].astype(float)
    return frame


# --- The plan's goals (the Lørenskog plan: three strategy goals 2018-2021, result goals 2018-2019) ---

GOAL_COLUMNS = ["goal_id", "parent_id", "level", "title", "period_from", "period_to", "status", "evaluation",
                "responsible", "comment"]
_S, _R = "strategi", "resultat"
# (number, parent, level, title, status, evaluation, responsible); statuses as the status note assesses.
GOALS: list[tuple[str, str | None, str, str, str, str, str]] = [
    ("1", None, _S, "Ansatte arbeider kunnskapsbasert og er trygge i å gi helsehjelp", "i_noen_grad", "reaksjon",
     "Fagutviklingsenheten"),
    ("1.1", "1", _R, "Faglige retningslinjer og veiledere er tatt i bruk i tjenestene", "i_stor_grad", "anvendelse",
     "Fagutviklingsenheten"),
    ("1.2", "1", _R, "Alle nyansatte får lik og god nok opplæring", "i_noen_grad", "laering", "Virksomhetene"),
    ("1.3", "1", _R, "Personer med kognitiv svikt får tjenester med kompetanse i demensomsorg", "i_mindre_grad",
     "nytte", "Ressursgruppe demens"),
    ("1.4", "1", _R, "Flere har videreutdanning i eldre- og demensomsorg, psykisk helse og lindrende behandling",
     "i_noen_grad", "laering", "Fagutviklingsenheten"),
    ("2", None, _S, "Ansatte gir helsehjelp som styrker brukerens egen mestring", "i_noen_grad", "reaksjon",
     "Fagutviklingsenheten"),
    ("2.1", "2", _R, "Ansatte og ledere vet hva mestringsfokusert helsehjelp er", "i_stor_grad", "laering",
     "Fagutviklingsenheten"),
    ("2.2", "2", _R, "Brukere og pårørende er med på å sette egne mål", "i_mindre_grad", "nytte",
     "Virksomhetene"),
    ("2.3", "2", _R, "Ansatte bruker metoder og verktøy som fremmer mestring", "i_noen_grad", "anvendelse",
     "Ressursgruppe hverdagsmestring"),
    ("3", None, _S, "Kontinuerlig forbedring er en fast arbeidsform i sektoren", "i_mindre_grad", "nytte",
     "Fagutviklingsenheten"),
    ("3.1", "3", _R, "Ledere og ansatte kan drive forbedrings- og pasientsikkerhetsarbeid", "i_noen_grad",
     "laering", "Fagutviklingsenheten"),
    ("3.2", "3", _R, "Avvik og tilbakemeldinger brukes systematisk til forbedring", "i_mindre_grad", "anvendelse",
     "Ressursgruppe pasientsikkerhet"),
]
# The year before, some goals were less far along.
GOAL_STATUS_2022: dict[str, str] = {"1": "i_mindre_grad", "1.1": "i_noen_grad", "2.1": "i_noen_grad"}


def goals(statuses: dict[str, str] | None = None) -> pd.DataFrame:
    changed = statuses or {}
    rows = []
    for goal_id, parent, level, title, status, evaluation, responsible in GOALS:
        start, end = (2018, 2021) if level == _S else (2018, 2019)
        rows.append({"goal_id": goal_id, "parent_id": parent, "level": level, "title": title,
                     "period_from": start, "period_to": end, "status": changed.get(goal_id, status),
                     "evaluation": evaluation, "responsible": responsible, "comment": None})
    frame = pd.DataFrame(rows, columns=GOAL_COLUMNS)
    return frame.astype({"period_from": "Int64", "period_to": "Int64"})


# --- Practice placements (the Larvik figures) ---------------------------------------------------

PLACEMENT_COLUMNS = ["semester", "unit_code", "school_type", "asked", "offered", "used"]
PLACEMENT_UNITS: list[tuple[str, float]] = [("SYK-A", 0.3), ("SYK-B", 0.3), ("HJT", 0.25), ("BOA", 0.15)]
HS, VGS, LAE = "hogskole_universitet", "videregaende", "laerling"
# semester -> school type -> (asked, offered, used) for the whole sector; None: not known yet.
# Used: 143 in spring 2023 and 217 in autumn 2023 (Larvik). The study year 2024-25's demand (about 150
# places for the university college's students, 204 for the upper secondary school's pupils) is
# entered on its first semester, before anything is offered.
PLACEMENTS: dict[str, dict[str, tuple[int | None, int | None, int | None]]] = {
    "Vår 2022": {HS: (70, 60, 55), VGS: (66, 57, 52), LAE: (22, 22, 21)},
    "Høst 2022": {HS: (104, 90, 84), VGS: (96, 86, 80), LAE: (28, 27, 26)},
    "Vår 2023": {HS: (80, 66, 62), VGS: (78, 64, 58), LAE: (25, 25, 23)},
    "Høst 2023": {HS: (118, 101, 96), VGS: (112, 98, 92), LAE: (32, 30, 29)},
    "Høst 2024": {HS: (150, None, None), VGS: (204, None, None)},
}


def _split(total: int | None) -> list[int | None]:
    """A sector figure over the units by their weights, the remainders to the largest parts: sums exactly."""
    if total is None:
        return [None] * len(PLACEMENT_UNITS)
    raw = [total * weight for _, weight in PLACEMENT_UNITS]
    parts = [int(r) for r in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[index] += 1
    return parts


def placements() -> pd.DataFrame:
    rows = []
    for semester, by_type in PLACEMENTS.items():
        for school_type, figures in by_type.items():
            split = [_split(figure) for figure in figures]
            for index, (unit, _) in enumerate(PLACEMENT_UNITS):
                rows.append({"semester": semester, "unit_code": unit, "school_type": school_type,
                             "asked": split[0][index], "offered": split[1][index], "used": split[2][index]})
    frame = pd.DataFrame(rows, columns=PLACEMENT_COLUMNS)
    return frame.astype({"asked": "Int64", "offered": "Int64", "used": "Int64"})


# --- Two closed yearly versions, so the comparison has something to show ----------------------------

VERSION_CLOSED_BY = "Fagutviklingsenheten (demo)"
# In the 2022 plan: two measures that were dropped in 2023, and lines that changed in 2023.
MEASURES_2022_ONLY: list[dict[str, Any]] = [
    {**_m("ALM", UT, UV, 1, "IKT-kompetanse: elektronisk rekvirering", "Opplæring i DIPS-rekvirering", "2022",
          hourly_rate=450, participants=10, hours=2, sessions=4), "responsible": "IKT-koordinator"},
    {**_m("HO", PB, UV, 1, "Dokumentasjon", "Kurs i journalføring for alle nyansatte", "2022",
          hourly_rate=400, participants=30, hours=3, sessions=1), "responsible": "Ressursgruppe dokumentasjon",
     "goal_id": "1.2"},
]
NEW_IN_2023 = ("Opplæring i hverdagsmestring og velferdsteknologi", "Risikotavlemøter i alle avdelinger")


def measures_2022(current: pd.DataFrame) -> pd.DataFrame:
    """The 2022 plan: this plan without the lines new in 2023, with the lines since dropped (new ids after
    this plan's) and with fewer participants in internal teaching and lower course fees."""
    frame = current[~current["measure"].isin(NEW_IN_2023)].copy()
    dropped = pd.DataFrame(MEASURES_2022_ONLY).reindex(columns=MEASURE_COLUMNS)
    dropped["measure_id"] = range(int(current["measure_id"].max()) + 1,
                                  int(current["measure_id"].max()) + 1 + len(dropped))
    frame = pd.concat([frame, dropped], ignore_index=True)
    teaching = frame["measure"] == "Internundervisning i arbeidstiden"
    frame.loc[teaching, "participants"] = 12.0
    frame.loc[teaching, "funding_granted"] = 216_000.0
    courses = frame["measure"] == "Eksterne kurs, konferanser og kongresser: kursavgift og reise"
    frame.loc[courses, "course_fee"] = 140_000.0
    frame.loc[courses, "funding_granted"] = 150_000.0
    # What the 2022 plan promised for 2023 (Behov og dekning sets it beside what happened).
    for text, (count, start) in PROMISED_2022.items():
        line = frame["measure"] == text
        frame.loc[line, "effect_count"] = float(count)
        frame.loc[line, "effect_from"] = start
    return frame.reset_index(drop=True)


PROMISED_2022: dict[str, tuple[float, date]] = {
    "Videreutdanning intensivsykepleie: to per år": (2, date(2023, 6, 1)),
    "Sommerjobb og praksisplasser for sykepleierstudenter": (3, date(2023, 8, 1)),
    "Utlysning, jobbmesser, dialog med høyskolene, markedsføring av arbeidsplass og yrke": (4, date(2023, 9, 1)),
}


def load_versions(con: duckdb.DuckDBPyConnection) -> None:
    """The 2022 plan as an earlier import, closed on 15.12.2022; the current plan closed on 01.12.2023."""
    closed = {v.plan_year for v in plan_versions.versions(con)}
    current = {kind: table_edit.active_import_id(con, kind) for kind in ("measures", "goals")}
    if 2022 not in closed:
        earlier = {"measures": measures_2022(measures()), "goals": goals(GOAL_STATUS_2022)}
        for kind, frame in earlier.items():
            history.record_import(con, kind, frame, file_name=f"demo-{kind}-2022", sha256=f"demo-{kind}-2022",
                                  snapshot_date=date(2022, 12, 1))
        plan_versions.close(con, 2022, as_of=date(2022, 12, 1), closed_by=VERSION_CLOSED_BY,
                            closed_at=datetime(2022, 12, 15, 14, 0))
        for import_id in current.values():
            if import_id is not None:
                history.activate(con, import_id)
    if 2023 not in closed:
        plan_versions.close(con, 2023, as_of=DEMO_DATE, closed_by=VERSION_CLOSED_BY,
                            closed_at=datetime(2023, 12, 1, 14, 0))


def build_frames(personnel: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Frames per import kind (competences, requirements, measures, goals, placements) for the demo people."""
    return {"competences": competences(personnel), "requirements": requirements(), "measures": measures(),
            "goals": goals(), "placements": placements()}
