"""Who may see what, in kompetanse: password hashes, lock-out, session timeout, the allowed units as
part of every query's scope (an empty intersection is nothing, not everything), and scoped exports."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kompetanse import export
from kompetanse.access import access, audit, users
from kompetanse.demo import demo
from kompetanse.figures import ages, competence, metrics
from kompetanse.figures.metrics import Scope
from kompetanse.plan import costs
from kompetanse.storage import store, units

AS_OF = datetime(2023, 12, 1).date()
PASSWORD = "riktig-passord"
T0 = datetime(2025, 3, 3, 14, 30, 40)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("access") / "demo.duckdb"
    con = store.connect(path)
    demo.load_demo(con)
    users.add(con, "kari", "leder", ["MB-L"], PASSWORD)
    users.add(con, "klara", "klinikkledelse", ["KAK"], PASSWORD)
    users.add(con, "hanne", "hr", [], PASSWORD)
    con.close()
    return path


@pytest.fixture
def con(template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "db.duckdb"
    shutil.copyfile(template, path)
    connection = store.connect(path)
    yield connection
    connection.close()


# --- passwords ---------------------------------------------------------------------------------


def test_the_hash_is_not_the_password_and_verifies_only_the_right_one():
    hashed = users.hash_password(PASSWORD)
    assert PASSWORD not in hashed
    assert hashed.startswith("$argon2")
    assert users.hash_password(PASSWORD) != hashed  # salted
    assert users.verify_password(hashed, PASSWORD)
    assert not users.verify_password(hashed, "feil-passord")
    assert not users.verify_password(None, PASSWORD)
    assert not users.verify_password("ikke en hash", PASSWORD)


def test_the_store_keeps_only_the_hash(con):
    stored = store.fetch_value(con, "select password_hash from users where name = 'kari'")
    assert stored != PASSWORD and users.verify_password(stored, PASSWORD)


# --- lock-out ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kari", "finnes-ikke"])
def test_five_failures_lock_for_five_minutes_with_the_same_words_for_an_unknown_name(con, name):
    for attempt in range(4):
        result = users.authenticate(con, name, "feil", T0 + timedelta(seconds=attempt))
        assert not result.ok and result.message == users.WRONG_CREDENTIALS
    fifth = users.authenticate(con, name, "feil", T0 + timedelta(seconds=4))
    assert fifth.message == "For mange mislykkede innlogginger. Prøv igjen kl. 14:36."
    # Locked: even the right password is refused until the lock opens, and says when.
    during = users.authenticate(con, name, PASSWORD, T0 + timedelta(minutes=4))
    assert not during.ok and during.message == fifth.message
    after = users.authenticate(con, name, PASSWORD, T0 + timedelta(seconds=4, minutes=5, microseconds=1))
    if name == "kari":
        assert after.ok and after.user is not None and after.user.role == "leder"
    else:
        assert not after.ok and after.message == users.WRONG_CREDENTIALS


def test_the_lock_is_stored_so_another_connection_sees_it(con, tmp_path):
    for attempt in range(5):
        users.authenticate(con, "kari", "feil", T0 + timedelta(seconds=attempt))
    con.close()
    other = store.connect(tmp_path / "db.duckdb")
    try:
        assert not users.authenticate(other, "kari", PASSWORD, T0 + timedelta(minutes=1)).ok
    finally:
        other.close()


def test_a_success_resets_the_count(con):
    for attempt in range(4):
        users.authenticate(con, "kari", "feil", T0 + timedelta(seconds=attempt))
    assert users.authenticate(con, "kari", PASSWORD, T0 + timedelta(seconds=5)).ok
    for attempt in range(4):
        assert users.authenticate(con, "kari", "feil", T0 + timedelta(seconds=10 + attempt)).message == (
            users.WRONG_CREDENTIALS
        )


# --- session timeout ---------------------------------------------------------------------------


def test_the_session_times_out_after_the_setting(con):
    timeout = users.session_timeout(con)
    assert timeout == timedelta(minutes=30)
    assert not users.expired(T0, T0 + timedelta(minutes=30), timeout)
    assert users.expired(T0, T0 + timedelta(minutes=30, seconds=1), timeout)
    store.fetch_value(con, "update settings set value = '5' where key = 'session_timeout_minutes'")
    assert users.expired(T0, T0 + timedelta(minutes=6), users.session_timeout(con))


# --- the allowed units in the scope ------------------------------------------------------------


def _access(con, name: str) -> access.Access:  # type: ignore[no-untyped-def]
    user = users.get(con, name)
    assert user is not None
    return users.access_of(con, user)


def test_scope_units_are_the_choice_within_the_allowed_subtrees(con):
    tree = units.tree(con)
    kari, klara, hanne = _access(con, "kari"), _access(con, "klara"), _access(con, "hanne")
    assert kari.allowed_units == ("MB-L",)
    assert set(klara.allowed_units or ()) == {"KAK", "AIO", "INT", "OPS", "KVB", "FOD", "SENG"}
    assert hanne.allowed_units is None
    assert access.scope_units(tree, [], kari) == ("MB-L",)
    assert access.scope_units(tree, ["MB-N"], kari) == ()  # another unit: nothing, not everything
    assert access.scope_units(tree, ["ALM"], kari) == ("MB-L",)  # a parent: only the allowed part
    assert access.scope_units(tree, ["AIO"], klara) == ("AIO", "INT", "OPS")
    assert access.scope_units(tree, [], hanne) is None
    assert access.scope_units(tree, ["ALM"], hanne) == units.descendants(tree, ["ALM"])


def test_an_empty_scope_gives_zero_rows_in_every_kind_of_query(con):
    nothing = Scope(as_of=AS_OF, units=())
    everyone = Scope(as_of=AS_OF)
    assert metrics.compute(con, everyone).loc["total", "headcount"] > 0
    figures = metrics.compute(con, nothing)
    assert list(figures.index) == ["total"] and figures.loc["total", "headcount"] == 0
    assert metrics.compute(con, nothing, by="profession").loc["total", "headcount"] == 0
    assert costs.lines(con, ()).empty and not costs.lines(con, None).empty
    assert costs.planned_cost(con, ()) == 0
    assert ages.is_empty(ages.pyramid(con, nothing, 0))
    assert competence.coverage(con, nothing).empty
    assert competence.expiring(con, nothing).empty


def test_metrics_for_a_leader_are_the_allowed_units_only(con):
    tree = units.tree(con)
    scope = Scope(as_of=AS_OF, units=access.scope_units(tree, [], _access(con, "kari")))
    rows = metrics.compute(con, scope)
    assert list(rows.index) == ["MB-L", "total"]
    assert rows.loc["total", "headcount"] == 32


# --- exports -----------------------------------------------------------------------------------


def test_an_export_for_another_unit_is_refused_whether_it_exists_or_not(con, tmp_path):
    kari = _access(con, "kari")
    for code in ("MB-N", "FINNES-IKKE"):
        with pytest.raises(export.NoAccess, match=f"^ingen tilgang til enhet: {code}$"):
            export.build(con, "xlsx", tmp_path / "x.xlsx", unit=code, as_of=None, allowed=kari.allowed_units)
    with pytest.raises(export.UnknownUnit):  # no restriction: an unknown unit is just unknown
        export.build(con, "xlsx", tmp_path / "x.xlsx", unit="FINNES-IKKE", as_of=None)


def test_a_leaders_whole_pack_holds_only_the_allowed_units(con, tmp_path):
    out = export.build(con, "xlsx", tmp_path / "kari.xlsx", unit=None, as_of=None,
                       allowed=_access(con, "kari").allowed_units)
    book = load_workbook(out, read_only=True)
    cells = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v}
    tree = units.tree(con)
    others = set(tree["unit_code"]) - {"MB-L"}
    other_names = set(tree.loc[tree["unit_code"] != "MB-L", "unit_name"])
    text = " | ".join(cells)
    assert "MB-L" in text
    assert not cells & others, cells & others
    assert not [name for name in other_names if name in text]
    assert "Alle enhetene du har tilgang til" in " ".join(cells)


# --- audit -------------------------------------------------------------------------------------


def test_audit_rows_name_unit_codes_and_the_actor(con):
    audit.record(con, "kari", audit.EXPORT, ("MB-L",), "xlsx")
    audit.record(con, "hanne", audit.IMPORT, None, "personnel: import 9, 3 rader")
    rows = audit.entries(con)
    assert list(rows["actor"]) == ["hanne", "kari"]
    assert list(rows["scope"]) == ["alle", "MB-L"]
    assert list(audit.entries(con, audit.EXPORT)["detail"]) == ["xlsx"]
    generation = store.generation(con)
    audit.record(con, "kari", audit.SIGN_IN, ("MB-L",))
    assert store.generation(con) == generation  # cached figures are not thrown away by a log row
