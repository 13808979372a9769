"""Kompetanse: the entry point. Page config, the shared sidebar, navigation over pages/."""

from __future__ import annotations

import streamlit as st

from kompetanse import store
from ui import filters

st.set_page_config(page_title="Kompetanse", page_icon="📊", layout="wide")

PAGES = [
    st.Page("pages/oversikt.py", title="Oversikt", icon="🏠", default=True),
    st.Page("pages/alder.py", title="Alder", icon="👥", url_path="alder"),
    st.Page("pages/pensjon.py", title="Pensjon og rekruttering", icon="⏳", url_path="pensjon"),
    st.Page("pages/turnover.py", title="Turnover", icon="🔄", url_path="turnover"),
    st.Page("pages/kompetanse.py", title="Kompetanse", icon="🎓", url_path="kompetanse"),
    st.Page("pages/tiltak.py", title="Tiltak og kostnader", icon="💰", url_path="tiltak"),
    st.Page("pages/sammenlign.py", title="Sammenlign enheter", icon="📊", url_path="sammenlign"),
    st.Page("pages/rapport.py", title="Rapport", icon="📄", url_path="rapport"),
    st.Page("pages/import_data.py", title="Import", icon="📥", url_path="import"),
]

navigation = st.navigation(PAGES)
try:
    st.session_state["_filters"] = filters.sidebar()
    navigation.run()
except store.StoreError as exc:  # a locked, read-only or full disk: say so, no traceback
    st.error(str(exc))
