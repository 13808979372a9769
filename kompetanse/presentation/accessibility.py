"""The accessibility statement (tilgjengelighetserklæring): what was tested, how, and what does not meet
WCAG 2.1 AA, in the parts uutilsynet asks a statement to have. The Tilgjengelighet page draws it.

Keep it true: the tests named here are tests/e2e/test_accessibility.py (axe-core over every page and
role), tests/e2e/test_keyboard.py, tests/app/test_chart_alternatives.py and tests/unit/test_colours.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE_JSON = Path(__file__).resolve().parents[2] / "package.json"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")  # the axe-core rules the browser test runs
UPDATED = "01.12.2026"


@cache
def axe_version() -> str:
    """The axe-core version the browser tests use (package.json), or "" where the file is missing."""
    try:
        return str(json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["devDependencies"]["axe-core"])
    except (OSError, KeyError, ValueError):
        return ""


@dataclass(frozen=True)
class KnownProblem:
    title: str
    criteria: str  # the WCAG 2.1 success criteria it breaks
    consequence: str  # what it means for the user
    alternative: str  # how to get the same information or task done


INTRO = (
    "Kompetanse skal kunne brukes av alle ledere, også de som bruker skjermleser, forstørrelse eller bare "
    "tastatur. Offentlige virksomheter skal følge kravene til universell utforming av ikt, det vil si "
    "WCAG 2.1 nivå A og AA. Denne erklæringen er leverandørens underlag: virksomheten som tar Kompetanse i "
    "bruk, publiserer sin egen erklæring på uustatus.no og kan bygge på denne."
)
STATUS = (
    "Kompetanse oppfyller kravene **delvis**. Alle sider er testet automatisk uten funn, men noen deler "
    "oppfyller ikke kravene fullt ut (se under)."
)
KNOWN_INTRO = "Dette er kjente avvik fra kravene, hva de betyr for deg, og hvordan du kan få det samme gjort."

KNOWN_PROBLEMS: tuple[KnownProblem, ...] = (
    KnownProblem(
        title="Detaljer i diagrammene",
        criteria="1.1.1 Ikke-tekstlig innhold, 2.1.1 Tastatur",
        consequence=(
            "Selve diagrammene kan ikke leses av skjermleser, og verdien for hver søyle eller hvert punkt "
            "vises bare når du holder musepekeren over den."
        ),
        alternative=(
            "Under hvert diagram står det i tekst hva diagrammet viser og hva hovedfunnet er, og tallene "
            "finnes i tabellen ved siden av eller under «Vis tallene»."
        ),
    ),
    KnownProblem(
        title="Store tabeller",
        criteria="1.3.1 Informasjon og relasjoner, 4.1.2 Navn, rolle, verdi",
        consequence=(
            "De lange tabellene, som kan sorteres, er tegnet som et rutenett. Skjermlesere leser rutenettet ulikt, "
            "og forklaringen til en kolonne vises når du holder musepekeren over overskriften. Korte tabeller, "
            "som pensjonering per år, er vanlige tabeller som leses celle for celle."
        ),
        alternative=(
            "Kolonneforklaringene står også i teksten under tabellene. Hele utvalget kan lastes ned som "
            "Excel-arbeidsbok på siden Rapport."
        ),
    ),
    KnownProblem(
        title="Redigerbare tabeller",
        criteria="4.1.2 Navn, rolle, verdi",
        consequence=(
            "Tabellene der du legger inn tiltak, mål, praksisplasser og regler, kan brukes med tastatur "
            "(piltaster og Enter), men skjermlesere sier lite om hvilken celle du står i."
        ),
        alternative=(
            "Planen kan fylles ut i Excel og importeres på siden Import (HR og administrator), eller du kan "
            "be HR legge inn endringene."
        ),
    ),
    KnownProblem(
        title="Nedlastede filer",
        criteria="1.1.1 Ikke-tekstlig innhold (i dokumentene)",
        consequence=(
            "Excel-arbeidsboken og PowerPoint-presentasjonen er ikke testet for tilgjengelighet, og "
            "diagrammene i dem har ikke alternativ tekst."
        ),
        alternative="Tallene bak hvert diagram står i tabeller i de samme filene.",
    ),
)

MEASURES: tuple[str, ...] = (
    "Tekst og bakgrunn har kontrast på minst 4,5:1, også hjelpetekster og bildetekster.",
    "Diagrammenes farger har minst 3:1 kontrast mot hvit bakgrunn, og de samme fargene betyr det samme i "
    "appen, i Excel og i PowerPoint (kvinner, menn, yrkesgrupper, kategorier).",
    "Ingen informasjon gis bare med farge: varmekartet har prosenten i hver rute, og tall som er skjult for "
    "å verne enkeltpersoner, står som «<5».",
    "Alle diagrammer har en tekst som sier hva de viser og hva hovedfunnet er, og tallene som tabell.",
    "Alle skjemafelt har synlige ledetekster, og alt kan velges og endres med tastatur.",
    "Sidene er merket som norsk (bokmål), så skjermlesere leser dem med norsk uttale.",
)


def tested() -> tuple[str, ...]:
    """How the solution was tested (the lines the page lists)."""
    version = axe_version()
    axe = f"axe-core {version}" if version else "axe-core"
    return (
        f"Automatisk test med {axe} (reglene for WCAG 2.0 og 2.1, nivå A og AA) i Chromium, på hver side, "
        "for hver rolle (åpen demo, leder, klinikkledelse, HR og administrator) og på innloggingssiden, med "
        "alle faner og utvidbare seksjoner åpne. Testen kjører ved hver endring av koden og stopper ved ethvert funn.",
        "En test i nettleser gjør en hovedoppgave (velge enhet og dato, bytte side) med bare tastaturet.",
        "Automatiske tester kontrollerer at hvert diagram har sin tekst og sine tall, og at fargene har "
        "nok kontrast.",
    )


TESTED = tested()
NOT_TESTED = (
    "Løsningen er ikke testet manuelt med skjermlesere (NVDA, JAWS, VoiceOver) eller av brukere med "
    "nedsatt funksjonsevne, og ikke ved 400 % forstørrelse. Automatiske tester finner bare en del av "
    "problemene; vi retter det som blir meldt."
)
FEEDBACK = (
    "Finner du noe som ikke virker for deg, eller trenger du innholdet i en annen form? Meld fra til den som "
    "drifter Kompetanse i virksomheten din (HR eller IT). Virksomheten skal svare deg så snart som mulig."
)
COMPLAINT = (
    "Får du ikke svar, eller er du ikke fornøyd med svaret, kan du klage til Diskrimineringsnemnda. "
    "Tilsynet for universell utforming av ikt (Uutilsynet) fører tilsyn med at kravene følges."
)
