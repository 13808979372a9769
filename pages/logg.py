"""Logg: the audit log (admin only): who did what, when, in which units."""

import streamlit as st

from kompetanse.access import audit, users
from ui import data, filters

chosen = filters.current()

st.title("Logg")
st.caption(
    "Innlogginger, importer, aktiveringer, endrede innstillinger, tiltaksplaner og eksporter. "
    "Loggen viser enhetskoder, aldri personer fra de importerte filene."
)
if not chosen.access.may("audit"):  # the navigation lists this page for admin only; a stray link stops here
    st.warning("Loggen er bare for administrator.")
    st.stop()

action = st.selectbox("Hendelse", ["", *audit.ACTIONS], format_func=lambda a: a or "Alle", key="logg_hendelse")
rows = audit.entries(data.connection(), action or None)
if rows.empty:
    st.info("Ingen hendelser i loggen.")
else:
    st.dataframe(
        rows.rename(columns=audit.COLUMN_LABELS), hide_index=True, width="stretch", key="logg_tabell",
        column_config={"Tidspunkt": st.column_config.DatetimeColumn(format="DD.MM.YYYY HH:mm:ss")},
    )
    st.caption(f"De {len(rows)} nyeste hendelsene.")

st.subheader("Brukere")
st.caption("Brukere legges til og endres på kommandolinjen: python -m kompetanse user add|grant|remove|list.")
people = users.display_table(data.connection())
if people.empty:
    st.info("Ingen brukere.")
else:
    st.dataframe(
        people, hide_index=True, width="stretch", key="logg_brukere",
        column_config={
            "Sperret til": st.column_config.DatetimeColumn(format="DD.MM.YYYY HH:mm"),
            "Opprettet": st.column_config.DatetimeColumn(format="DD.MM.YYYY HH:mm"),
        },
    )
