"""Mål og strategi, Praksisplasser and the funding on Tiltak og kostnader, on the demo: what a user sees, edits
that are saved, edits that are rejected (a status outside the list, an amount below zero) with nothing saved,
closing a year and the comparison with the year before.

AppTest cannot type into st.data_editor: the editor's edit state (edited_rows, added_rows, deleted_rows) is
set in session state before a run, which is what the browser sends, and the buttons are clicked.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import app, metric_values, plain


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOMPETANSE_DB", str(path))
        yield path


def _open(page: str) -> AppTest:
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _edit(at: AppTest, button: str, edited=None, added=None, deleted=None, editor: int = 0) -> AppTest:
    key = at.data_editor[editor].key
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}
    next(b for b in at.button if b.label == button).click().run()
    assert not at.exception
    return at


def _table(at: AppTest, column: str):
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def test_goals_status_matrix_edit_rejects_and_saves(db_file):
    at = _open("pages/maal.py")
    figures = metric_values(at)
    assert (figures["I stor grad realisert"], figures["I noen grad realisert"], figures["I mindre grad realisert"]) \
        == ("2", "6", "4")
    matrix = _table(at, "I stor grad realisert").set_index("Nr.")
    assert matrix.loc["1.1", "I stor grad realisert"] == "X"
    assert matrix.loc["3", "I mindre grad realisert"] == "X"
    assert matrix.loc["1.3", "Ansvarlig"] == "Ressursgruppe demens"

    goals_editor = at.data_editor[0].value
    row = int(goals_editor.index[goals_editor["goal_id"] == "3.2"][0])
    # Rejected: a status outside the list, an empty title, a result goal without a parent.
    _edit(at, "Lagre mål", edited={row: {"status": "helt realisert", "title": ""}},
          added=[{"level": "resultat", "title": "Nytt mål uten overordnet"}])
    message = at.error[0].value
    assert "Målene ble ikke lagret" in message
    assert f"Rad {row + 1}: Status: «helt realisert» er ikke en av I stor grad realisert" in message
    assert f"Rad {row + 1}: Mål: skriv hva målet er (feltet er tomt)." in message
    assert f"Rad {len(goals_editor) + 1}: Overordnet mål: et resultatmål må høre til et strategimål." in message
    assert metric_values(at)["I stor grad realisert"] == "2"  # nothing saved

    # Saved: 3.2 is now realised to a great extent, with a new responsible.
    _edit(at, "Lagre mål", edited={row: {"status": "i_stor_grad", "responsible": "Kvalitetsrådgiver"}})
    assert "Lagret: 12 mål" in at.success[0].value
    assert metric_values(at)["I stor grad realisert"] == "3"
    matrix = _table(at, "I stor grad realisert").set_index("Nr.")
    assert (matrix.loc["3.2", "I stor grad realisert"], matrix.loc["3.2", "Ansvarlig"]) == ("X", "Kvalitetsrådgiver")

    # Undo brings the earlier statuses back.
    next(b for b in at.button if b.label == "Angre siste lagring").click().run()
    assert metric_values(at)["I stor grad realisert"] == "2"


def test_closing_a_year_and_the_comparison_with_last_year(db_file):
    at = _open("pages/maal.py")
    figures = metric_values(at)
    # The demo compares the 2022 plan with the current plan: two new, two removed, five changed (two costs, and
    # three lines whose promised effect moved).
    assert (figures["Nye tiltak"], figures["Fjernede tiltak"], figures["Endrede tiltak"]) == ("2", "2", "5")
    new = _table(at, "Horisont").set_index("Tiltak")  # the first of the new and removed lists: the new
    assert "Risikotavlemøter i alle avdelinger" in new.index
    changes = _table(at, "Endringer").set_index("Tiltak")
    assert plain(changes.loc["Internundervisning i arbeidstiden", "Endringer"]).startswith(
        "Kostnad: 216 000 kr → 270 000 kr")
    then_now = _table(at, "Nøkkeltall").set_index("Nøkkeltall")
    assert list(then_now.columns) == ["Plan 2022 (lukket 15.12.2022 av Fagutviklingsenheten (demo))",
                                      "Gjeldende plan"]
    assert plain(then_now.loc["Ansatte", "Gjeldende plan"]) == "1 196"

    # 2023 is closed already: refused. 2024 closes, by "ukjent" (nobody is signed in).
    next(b for b in at.button if b.label == "Lukk planen for 2023").click().run()
    assert "Planen for 2023 er allerede lukket" in at.error[0].value
    at.number_input(key="maal_close_year").set_value(2024).run()
    next(b for b in at.button if b.label == "Lukk planen for 2024").click().run()
    assert not at.exception
    assert "Planen for 2024 er lukket" in at.success[0].value and "av ukjent" in at.success[0].value
    versions = _table(at, "Lukket av").set_index("Planår")
    assert versions.loc["2024", "Lukket av"] == "ukjent"


def test_placements_trend_edit_rejects_negative_and_saves(db_file):
    at = _open("pages/praksis.py")
    assert at.subheader[0].value == "Siste gjennomførte semester: Høst 2023"
    assert metric_values(at)["Brukt"] == "217"
    trend = _table(at, "Brukt").set_index("Semester")
    assert trend.loc["Vår 2023", "Brukt"] == "143"
    assert plain(trend.loc["Høst 2024", "Etterspurt"]) == "354"
    assert any("Høst 2024: 354 plasser etterspurt" in i.value for i in at.info)
    assert at.get("plotly_chart")

    editor = at.data_editor[0].value
    row = int(editor.index[(editor["semester"] == "Høst 2023") & (editor["unit_code"] == "SYK-A")
                           & (editor["school_type"] == "laerling")][0])
    _edit(at, "Lagre praksisplasser", edited={row: {"used": -4}})
    assert "Praksisplassene ble ikke lagret" in at.error[0].value
    assert f"Rad {row + 1}: Brukt: kan ikke være negativ (-4)." in at.error[0].value
    assert metric_values(at)["Brukt"] == "217"

    # Saved: two more used in autumn 2023 (as long as offered allows); and a new semester row.
    used = int(editor.loc[row, "used"])
    _edit(at, "Lagre praksisplasser", edited={row: {"used": used + 2}},
          added=[{"semester": "v25", "unit_code": "HJT", "school_type": "laerling", "asked": 6}])
    assert "Lagret" in at.success[0].value
    assert metric_values(at)["Brukt"] == "219"
    trend = _table(at, "Brukt").set_index("Semester")
    assert trend.loc["Vår 2025", "Etterspurt"] == "6"


def test_tiltak_funding_against_cost_and_a_rejected_amount(db_file):
    at = _open("pages/tiltak.py")
    at.multiselect(key="f_units").set_value(["ALM"]).run()
    funding = _table(at, "Ufinansiert").set_index("Finansieringskilde")
    assert plain(funding.loc["Prosjektmidler", "Innvilget"]) == "40 000 kr"
    assert plain(funding.loc["Annet", "Ufinansiert"]) == "20 000 kr"
    assert plain(metric_values(at)["Ufinansiert per år"]) == "20 000 kr"

    editor = at.data_editor[0].value
    row = int(editor.index[editor["measure"] == "Kurs for teknisk bedømmer og validering"][0])
    _edit(at, "Lagre endringer", edited={row: {"funding_granted": -100}})
    assert f"Rad {row + 1}: Innvilget (kr): kan ikke være negativ" in at.error[0].value
    assert plain(metric_values(at)["Ufinansiert per år"]) == "20 000 kr"

    _edit(at, "Lagre endringer", edited={row: {"funding_source": "budsjett", "funding_granted": 15000}})
    assert not at.error
    funding = _table(at, "Ufinansiert").set_index("Finansieringskilde")
    assert plain(funding.loc["Budsjett", "Ufinansiert"]) == "5 000 kr"
    assert plain(metric_values(at)["Ufinansiert per år"]) == "5 000 kr"
