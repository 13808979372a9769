"""The Tiltak og kostnader page on the demo's ALM plan: the editor adds, changes and deletes lines, rejects
an invalid edit, undoes the last save, and the totals shown follow.

AppTest cannot type into st.data_editor; it seeds the editor's edit state (edited_rows, added_rows,
deleted_rows) in session state before a run, which is what the browser sends, and clicks the buttons.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kompetanse.presentation import formatting

TIMEOUT = 60
# The ALM plan's one-year lines: 450 x 15 x 1 x 40 + 20 000 + 3 600 x 50 + (150 000 + 10 000) + 20 000.
ALM_ONE_YEAR = 270_000 + 20_000 + 180_000 + 160_000 + 20_000


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiltak") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOMPETANSE_DB", str(path))
        yield path


def _kr(amount: int) -> str:
    return f"{amount:,} kr".replace(",", "\u00a0")


def _one_year_total(at: AppTest) -> str:
    return at.metric[0].value


def _unit_total(at: AppTest, unit_name: str) -> str:
    for frame in at.dataframe:
        value = frame.value
        if "Ettårsplan" in value.columns and "Enhet" in value.columns:
            return value.set_index("Enhet").loc[unit_name, "Ettårsplan"]
    raise AssertionError("no totals per unit")


def _row(at: AppTest, measure: str, horizon: int = 1) -> int:
    table = at.data_editor[0].value
    matches = table[(table["measure"] == measure) & (table["horizon"] == horizon)]
    assert len(matches) == 1, measure
    return int(matches.index[0])


def _edit(at: AppTest, edited=None, added=None, deleted=None) -> AppTest:
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}
    next(b for b in at.button if b.label == "Lagre endringer").click().run()
    assert not at.exception
    return at


def test_editor_add_change_delete_reject_and_undo(db_file):
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT).run()
    at.switch_page("pages/tiltak.py").run()
    at.multiselect(key="f_units").set_value(["ALM"]).run()
    assert not at.exception
    assert at.data_editor[0].editing_mode == "dynamic"
    assert _one_year_total(at) == _kr(ALM_ONE_YEAR)
    assert _unit_total(at, "Avdeling for laboratoriemedisin") == _kr(ALM_ONE_YEAR)

    # Change: 20 instead of 15 at internal teaching: 450 x 20 x 1 x 40 = 360 000.
    _edit(at, edited={_row(at, "Internundervisning i arbeidstiden"): {"participants": 20}})
    total = ALM_ONE_YEAR + 90_000
    assert _one_year_total(at) == _kr(total)
    assert at.success and "Lagret" in at.success[0].value
    editor = at.data_editor[0].value
    assert editor.loc[_row(at, "Internundervisning i arbeidstiden"), "cost"] == _kr(360_000)

    # Add: a course of 5 000 kr in research.
    added = {"unit_code": "ALM", "main_task": "forskning", "category": "utvikling", "horizon": 1,
             "need": "Statistikk", "measure": "Statistikkurs", "course_fee": 5000}
    _edit(at, added=[added])
    total += 5_000
    assert _one_year_total(at) == _kr(total)
    assert _row(at, "Statistikkurs") >= 0

    # Delete: internal courses and gatherings (20 000) in the one-year plan.
    _edit(at, deleted=[_row(at, "Interne kurs og samlinger")])
    total -= 20_000
    assert _one_year_total(at) == _kr(total)
    assert _unit_total(at, "Avdeling for laboratoriemedisin") == _kr(total)

    # Rejected: negative hours and an unknown main task; nothing is saved.
    row = _row(at, "Statistikkurs")
    _edit(at, edited={row: {"hours": -2, "main_task": "ledelse"}})
    assert at.error
    message = at.error[0].value
    assert "ble ikke lagret" in message
    assert f"Rad {row + 1}: Timer: kan ikke være negativ ({formatting.number(-2)})." in message
    assert f"Rad {row + 1}: Hovedoppgave: «ledelse»" in message
    assert _one_year_total(at) == _kr(total)

    # Undo the last save (the deletion): the 20 000 line is back.
    next(b for b in at.button if b.label == "Angre siste lagring").click().run()
    assert not at.exception
    total += 20_000
    assert _one_year_total(at) == _kr(total)
    assert _row(at, "Interne kurs og samlinger") >= 0
    assert "angret" in at.success[0].value
    assert not [b for b in at.button if b.label == "Angre siste lagring"]
