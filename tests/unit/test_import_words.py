"""The words HR systems print for end reasons and employment forms (issue 11, item 5)."""

from __future__ import annotations

import pytest

from kompetanse.figures import rules
from kompetanse.importer import enum_parser, parse_end_reason

# a-meldingen's aarsakTilSluttdato: Skatteetaten's six codes, as codes and as the Altinn form spells them.
END_REASONS = [
    ("arbeidstakerHarSagtOppSelv", "egen_oppsigelse"),
    ("Arbeidstaker har sagt opp selv", "egen_oppsigelse"),
    ("endringIOrganisasjonsstrukturEllerByttetJobbInternt", "intern_overgang"),
    ("Endring i organisasjonsstruktur eller byttet jobb internt", "intern_overgang"),
    ("kontraktEngasjementEllerVikariatErUtloept", "annet"),
    ("Kontrakt, engasjement eller vikariat er utløpt", "annet"),
    ("arbeidsgiverHarSagtOppArbeidstaker", "annet"),
    ("Arbeidsgiver har sagt opp arbeidstaker", "annet"),
    ("byttetLoenssystemEllerRegnskapsfoerer", "annet"),
    ("Byttet lønnssystem eller regnskapsfører", "annet"),
    ("arbeidsforholdetSkulleAldriVaertRapportert", "annet"),
    ("pensjon", "pensjon"),
    ("Alderspensjon", "pensjon"),
    ("AFP", "pensjon"),
    ("Retirement", "pensjon"),
    ("Egen oppsigelse", "egen_oppsigelse"),
    ("Resignation", "egen_oppsigelse"),
    ("Intern overgang", "intern_overgang"),
]


@pytest.mark.parametrize(("word", "reason"), END_REASONS)
def test_end_reasons_in_the_systems_words_are_read(word, reason):
    assert parse_end_reason(word) == reason


EMPLOYMENT_FORMS = [
    ("Fast ansettelse", "fast"), ("fast", "fast"), ("Fast ansatt", "fast"), ("Permanent", "fast"),
    ("Midlertidig ansettelse", "midlertidig"), ("midlertidig", "midlertidig"), ("Temporary", "midlertidig"),
    ("Vikar", "vikar"), ("Vikariat", "vikar"),
    ("Tilkallingsvikar", "tilkallingsvikar"), ("Ekstrahjelp", "tilkallingsvikar"),
    ("Tilkallingsvikar/ekstrahjelp", "tilkallingsvikar"),
    ("Engasjement", "engasjement"), ("Lærling", "laerling"), ("Apprentice", "laerling"),
]


@pytest.mark.parametrize(("word", "form"), EMPLOYMENT_FORMS)
def test_employment_forms_in_the_systems_words_are_read(word, form):
    assert enum_parser("employment_type")(word) == (form, None)


def test_the_employment_types_are_the_six_health_services_use():
    assert rules.EMPLOYMENT_TYPES == ("fast", "midlertidig", "vikar", "tilkallingsvikar", "engasjement", "laerling")
    assert rules.EMPLOYMENT_TYPE_LABELS["laerling"] == "Lærling"


def test_an_unknown_form_names_every_accepted_one():
    assert enum_parser("employment_type")("innleid") == (
        None, "ukjent ansettelsesform: innleid (gyldige: Fast, Midlertidig, Vikar, Tilkallingsvikar/ekstrahjelp, "
        "Engasjement, Lærling)")
