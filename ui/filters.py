"""The sidebar on every page; the choice lives in the URL so a copied link reproduces the view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from kompetanse.access import access
from kompetanse.figures import rules
from kompetanse.figures.metrics import Scope
from kompetanse.presentation import formatting
from kompetanse.storage import catalog, history, units
from ui import data

ALL_LEVELS = "Alle nivåer"
EARLIEST_DATE, LATEST_DATE = date(1950, 1, 1), date(2100, 12, 31)
LEVEL_LABELS = {
    "foretak": "Foretak", "kommune": "Kommune", "klinikk": "Klinikk", "sektor": "Sektor",
    "avdeling": "Avdeling", "seksjon": "Seksjon", "enhet": "Enhet",
}
# URL keys (Norwegian, as users see them in the address bar).
Q_DATE, Q_LEVEL, Q_UNITS, Q_PROFESSIONS, Q_TYPES = "dato", "niva", "enhet", "yrke", "ansettelse"
FILTER_KEYS = ("f_date", "f_level", "f_units", "f_professions", "f_types")  # the sidebar's widget keys


@dataclass(frozen=True)
class Filters:
    scope: Scope  # units expanded to the chosen units' subtrees
    chosen_units: tuple[str, ...]  # as chosen (empty: all)
    data_date: date | None
    unit_names: dict[str, str]
    access: access.Access = access.OPEN  # who is looking: the units they may see, what they may change
    unit_choices: tuple[str, ...] = ()  # the units this user may choose, each after its parent

    def unit_code(self, label: str) -> str:
        """The code of a unit shown by its name (codes shown as themselves)."""
        return next((code for code, name in self.unit_names.items() if name == label), label)

    @property
    def description(self) -> str:
        everything = "Hele organisasjonen" if self.access.allowed_units is None else "Enhetene du har tilgang til"
        where = ", ".join(self.unit_names.get(u, u) for u in self.chosen_units) or everything
        return f"{where} per {formatting.day(self.scope.as_of)}"


def _list_param(key: str) -> list[str]:
    raw = st.query_params.get(key)
    return [part for part in raw.split(",") if part] if raw else []


def _init_state(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _notice(text: str) -> None:
    st.session_state.setdefault("_filter_notices", []).append(text)


def _from_url(default_date: date, unit_codes: list[str], levels: list[str], professions: list[str],
              types: list[str], restricted: bool = False) -> None:
    """Seed the widgets from the URL once per session; unknown values fall back with a notice.

    Seeded again (without notices) where a run that stopped before the sidebar, e.g. on a busy
    database during an import, made Streamlit forget the widgets: else the date would become today.
    """
    seeded = st.session_state.get("_filters_seeded", False)
    if seeded and all(key in st.session_state for key in FILTER_KEYS):
        return
    st.session_state["_filters_seeded"] = True
    if not seeded:
        st.session_state["_filter_notices"] = []
    notices_before = list(st.session_state.get("_filter_notices", []))
    raw_date = st.query_params.get(Q_DATE)
    chosen_date = default_date
    if raw_date:
        try:
            chosen_date = date.fromisoformat(raw_date)
            if not EARLIEST_DATE <= chosen_date <= LATEST_DATE:
                raise ValueError(raw_date)
        except ValueError:
            _notice(f"Datoen «{raw_date}» i lenken er ugyldig; viser {formatting.day(default_date)}.")
    _init_state("f_date", chosen_date)
    level = st.query_params.get(Q_LEVEL, ALL_LEVELS)
    if level != ALL_LEVELS and level not in levels:
        _notice(f"Nivået «{level}» finnes ikke; viser alle nivåer.")
        level = ALL_LEVELS
    _init_state("f_level", level)
    for key, q_key, known, what in (
        ("f_units", Q_UNITS, unit_codes, "Enheten"),
        ("f_professions", Q_PROFESSIONS, professions, "Yrkesgruppen"),
        ("f_types", Q_TYPES, types, "Ansettelsesformen"),
    ):
        wanted = _list_param(q_key)
        valid = [v for v in wanted if v in known]
        for unknown in (v for v in wanted if v not in known):
            if restricted and key == "f_units":  # the same words whether the unit exists or not
                _notice(f"Du har ikke tilgang til enheten «{unknown}» i lenken; den er utelatt.")
            else:
                _notice(f"{what} «{unknown}» i lenken finnes ikke og er utelatt.")
        _init_state(key, valid)
    if seeded:  # the URL's problems were told when the session began
        st.session_state["_filter_notices"] = notices_before


def employment_type_label(code: str) -> str:
    """"tilkallingsvikar" -> "Tilkallingsvikar/ekstrahjelp"; a type the rules do not know as written."""
    return rules.EMPLOYMENT_TYPE_LABELS.get(code, code.capitalize())


def _employment_type_order(code: str) -> tuple[int, str]:
    order = list(rules.EMPLOYMENT_TYPES)
    return (order.index(code) if code in order else len(order), code)


def sidebar(viewer: access.Access = access.OPEN) -> Filters:
    """Draw the shared sidebar and return the chosen scope, within the units `viewer` may see."""
    db = data.runner()
    tree = units.tree(db)  # shared by every session: what is drawn from it is too (data.derived)
    unit_labels = data.derived(units.labels, tree)
    order = data.derived(access.visible_order, tree, viewer)
    visible = access.visible_tree(tree, viewer)
    levels = [lvl for lvl in LEVEL_LABELS if lvl in set(visible["level"])]
    professions = catalog.professions(db)
    types = sorted(catalog.employment_types(db), key=_employment_type_order)
    default_date = history.data_date(db) or date.today()
    _from_url(default_date, order, levels, professions, types, restricted=viewer.allowed_units is not None)
    for key, value in st.session_state.pop(PENDING_KEY, {}).items():  # set by go_to() on the page before
        st.session_state[key] = value
    allowed_choices = set(order)
    if any(c not in allowed_choices for c in st.session_state.get("f_units", [])):  # an edited request
        st.session_state["f_units"] = [c for c in st.session_state["f_units"] if c in allowed_choices]
    if st.session_state.get("f_level", ALL_LEVELS) not in (ALL_LEVELS, *levels):
        st.session_state["f_level"] = ALL_LEVELS

    sb = st.sidebar
    sb.header("Utvalg")
    as_of = sb.date_input(
        "Referansedato", key="f_date", format="DD.MM.YYYY", min_value=EARLIEST_DATE, max_value=LATEST_DATE,
        help=f"Tallene gjelder denne dagen. Dataene er fra {formatting.day(default_date)}.",
    )
    level = sb.selectbox(
        "Organisasjonsnivå", [ALL_LEVELS, *levels], key="f_level",
        format_func=lambda v: LEVEL_LABELS.get(v, v),
    )
    level_codes = visible.loc[visible["level"] == level, "unit_code"] if level != ALL_LEVELS else visible["unit_code"]
    shown_codes = set(level_codes) | set(st.session_state.get("f_units", []))  # once, not per unit (500 units)
    options = [c for c in order if c in shown_codes]
    chosen = sb.multiselect(
        "Enheter", options, key="f_units", format_func=lambda c: unit_labels.get(c, c),
        placeholder="Alle enheter", help="En klinikk eller avdeling tar med alle enheter under seg.",
    )
    chosen_professions = sb.multiselect("Yrkesgrupper", professions, key="f_professions", placeholder="Alle")
    chosen_types = sb.multiselect(
        "Ansettelsesform", types, key="f_types", placeholder="Alle", format_func=employment_type_label
    )
    for text in st.session_state.get("_filter_notices", []):
        sb.warning(text)

    _to_url(as_of, level, chosen, chosen_professions, chosen_types, default_date)
    scope = Scope(
        as_of=as_of,
        units=access.scope_units(tree, chosen, viewer),  # the chosen subtrees within the allowed units
        professions=tuple(chosen_professions) or None,
        employment_types=tuple(chosen_types) or None,
    )
    names = dict(zip(tree["unit_code"], tree["unit_name"], strict=True))
    return Filters(scope=scope, chosen_units=tuple(chosen), data_date=default_date, unit_names=names,
                   access=viewer, unit_choices=tuple(order))


def fallback(viewer: access.Access = access.OPEN) -> Filters:
    """What a page gets when the sidebar could not be drawn: the user's units on today's date."""
    return Filters(scope=Scope(as_of=date.today(), units=viewer.allowed_units), chosen_units=(), data_date=None,
                   unit_names={}, access=viewer)


def _to_url(as_of: date, level: str, chosen: list[str], professions: list[str], types: list[str],
            default_date: date) -> None:
    wanted = {
        Q_DATE: as_of.isoformat() if as_of != default_date else None,
        Q_LEVEL: level if level != ALL_LEVELS else None,
        Q_UNITS: ",".join(chosen) or None,
        Q_PROFESSIONS: ",".join(professions) or None,
        Q_TYPES: ",".join(types) or None,
    }
    for key, value in wanted.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


PENDING_KEY = "_pending_filters"


def go_to(page: str, *, unit: str | None = None, profession: str | None = None) -> None:
    """Open another page with the sidebar set to one unit (and profession).

    The sidebar's widgets are drawn before the page, so their state cannot change in this run;
    the choice waits for the next run, which sidebar() applies before drawing them.
    """
    pending: dict[str, object] = {"f_level": ALL_LEVELS}
    if unit is not None:
        pending["f_units"] = [unit]
    if profession is not None:
        pending["f_professions"] = [profession]
    st.session_state[PENDING_KEY] = pending
    st.switch_page(page)


def current() -> Filters:
    """The filters app.py drew for this run.

    A page opened by a direct link on a fresh server can be run by Streamlit's legacy
    multipage mode (it sees the pages/ folder) without app.py; then switch that mode off and
    run again through app.py, which keeps the URL and so the view.
    """
    if not data.run_active() or "_filters" not in st.session_state:
        attempts = st.session_state.get("_shell_reruns", 0)
        if attempts < 2:
            st.session_state["_shell_reruns"] = attempts + 1
            PagesManager.uses_pages_directory = False
            st.rerun()
        st.error("Siden kunne ikke åpnes direkte. Gå til forsiden og velg siden i menyen.")
        st.stop()
    st.session_state["_shell_reruns"] = 0
    return st.session_state["_filters"]
