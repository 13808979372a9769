"""The same 30 synthetic people written the way each HR system exports them (issue 11's corpus).

Each layout is a list of (header, cell writer); a writer gives the cell as the system prints it
(CSV text), and `xlsx=True` gives real numbers and dates as a spreadsheet holds them. Fødselsnumre are
synthetic: a birth date, an individual number chosen for the gender, and check digits computed here
(python-stdnum validates them). No real person is in here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl

SNAPSHOT = date(2023, 12, 1)
UNITS = ("MED", "KIR", "PSY")
PROFESSIONS = ("sykepleier", "lege", "helsefagarbeider", "bioingeniør", "jordmor")
POSITIONS = (100.0, 80.0, 50.0, 75.5, 100.0, 60.0)
TYPES = ("fast", "fast", "midlertidig", "vikar", "fast", "tilkallingsvikar", "engasjement", "laerling")
# (end date, reason) for some: four within the last year (leavers), two before that.
ENDINGS = {
    3: (date(2023, 6, 30), "pensjon"), 8: (date(2023, 2, 28), "egen_oppsigelse"),
    13: (date(2023, 10, 31), "intern_overgang"), 18: (date(2023, 9, 15), "annet"),
    23: (date(2021, 4, 30), "egen_oppsigelse"), 27: (date(2020, 12, 31), "pensjon"),
}


@dataclass(frozen=True)
class Person:
    number: int
    unit: str
    profession: str
    birth: date
    gender: str  # K or M
    position: float
    employment_type: str
    start: date
    end: date | None
    reason: str | None

    @property
    def employee_id(self) -> str:
        return f"{1000 + self.number}"


def people() -> list[Person]:
    out = []
    for n in range(30):
        end, reason = ENDINGS.get(n, (None, None))
        out.append(Person(
            n, UNITS[n % 3], PROFESSIONS[n % 5], date(1950 + (n * 37) % 50, 1 + n % 12, 1 + (n * 7) % 28),
            "K" if n % 4 else "M", POSITIONS[n % 6], TYPES[n % 8], date(2000 + n % 20, 1 + (n * 5) % 12, 1), end,
            reason,
        ))
    return out


def fodselsnummer(born: date, gender: str) -> str:
    """A synthetic fødselsnummer: individual number even for women, odd for men; mod-11 check digits."""
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    for individual in range(100 if born.year < 2000 else 500, 1000):
        if (individual % 2 == 0) != (gender == "K"):
            continue
        base = born.strftime("%d%m%y") + f"{individual:03d}"
        k1 = (11 - sum(w * int(d) for w, d in zip(w1, base, strict=True))) % 11
        k2 = (11 - sum(w * int(d) for w, d in zip(w2, base + str(k1 % 10), strict=True))) % 11
        if k1 == 10 or k2 == 10:
            continue
        return f"{base}{k1}{k2}"
    raise AssertionError("no individual number")


# --- how the systems print values -------------------------------------------------------------

Cell = Callable[[Person, bool], object]


def _dmy(d: date | None, xlsx: bool) -> object:
    return (d if xlsx else d.strftime("%d.%m.%Y")) if d else None


def _iso(d: date | None, xlsx: bool) -> object:
    return (d if xlsx else d.isoformat()) if d else None


def _pct(value: float, xlsx: bool, decimals: int = 0) -> object:
    return value if xlsx else f"{value:.{decimals}f}".replace(".", ",")


_WORDS = {  # the words each system prints for our employment types and end reasons
    "template_type": {t: t.capitalize() for t in TYPES} | {"laerling": "Lærling"},
    "visma_type": {"fast": "Fast", "midlertidig": "Midlertidig", "vikar": "Vikar",
                   "tilkallingsvikar": "Tilkallingsvikar", "engasjement": "Engasjement", "laerling": "Lærling"},
    "english_type": {"fast": "Permanent", "midlertidig": "Temporary", "vikar": "Substitute",
                     "tilkallingsvikar": "On call", "engasjement": "Fixed term", "laerling": "Apprentice"},
    "amelding_type": {t: "fast" if t == "fast" else "midlertidig" for t in TYPES},
    "amelding_type_words": {t: "Fast ansettelse" if t == "fast" else "Midlertidig ansettelse" for t in TYPES},
    "template_reason": {"pensjon": "Pensjon", "egen_oppsigelse": "Egen oppsigelse",
                        "intern_overgang": "Intern overgang", "annet": "Annet"},
    "amelding_reason": {"pensjon": "arbeidstakerHarSagtOppSelv", "egen_oppsigelse": "arbeidstakerHarSagtOppSelv",
                        "intern_overgang": "endringIOrganisasjonsstrukturEllerByttetJobbInternt",
                        "annet": "kontraktEngasjementEllerVikariatErUtloept"},
    "amelding_reason_words": {"pensjon": "Pensjon", "egen_oppsigelse": "Arbeidstaker har sagt opp selv",
                              "intern_overgang": "Endring i organisasjonsstruktur eller byttet jobb internt",
                              "annet": "Arbeidsgiver har sagt opp arbeidstaker"},
    "english_reason": {"pensjon": "Retirement", "egen_oppsigelse": "Resignation", "intern_overgang": "Transfer",
                       "annet": "Other"},
}


def _word(table: str, key: str | None) -> str | None:
    return _WORDS[table][key] if key else None


def _fnr(p: Person, xlsx: bool) -> object:
    return fodselsnummer(p.birth, p.gender)


LAYOUTS: dict[str, list[tuple[str, Cell]]] = {
    "template": [
        ("Ansattnr", lambda p, x: p.employee_id), ("Enhet", lambda p, x: p.unit),
        ("Yrkesgruppe", lambda p, x: p.profession), ("Fødselsdato", lambda p, x: _dmy(p.birth, x)),
        ("Kjønn", lambda p, x: p.gender), ("Stillingsprosent", lambda p, x: _pct(p.position, x, 1)),
        ("Ansettelsesform", lambda p, x: _word("template_type", p.employment_type)),
        ("Startdato", lambda p, x: _dmy(p.start, x)), ("Sluttdato", lambda p, x: _dmy(p.end, x)),
        ("Sluttårsak", lambda p, x: _word("template_reason", p.reason)),
    ],
    "visma": [
        ("Ans.nr", lambda p, x: p.employee_id), ("Navn", lambda p, x: f"Ansatt {p.number}"),
        ("Avdeling", lambda p, x: p.unit), ("Yrke", lambda p, x: p.profession),
        ("Fødselsdato", lambda p, x: _dmy(p.birth, x)), ("Kjønn", lambda p, x: "Kvinne" if p.gender == "K" else "Mann"),
        ("Stillingsbrøk", lambda p, x: _pct(p.position, x, 2)),
        ("Ansettelsesform", lambda p, x: _word("visma_type", p.employment_type)),
        ("Ansattdato[Ans.nr]", lambda p, x: _dmy(p.start, x)), ("Sluttdato[Ans.nr]", lambda p, x: _dmy(p.end, x)),
        ("Årsak til sluttdato", lambda p, x: _word("amelding_reason_words", p.reason)),
        ("Årslønn", lambda p, x: 550000 + 1000 * p.number),
    ],
    "sap": [
        ("Personalnummer", lambda p, x: p.employee_id), ("Organisasjonsenhet", lambda p, x: p.unit),
        ("Stilling", lambda p, x: p.profession.capitalize()), ("Fødselsdato", lambda p, x: _dmy(p.birth, x)),
        ("Kjønn", lambda p, x: "Kvinnelig" if p.gender == "K" else "Mannlig"),
        ("Kapasitetsutnyttelsesnivå", lambda p, x: _pct(p.position, x, 2)),
        ("Medarbeidergruppe", lambda p, x: "Fast ansatt" if p.employment_type == "fast" else "Midlertidig"),
        ("Ansettelsesdato", lambda p, x: _dmy(p.start, x)), ("Fratredelsesdato", lambda p, x: _dmy(p.end, x)),
        ("Sluttårsak", lambda p, x: _word("amelding_reason_words", p.reason)),
    ],
    "unit4": [
        ("Ressursnr", lambda p, x: p.employee_id), ("Ressursnavn", lambda p, x: f"Ansatt {p.number}"),
        ("Ansvar", lambda p, x: p.unit), ("PostCode", lambda p, x: str(7174 + p.number % 3)),
        ("PostCodeDescription", lambda p, x: p.profession), ("Percentage", lambda p, x: _pct(p.position, x, 1)),
        ("EmploymentTypeDescription", lambda p, x: _word("visma_type", p.employment_type)),
        ("Fødselsdato", lambda p, x: _iso(p.birth, x)), ("Kjønn", lambda p, x: p.gender),
        ("DateFrom", lambda p, x: _iso(p.start, x)), ("DateTo", lambda p, x: _iso(p.end, x)),
        ("Sluttårsak", lambda p, x: _word("template_reason", p.reason)),
    ],
    "amelding": [
        ("norskIdentifikator", _fnr), ("virksomhet", lambda p, x: p.unit), ("yrke", lambda p, x: p.profession),
        ("stillingsprosent", lambda p, x: p.position if x else f"{p.position:.1f}"),
        ("formForAnsettelse", lambda p, x: _word("amelding_type", p.employment_type)),
        ("startdato", lambda p, x: _iso(p.start, x)), ("sluttdato", lambda p, x: _iso(p.end, x)),
        ("aarsakTilSluttdato", lambda p, x: _word("amelding_reason", p.reason)),
        ("permisjonsprosent", lambda p, x: 20.0 if p.number % 7 == 0 else None),
    ],
    "amelding_words": [
        ("Norsk identifikator", _fnr), ("Virksomhet", lambda p, x: p.unit), ("Yrke", lambda p, x: p.profession),
        ("Stillingsprosent", lambda p, x: _pct(p.position, x, 1)),
        ("Form for ansettelse", lambda p, x: _word("amelding_type_words", p.employment_type)),
        ("Startdato", lambda p, x: _dmy(p.start, x)), ("Sluttdato", lambda p, x: _dmy(p.end, x)),
        ("Årsak til sluttdato", lambda p, x: _word("amelding_reason_words", p.reason)),
    ],
    "ks_pai": [
        ("Fødselsnummer", _fnr), ("Arbeidssted", lambda p, x: p.unit), ("Stillingskode", lambda p, x: "7174"),
        ("Stillingsbetegnelse", lambda p, x: p.profession), ("Stillingsprosent", lambda p, x: _pct(p.position, x, 1)),
        ("Permisjonsprosent", lambda p, x: _pct(20.0, x) if p.number % 7 == 0 else None),
        ("Tilsettingsforhold", lambda p, x: _word("visma_type", p.employment_type)),
        ("Tiltredelsesdato", lambda p, x: _dmy(p.start, x)), ("Sluttdato", lambda p, x: _dmy(p.end, x)),
        ("Sluttårsak", lambda p, x: _word("template_reason", p.reason)),
    ],
    "english": [
        ("Employee ID", lambda p, x: p.employee_id), ("Department", lambda p, x: p.unit),
        ("Job Title", lambda p, x: p.profession), ("Date of Birth", lambda p, x: _iso(p.birth, x)),
        ("Gender", lambda p, x: "Female" if p.gender == "K" else "Male"),
        ("FTE", lambda p, x: round(p.position / 100, 3) if x else f"{p.position / 100:.3f}"),
        ("Employment Type", lambda p, x: _word("english_type", p.employment_type)),
        ("Hire Date", lambda p, x: _iso(p.start, x)), ("Termination Date", lambda p, x: _iso(p.end, x)),
        ("Termination Reason", lambda p, x: _word("english_reason", p.reason)),
    ],
}
PROFILE_NAMES = {
    "template": None, "visma": "Visma Lønn / Visma Enterprise HRM", "sap": "SAP HCM", "unit4": "Unit4 / Agresso",
    "amelding": "a-meldingen", "amelding_words": "a-meldingen", "ks_pai": "KS PAI", "english": "engelske kolonnenavn",
}


def write(layout: str, path: Path, rows: list[Person] | None = None) -> Path:
    """The people in `layout`, as .csv (semicolons, UTF-8; English with commas) or .xlsx by the suffix."""
    columns = LAYOUTS[layout]
    rows = people() if rows is None else rows
    xlsx = path.suffix == ".xlsx"
    table = [[cell(p, xlsx) for _, cell in columns] for p in rows]
    headers = [h for h, _ in columns]
    if xlsx:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(headers)
        for row in table:
            sheet.append(row)
        workbook.save(path)
    else:
        sep = "," if layout == "english" else ";"
        lines = [sep.join(headers)] + [sep.join("" if v is None else str(v) for v in row) for row in table]
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path
