"""Column profiles: the headers HR and payroll systems write, each mapped to our field name.

Data only; `recognise` reads it. One dict per system: header as the system writes it -> our field name,
or UNUSED for a column the system writes that we know and deliberately do not use (names, salaries,
codes that are not occupation codes). A profile may name a field the import kind does not have (in
this version or any): such an entry is treated like UNUSED, so a profile can run ahead of the fields.

Where the headers come from (looked up, not guessed):
- Visma Lønn: the Ansattliste columns (Grunndata -> Ansatte -> Ansattlister) as listed in 24SevenOffice's
  guide to onboarding from Visma Lønn: Ans.nr, Navn, Avdeling, Ansettelsesforhold, Ansattdato,
  Avlønningstype, Fødselsnr, Sluttdato, Stillingsbrøk, Årslønn, Yrke, Årsak til sluttdato; a column
  copied from the table may carry its key in brackets ("Ansattdato[Ans.nr]"), which recognise strips.
- SAP HCM: the Norwegian field texts of infotypes 0000/0001/0002/0008 (Personalnummer, Organisasjonsenhet,
  Stilling, Stillingsbetegnelse, Kapasitetsutnyttelsesnivå, Medarbeidergruppe) and DFØ's «datotype VB
  (Ansettelsesdato)».
- Unit4 / Agresso: the Stamdata3 fields described by Identum (ResourceId, Percentage, PostCode,
  PostCodeDescription, EmploymentTypeDescription, the relations «Organisasjonstilhørighet» and «Ansvar»)
  and the Norwegian report names (Ressursnr, Ressursnavn).
- a-meldingen: Skatteetaten's element names (norskIdentifikator, startdato, sluttdato, yrke,
  stillingsprosent, permisjonsprosent, aarsakTilSluttdato, formForAnsettelse, virksomhet) and the same
  fields spelled out as the Altinn form and the payroll systems print them.
- KS PAI: the fields of KS's B-rundskriv 200 (PAI-registeret): Fødselsnummer, Stillingskode,
  Stillingsbetegnelse, Stillingsprosent, Permisjonsprosent, Tilsettingsforhold, Arbeidssted.
- English: the column names of international HR systems (Workday, SAP SuccessFactors, Oracle HCM).

KS's, SAP's and Unit4's «Stillingskode» are tariff position codes (7174 Sykepleier), not STYRK-08 occupation
codes, so they are known and not used: read as STYRK they would give the wrong occupation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

UNUSED = ""  # a column we know and do not use


@dataclass(frozen=True)
class Profile:
    name: str  # as shown to users: "Gjenkjent som SAP HCM"
    headers: dict[str, str]  # header as the system writes it -> our field name (or UNUSED)
    kind: str = "personnel"


VISMA = Profile("Visma Lønn / Visma Enterprise HRM", {
    "Ans.nr": "employee_id",
    "Ans nr": "employee_id",
    "Navn": UNUSED,
    "Etternavn": UNUSED,
    "Fornavn": UNUSED,
    "Mobiltelefon": UNUSED,
    "E-postadresse": UNUSED,
    "Adresse 1": UNUSED,
    "Postnr": UNUSED,
    "Bankkonto": UNUSED,
    "Årslønn": UNUSED,
    "Avlønningstype": UNUSED,
    "Ansettelsesforhold": UNUSED,  # the number of the employment (Ansettelsesforhold nr), not its form
    "Ansattdato": "start_date",
    "Ansatt dato": "start_date",
    "Ansatt fra": "start_date",
    "Ansatt til": "end_date",
    "Stillingsbrøk": "position_pct",
    "Yrke": "profession",
    "Yrkeskode": "profession_code",
    "Årsak til sluttdato": "end_reason",
    "Permisjon %": "leave_pct",
    "Permisjon fra": "leave_start",
    "Permisjon til": "leave_end",
})

SAP_HCM = Profile("SAP HCM", {
    "Personalnummer": "employee_id",
    "Pers.nr.": "employee_id",
    "Organisasjonsenhet": "unit_code",
    "Org.enhet": "unit_code",
    "Stillingsbetegnelse": "profession",
    "Kapasitetsutnyttelsesnivå": "position_pct",
    "Kap.utnyttelsesnivå": "position_pct",
    "Ansettelsesdato": "start_date",
    "Inntredelsesdato": "start_date",
    "Utredelsesdato": "end_date",
    "Årsak til fratreden": "end_reason",
    "Kjønnsnøkkel": "gender",
    "Medarbeidergruppe": UNUSED,  # the groups are the organisation's own (fast, timelønnet, ekstern ...)
    "Medarbeiderundergruppe": UNUSED,
    "Personalområde": UNUSED,
    "Personaldelområde": UNUSED,
    "Kostnadssted": UNUSED,
    "Stillingskode": UNUSED,
    "Etternavn": UNUSED,
    "Fornavn": UNUSED,
    "Navn": UNUSED,
})

UNIT4 = Profile("Unit4 / Agresso", {
    "ResourceId": "employee_id",
    "Ressursnavn": UNUSED,
    "Percentage": "position_pct",
    "PostCode": UNUSED,
    "PostCodeDescription": "profession",
    "Stillingskode": UNUSED,
    "Stillingskodebeskrivelse": "profession",
    "PostId": UNUSED,
    "PostIdDescription": UNUSED,
    "EmploymentTypeDescription": "employment_type",
    "Ansattform": "employment_type",
    "Organisasjonstilhørighet": "unit_code",
    "SeniorityDate": UNUSED,
    "Ansiennitetsdato": UNUSED,
    "DateFrom": "start_date",
    "DateTo": "end_date",
    "Dato fra": "start_date",
    "Dato til": "end_date",
    "Navn": UNUSED,
})

A_MELDING = Profile("a-meldingen", {
    # Skatteetaten's element names (camelCase) ...
    "norskIdentifikator": "national_id",
    "arbeidsforholdId": UNUSED,
    "typeArbeidsforhold": UNUSED,
    "yrke": "profession",
    "aarsakTilSluttdato": "end_reason",
    "formForAnsettelse": "employment_type",
    "permisjonsprosent": "leave_pct",
    "permisjonStartdato": "leave_start",
    "permisjonSluttdato": "leave_end",
    "virksomhet": "unit_code",
    "arbeidstidsordning": UNUSED,
    "avloenningstype": UNUSED,
    "antallTimerPerUkeSomEnFullStillingTilsvarer": UNUSED,
    "loennsansiennitet": UNUSED,
    "loennstrinn": UNUSED,
    "sisteLoennsendringsdato": UNUSED,
    "sisteDatoForStillingsprosentendring": UNUSED,
    # ... and spelled out (folded, "Form for ansettelse" is the same key as formForAnsettelse).
    "Norsk identifikator": "national_id",
    "Arbeidsforhold-ID": UNUSED,
    "Årsak til sluttdato": "end_reason",
    "Permisjon startdato": "leave_start",
    "Permisjon sluttdato": "leave_end",
    "Type arbeidsforhold": UNUSED,
    "Avlønningstype": UNUSED,
})

KS_PAI = Profile("KS PAI", {
    "Stillingskode": UNUSED,
    "Stillingsbetegnelse": "profession",
    "Tilsettingsforhold": "employment_type",
    "Permisjonsprosent": "leave_pct",
    "Arbeidssted": "unit_code",
    "Ansiennitetsdato": UNUSED,
    "Lønnstrinn": UNUSED,
    "Grunnlønn": UNUSED,
    "Årslønn": UNUSED,
    "Kommunenummer": UNUSED,
    "Navn": UNUSED,
})

ENGLISH = Profile("engelske kolonnenavn", {
    "Employee Number": "employee_id",
    "Employee No": "employee_id",
    "Worker ID": "employee_id",
    "Personnel Number": "employee_id",
    "National ID": "national_id",
    "Date of Birth": "birth_date",
    "Department": "unit_code",
    "Organization": "unit_code",
    "Org Unit": "unit_code",
    "Supervisory Organization": "unit_code",
    "Job Title": "profession",
    "Position Title": "profession",
    "Business Title": "profession",
    "Sex": "gender",
    "FTE": "position_pct",
    "FTE %": "position_pct",
    "Position %": "position_pct",
    "Contract Type": "employment_type",
    "Hire Date": "start_date",
    "Termination Date": "end_date",
    "Termination Reason": "end_reason",
    "Leaving Reason": "end_reason",
    "Education Level": "education_level",
    "Leave %": "leave_pct",
    "Leave Start Date": "leave_start",
    "Leave End Date": "leave_end",
    "Name": UNUSED,
    "First Name": UNUSED,
    "Last Name": UNUSED,
    "Email": UNUSED,
    "Salary": UNUSED,
})

PROFILES: tuple[Profile, ...] = (VISMA, SAP_HCM, UNIT4, A_MELDING, KS_PAI, ENGLISH)
# Columns with what identifies a person beyond the employee number: known, never read, and said so.
NOT_STORED = ("Navn", "Fornavn", "Etternavn", "Ressursnavn", "Name", "First Name", "Last Name", "Email",
              "E-postadresse", "Mobiltelefon", "Adresse 1", "Postnr", "Bankkonto")
NOT_STORED_REASON = "personopplysninger som dette lagres ikke"

# The person's identity is named the same in a system's other exports (competences, courses).
IDENTITY_FIELDS = ("employee_id", "national_id")

# Headers whose meaning depends on the system, decided by the column's content: the candidate fields in
# order, each taken when the content fits it and no other column is that field already. "Stilling" is the
# job title in SAP and Visma and the position percentage elsewhere; "Stillingsandel" is a share of a full
# position; Unit4's and the municipalities' "Ansvar" is the cost centre (a unit's code).
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "Stilling": ("position_pct", "profession"),
    "Stillingsandel": ("position_pct",),
    "Ansvar": ("unit_code",),
    # Unit4's EmploymentType is a one-letter code of the organisation's own (its words are in
    # EmploymentTypeDescription); the English "Employment Type" holds the words.
    "Employment Type": ("employment_type",),
}

# A profile is named in the summary when at least this many of the file's headers are its own (headers
# our template also accepts do not count: they say nothing about the system).
MIN_PROFILE_HEADERS = 2

# SAP writes an open end as 31.12.9999 ("gyldig til" with no end); such a cell is a blank end date, not a
# year outside 1900-2100. (Unit4's 31.12.2099 is a real date far ahead and reads as still employed.)
OPEN_END_FIELDS = ("end_date", "leave_end")
OPEN_END = (date(9999, 12, 31),)
_OPEN_END_TEXT = {"31.12.9999", "9999-12-31", "31/12/9999", "99991231"}


def open_end_as_blank(column: pd.Series) -> pd.Series:
    """The column with SAP's open end (31.12.9999, as a date or as text) blanked."""
    def is_open(value: object) -> bool:
        if isinstance(value, datetime):
            return value.date() in OPEN_END
        if isinstance(value, date):
            return value in OPEN_END
        return isinstance(value, str) and value.strip() in _OPEN_END_TEXT

    # Once per distinct value: an end-date column of 1 000 000 rows holds a few thousand dates.
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    found = np.append(np.array([is_open(v) for v in np.asarray(uniques, dtype=object)], dtype=bool), False)
    mask = pd.Series(found[codes], index=column.index)
    return column.mask(mask) if mask.any() else column
