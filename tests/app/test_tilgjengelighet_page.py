"""AppTest: the accessibility statement is in every role's menu and opens without signing in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.access import access, users
from kompetanse.presentation import accessibility
from kompetanse.storage import store
from tests.app.helpers import app
from tests.fixtures import demo_copy

HEADINGS = ["Status", "Dette oppfyller ikke kravene", "Dette er gjort for å oppfylle kravene",
            "Slik er løsningen testet", "Tilbakemelding og klage"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("tilgjengelighet") / "demo.duckdb")


def _statement(at: AppTest) -> AppTest:
    at.switch_page("pages/tilgjengelighet.py").run()
    assert not at.exception
    return at


def test_the_statement_has_the_parts_uutilsynet_asks_for(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMPETANSE_DB", str(demo_db))
    at = _statement(app().run())
    assert [t.value for t in at.title] == ["Tilgjengelighetserklæring"]
    assert [h.value for h in at.main.header] == HEADINGS
    assert any("oppfyller kravene **delvis**" in m.value for m in at.main.markdown)
    known = [s.value for s in at.main.subheader]
    assert known == [problem.title for problem in accessibility.KNOWN_PROBLEMS]
    tested = " ".join(m.value for m in at.main.markdown)
    assert f"axe-core {accessibility.axe_version()}" in tested and accessibility.axe_version().startswith("4.")
    assert "Diskrimineringsnemnda" in tested


def test_every_role_has_the_statement_in_its_menu() -> None:
    assert all("tilgjengelighet" in pages for pages in access.ROLE_PAGES.values())
    assert "tilgjengelighet" in access.OPEN.pages()


def test_the_statement_opens_without_signing_in_and_the_sign_in_form_links_to_it(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "users.duckdb"
    shutil.copyfile(demo_db, path)
    con = store.connect(path)
    users.add(con, "kari", "leder", ["MB-L"], "riktig-passord")
    con.close()
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    at = app().run()
    assert [t.value for t in at.title] == ["Logg inn"]
    assert [link.label for link in at.get("page_link")] == ["Tilgjengelighetserklæring"]
    at = _statement(at)
    assert [t.value for t in at.title] == ["Tilgjengelighetserklæring"]
    assert not at.metric  # nothing of the data without signing in
