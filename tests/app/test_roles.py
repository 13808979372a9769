"""AppTest: sign-in, what each role sees (its units, its pages), crafted URLs and requests, lock-out,
timeout, and the audit rows each action writes (with no employee ids in them)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import tests.conftest  # noqa: F401 - the AppTest navigation workaround
from kompetanse.access import access, audit, users
from kompetanse.demo import demo
from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.presentation import formatting
from kompetanse.storage import store, units
from tests.app.helpers import app, metric_values, open_tab, plain

PASSWORD = "riktig-passord"
AS_OF = datetime(2023, 12, 1).date()
ROLES = {  # name: (role, granted units)
    "kari": ("leder", ["MB-L"]),
    "klara": ("klinikkledelse", ["KAK"]),
    "hanne": ("hr", []),
    "ada": ("admin", []),
}
# The pages that tell the roles apart (every role also has the view pages: Oversikt, Alder, ...).
ADMIN_PAGES = {"import_data", "sammenlign", "logg"}
ROLE_SPECIFIC = {
    "kari": set(),
    "klara": {"sammenlign"},
    "hanne": {"sammenlign", "import_data"},
    "ada": {"sammenlign", "import_data", "logg"},
}
VIEW = {"oversikt", "alder", "pensjon", "turnover", "kompetanse", "tiltak", "rapport"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("roles")
    open_demo = folder / "open.duckdb"
    con = store.connect(open_demo)
    demo.load_demo(con)
    con.close()
    with_users = folder / "users.duckdb"
    shutil.copyfile(open_demo, with_users)
    con = store.connect(with_users)
    for name, (role, granted) in ROLES.items():
        users.add(con, name, role, granted, PASSWORD)
    con.close()
    return folder


@pytest.fixture
def db(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the demo with the four users (each test may write)."""
    path = tmp_path / "kompetanse.duckdb"
    shutil.copyfile(template / "users.duckdb", path)
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    return path


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(users, "now", fake)
    return fake


def _read(path: Path, sql: str) -> list[tuple]:
    con = store.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def audit_rows(path: Path) -> list[tuple]:
    """(actor, action, scope, detail), oldest first (read through the app's own connection)."""
    from ui import data

    con = data.connection()
    return [tuple(r) for r in con.cursor().execute(
        "select actor, action, scope, detail from audit order by \"at\", rowid").fetchall()]


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == "Logg inn").click().run()
    assert not at.exception, at.exception
    return at


def signed_in(name: str, **query: str) -> AppTest:
    at = app()
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return sign_in(at, name)


def navigation(at: AppTest) -> set[str]:
    """The pages in this session's navigation, by file stem."""
    return {Path(str(info["script_path"])).stem for info in at._registered_pages.values() if info.get("script_path")}


def unit_options(at: AppTest) -> list[str]:
    box = next(m for m in at.sidebar.multiselect if m.label == "Enheter")
    return [opt.split("(")[-1].rstrip(")") for opt in box.options]


def expected_headcount(path: Path, name: str) -> str:
    con = store.connect(path)
    try:
        user = users.get(con, name)
        assert user is not None
        allowed = access.scope_units(units.tree(con), [], users.access_of(con, user))
        total = metrics.compute(con, Scope(as_of=AS_OF, units=allowed)).loc["total", "headcount"]
    finally:
        con.close()
    return plain(formatting.number(total))


def allowed_order(path: Path, name: str) -> list[str]:
    con = store.connect(path)
    try:
        user = users.get(con, name)
        assert user is not None
        return access.visible_order(units.tree(con), users.access_of(con, user))
    finally:
        con.close()


# --- open demo ---------------------------------------------------------------------------------


def test_with_no_users_the_app_is_open_and_says_so_on_every_page(template, tmp_path, monkeypatch):
    path = tmp_path / "open.duckdb"
    shutil.copyfile(template / "open.duckdb", path)
    monkeypatch.setenv("KOMPETANSE_DB", str(path))
    at = app().run()
    assert not at.exception
    shown = navigation(at)
    assert shown >= VIEW | {"import_data", "sammenlign", "logg"}  # the log too: the proof that the audit exists
    for page in ("oversikt", "import_data", "rapport", "pensjon"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        assert any(i.value == "Åpen demo: ingen brukere er satt opp, alle ser alt." for i in at.info), page
    assert metric_values(at.switch_page("pages/oversikt.py").run())["Ansatte"] == "1 196"


# --- each role sees exactly its units and its pages ---------------------------------------------


def test_with_users_nothing_shows_before_sign_in(db):
    at = app().run()
    assert [t.value for t in at.title] == ["Logg inn"]
    assert not at.metric and not at.sidebar.multiselect
    assert not any("Åpen demo" in i.value for i in at.info)


@pytest.mark.parametrize("name", list(ROLES))
def test_each_role_sees_exactly_its_units_and_pages(db, name):
    at = signed_in(name)
    assert [t.value for t in at.title] == ["Oversikt"]
    shown = navigation(at)
    assert shown >= VIEW
    assert shown & ADMIN_PAGES == ROLE_SPECIFIC[name]
    assert shown == access.ROLE_PAGES[ROLES[name][0]]
    assert unit_options(at) == allowed_order(db, name)
    assert metric_values(at)["Ansatte"] == expected_headcount(db, name)
    assert not any("Åpen demo" in i.value for i in at.info)
    at.switch_page("pages/rapport.py").run()
    report_units = at.selectbox(key="rapport_enhet").options
    assert [o.split("(")[-1].rstrip(")") for o in report_units[1:]] == allowed_order(db, name)


def test_a_leader_sees_one_section_a_clinic_its_subtree(db):
    assert allowed_order(db, "kari") == ["MB-L"]
    assert expected_headcount(db, "kari") == "32"
    assert set(allowed_order(db, "klara")) == {"KAK", "AIO", "INT", "OPS", "KVB", "FOD", "SENG"}


@pytest.mark.parametrize("other", ["MB-N", "ALM", "HF"])
def test_a_crafted_url_shows_nothing_of_another_unit(db, other):
    at = signed_in("kari", enhet=other)
    assert metric_values(at)["Ansatte"] == "32"  # MB-L only
    assert unit_options(at) == ["MB-L"]
    assert any(f"ikke tilgang til enheten «{other}»" in w.value for w in at.sidebar.warning)
    assert "enhet" not in at.query_params


def test_a_clinic_link_within_the_allowed_units_works(db):
    at = signed_in("klara", enhet="AIO")
    con = store.connect(db)
    try:
        wanted = metrics.compute(con, Scope(as_of=AS_OF, units=("AIO", "INT", "OPS"))).loc["total", "headcount"]
    finally:
        con.close()
    assert metric_values(at)["Ansatte"] == plain(formatting.number(wanted))


def test_an_edited_request_for_another_unit_shows_nothing_of_it(db):
    at = signed_in("kari")
    at.session_state["f_units"] = ["MB-N"]  # what a hand-made widget message would carry
    at.run()
    assert not at.exception
    assert metric_values(at)["Ansatte"] == "32"
    assert unit_options(at) == ["MB-L"]


def test_pages_outside_the_role_are_not_reachable(db):
    at = signed_in("kari")
    for page in ("import_data", "logg", "sammenlign"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")
    at.switch_page("pages/pensjon.py").run()
    open_tab(at, "p_tab", "Regler og utgangsrater")
    assert not at.exception
    assert len(at.dataframe) == 4  # leaders see the rules, only HR and admin edit them
    assert not at.data_editor
    assert not [b for b in at.button if b.label == "Lagre pensjonsalder"]


# --- sign-in, lock-out, timeout -----------------------------------------------------------------


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(db, clock):
    at = app().run()
    sign_in(at, "kari", "feil-passord")
    wrong = [e.value for e in at.error]
    sign_in(at, "finnes-ikke", "feil-passord")
    assert [e.value for e in at.error] == wrong == ["Feil brukernavn eller passord."]
    assert [t.value for t in at.title] == ["Logg inn"]
    rows = audit_rows(db)
    assert ("kari", audit.SIGN_IN_FAILED, "ingen", "feil passord") in rows
    assert ("ukjent brukernavn", audit.SIGN_IN_FAILED, "ingen", "ukjent brukernavn") in rows


@pytest.mark.parametrize("name", ["kari", "finnes-ikke"])
def test_five_failures_lock_the_sign_in_for_five_minutes(db, clock, name):
    at = app().run()
    for _ in range(5):
        sign_in(at, name, "feil-passord")
    locked = "For mange mislykkede innlogginger. Prøv igjen kl. 09:05."
    assert [e.value for e in at.error] == [locked]
    clock.now += timedelta(minutes=4, seconds=59)
    sign_in(at, name, PASSWORD)  # the right password does not open a lock
    assert [e.value for e in at.error] == [locked]
    clock.now += timedelta(seconds=2)
    sign_in(at, name, PASSWORD)
    if name == "kari":
        assert [t.value for t in at.title] == ["Oversikt"]
    else:
        assert [e.value for e in at.error] == ["Feil brukernavn eller passord."]


def test_a_lock_holds_in_another_session(db, clock):
    first = app().run()
    for _ in range(5):
        sign_in(first, "kari", "feil-passord")
    second = app().run()
    sign_in(second, "kari", PASSWORD)
    assert [t.value for t in second.title] == ["Logg inn"]
    assert "Prøv igjen kl. 09:05" in second.error[0].value


def test_inactivity_asks_for_sign_in_again(db, clock):
    at = signed_in("kari")
    clock.now += timedelta(minutes=29)
    at.run()
    assert [t.value for t in at.title] == ["Oversikt"]
    clock.now += timedelta(minutes=30, seconds=1)
    at.run()
    assert [t.value for t in at.title] == ["Logg inn"]
    assert any("logget ut etter 30 minutter uten aktivitet" in i.value for i in at.info)
    assert not at.metric
    assert ("kari", audit.TIMEOUT, "ingen", "etter 30 minutter") in audit_rows(db)
    sign_in(at, "kari")
    assert [t.value for t in at.title] == ["Oversikt"]


def test_sign_out(db):
    at = signed_in("klara")
    next(b for b in at.sidebar.button if b.label == "Logg ut").click().run()
    assert [t.value for t in at.title] == ["Logg inn"]
    assert audit_rows(db)[-1][:2] == ("klara", audit.SIGN_OUT)


# --- audit: one row per action, no employee ids --------------------------------------------------


def _employee_ids(path: Path) -> set[str]:
    return {r[0] for r in _read(path, "select distinct employee_id from employments")}


def test_every_action_writes_an_audit_row_without_personal_data(db, clock):
    # sign-in and failed sign-in
    at = app().run()
    sign_in(at, "hanne", "feil-passord")
    sign_in(at, "hanne")
    # settings change (HR, Pensjon: rules, upper age limits, exit rates)
    at.switch_page("pages/pensjon.py").run()
    open_tab(at, "p_tab", "Regler og utgangsrater")
    for key in ("p_rules_save", "p_limits_save", "p_rates_save"):
        at.button(key=key).click().run()
        assert not at.exception
    # import and activation (HR, Import)
    at.switch_page("pages/import_data.py").run()
    at.selectbox[0].set_value("requirements").run()
    csv = b"Enhet;Kompetanse;Minimum\nMB-L;Blodbank;2\n"
    at.file_uploader[0].set_value(("krav.csv", csv, "text/csv")).run()
    next(b for b in at.button if b.label == "Importer").click().run()
    assert not at.exception
    assert any("Importert 1 rader" in s.value for s in at.success)
    activate = [b for b in at.button if b.label == "Gjør aktiv"]
    first_requirements = min(activate, key=lambda b: int(b.key.split("_")[1]))
    first_requirements.click().run()
    assert not at.exception
    # export (Rapport)
    at.switch_page("pages/rapport.py").run()
    at.selectbox(key="rapport_enhet").set_value("MB-L").run()
    at.button(key="rapport_lag").click().run()
    assert not at.exception and at.success
    # plan edit by a leader, for her own unit: save, then undo
    leader = signed_in("kari")
    leader.switch_page("pages/tiltak.py").run()
    key = leader.data_editor[0].key
    added = {"unit_code": "MB-L", "main_task": "forskning", "category": "utvikling", "horizon": 1,
             "need": "Statistikk", "measure": "Statistikkurs", "course_fee": 5000}
    leader.session_state[key] = {"edited_rows": {}, "added_rows": [added], "deleted_rows": []}
    next(b for b in leader.button if b.label == "Lagre endringer").click().run()
    assert not leader.exception and "Lagret" in leader.success[0].value
    next(b for b in leader.button if b.label == "Angre siste lagring").click().run()
    assert not leader.exception

    rows = audit_rows(db)
    actions = [(actor, action) for actor, action, _, _ in rows]
    for wanted in [
        ("hanne", audit.SIGN_IN_FAILED), ("hanne", audit.SIGN_IN), ("hanne", audit.SETTINGS),
        ("hanne", audit.IMPORT), ("hanne", audit.ACTIVATE), ("hanne", audit.EXPORT),
        ("kari", audit.SIGN_IN), ("kari", audit.PLAN_SAVE), ("kari", audit.PLAN_UNDO),
    ]:
        assert wanted in actions, wanted
    settings_rows = [detail for _, action, _, detail in rows if action == audit.SETTINGS]
    assert settings_rows == ["pensjonsalder lagret", "øvre aldersgrense lagret", "utgangsrater lagret"]
    assert ("hanne", audit.EXPORT, "MB-L") in [(a, b, c) for a, b, c, _ in rows]
    assert [c for a, b, c, _ in rows if b == audit.PLAN_SAVE] == ["MB-L"]
    assert ("kari", audit.SIGN_IN, "MB-L", "rolle leder") in rows

    ids = _employee_ids(db)
    text = " ".join(" ".join(str(v) for v in row) for row in rows)
    assert not [i for i in ids if i in text.split() or f" {i}," in text or f":{i}" in text]
    for row in rows:
        for value in row:
            assert str(value) not in ids


def test_a_leader_cannot_add_measures_for_another_unit(db):
    at = signed_in("kari")
    at.switch_page("pages/tiltak.py").run()
    key = at.data_editor[0].key
    added = {"unit_code": "MB-N", "main_task": "forskning", "category": "utvikling", "horizon": 1,
             "measure": "Snikinnført", "course_fee": 5000}
    at.session_state[key] = {"edited_rows": {}, "added_rows": [added], "deleted_rows": []}
    next(b for b in at.button if b.label == "Lagre endringer").click().run()
    assert at.error and "ble ikke lagret" in at.error[0].value
    assert not _read(db, "select * from v_measures where measure = 'Snikinnført'")


def test_admin_reads_the_log(db):
    at = signed_in("ada")
    at.switch_page("pages/logg.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Logg"]
    log = at.dataframe[0].value
    assert list(log.columns) == ["Tidspunkt", "Hvem", "Hva", "Enheter", "Detaljer"]
    assert ("ada", audit.SIGN_IN) in set(zip(log["Hvem"], log["Hva"], strict=True))
    people = at.dataframe[1].value
    assert list(people["Navn"]) == ["ada", "hanne", "kari", "klara"]
    assert list(people["Enheter"]) == ["alle", "alle", "MB-L", "KAK"]
    assert "argon2" not in people.to_string()


# --- OpenID Connect ------------------------------------------------------------------------------


def _oidc_app(email: str | None) -> AppTest:
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "https://login.example/.well-known/openid-configuration"}
    at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email}
    return at.run()


def test_with_a_provider_the_identity_maps_to_a_user_record(db):
    con = store.connect(db)
    try:
        users.add(con, "kari@sykehus.no", "leder", ["MB-L"], PASSWORD)
    finally:
        con.close()
    out = _oidc_app(None)
    assert [t.value for t in out.title] == ["Logg inn"] and not out.metric
    assert not out.text_input  # no local password form: the provider signs in
    inside = _oidc_app("kari@sykehus.no")
    assert not inside.exception
    assert metric_values(inside)["Ansatte"] == "32"
    assert unit_options(inside) == ["MB-L"]


def test_with_a_provider_an_identity_without_a_record_sees_only_a_message(db):
    at = _oidc_app("ukjent@sykehus.no")
    assert not at.exception
    assert [t.value for t in at.title] == ["Ingen tilgang"]
    assert "har ikke tilgang til Kompetanse" in at.warning[0].value
    assert not at.metric and not at.sidebar.multiselect


def test_with_a_provider_inactivity_signs_out(db, clock):
    con = store.connect(db)
    try:
        users.add(con, "kari@sykehus.no", "leder", ["MB-L"], PASSWORD)
    finally:
        con.close()
    at = _oidc_app("kari@sykehus.no")
    assert metric_values(at)["Ansatte"] == "32"
    clock.now += timedelta(minutes=31)
    at.run()
    assert not at.exception
    assert not at.metric
    assert [t.value for t in at.title] == ["Logg inn"]
    assert ("kari@sykehus.no", audit.TIMEOUT) in [(a, b) for a, b, _, _ in audit_rows(db)]


def test_a_leader_cannot_edit_goals_or_close_the_plan_nor_see_organisation_figures(db: Path) -> None:
    at = signed_in("kari")
    at.switch_page("pages/maal.py").run()
    assert not at.exception, at.exception
    assert not any(b.label == "Lagre mål" for b in at.button)
    assert not any(b.label.startswith("Lukk planen") for b in at.button)
    assert any("tilgang til alle enheter" in c.value for c in at.caption)


def test_hr_edits_goals_and_closing_the_plan_is_audited(db: Path) -> None:
    at = signed_in("hanne")
    at.switch_page("pages/maal.py").run()
    assert any(b.label == "Lagre mål" for b in at.button)
    at.number_input(key="maal_close_year").set_value(2031).run()
    next(b for b in at.button if b.label == "Lukk planen for 2031").click().run()
    assert not at.exception, at.exception
    rows = _read(db, "select actor, action, detail from audit where detail like '%lukket%'")
    assert rows == [("hanne", audit.SETTINGS, "planen for 2031 lukket")]
