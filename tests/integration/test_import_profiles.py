"""Real HR exports (issue 11): the same people in each system's layout give the template's figures; every
column is either used or reported; headers that depend on the system are decided by content; mappings
are saved, offered again and used from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kompetanse import importer
from kompetanse.__main__ import main
from kompetanse.figures import metrics
from kompetanse.importer import ImportFailed, mapping
from kompetanse.storage import store
from tests import import_corpus as corpus


def figures(con) -> dict[str, object]:
    """What `metrics --json` shows for the whole organisation and per unit (no suppression)."""
    report = metrics.report(con, metrics.Scope(as_of=corpus.SNAPSHOT), by="unit", min_cell=0)

    def shown(row: dict) -> dict:
        return {"headcount": row["headcount"], "fte": round(row["fte"], 3), "age_bands": row["age_bands"],
                "leavers_12m": row["leavers_12m"]}

    return {"total": shown(report["total"]), **{row["unit"]: shown(row) for row in report["rows"]}}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = store.connect(tmp_path_factory.mktemp("profiles") / "t.duckdb")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def template_figures(con, tmp_path_factory) -> dict[str, object]:
    path = corpus.write("template", tmp_path_factory.mktemp("template") / "mal.csv")
    importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT)
    return figures(con)


def test_the_template_figures_are_the_corpus_people(template_figures):
    assert template_figures["total"] == {
        "headcount": 24, "fte": 18.865, "age_bands": {"<20": 0, "20-29": 2, "30-39": 6, "40-49": 5, "50-59": 5,
                                                      "60-69": 4, "70+": 2},
        "leavers_12m": 4,
    }


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("layout", [name for name in corpus.LAYOUTS if name != "template"])
def test_each_system_layout_gives_the_template_figures_and_is_named(con, template_figures, tmp_path, layout, suffix):
    path = corpus.write(layout, tmp_path / f"{layout}{suffix}")
    outcome = importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT)
    assert outcome.rows == 30
    assert figures(con) == template_figures
    assert [f.profile for f in outcome.files] == [corpus.PROFILE_NAMES[layout]]


def test_the_template_itself_is_not_named_as_a_system(tmp_path):
    preview = importer.preview_file(corpus.write("template", tmp_path / "mal.xlsx"))
    assert preview.profile is None and preview.notices == () and preview.missing == []


def test_the_columns_the_issue_found_unknown_are_read(tmp_path):
    visma = importer.preview_file(corpus.write("visma", tmp_path / "visma.csv"))
    assert {h: visma.recognised.get(h) for h in ("Ans.nr", "Ansattdato[Ans.nr]", "Stillingsbrøk", "Yrke",
                                                  "Årsak til sluttdato")} == {
        "Ans.nr": "Ansattnr", "Ansattdato[Ans.nr]": "Startdato", "Stillingsbrøk": "Stillingsprosent",
        "Yrke": "Yrkesgruppe", "Årsak til sluttdato": "Sluttårsak"}
    sap = importer.preview_file(corpus.write("sap", tmp_path / "sap.csv"))
    assert {h: sap.recognised.get(h) for h in ("Personalnummer", "Organisasjonsenhet", "Stilling",
                                                "Kapasitetsutnyttelsesnivå", "Ansettelsesdato")} == {
        "Personalnummer": "Ansattnr", "Organisasjonsenhet": "Enhet", "Stilling": "Yrkesgruppe",
        "Kapasitetsutnyttelsesnivå": "Stillingsprosent", "Ansettelsesdato": "Startdato"}
    assert sap.profile == "SAP HCM"
    assert "kolonnen «Navn» er ikke brukt (personopplysninger som dette lagres ikke)." in visma.notices


# --- headers that depend on the system ------------------------------------------------------------


def _renamed(tmp_path: Path, layout: str, renames: dict[str, str], name: str = "fil.csv") -> Path:
    """The corpus people in `layout` (as CSV) with some headers renamed."""
    path = corpus.write(layout, tmp_path / name)
    lines = path.read_text(encoding="utf-8").split("\r\n")
    sep = "," if layout == "english" else ";"
    lines[0] = sep.join(renames.get(h, h) for h in lines[0].split(sep))
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return path


def test_stilling_holding_job_titles_is_the_profession(con, template_figures, tmp_path):
    path = corpus.write("sap", tmp_path / "sap.xlsx")
    outcome = importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT)
    assert outcome.rows == 30  # before: one "ugyldig stillingsprosent: Sykepleier" per row
    assert figures(con) == template_figures
    professions = con.execute("select distinct profession from v_employments order by 1").fetchall()
    assert [p for (p,) in professions] == ["Bioingeniør", "Helsefagarbeider", "Jordmor", "Lege", "Sykepleier"]


def test_stilling_holding_percentages_is_the_position(con, template_figures, tmp_path):
    path = _renamed(tmp_path, "template", {"Stillingsprosent": "Stilling"})
    importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT)
    assert figures(con) == template_figures


def test_stilling_beside_a_title_column_is_reported_not_guessed(tmp_path):
    path = _renamed(tmp_path, "sap", {"Kapasitetsutnyttelsesnivå": "Stillingsbetegnelse"})
    preview = importer.preview_file(path)
    assert preview.recognised["Stillingsbetegnelse"] == "Yrkesgruppe"
    assert "kolonnen «Stilling» er ikke brukt («Stillingsbetegnelse» brukes som Yrkesgruppe)." in preview.notices
    assert preview.missing == ["Stillingsprosent"]


def test_ansvar_holding_codes_is_the_unit(tmp_path):
    preview = importer.preview_file(corpus.write("unit4", tmp_path / "unit4.csv"))
    assert preview.recognised["Ansvar"] == "Enhet"


def test_two_columns_for_one_field_are_reported_and_neither_is_used(con, tmp_path):
    path = _renamed(tmp_path, "template", {"Yrkesgruppe": "Avdeling"})  # both headers mean Enhet
    preview = importer.preview_file(path)
    assert preview.competing == (
        "Kolonnene «Enhet» og «Avdeling» kan begge være «Enhet». Velg hvilken som skal brukes "
        "(sett de andre til «ignorer»).",)
    with pytest.raises(ImportFailed) as failure:
        importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT)
    assert failure.value.errors[0].message.startswith("Kolonnene «Enhet» og «Avdeling» kan begge være «Enhet».")
    # The user chooses: the second column is the profession after all.
    outcome = importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT, mapping={"Avdeling": "profession"})
    assert outcome.rows == 30 and outcome.files[0].notices == ()


# --- nothing dropped silently ---------------------------------------------------------------------


@pytest.mark.parametrize(("header", "layout_column", "hint"), [
    ("Sluttdto", "Sluttdato", "Sluttdato"),  # dates: a date field fits
    ("Stillingsprosnt", "Stillingsprosent", "Stillingsprosent"),  # 0-200: a percentage fits
    ("Stillingsprosnt", "Yrkesgruppe", None),  # words are not a percentage
    ("Sluttdto", "Enhet", None),  # codes are not dates
    ("Personnumer", "Ansattnr", "Personalnummer"),  # 4 digits: an employee number, not «Personnummer»
])
def test_a_hint_is_offered_only_where_the_content_fits(tmp_path, header, layout_column, hint):
    path = _renamed(tmp_path, "template", {layout_column: header})
    preview = importer.preview_file(path)
    assert preview.unknown[header] == hint
    expected = f"kolonnen «{header}» er ikke brukt" + (f"; mente du «{hint}»?" if hint else ".")
    assert expected in preview.notices


def test_hints_no_longer_point_the_wrong_way(tmp_path):
    path = _renamed(tmp_path, "template", {"Startdato": "Ansettelsesdato", "Ansattnr": "Personalnummer"})
    preview = importer.preview_file(path)
    assert preview.recognised["Ansettelsesdato"] == "Startdato"  # not «Ansettelsesform»
    assert preview.recognised["Personalnummer"] == "Ansattnr"  # not «Personnummer»
    pai = importer.preview_file(corpus.write("ks_pai", tmp_path / "pai.csv"))
    assert "Permisjonsprosent" not in pai.recognised or pai.recognised["Permisjonsprosent"] != "Stillingsprosent"
    assert pai.unknown.get("Permisjonsprosent") is None  # no «Stillingsprosent» hint


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys) -> Callable[..., Run]:
    """`python -m kompetanse ARGS` in this process (the same main(), without a new interpreter's start)."""
    def cli(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return cli


def empty_db(path: Path) -> Path:
    """A database with the schema and no data (a missing --db would be filled with the demo first)."""
    store.connect(path).close()
    return path


def test_the_command_line_reports_a_typo_column_and_still_imports(tmp_path, run):
    path = _renamed(tmp_path, "template", {"Sluttdato": "Sluttdto"}, "typo.csv")
    db = empty_db(tmp_path / "cli.duckdb")
    result = run("import", str(path), "--db", str(db), "--snapshot-date", "2023-12-01")
    assert result.returncode == 0, result.stderr
    assert "typo.csv: kolonnen «Sluttdto» er ikke brukt; mente du «Sluttdato»?" in result.stderr.splitlines()
    assert "Importert 30 rader" in result.stdout


def test_mappings_are_saved_reused_and_listed_on_the_command_line(tmp_path, run):
    first = _renamed(tmp_path, "template", {"Sluttdato": "Sluttdto", "Yrkesgruppe": "Tittel"}, "uke1.csv")
    second = _renamed(tmp_path, "template", {"Sluttdato": "Sluttdto", "Yrkesgruppe": "Tittel"}, "uke2.csv")
    written = tmp_path / "oppsett.json"
    written.write_text(json.dumps({"Tittel": "Yrkesgruppe", "Sluttdto": "end_date"}), encoding="utf-8")
    db = empty_db(tmp_path / "cli.duckdb")
    saved = run("import", str(first), "--db", str(db), "--snapshot-date", "2023-12-01",
                "--mapping", str(written), "--save-mapping", "Lønn uke")
    assert saved.returncode == 0, saved.stderr
    assert saved.stderr == ""  # every column used
    again = run("import", str(second), "--db", str(db), "--snapshot-date", "2023-12-01", "--mapping", "Lønn uke",
                "--skip-invalid")
    assert again.returncode == 0, again.stderr
    assert "Kolonneoppsett: Lønn uke" in again.stdout
    listed = run("mappings", "--db", str(db))
    assert listed.stdout.splitlines()[1].startswith("Lønn uke\tpersonnel\t10 av 10\t")
    con = store.connect(db)
    try:
        ends = con.execute("select count(end_date) from v_employments").fetchone()[0]
    finally:
        con.close()
    assert ends == 6  # the end dates of the Sluttdto column, not lost


def test_an_unknown_saved_mapping_is_a_clear_message(tmp_path, run):
    path = corpus.write("template", tmp_path / "a.csv")
    result = run("import", str(path), "--db", str(empty_db(tmp_path / "x.duckdb")), "--mapping", "Finnes ikke")
    assert result.returncode == 1
    assert result.stderr.strip() == "--mapping: ukjent kolonneoppsett «Finnes ikke» (lagrede: ingen er lagret ennå)"


# --- map once, remembered -------------------------------------------------------------------------


def test_a_saved_mapping_is_offered_for_the_next_file_with_the_same_headers(con, template_figures, tmp_path):
    path = _renamed(tmp_path, "template", {"Yrkesgruppe": "Tittel", "Enhet": "Sted"}, "mars.csv")
    preview = importer.preview_file(path)
    assert preview.missing == ["Enhet", "Yrkesgruppe"]
    chosen = mapping.chosen_columns(
        [{**row, mapping.USED_AS: {"Tittel": "Yrkesgruppe", "Sted": "Enhet"}.get(row[mapping.COLUMN],
                                                                               row[mapping.USED_AS])}
         for row in mapping.column_rows(preview, "personnel")], "personnel")
    mapping.save(con, "HR-rapport", "personnel", [c.header for c in preview.columns], chosen)

    # April's file: the same headers (another order, other case) -> the saved mapping is found and works.
    april = _renamed(tmp_path, "template", {"Yrkesgruppe": "TITTEL", "Enhet": "sted"}, "april.csv")
    headers = [c.header for c in importer.preview_file(april).columns]
    found = mapping.matching(con, "personnel", list(reversed(headers)))
    assert found is not None and found.name == "HR-rapport"
    importer.import_files(con, [april], snapshot_date=corpus.SNAPSHOT, mapping=found.columns)
    assert figures(con) == template_figures
    # Another layout is not offered it.
    assert mapping.matching(con, "personnel", ["Ansattnr", "Enhet"]) is None


def test_a_column_set_to_ignorer_is_left_out_and_said(con, tmp_path):
    path = corpus.write("template", tmp_path / "a.csv")
    outcome = importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT, mapping={"Sluttårsak": None})
    assert outcome.files[0].notices == ("kolonnen «Sluttårsak» er ikke brukt (satt til «ignorer»).",)
    assert con.execute("select count(end_reason) from v_employments").fetchone()[0] == 0


def test_a_mapping_file_with_an_unknown_field_is_refused(tmp_path):
    written = tmp_path / "m.json"
    written.write_text('{"Tittel": "Favorittfarge"}', encoding="utf-8")
    with pytest.raises(mapping.MappingError, match="ukjent felt «Favorittfarge» i kolonneoppsettet"):
        mapping.read_file(written, "personnel")


def test_the_preview_never_shows_a_fodselsnummer_as_an_example(tmp_path):
    preview = importer.preview_file(corpus.write("amelding", tmp_path / "a.csv"), mapping={"norskIdentifikator": None})
    examples = {c.header: c.example for c in preview.columns}
    assert examples["norskIdentifikator"] == ""
    assert examples["virksomhet"] == "MED"


def test_sap_open_end_31_12_9999_is_no_end_date(con, template_figures, tmp_path):
    path = corpus.write("sap", tmp_path / "sap.csv")
    lines = path.read_text(encoding="utf-8").split("\r\n")
    end = lines[0].split(";").index("Fratredelsesdato")
    rows = [line.split(";") for line in lines[1:] if line]
    for row in rows:
        row[end] = row[end] or "31.12.9999"
    path.write_text("\r\n".join([lines[0], *(";".join(r) for r in rows)]) + "\r\n", encoding="utf-8")
    outcome = importer.import_files(con, [path], snapshot_date=corpus.SNAPSHOT)
    assert outcome.rows == 30  # before: "årstallet er utenfor 1900-2100: 31.12.9999" on 24 rows
    assert figures(con) == template_figures


def test_a_competence_export_from_the_same_system_names_the_person_the_same_way(tmp_path):
    path = tmp_path / "kurs.csv"
    path.write_text("Personalnummer;Kompetanse;Type;Oppnådd\r\n1001;ABC-kurs;kurs;01.02.2023\r\n", encoding="utf-8")
    preview = importer.preview_file(path, "competences")
    assert preview.recognised["Personalnummer"] == "Ansattnr" and preview.missing == []


def test_a_mapping_that_names_none_of_the_files_columns_is_pointed_out(tmp_path, run):
    written = tmp_path / "sap.json"
    written.write_text(json.dumps({"Personalnummer": "Ansattnr"}), encoding="utf-8")
    path = corpus.write("template", tmp_path / "mal.csv")
    result = run("import", str(path), "--db", str(empty_db(tmp_path / "x.duckdb")), "--mapping", str(written))
    assert result.returncode == 0
    assert "mal.csv: kolonneoppsettet «sap.json» nevner ingen av filens kolonner" in result.stderr.splitlines()
