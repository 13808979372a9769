"""Oversikt: key figures for the chosen scope and the units most at risk."""

import streamlit as st

from kompetanse.figures import overview
from kompetanse.figures.suppression import explain
from kompetanse.storage import settings
from ui import data, filters

chosen = filters.current()
db = data.runner()
k = settings.min_group_size(data.connection())

st.title("Oversikt")
st.caption(chosen.description)

figures = overview.key_figures(db, chosen.scope, k)
if overview.is_empty(figures):
    st.info("Ingen ansatte i utvalget på denne datoen. Velg en annen dato eller flere enheter.")
else:
    per_row = 4  # wide enough for the Norwegian labels and amounts
    for start in range(0, len(figures), per_row):
        row = figures[start:start + per_row]
        for column, figure in zip(st.columns(per_row), row, strict=False):
            column.metric(figure.label, figure.value, delta=figure.delta, delta_color="off", help=figure.help)
    if any(f.hidden for f in figures):
        st.caption(explain(k))
    st.caption("Endring fra ett år tidligere.")

    st.subheader("Enhetene med størst risiko")
    risk = overview.units_at_risk(db, chosen.scope, k)
    if risk.empty:
        st.info(f"Ingen enheter å vise: ingen enhet med minst {k} ansatte har synlig pensjonsrisiko eller turnover.")
    else:
        named = risk.assign(Enhet=[chosen.unit_names.get(u, u) for u in risk["unit"]])  # shared: never changed
        st.dataframe(named[["Enhet", "Grunn"]], hide_index=True, width="stretch")
