"""Sammenlign enheter: one row per unit with the chosen indicators, ranked and coloured, and one indicator as bars."""

import streamlit as st

from kompetanse.figures import compare
from kompetanse.presentation import chart_text
from kompetanse.storage import settings
from ui import charts, data, filters, render

chosen = filters.current()
db = data.runner()
k = settings.min_group_size(data.connection())

st.title("Sammenlign enheter")
st.caption(chosen.description)

picked = st.multiselect(
    "Indikatorer", compare.labels(db), default=compare.DEFAULT_LABELS, key="cmp_indicators",
    help="Tabellen er sortert etter den første indikatoren. Klikk en kolonneoverskrift for å sortere på den.",
)
if not picked:
    st.info("Velg minst én indikator.")
else:
    compared = compare.units_table(db, chosen.scope, k, picked)
    if compared.empty:
        render.empty()
        st.stop()
    styler = render.styled(compared.table, compared.formats, cell_styles=compared.styles)
    selection = st.dataframe(
        styler, hide_index=True, width="stretch", key="cmp_table",
        column_config={label: st.column_config.Column(help=compare.indicator(label).help) for label in picked},
        on_select="rerun", selection_mode="single-row",
    )
    st.caption(compare.COLOUR_NOTE + " Velg en rad for å se enhetens tiltak.")
    render.hidden_note(compared.table)
    picked_unit = compare.selected_unit(compared, selection.selection.rows)
    if picked_unit is not None:
        name = chosen.unit_names.get(picked_unit, picked_unit)
        if st.button(f"Vis tiltakene for {name}", type="primary", key="cmp_to_measures"):
            filters.go_to("pages/tiltak.py", unit=picked_unit)

st.subheader("Én indikator på tvers av enhetene")
shown = st.selectbox("Indikator i diagrammet", compare.labels(db), index=compare.default_chart_index(db),
                     key="cmp_chart")
bars = compare.indicator_chart(db, chosen.scope, k, shown)
if bars.figure is None:
    render.empty(f"Ingen enheter i utvalget har tall for «{shown}» som kan vises (færre enn {k} ansatte).")
else:
    render.chart(compare.indicator_figure, bars, key="cmp_bars")
    charts.alternative(data.derived(chart_text.indicator_bars, bars.figure, shown),
                       data.derived(chart_text.indicator_table, bars.figure, shown))
    st.caption("Stiplet linje: utvalget som helhet (for antall og årsverk: gjennomsnitt per enhet).")
if bars.note:
    st.caption(bars.note)
