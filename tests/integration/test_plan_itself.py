"""The plan itself (issue 8): placements, goals and funding imported (good and bad, the database unchanged
after a failure), closed yearly versions that later edits never change, the comparison, and the demo."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from kompetanse import importer
from kompetanse.demo import demo
from kompetanse.importer import ImportFailed
from kompetanse.plan import costs, funding, goals, placements, plan_edit, plan_versions
from kompetanse.storage import history, store
from tests.integration.test_importer import assert_same, dump, write_csv

D = date(2023, 12, 1)
PLACEMENT_HEADERS = ["Semester", "Enhet", "Skoletype", "Etterspurt", "Tilbudt", "Brukt"]
GOAL_HEADERS = ["Nr", "Nivå", "Overordnet mål", "Mål", "Fra år", "Til år", "Status", "Evaluering", "Ansvarlig"]


@pytest.fixture()
def con(tmp_path):
    connection = store.connect(tmp_path / "t.duckdb")
    units = pd.DataFrame([(u, u, None, "enhet") for u in ("HO", "SYK-A", "ALM")],
                         columns=["unit_code", "unit_name", "parent_code", "level"])
    history.record_import(connection, "units", units, file_name="u", sha256="u", snapshot_date=D)
    yield connection
    connection.close()


def _messages(failed: pytest.ExceptionInfo[ImportFailed]) -> list[str]:
    return [str(e) for e in failed.value.errors]


# --- placements --------------------------------------------------------------------------------


def test_placements_import_with_norwegian_headers_and_spellings(con, tmp_path):
    path = write_csv(tmp_path / "praksis.csv", [
        ["Vår 2023", "SYK-A", "Høgskole/universitet", "80", "66", "62"],
        ["v23", "SYK-A", "VGS", "78", "64", "58"],
        ["Høst 2023", "SYK-A", "lærling", "32", "30", "29"],
        ["2024 høst", "HO", "Videregående skole", "204", "", ""],
    ], headers=PLACEMENT_HEADERS)
    outcome = importer.import_files(con, [path], "placements", snapshot_date=D)
    assert outcome.rows == 4
    rows = placements.lines(con)
    assert list(rows["semester"]) == ["Vår 2023", "Vår 2023", "Høst 2023", "Høst 2024"]
    assert list(rows["school_type"]) == ["hogskole_universitet", "videregaende", "laerling", "videregaende"]
    assert list(rows["gap"].astype("Int64")) == [14, 14, 2, pd.NA]
    summary = placements.by_semester(con)
    spring = summary[(summary["semester"] == "Vår 2023") & summary["school_type"].isna()].iloc[0]
    assert (spring["asked"], spring["offered"], spring["used"], spring["gap"]) == (158, 130, 120, 28)
    assert placements.latest(summary)["Semester"] == "Høst 2023"  # the newest with places used
    assert placements.upcoming(summary) == ["Høst 2024: 204 plasser etterspurt, ingen tilbudt ennå"]


def test_bad_placements_are_all_reported_and_nothing_changes(con, tmp_path):
    importer.import_files(con, [write_csv(tmp_path / "ok.csv", [["Vår 2023", "HO", "lærling", "3", "2", "2"]],
                                          headers=PLACEMENT_HEADERS)], "placements", snapshot_date=D)
    before = dump(con)
    path = write_csv(tmp_path / "feil.csv", [
        ["Vår 2023", "SYK-A", "lærling", "-3", "2", "2"],
        ["Sommer 2023", "SYK-A", "lærling", "1", "1", "1"],
        ["Høst 2023", "SYK-A", "folkehøgskole", "1", "1", "1"],
        ["Høst 2023", "HO", "lærling", "1,5", "1", "1"],
        ["Vår 2024", "HO", "lærling", "4", "4", "4"],
        ["Vår 2024", "HO", "lærling", "5", "5", "5"],
    ], headers=PLACEMENT_HEADERS)
    with pytest.raises(ImportFailed) as failed:
        importer.import_files(con, [path], "placements", snapshot_date=D)
    assert _messages(failed) == [
        "feil.csv:2: Etterspurt: etterspurt kan ikke være negativ: -3",
        "feil.csv:3: Semester: ukjent semester: Sommer 2023 (skriv for eksempel «Vår 2023» eller «Høst 2023»)",
        "feil.csv:4: Skoletype: ukjent skoletype: folkehøgskole (gyldige: Høgskole/universitet, Videregående "
        "skole, Lærling)",
        "feil.csv:5: Etterspurt: etterspurt må være et helt tall: 1,5",
        "feil.csv:6: Semester: samme semester, enhet og skoletype står på mer enn én rad",
        "feil.csv:7: Semester: samme semester, enhet og skoletype står på mer enn én rad",
    ]
    assert_same(before, dump(con))


def test_placements_template_round_trip(con, tmp_path):
    workbook = openpyxl.load_workbook(io.BytesIO(importer.template("placements")))
    assert [c.value for c in workbook["Import"][1]] == PLACEMENT_HEADERS
    workbook["Import"].append(["Høst 2023", "SYK-A", "Lærling", 5, 4, 4])
    path = tmp_path / importer.template_file_name("placements")
    workbook.save(path)
    assert importer.import_files(con, [path], "placements", snapshot_date=D).rows == 1


def test_placement_edit_rejects_a_negative_amount():
    edited = pd.DataFrame([{"semester": "Vår 2023", "unit_code": "HO", "school_type": "laerling", "asked": 3,
                            "offered": -1, "used": None}])
    _, problems = placements.validate(edited, ["HO"])
    assert problems == ["Rad 1: Tilbudt: kan ikke være negativ (-1)."]


# --- goals -------------------------------------------------------------------------------------


def test_goals_import_and_a_result_goal_without_parent(con, tmp_path):
    good = write_csv(tmp_path / "mal.csv", [
        ["1", "Strategimål", "", "Kunnskapsbasert praksis", "2018", "2021", "I noen grad realisert", "Reaksjon",
         "Fagutviklingsenheten"],
        ["1.1", "Resultatmål", "1", "Retningslinjer tatt i bruk", "2018", "2019", "i stor grad", "anvendelse",
         "Fagutviklingsenheten"],
    ], headers=GOAL_HEADERS)
    importer.import_files(con, [good], "goals", snapshot_date=D)
    lines = goals.lines(con)
    assert list(lines["status"]) == ["i_noen_grad", "i_stor_grad"]
    assert list(lines["evaluation"]) == ["reaksjon", "anvendelse"]
    before = dump(con)
    bad = write_csv(tmp_path / "feil.csv", [
        ["1", "Strategimål", "", "Mål", "2018", "2021", "helt realisert", "", ""],
        ["1.1", "Resultatmål", "", "Uten overordnet", "2018", "2019", "", "", ""],
        ["1.2", "Resultatmål", "7", "Feil overordnet", "2018", "2019", "", "", ""],
    ], headers=GOAL_HEADERS)
    with pytest.raises(ImportFailed) as failed:
        importer.import_files(con, [bad], "goals", snapshot_date=D)
    assert _messages(failed) == [
        "feil.csv:2: Status: ukjent status: helt realisert (gyldige: I stor grad realisert, I noen grad realisert, "
        "I mindre grad realisert)",
        "feil.csv:3: Overordnet mål: et resultatmål må ha et overordnet strategimål",
        "feil.csv:4: Overordnet mål: overordnet mål er ikke et strategimål i filen",
    ]
    assert_same(before, dump(con))


def test_goal_validation_messages():
    edited = pd.DataFrame([
        {"goal_id": "1", "level": "strategi", "title": "Et mål", "status": "i_stor_grad"},
        {"goal_id": "1.1", "level": "resultat", "parent_id": None, "title": "Uten overordnet"},
        {"goal_id": None, "level": "resultat", "parent_id": "1", "title": "  ", "status": "helt realisert"},
    ])
    frame, problems = goals.validate(edited)
    assert problems == [
        "Rad 3: Mål: skriv hva målet er (feltet er tomt).",
        "Rad 3: Status: «helt realisert» er ikke en av I stor grad realisert, I noen grad realisert, "
        "I mindre grad realisert.",
        "Rad 2: Overordnet mål: et resultatmål må høre til et strategimål.",
    ]
    assert frame.loc[2, "goal_id"] == "1.2"  # a new row gets the next free number under its parent


# --- funding -----------------------------------------------------------------------------------

MEASURE_HEADERS = ["Enhet", "Hovedoppgave", "Kategori", "Horisont", "Tiltak", "Andre kostnader", "Finansiering",
                   "Søkt beløp", "Innvilget beløp", "Mål"]


def test_measures_import_with_funding_and_cost_against_funding(con, tmp_path):
    path = write_csv(tmp_path / "tiltak.csv", [
        ["ALM", "Utdanning av helsepersonell", "Utvikling", "1", "Interne kurs", "20 000", "Prosjektmidler",
         "20 000", "20 000", ""],
        ["HO", "Pasientbehandling", "Utvikling", "1", "Videreutdanning demens", "172 000", "Kompetanseløftmidler",
         "200 000", "150 000", "1.4"],
        ["HO", "Pasientbehandling", "Utvikling", "1", "Kurs uten finansiering", "10 000", "", "", "", ""],
    ], headers=MEASURE_HEADERS)
    importer.import_files(con, [path], "measures", snapshot_date=D)
    lines = costs.lines(con).set_index("measure")
    assert lines.loc["Videreutdanning demens", "funding_source"] == "kompetanseloftmidler"
    assert lines.loc["Videreutdanning demens", "goal_id"] == "1.4"
    assert pd.isna(lines.loc["Kurs uten finansiering", "funding_granted"])
    table = funding.display_table(funding.by_source(con)).set_index("Finansieringskilde")
    assert table.loc["Kompetanseløftmidler", "Ufinansiert"] == "22\xa0000 kr"
    assert table.loc["Ikke angitt", "Ufinansiert"] == "10\xa0000 kr"
    assert table.loc["Sum", "Kostnad per år"] == "202\xa0000 kr"
    assert funding.unfunded_total(funding.by_source(con)) == 32_000
    before = dump(con)
    bad = write_csv(tmp_path / "feil.csv", [
        ["HO", "Pasientbehandling", "Utvikling", "1", "Kurs", "10", "Lotto", "", "-5", ""],
    ], headers=MEASURE_HEADERS)
    with pytest.raises(ImportFailed) as failed:
        importer.import_files(con, [bad], "measures", snapshot_date=D)
    assert _messages(failed) == [
        "feil.csv:2: Finansiering: ukjent finansiering: Lotto (gyldige: Budsjett, Kompetanseløftmidler, "
        "Prosjektmidler, Annet)",
        "feil.csv:2: Innvilget beløp: innvilget beløp kan ikke være negativ: -5",
    ]
    assert_same(before, dump(con))


# --- yearly versions ---------------------------------------------------------------------------


def _plan(con) -> None:
    goal_frame = pd.DataFrame([
        {"goal_id": "1", "level": "strategi", "title": "Trygghet", "status": "i_noen_grad"},
        {"goal_id": "1.1", "level": "resultat", "parent_id": "1", "title": "Nyansatte", "status": "i_mindre_grad"},
    ])
    goals.save(con, goal_frame, D)
    measures = pd.DataFrame([
        {"unit_code": "ALM", "main_task": "forskning", "category": "utvikling", "horizon": 1, "measure": "A",
         "other_cost": 1000},
        {"unit_code": "ALM", "main_task": "forskning", "category": "utvikling", "horizon": 1, "measure": "B",
         "other_cost": 2000, "goal_id": "1.1"},
        {"unit_code": "HO", "main_task": "forskning", "category": "utvikling", "horizon": 5, "measure": "C",
         "other_cost": 3000, "funding_source": "budsjett", "funding_granted": 3000},
    ])
    plan_edit.save(con, measures, ["ALM", "HO"], D, known_goals=["1", "1.1"])


def test_closing_a_year_keeps_a_snapshot_that_later_edits_do_not_change(con):
    _plan(con)
    version = plan_versions.close(con, 2023, as_of=D)
    assert version.closed_by == "ukjent" and (version.goals, version.measures) == (2, 3)
    before = (plan_versions.version_goals(con, version.version_id), plan_versions.version_measures(con, 1),
              plan_versions.version_figures(con, 1))
    assert list(before[1]["cost"]) == [1000.0, 2000.0, 3000.0]

    # Later edits: a goal's status, a measure's cost, a measure removed; and a new goals import.
    edited = goals.editor_frame(goals.lines(con))
    edited.loc[edited["goal_id"] == "1.1", "status"] = "i_stor_grad"
    goals.save(con, edited, D)
    lines = plan_edit.editor_frame(costs.lines(con))
    lines.loc[lines["measure"] == "A", "other_cost"] = 9999
    lines = lines[lines["measure"] != "C"]
    plan_edit.save(con, lines, ["ALM", "HO"], D)

    after = (plan_versions.version_goals(con, 1), plan_versions.version_measures(con, 1),
             plan_versions.version_figures(con, 1))
    pd.testing.assert_frame_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])
    assert before[2] == after[2]
    with pytest.raises(plan_versions.PlanVersionError, match="Planen for 2023 er allerede lukket"):
        plan_versions.close(con, 2023, as_of=D)
    assert plan_versions.version_measures(con, 1).equals(after[1])


def test_comparison_lists_exactly_the_measures_added_removed_and_changed(con):
    _plan(con)
    plan_versions.close(con, 2022, as_of=D, closed_by="Kari", closed_at=datetime(2022, 12, 15, 9, 0))
    lines = plan_edit.editor_frame(costs.lines(con))
    lines.loc[lines["measure"] == "A", "other_cost"] = 1500  # changed: cost
    lines.loc[lines["measure"] == "B", "status"] = "gjennomført"  # changed: status
    lines = lines[lines["measure"] != "C"]  # removed
    added = {"unit_code": "HO", "main_task": "forskning", "category": "rekruttering", "horizon": 1, "measure": "D"}
    plan_edit.save(con, pd.concat([lines, pd.DataFrame([added])], ignore_index=True), ["ALM", "HO"], D)

    comparison = plan_versions.compare(plan_versions.version_measures(con, 1), costs.lines(con))
    assert list(comparison.new["measure"]) == ["D"]
    assert list(comparison.removed["measure"]) == ["C"]
    assert dict(zip(comparison.changed["measure"], comparison.changed["changes"], strict=True)) == {
        "A": "Kostnad: 1\xa0000 kr → 1\xa0500 kr",
        "B": "Status: (tom) → gjennomført",
    }
    assert comparison.unchanged == 0
    assert plan_versions.versions(con)[0].label == "Plan 2022 (lukket 15.12.2022 av Kari)"
    # Only the chosen units: HO lost C and gained D, ALM changed.
    ho = plan_versions.compare(plan_versions.version_measures(con, 1, ["HO"]), costs.lines(con, ["HO"]))
    assert (list(ho.new["measure"]), list(ho.removed["measure"]), ho.changed.empty) == (["D"], ["C"], True)


# --- the demo ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_con(tmp_path_factory):
    connection = store.connect(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    demo.load_demo(connection)
    yield connection
    connection.close()


def test_demo_has_the_larvik_placements_lorenskog_goals_alm_funding_and_two_versions(demo_con):
    summary = placements.by_semester(demo_con).set_index(["semester", "school_type"], drop=False)
    totals = summary[summary["school_type"].isna()].set_index("semester")
    assert totals.loc["Vår 2023", "used"] == 143 and totals.loc["Høst 2023", "used"] == 217
    per_type = summary[summary["school_type"].notna()]
    autumn_2024 = per_type[per_type["semester"] == "Høst 2024"].set_index("school_type")["asked"]
    assert autumn_2024.to_dict() == {"hogskole_universitet": 150, "videregaende": 204}

    lines = goals.lines(demo_con)
    assert list(lines.loc[lines["level"] == "strategi", "goal_id"]) == ["1", "2", "3"]
    assert set(lines["status"]) == set(goals.STATUSES)
    assert lines["responsible"].notna().all()

    alm = costs.lines(demo_con, ["ALM"]).set_index("measure")
    assert alm.loc["Interne kurs og samlinger", "funding_source"] == "prosjektmidler"

    closed = plan_versions.versions(demo_con)
    assert [v.plan_year for v in closed] == [2022, 2023]
    comparison = plan_versions.compare(plan_versions.version_measures(demo_con, closed[0].version_id),
                                       costs.lines(demo_con))
    # two lines changed their cost; three changed what they promise (issue 16: the effects are compared too)
    assert len(comparison.new) == 2 and len(comparison.removed) == 2 and len(comparison.changed) == 5
    changes = " ".join(comparison.changed["changes"])
    assert "Antall personer: 2 → 6" in changes and "Effekt fra: 01.06.2023 → 01.12.2026" in changes
    same = plan_versions.compare(plan_versions.version_measures(demo_con, closed[1].version_id),
                                 costs.lines(demo_con))
    assert not same.any
