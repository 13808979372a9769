"""Sign-in: OpenID Connect where secrets.toml has an [auth] section, else the local user store.

`gate()` runs first in every script run (app.py). It returns the user's Access, or a page function
(the sign-in form, or the message for an identity without access) that app.py shows instead of the
app. With no users and no provider, the app runs open and says so in a banner.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kompetanse import access, audit, units, users
from ui import data, render

SESSION_KEY = "_auth"  # {"user": name, "last_seen": datetime}
NOTICE_KEY = "_auth_notice"
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
    """Forget everything this session chose (filters, forms), but not the run's open data snapshot."""
    for key in list(st.session_state.keys()):
        if key != data.RUNNER_KEY:
            del st.session_state[key]


def _access_of(user: users.User) -> access.Access:
    return access.for_user(units.tree(data.runner()), user.name, user.role, user.units)


def _timed_out(con, state: dict) -> bool:  # type: ignore[no-untyped-def]
    at = users.now()
    timeout = users.session_timeout(con)
    if users.expired(state.get("last_seen"), at, timeout):
        audit.record(con, state["user"], audit.TIMEOUT, (), f"etter {int(timeout.total_seconds() // 60)} minutter")
        return True
    state["last_seen"] = at
    return False


def gate() -> Gate:
    """This run's Access, or the page to show instead (sign-in, or no access)."""
    render.declare_language()  # every run passes here first, signed in or not
    con = data.connection()
    if oidc_configured():
        return _oidc_gate(con)
    if not users.any_users(con):
        return access.OPEN
    state = st.session_state.get(SESSION_KEY)
    if state is None:
        return sign_in_page
    if _timed_out(con, state):
        minutes = int(users.session_timeout(con).total_seconds() // 60)
        _reset_session()
        st.session_state[NOTICE_KEY] = TIMED_OUT.format(minutes=minutes)
        return sign_in_page
    user = users.get(con, state["user"])
    if user is None:  # removed while signed in
        _reset_session()
        return sign_in_page
    return _access_of(user)


def _oidc_identity() -> str | None:
    info = st.user
    if not info.get("is_logged_in"):
        return None
    identity = info.get("email") or info.get("name")
    return str(identity) if identity else None


def _oidc_gate(con) -> Gate:  # type: ignore[no-untyped-def]
    identity = _oidc_identity()
    if identity is None:
        return oidc_sign_in_page
    user = users.get(con, identity) or users.get(con, identity.lower())
    state = st.session_state.get(SESSION_KEY)
    if state is None or state.get("user") != identity:
        audit.record(con, user.name if user else identity, audit.SIGN_IN if user else audit.SIGN_IN_FAILED,
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
    st.title("Logg inn")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    with st.form("sign_in"):
        name = st.text_input("Brukernavn", key="sign_in_name")
        password = st.text_input("Passord", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Logg inn", type="primary")
    st.page_link("pages/tilgjengelighet.py", label="Tilgjengelighetserklæring", icon=":material/accessibility:")
    if not submitted:
        return
    con = data.connection()
    result = users.authenticate(con, name, password)
    if result.ok:
        assert result.user is not None
        signed_in = _access_of(result.user)
        _reset_session()
        st.session_state[SESSION_KEY] = {"user": result.user.name, "last_seen": users.now()}
        audit.record(con, result.user.name, audit.SIGN_IN, signed_in.allowed_units, f"rolle {result.user.role}")
        st.rerun()
    known = users.get(con, name.strip()) is not None
    detail = "sperret i 5 minutter" if result.locked_until is not None else "feil passord"
    # An unknown name is not written down: it may be a password typed in the wrong field.
    audit.record(con, name.strip() if known else "ukjent brukernavn", audit.SIGN_IN_FAILED, (),
                 detail if known else "ukjent brukernavn")
    st.error(result.message or users.WRONG_CREDENTIALS)


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
    sb = st.sidebar
    sb.divider()
    sb.caption(f"Innlogget som **{viewer.user}** ({access.ROLE_LABELS.get(viewer.role or '', viewer.role)})")
    if sb.button("Logg ut", key="sign_out"):
        con = data.connection()
        audit.record(con, viewer.actor, audit.SIGN_OUT, viewer.allowed_units, "")
        _reset_session()
        if oidc_configured():
            st.logout()
        st.rerun()


def log(viewer: access.Access, action: str, scope: tuple[str, ...] | None, detail: str = "") -> None:
    """Write one audit row for this user's action (an import, a save, an export)."""
    audit.record(data.connection(), viewer.actor, action, scope, detail)
