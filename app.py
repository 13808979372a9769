"""Kompetanse: the entry point. Page config, the shared sidebar, navigation over pages/."""

from __future__ import annotations

import duckdb
import streamlit as st

from kompetanse import store
from ui import data, filters

st.set_page_config(page_title="Kompetanse", page_icon=":material/bar_chart:", layout="wide")

PAGES = [
    st.Page("pages/oversikt.py", title="Oversikt", icon=":material/home:", default=True),
    st.Page("pages/alder.py", title="Alder", icon=":material/groups:", url_path="alder"),
    st.Page("pages/pensjon.py", title="Pensjon og rekruttering", icon=":material/hourglass_bottom:",
            url_path="pensjon"),
    st.Page("pages/turnover.py", title="Turnover", icon=":material/sync_alt:", url_path="turnover"),
    st.Page("pages/kompetanse.py", title="Kompetanse", icon=":material/school:", url_path="kompetanse"),
    st.Page("pages/tiltak.py", title="Tiltak og kostnader", icon=":material/payments:", url_path="tiltak"),
    st.Page("pages/sammenlign.py", title="Sammenlign enheter", icon=":material/compare_arrows:", url_path="sammenlign"),
    st.Page("pages/rapport.py", title="Rapport", icon=":material/description:", url_path="rapport"),
    st.Page("pages/import_data.py", title="Import", icon=":material/upload_file:", url_path="import"),
]

navigation = st.navigation(PAGES)
try:
    data.begin_run()
    st.session_state["_filters"] = filters.sidebar()
    navigation.run()
except store.StoreError as exc:  # a locked database: say so, no traceback
    st.error(str(exc))
except (duckdb.Error, OSError) as exc:  # a full disk or a read-only place
    problem = store.storage_problem(exc)
    if problem is None:
        raise
    st.error(problem)
finally:
    data.end_run()
