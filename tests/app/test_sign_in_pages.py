"""AppTest: the open mode is a setting, the Logg page in the open demo, OpenID Connect by its claim only, and a
database error during sign-in shown as a sentence (issue 12, items 6 and 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.access import users
from kompetanse.storage import store
from tests.app.helpers import app
from tests.fixtures import demo_copy

PASSWORD = "riktig-passord"
SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x", "client_id": "x",
           "client_secret": "x", "server_metadata_url": "https://login.example/.well-known/openid-configuration"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("sign-in-pages") / "demo.duckdb")


@pytest.fixture
def db(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kompetanse.duckdb"
    shutil.copyfile(template, path)
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    return path


def _with(path: Path, *, user: tuple[str, str, list[str]] | None = None, open_access: bool | None = None) -> None:
    con = store.connect(path)
    try:
        if user is not None:
            users.add(con, user[0], user[1], user[2], PASSWORD)
        if open_access is not None:
            users.set_open(con, open_access)
    finally:
        con.close()


def _stems(at: AppTest) -> set[str]:
    return {Path(str(info["script_path"])).stem for info in at._registered_pages.values() if info.get("script_path")}


def test_the_open_demo_shows_the_logg_page_with_its_entries(db: Path) -> None:
    at = app().run()
    assert not at.exception
    assert "logg" in _stems(at)
    at.switch_page("pages/logg.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Logg"]
    assert not at.warning  # not "Loggen er bare for administrator"


def test_no_users_and_not_open_lets_nobody_in(db: Path) -> None:
    _with(db, open_access=False)
    at = app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Kompetanse er ikke satt opp"]
    assert not at.metric and not at.text_input


def test_a_provider_account_named_like_a_local_user_does_not_get_that_users_role(db: Path) -> None:
    _with(db, user=("kari", "leder", ["MB-L"]))
    at = app()
    at.secrets["auth"] = SECRETS
    at.user = {"is_logged_in": True, "name": "kari"}  # no email claim: only a display name
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Ingen tilgang"]
    assert not at.metric


def test_a_database_error_during_sign_in_is_a_sentence(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _with(db, user=("kari", "leder", ["MB-L"]))

    def conflict(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")

    monkeypatch.setattr(users, "_authenticate", conflict)
    at = app().run()
    at.text_input(key="sign_in_name").input("kari")
    at.text_input(key="sign_in_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Logg inn").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [users.UNAVAILABLE]


def test_a_provider_account_is_matched_by_the_configured_claim(db: Path) -> None:
    _with(db, user=("kari@hf.no", "leder", ["MB-L"]))
    at = app()
    at.secrets["auth"] = SECRETS
    at.secrets["kompetanse"] = {"identity_claim": "preferred_username"}
    at.user = {"is_logged_in": True, "name": "Kari", "email": "annen@hf.no", "preferred_username": "kari@hf.no"}
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Ansatte"] == "32"


def test_a_database_error_before_sign_in_is_a_sentence(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _with(db, user=("kari", "leder", ["MB-L"]))

    def conflict(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")

    monkeypatch.setattr(users, "any_users", conflict)
    at = app().run()
    assert not at.exception
    assert [e.value for e in at.error] == [users.UNAVAILABLE]
