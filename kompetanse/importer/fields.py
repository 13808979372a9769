"""The columns of each import kind: our names, the accepted headers, how each is parsed, the lists' spellings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kompetanse.figures import rules
from kompetanse.plan import funding, goals, placements
from kompetanse.storage import store
from kompetanse.text import fold

NATIONAL_ID = "national_id"  # our name of the fødselsnummer column: read, never stored
# The rejected-rows file (rejected.py): its own columns, ignored when the file is imported again, and the
# header of the pseudonym a row keeps where the fødselsnummer (blanked there) was its identity.
REJECTED_FILE_COLUMNS = ("Fil", "Rad", "Feil")
REFERENCE_HEADER = "Ansattreferanse"


@dataclass(frozen=True)
class Field:
    name: str  # our column name
    aliases: tuple[str, ...]  # accepted headers; the first is the Norwegian name shown to users
    parse: str  # text | date | position | amount | count | horizon | enum | national_id | leave | occupation_code
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


def norm_choice(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(value))


# Accepted spellings of each list value (matched on letters and digits only, accents folded).
ENUMS: dict[str, tuple[dict[str, str], str, str]] = {
    # name: (spelling -> value, Norwegian noun, the accepted values as shown)
    "end_reason": (
        {
            "pensjon": "pensjon", "egenoppsigelse": "egen_oppsigelse", "internovergang": "intern_overgang",
            "annet": "annet",
            # a-meldingen's aarsakTilSluttdato (Skatteetaten's six codes), as codes and as spelled out; the
            # folded letters of the two forms are the same except where ø is written oe in the code.
            "arbeidstakerharsagtoppselv": "egen_oppsigelse",
            "endringiorganisasjonsstrukturellerbyttetjobbinternt": "intern_overgang",
            "kontraktengasjementellervikariaterutloept": "annet",
            "kontraktengasjementellervikariaterutlopt": "annet",
            "arbeidsgiverharsagtopparbeidstaker": "annet",
            "byttetloenssystemellerregnskapsfoerer": "annet",
            "byttetlonnssystemellerregnskapsforer": "annet",
            "arbeidsforholdetskullealdrivaertrapportert": "annet",
            # The words HR systems print (Visma, SAP, Unit4) and English ones.
            "alderspensjon": "pensjon", "pensjonert": "pensjon", "pensjonering": "pensjon", "afp": "pensjon",
            "avtalefestetpensjon": "pensjon", "retirement": "pensjon", "retired": "pensjon",
            "sagtoppselv": "egen_oppsigelse", "oppsigelsefraarbeidstaker": "egen_oppsigelse",
            "oppsigelsearbeidstaker": "egen_oppsigelse", "egetonske": "egen_oppsigelse",
            "resignation": "egen_oppsigelse", "resigned": "egen_oppsigelse", "voluntary": "egen_oppsigelse",
            "overgangtilannenstilling": "intern_overgang", "interntbytte": "intern_overgang",
            "interntransfer": "intern_overgang", "transfer": "intern_overgang",
            "byttetjobbinternt": "intern_overgang", "omorganisering": "intern_overgang",
            "oppsigelsefraarbeidsgiver": "annet", "oppsagtavarbeidsgiver": "annet", "avskjed": "annet",
            "kontraktutlopt": "annet", "vikariatutlopt": "annet", "engasjementutlopt": "annet",
            "uforepensjon": "annet", "dodsfall": "annet", "dod": "annet", "other": "annet",
            "dismissal": "annet", "endofcontract": "annet", "contractended": "annet", "death": "annet",
        },
        "sluttårsak", "Pensjon, Egen oppsigelse, Intern overgang, Annet",
    ),
    "gender": (
        {"k": "K", "kvinne": "K", "kvinnelig": "K", "f": "K", "m": "M", "mann": "M", "mannlig": "M",
         "female": "K", "woman": "K", "male": "M", "man": "M"},
        "kjønn", "K, M, Kvinne, Mann",
    ),
    "employment_type": (
        {
            "fast": "fast", "fastansatt": "fast", "fastansettelse": "fast", "faststilling": "fast",
            "permanent": "fast",
            "midlertidig": "midlertidig", "midlertidigansatt": "midlertidig", "midlertidigansettelse": "midlertidig",
            "midlertidigstilling": "midlertidig", "temporary": "midlertidig", "fixedterm": "midlertidig",
            "vikar": "vikar", "vikariat": "vikar", "substitute": "vikar",
            "tilkallingsvikar": "tilkallingsvikar", "tilkalling": "tilkallingsvikar",
            "ekstrahjelp": "tilkallingsvikar", "tilkallingsvikarekstrahjelp": "tilkallingsvikar",
            "oncall": "tilkallingsvikar", "casual": "tilkallingsvikar",
            "engasjement": "engasjement", "prosjektengasjement": "engasjement", "engasjementstilling": "engasjement",
            "laerling": "laerling", "larling": "laerling", "apprentice": "laerling",
        },
        "ansettelsesform", ", ".join(rules.EMPLOYMENT_TYPE_LABELS.values()),
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
    "effect_kind": (
        {"rekruttering": "rekruttering", "rekruttert": "rekruttering", "ansettelse": "rekruttering",
         "kompetanse": "kompetanse", "kvalifisering": "kompetanse", "videreutdanning": "kompetanse",
         "sertifisering": "kompetanse", "kurs": "kompetanse"},
        "effekt", "Rekruttering, Kompetanse",
    ),
}
assert set(ENUMS["end_reason"][0].values()) == set(rules.END_REASONS)
assert set(ENUMS["employment_type"][0].values()) == set(rules.EMPLOYMENT_TYPES)
assert set(ENUMS["main_task"][0].values()) == set(rules.MAIN_TASKS)

_EMPLOYEE_ID = Field(
    "employee_id", ("Ansattnr", "Ansattnummer", "Ressursnr", "Employee ID", REFERENCE_HEADER), "text", "ansattnummer"
)
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
            # A code column beside the title (issue 11): STYRK-08 or a-meldingen's 7-digit yrkeskode.
            Field("profession_code", ("Yrkeskode", "STYRK", "STYRK-08", "STYRK08", "Styrkkode", "Occupation code"),
                  "occupation_code", "yrkeskode"),
            Field("gender", ("Kjønn", "Gender"), "enum", "kjønn", choices="gender"),
            Field(
                "position_pct", ("Stillingsprosent", "Stilling %", "Stillingsandel"), "position",
                "stillingsprosent", True,
            ),
            Field("employment_type", ("Ansettelsesform",), "enum", "ansettelsesform", choices="employment_type"),
            Field("start_date", ("Startdato", "Tiltredelse", "Tiltredelsesdato", "Start date"), "date", "startdato",
                  True),
            Field("end_date", ("Sluttdato", "Fratredelse", "Fratredelsesdato", "End date"), "date", "sluttdato"),
            Field("end_reason", ("Sluttårsak",), "enum", "sluttårsak", choices="end_reason"),
            Field("education_level", ("Utdanningsnivå", "Utdanning"), "text", "utdanningsnivå"),
            # Leave (permisjon, issue 11): the share of the position on leave, and when (DESIGN.md "FTE").
            Field("leave_pct", ("Permisjonsprosent", "Permisjon %", "Permisjon prosent", "Leave %"), "leave",
                  "permisjonsprosent"),
            Field("leave_start", ("Permisjon fra", "Permisjonsstart", "Permisjon startdato", "Leave start"), "date",
                  "permisjon fra"),
            Field("leave_end", ("Permisjon til", "Permisjonsslutt", "Permisjon sluttdato", "Leave end"), "date",
                  "permisjon til"),
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
            # What the measure produces (optional; kompetanse/figures/gap.py).
            Field("effect_kind", ("Effekt", "Effekttype"), "enum", "effekt", choices="effect_kind"),
            Field("effect_target", ("Effekt gjelder", "Yrkesgruppe eller kompetanse"), "text", "effekt gjelder"),
            Field("effect_count", ("Antall personer", "Effekt antall"), "money", "antall personer"),
            Field("effect_unit", ("Effekt i enhet", "Enhet for effekt"), "text", "effekt i enhet"),
            Field("effect_from", ("Effekt fra", "Virker fra"), "date", "effekt fra"),
        ),
    ),
}

# The plan itself (issue 8): practice placements and the plan's goals.
ENUMS.update({
    "funding_source": (
        {**{norm_choice(c): c for c in funding.SOURCES}, **{norm_choice(v): c for c, v in funding.SOURCES.items()},
         "kompetanseloft": "kompetanseloftmidler", "statsforvalteren": "kompetanseloftmidler",
         "prosjekt": "prosjektmidler", "budsjettet": "budsjett", "egetbudsjett": "budsjett"},
        "finansiering", ", ".join(funding.SOURCES.values()),
    ),
    "school_type": (
        {**placements.SCHOOL_TYPE_SPELLINGS, **{norm_choice(v): c for c, v in placements.SCHOOL_TYPES.items()}},
        "skoletype", ", ".join(placements.SCHOOL_TYPES.values()),
    ),
    "goal_level": (
        {**{norm_choice(v): c for c, v in goals.LEVELS.items()}, "strategi": goals.STRATEGY,
         "resultat": goals.RESULT},
        "nivå", ", ".join(goals.LEVELS.values()),
    ),
    "goal_status": (
        {**{norm_choice(v): c for c, v in goals.STATUSES.items()},
         **{norm_choice(v.removesuffix(" realisert")): c for c, v in goals.STATUSES.items()}},
        "status", ", ".join(goals.STATUSES.values()),
    ),
    "evaluation": (
        {**{norm_choice(v): c for c, v in goals.EVALUATION_LEVELS.items()}, **{c: c for c in goals.EVALUATION_LEVELS}},
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
