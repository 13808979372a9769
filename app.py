"""Kompetanse: the entry point. Page config, the shared sidebar, navigation over pages/."""

from __future__ import annotations

import streamlit as st

from kompetanse.access import access
from kompetanse.storage import units
from ui import auth, data, filters, guard

st.set_page_config(page_title="Kompetanse", page_icon=":material/bar_chart:", layout="wide")

# Every page, by its file's stem; kompetanse.access.access decides which of them a role's navigation lists.
PAGES = {
    "oversikt": st.Page("pages/oversikt.py", title="Oversikt", icon=":material/home:", default=True),
    "alder": st.Page("pages/alder.py", title="Alder", icon=":material/groups:", url_path="alder"),
    "pensjon": st.Page("pages/pensjon.py", title="Pensjon og rekruttering", icon=":material/hourglass_bottom:",
                       url_path="pensjon"),
    "turnover": st.Page("pages/turnover.py", title="Turnover", icon=":material/sync_alt:", url_path="turnover"),
    "kompetanse": st.Page("pages/kompetanse.py", title="Kompetanse", icon=":material/school:",
                          url_path="kompetanse"),
    "tiltak": st.Page("pages/tiltak.py", title="Tiltak og kostnader", icon=":material/payments:",
                      url_path="tiltak"),
    "behov": st.Page("pages/behov.py", title="Behov og dekning", icon=":material/target:", url_path="behov"),
    "maal": st.Page("pages/maal.py", title="Mål og strategi", icon=":material/flag:", url_path="maal"),
    "praksis": st.Page("pages/praksis.py", title="Praksisplasser", icon=":material/badge:", url_path="praksis"),
    "sammenlign": st.Page("pages/sammenlign.py", title="Sammenlign enheter", icon=":material/compare_arrows:",
                          url_path="sammenlign"),
    "rapport": st.Page("pages/rapport.py", title="Rapport", icon=":material/description:", url_path="rapport"),
    "import_data": st.Page("pages/import_data.py", title="Import", icon=":material/upload_file:",
                           url_path="import"),
    "logg": st.Page("pages/logg.py", title="Logg", icon=":material/history:", url_path="logg"),
    "tilgjengelighet": st.Page("pages/tilgjengelighet.py", title="Tilgjengelighet", icon=":material/accessibility:",
                               url_path="tilgjengelighet"),
}
PUBLIC = ("tilgjengelighet",)  # open to everyone, signed in or not (the accessibility statement)


def _run() -> None:
    data.begin_run()
    gate = auth.gate()
    if not isinstance(gate, access.Access):  # not signed in, or no access: that page and nothing else
        # The form answers at every page's address, so a shared link opens that page after sign-in.
        stand_ins = [st.Page(gate, title=p.title, url_path=p.url_path) for stem, p in PAGES.items()
                     if p.url_path and stem not in PUBLIC]
        public = [PAGES[stem] for stem in PUBLIC]
        st.navigation([st.Page(gate, title="Logg inn", default=True), *stand_ins, *public], position="hidden").run()
        return
    # expanded: with the statement, admin has 13 pages, and Streamlit would hide all past the tenth
    navigation = st.navigation([page for stem, page in PAGES.items() if stem in gate.pages()], expanded=True)
    guard.guarded("Innloggingslinjen kunne ikke vises", lambda: auth.banner(gate))
    # The sidebar failing (bad data in the unit tree, say) must not stop the page: the Import page is
    # where a bad import is undone. The page then gets the whole organisation on today's date.
    chosen = guard.guarded("Utvalget kunne ikke vises", lambda: filters.sidebar(gate), st.sidebar)
    st.session_state["_filters"] = chosen if chosen is not None else filters.fallback(gate)
    guard.guarded("Sidemenyen kunne ikke vises", lambda: auth.sidebar(gate), st.sidebar)
    stored = guard.guarded("Enhetene kunne ikke kontrolleres", lambda: units.stored_problems(data.runner()))
    for problem in stored or []:
        st.warning(problem)
    guard.guarded("Siden kunne ikke vises", navigation.run)


try:
    guard.guarded("Kompetanse kunne ikke starte", _run)
finally:
    guard.guarded("Databasen kunne ikke lukkes", data.end_run)
