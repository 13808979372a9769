"""Alder: age pyramid, age bands per unit (small multiples and the plans' table), ages per profession."""

import streamlit as st

from kompetanse.figures import ages
from kompetanse.figures.suppression import explain
from kompetanse.presentation import chart_text
from kompetanse.storage import settings
from ui import charts, data, filters, render

chosen = filters.current()
db = data.runner()
k = settings.min_group_size(data.connection())

st.title("Alder")
st.caption(chosen.description)

pyramid = ages.pyramid(db, chosen.scope, k)
if ages.is_empty(pyramid):
    render.empty("Ingen ansatte i utvalget på denne datoen. Velg en annen dato eller flere enheter.")
    st.stop()
if ages.is_small(pyramid):
    render.empty(f"Utvalget har færre enn {k} ansatte, så aldersfordelingen vises ikke. {explain(k)}")
    st.stop()


def pyramid_tab() -> None:
    """Women and men per age band, each person once."""
    st.subheader("Alderspyramide")
    st.caption("Personer aktive på datoen, hver person telles én gang. Kvinner til venstre, menn til høyre.")
    render.chart(ages.pyramid_figure, pyramid, key="alder_pyramide")
    charts.alternative(data.derived(chart_text.pyramid, pyramid), data.derived(chart_text.pyramid_table, pyramid),
                       chart_text.PYRAMID_FORMATS)
    unknown = ages.unknown_gender_note(pyramid)
    if unknown:
        st.caption(unknown)
    render.hidden_note(pyramid)


def units_tab() -> None:
    """Age bands per unit: small multiples and the table the plans print."""
    bands = ages.bands_table(db, chosen.scope, k)
    st.subheader("Aldersfordeling per enhet")
    if bands.empty:
        render.empty("Ingen enheter med ansatte i utvalget.")
    else:
        render.chart(ages.bands_figure, bands, key="alder_enheter")
        charts.alternative(data.derived(chart_text.age_bands, bands.table))  # the table below has the numbers
        st.caption(f"Søyler for skjulte tall er utelatt og merket «<{k}».")
        note = ages.panels_note(bands)
        if note:
            st.caption(note)
        st.dataframe(
            render.styled(bands.table, ages.BAND_FORMATS), hide_index=True, width="stretch", key="alder_tabell"
        )
        if bands.shared_persons:
            st.caption(ages.SHARED_POSITIONS_NOTE)
        render.hidden_note(bands.table)


def professions_tab() -> None:
    """Mean age and the share aged 60 or more per profession group."""
    st.subheader("Alder per yrkesgruppe")
    professions = ages.profession_table(db, chosen.scope, k)
    st.dataframe(
        render.styled(professions, ages.PROFESSION_FORMATS), hide_index=True, width="stretch", key="alder_yrker",
        column_config={
            ages.MEAN_AGE: st.column_config.Column(help="Alder i fylte år, per person."),
            ages.SHARE_60: st.column_config.Column(help="Andel av de ansatte som er 60 år eller eldre."),
        },
    )
    st.caption(f"Gjennomsnittsalder og andel vises bare for grupper med minst {k} personer.")
    render.hidden_note(professions)


render.tabs({"Alderspyramide": pyramid_tab, "Per enhet": units_tab, "Per yrkesgruppe": professions_tab},
            key="a_tab")
