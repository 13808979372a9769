"""Profession groups (DESIGN.md "Profession groups"): titles and STYRK codes map to the groups the rules use,
in every figure; the table is editable; titles no row covers are listed."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kompetanse.figures import metrics, professions, retirement, rules
from kompetanse.figures.metrics import Scope
from kompetanse.storage import store
from tests.fixtures import database, employment

D = date(2023, 12, 1)
TURNS_65_IN_YEAR_1 = date(1959, 6, 1)  # 64 on d, 65 on 01.06.2024


def test_an_intensive_care_nurse_is_a_specialist_nurse_with_the_age_limit_65(tmp_path):
    con = database(tmp_path, [
        employment("icu", birth=TURNS_65_IN_YEAR_1, profession="Intensivsykepleier"),
        employment("anaesthesia", birth=TURNS_65_IN_YEAR_1, profession="ANESTESISYKEPLEIER "),
        employment("theatre", birth=date(1985, 1, 1), profession="Operasjonssykepleier"),
    ])
    groups = metrics.compute(con, Scope(as_of=D), by="profession")
    assert list(groups.loc[~groups["is_total"], "profession"]) == ["spesialsykepleier"]
    assert groups.loc["spesialsykepleier", "headcount"] == 3
    # 65 (særaldersgrense), not 67: both 64-year-olds retire within a year.
    assert groups.loc["spesialsykepleier", "retiring_within_1y"] == 2
    assert retirement.year_table(con, Scope(as_of=D), 1).persons.values.loc["spesialsykepleier", "År 1"] == 2


def test_an_omsorgsarbeider_gets_the_age_limit_65(tmp_path):
    con = database(tmp_path, [employment("o", birth=TURNS_65_IN_YEAR_1, profession="Omsorgsarbeider")])
    row = metrics.compute(con, Scope(as_of=D), by="profession").loc["omsorgsarbeider"]
    assert row["retiring_within_1y"] == 1


def test_a_styrk_code_decides_when_the_title_is_not_in_the_table(tmp_path):
    con = database(tmp_path, [
        employment("coded", birth=TURNS_65_IN_YEAR_1, profession="Spesialsykepleiere"),  # STYRK's own name
        employment("titled", profession="Fagsykepleier"),
    ])
    con.execute("update employments set profession_code = '2221105' where employee_id = 'coded'")  # 7 digits
    con.execute("update employments set profession_code = '2223' where employee_id = 'titled'")
    con.execute(store.PROFESSION_GROUP_REDERIVE)  # the stored group follows the codes, as an import writes it
    frame = metrics.compute(con, Scope(as_of=D), by="profession")
    assert sorted(frame.loc[~frame["is_total"], "profession"]) == ["spesialsykepleier", "sykepleier"]
    assert frame.loc["spesialsykepleier", "retiring_within_1y"] == 1
    assert professions.group_of(con, "Fagsykepleier", "2223") == "sykepleier"
    assert professions.group_of(con, "Intensivsykepleier", "2223") == "spesialsykepleier"  # the title first


def test_the_profession_filter_and_the_rule_table_use_the_group(tmp_path):
    con = database(tmp_path, [
        employment("icu", profession="Intensivsykepleier"),
        employment("nurse", profession="sykepleier"),
        employment("doctor", profession="Overlege"),
    ])
    scope = Scope(as_of=D, professions=("spesialsykepleier",))
    assert metrics.compute(con, scope, by=None).loc["total", "headcount"] == 1
    assert "spesialsykepleier" in set(retirement.rule_table(con)["profession"])


def test_a_title_no_row_covers_keeps_itself_and_is_listed_until_assigned(tmp_path):
    con = database(tmp_path, [employment("a", profession="Kokk"), employment("b", profession="Kokk"),
                              employment("c", profession="sykepleier")])
    unmapped = professions.unmapped_titles(con)
    assert unmapped.values.tolist() == [["Kokk", 2]]
    assert professions.group_of(con, "Kokk") == "Kokk"
    assert professions.assign_titles(con, unmapped.assign(profession_group="kjøkken")) == []
    assert professions.unmapped_titles(con).empty
    assert metrics.compute(con, Scope(as_of=D), by="profession").loc["kjøkken", "headcount"] == 2


def test_group_table_edits_are_checked_and_saved_in_one_go(tmp_path):
    con = database(tmp_path, [employment("a", profession="Sykepleier")])
    before = professions.group_table(con)
    bad = pd.concat([professions.for_editing(before), pd.DataFrame([
        {"match_kind": "STYRK-kode", "match_value": "99", "profession_group": "x"},
        {"match_kind": "Tittel", "match_value": "INTENSIVSYKEPLEIER", "profession_group": "sykepleier"},
        {"match_kind": "Tittel", "match_value": "Ny tittel", "profession_group": ""},
    ])], ignore_index=True)
    errors = professions.save_groups(con, bad)
    assert len(errors) == 3
    assert "ikke en STYRK-08-kode" in errors[0]
    assert "står allerede i rad" in errors[1]
    assert "yrkesgruppe mangler" in errors[2]
    assert len(professions.group_table(con)) == len(before)
    good = pd.concat([professions.for_editing(before), pd.DataFrame([
        {"match_kind": "STYRK-kode", "match_value": "5322123", "profession_group": "assistent"}])],
        ignore_index=True)
    assert professions.save_groups(con, good) == []
    assert professions.group_of(con, "Hjemmehjelp", "5322") == "assistent"
    professions.reset_groups(con)
    assert len(professions.group_table(con)) == len(rules.DEFAULT_PROFESSION_GROUPS)


def test_titles_compare_without_case_spaces_or_accents():
    assert professions.title_key("  Bioingeniør ") == "bioingeniør"
    assert professions.title_key("Sykepleier på Ålesund") == "sykepleier pa alesund"
