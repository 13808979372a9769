"""Sign-in: OpenID Connect where secrets.toml has an [auth] section, else the local user store.

`gate()` runs first in every script run (app.py). It returns the user's Access, or a page function
(the sign-in form, or the message for an identity without access) that app.py shows instead of the
app. Where the setting `open_access` says so (the demo), the app runs open and says so in a banner;
no users and not open: a page that says how to add the first administrator.

A local sign-in survives a reload and a new tab: the browser keeps a cookie with a signed session
token (kompetanse/access/sessions.py, stored server-side as a hash, so sign-out and the inactivity timeout
revoke it). Streamlit reads cookies (st.context.cookies) but cannot set them; the cookie is set and
deleted with extra-streamlit-components' CookieManager (the component streamlit-authenticator uses).
No database error reaches the page: sign-in answers with a sentence instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import duckdb
import streamlit as st

from kompetanse.access import access, audit, sessions, users
from kompetanse.storage import units
from ui import data, render

SESSION_KEY = "_auth"  # {"user": name, "last_seen": datetime, "token": cookie value, "touched": datetime}
NOTICE_KEY = "_auth_notice"
COOKIE_KEY = "_auth_cookie"  # what the browser's cookie still needs: ("set", value, runs) or ("delete", None, runs)
COOKIE_TRIES = 6  # script runs to wait for the browser to confirm a cookie change
NOT_SET_UP = ("Kompetanse har ingen brukere ennå, og appen er ikke åpen for alle. Be driftsansvarlig legge til en "
              "administrator på kommandolinjen:")
NO_CLAIM = ("Innloggingen ga ingen «{claim}» som kan kobles til en bruker i Kompetanse. Kontakt HR eller "
            "administrator.")
NO_ACCESS = "Du er logget inn som {who}, men har ikke tilgang til Kompetanse. Kontakt HR eller administrator."
TIMED_OUT = "Du ble logget ut etter {minutes} minutter uten aktivitet. Logg inn på nytt."

Gate = access.Access | Callable[[], None]


def oidc_configured() -> bool:
    """Whether .streamlit/secrets.toml configures an OpenID Connect provider (an [auth] section)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, OSError):  # no secrets file: no provider
        return False


def _reset_session() -> None:
    """Forget everything this session chose (filters, forms); the run's data snapshot is the thread's."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def _access_of(user: users.User) -> access.Access:
    return access.for_user(units.tree(data.runner()), user.name, user.role, user.units)


def _safe_audit(con, actor: str, action: str, scope, detail: str) -> None:  # type: ignore[no-untyped-def]
    """An audit row where a failure must not stop the sign-in page (the sign-in itself is what matters)."""
    with contextlib.suppress(duckdb.Error):
        audit.record(con, actor, action, scope, detail)


def _want_cookie(action: str, value: str | None = None) -> None:
    st.session_state[COOKIE_KEY] = (action, value, 0)


def _browser_cookie() -> str | None:
    try:
        return st.context.cookies.get(sessions.COOKIE)
    except Exception:  # no browser (AppTest, a bare script run): no cookie
        return None


def sync_cookie() -> None:
    """Set or delete the browser's session cookie where a sign-in or sign-out asked for it (renders nothing)."""
    pending = st.session_state.get(COOKIE_KEY)
    if pending is None:
        return
    action, value, runs = pending
    from extra_streamlit_components import CookieManager  # loads only when a cookie changes

    manager = CookieManager(key="kompetanse_cookies")
    present = manager.cookies.get(sessions.COOKIE) if isinstance(manager.cookies, dict) else None
    done = present == value if action == "set" else present is None and runs > 0
    if done or runs >= COOKIE_TRIES:
        del st.session_state[COOKIE_KEY]
        return
    if action == "set":
        manager.set(sessions.COOKIE, value, key="kompetanse_cookie_set", same_site="strict",
                    expires_at=datetime.now(UTC) + sessions.MAX_AGE)
    elif present is not None:
        manager.delete(sessions.COOKIE, key="kompetanse_cookie_delete")
    st.session_state[COOKIE_KEY] = (action, value, runs + 1)


def _touch_every(timeout: timedelta) -> timedelta:
    return min(sessions.TOUCH_EVERY, timeout / 4)


def _timed_out(con, state: dict) -> bool:  # type: ignore[no-untyped-def]
    at = users.now()
    timeout = users.session_timeout(con)
    if users.expired(state.get("last_seen"), at, timeout):
        sessions.end(con, state.get("token"))
        _safe_audit(con, state["user"], audit.TIMEOUT, (), f"etter {int(timeout.total_seconds() // 60)} minutter")
        return True
    state["last_seen"] = at
    touched = state.get("touched")
    if state.get("token") and (touched is None or at - touched >= _touch_every(timeout)):
        sessions.touch(con, state["token"], at)
        state["touched"] = at
    return False


def _resumed(con) -> dict | None:  # type: ignore[no-untyped-def]
    """The session a reload or a new tab brings back in the browser's cookie (None: none, or it has ended)."""
    pending = st.session_state.get(COOKIE_KEY)
    if pending is not None and pending[0] == "delete":  # signed out here: the cookie this session started with is void
        return None
    value = _browser_cookie()
    if not value:
        return None
    timeout = users.session_timeout(con)
    try:
        found = sessions.resume(con, value, users.now(), timeout)
    except duckdb.Error:  # the session could not be read: sign in again rather than see an error
        return None
    if found.timed_out and found.user:
        _safe_audit(con, found.user, audit.TIMEOUT, (), f"etter {int(timeout.total_seconds() // 60)} minutter")
        st.session_state[NOTICE_KEY] = TIMED_OUT.format(minutes=int(timeout.total_seconds() // 60))
        _want_cookie("delete")
        return None
    if found.user is None:
        return None
    state = {"user": found.user, "last_seen": users.now(), "token": value, "touched": users.now()}
    st.session_state[SESSION_KEY] = state
    return state


def gate() -> Gate:
    """This run's Access, or the page to show instead (sign-in, no access, or a sentence where the database
    could not answer: never its error)."""
    render.declare_language()  # every run passes here first, signed in or not
    try:
        return _gate()
    except duckdb.Error:
        return unavailable_page


def unavailable_page() -> None:
    st.title("Logg inn")
    st.error(users.UNAVAILABLE)


def _gate() -> Gate:
    con = data.connection()
    if oidc_configured():
        return _oidc_gate(con)
    if users.is_open(con):
        return access.OPEN
    if not users.any_users(con):
        return not_set_up_page
    state = st.session_state.get(SESSION_KEY) or _resumed(con)
    if state is None:
        return sign_in_page
    if _timed_out(con, state):
        minutes = int(users.session_timeout(con).total_seconds() // 60)
        _reset_session()
        st.session_state[NOTICE_KEY] = TIMED_OUT.format(minutes=minutes)
        _want_cookie("delete")
        return sign_in_page
    user = users.get(con, state["user"])
    if user is None:  # removed while signed in
        sessions.end(con, state.get("token"))
        _reset_session()
        _want_cookie("delete")
        return sign_in_page
    return _access_of(user)


def _oidc_identity() -> str | None:
    """The configured claim of the provider's identity (email by default), never the display name."""
    info = st.user
    if not info.get("is_logged_in"):
        return None
    return users.identity_of(info, _identity_claim())


def _identity_claim() -> str:
    """The claim that names a user: `identity_claim` under [kompetanse] in secrets.toml (beside [auth]), else the
    setting oidc_identity_claim (default email)."""
    try:
        configured = st.secrets.get("kompetanse", {}).get("identity_claim")
    except (FileNotFoundError, OSError, AttributeError):
        configured = None
    return str(configured).strip() if configured else users.identity_claim(data.connection())


def _oidc_gate(con) -> Gate:  # type: ignore[no-untyped-def]
    if not st.user.get("is_logged_in"):
        return oidc_sign_in_page
    identity = _oidc_identity()
    if identity is None:
        return no_claim_page
    user = users.get(con, identity) or users.get(con, identity.lower())
    state = st.session_state.get(SESSION_KEY)
    if state is None or state.get("user") != identity:
        _safe_audit(con, user.name if user else "ukjent identitet", audit.SIGN_IN if user else audit.SIGN_IN_FAILED,
                    user.units if user and user.role in access.UNIT_SCOPED_ROLES else (),
                    "OpenID Connect" + ("" if user else ": ingen bruker i Kompetanse"))
        st.session_state[SESSION_KEY] = {"user": identity, "last_seen": users.now()}
    elif _timed_out(con, st.session_state[SESSION_KEY]):
        minutes = int(users.session_timeout(con).total_seconds() // 60)
        _reset_session()
        st.session_state[NOTICE_KEY] = TIMED_OUT.format(minutes=minutes)
        st.logout()  # clears st.user and sends the browser to the provider's sign-out
        return oidc_sign_in_page
    if user is None:
        return no_access_page
    return _access_of(user)


# --- pages shown instead of the app ------------------------------------------------------------


def sign_in_page() -> None:
    """The local sign-in form."""
    sync_cookie()
    st.title("Logg inn")
    # Kept until the form is sent: the cookie component's own rerun must not wipe it.
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.info(notice)
    with st.form("sign_in"):
        name = st.text_input("Brukernavn", key="sign_in_name")
        password = st.text_input("Passord", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Logg inn", type="primary")
    st.page_link("pages/tilgjengelighet.py", label="Tilgjengelighetserklæring", icon=":material/accessibility:")
    if not submitted:
        return
    st.session_state.pop(NOTICE_KEY, None)
    con = data.connection()
    result = users.authenticate(con, name, password)
    if result.ok:
        assert result.user is not None
        try:
            signed_in = _access_of(result.user)
            token = sessions.start(con, result.user.name, users.now())
        except duckdb.Error:
            st.error(users.UNAVAILABLE)
            return
        _reset_session()
        st.session_state[SESSION_KEY] = {"user": result.user.name, "last_seen": users.now(), "token": token,
                                         "touched": users.now()}
        if token is not None:  # a read-only copy keeps no session to come back to
            _want_cookie("set", token)
        _safe_audit(con, result.user.name, audit.SIGN_IN, signed_in.allowed_units, f"rolle {result.user.role}")
        st.rerun()
    if result.message == users.UNAVAILABLE:
        st.error(result.message)
        return
    try:
        known = users.get(con, name.strip()) is not None
    except duckdb.Error:
        known = False
    detail = "sperret i 5 minutter" if result.locked_until is not None else "feil passord"
    # An unknown name is not written down: it may be a password typed in the wrong field.
    _safe_audit(con, name.strip() if known else "ukjent brukernavn", audit.SIGN_IN_FAILED, (),
                detail if known else "ukjent brukernavn")
    st.error(result.message or users.WRONG_CREDENTIALS)


def not_set_up_page() -> None:
    """No users and not open: nobody gets in (the open mode is the demo's setting, not what "no users" means)."""
    st.title("Kompetanse er ikke satt opp")
    st.warning(NOT_SET_UP)
    st.code("echo \"$PASSORD\" | python -m kompetanse user add NAVN --role admin --password-stdin", language="bash")


def no_claim_page() -> None:
    st.title("Ingen tilgang")
    st.warning(NO_CLAIM.format(claim=_identity_claim()))
    if st.button("Logg ut", key="oidc_sign_out"):
        _reset_session()
        st.logout()


def oidc_sign_in_page() -> None:
    st.title("Logg inn")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    st.write("Kompetanse viser personalopplysninger. Logg inn med jobbkontoen din.")
    if st.button("Logg inn", type="primary", key="oidc_sign_in"):
        st.login()
    st.page_link("pages/tilgjengelighet.py", label="Tilgjengelighetserklæring", icon=":material/accessibility:")


def no_access_page() -> None:
    st.title("Ingen tilgang")
    st.warning(NO_ACCESS.format(who=_oidc_identity() or "ukjent"))
    if st.button("Logg ut", key="oidc_sign_out"):
        _reset_session()
        st.logout()


# --- on every page -----------------------------------------------------------------------------


def banner(viewer: access.Access) -> None:
    if viewer.is_open:
        st.info(access.OPEN_BANNER, icon=":material/lock_open:")


def sidebar(viewer: access.Access) -> None:
    """Who is signed in, and the way out."""
    if viewer.is_open:
        return
    sync_cookie()
    sb = st.sidebar
    sb.divider()
    sb.caption(f"Innlogget som **{viewer.user}** ({access.ROLE_LABELS.get(viewer.role or '', viewer.role)})")
    if sb.button("Logg ut", key="sign_out"):
        con = data.connection()
        state = st.session_state.get(SESSION_KEY) or {}
        with contextlib.suppress(duckdb.Error):
            sessions.end(con, state.get("token"))  # a reload with the old cookie is signed out
        _safe_audit(con, viewer.actor, audit.SIGN_OUT, viewer.allowed_units, "")
        _reset_session()
        if oidc_configured():
            st.logout()
        _want_cookie("delete")
        st.rerun()


def log(viewer: access.Access, action: str, scope: tuple[str, ...] | None, detail: str = "") -> None:
    """Write one audit row for this user's action (an import, a save, an export)."""
    audit.record(data.connection(), viewer.actor, action, scope, detail)
