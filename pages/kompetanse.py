"""Kompetanse: requirement coverage, single-person dependencies, retiring holders, expiring
certificates, education levels and further education per unit."""

import streamlit as st

from kompetanse.figures import competence
from kompetanse.figures.suppression import explain
from kompetanse.presentation import formatting
from kompetanse.storage import settings
from ui import data, filters, render

chosen = filters.current()
db = data.runner()
k = settings.min_group_size(data.connection())
scope = chosen.scope

st.title("Kompetanse")
st.caption(chosen.description)

coverage = competence.coverage(db, scope)
summary = competence.coverage_summary(coverage)

st.subheader("Dekning av kompetansekrav")
if coverage.empty:
    render.empty("Ingen kompetansekrav for enhetene i utvalget. Krav importeres på Import-siden.")
else:
    c1, c2, c3 = st.columns(3)
    c1.metric("Kompetansekrav", formatting.number(summary["requirements"]))
    c2.metric("Krav som ikke er dekket", formatting.number(summary["unmet"]),
              help="Krav der færre innehar kompetansen enn kravet (gyldig på referansedatoen).")
    c3.metric("Manglende innehavere", formatting.number(summary["missing"]),
              help="Sum over kravene av krav minus innehavere, der det er færre enn kravet.")
    st.dataframe(render.coverage_grid(coverage, chosen.unit_names), width="stretch")
    st.caption(
        "Hver celle: innehavere / krav. Innehavere er ansatte i enheten på referansedatoen med gyldig "
        "kompetanse (en sertifisering som utløper på datoen, er gyldig den dagen). Rødt: kravet er ikke dekket. "
        "Dekningstallene er arbeidslister for lederen og vises uten skjuling av små tall."
    )

    st.subheader("Enpersonsavhengigheter")
    dependencies = competence.single_person_dependencies(db, scope)
    if dependencies.empty:
        st.info("Ingen krav der bare én person i enheten har kompetansen.")
    else:
        st.dataframe(data.derived(competence.display_dependencies, dependencies, chosen.unit_names), hide_index=True,
                     width="stretch")
        st.caption("Kompetanse som kreves i enheten og som bare én ansatt har. Personer vises med ansattnummer.")

    st.subheader("Innehavere som når pensjonsalder innen 5 år")
    retiring = competence.retiring_summary(db, scope)
    if retiring.empty:
        st.info("Ingen innehavere av påkrevd kompetanse når pensjonsalder innen 5 år.")
    else:
        st.dataframe(data.derived(competence.display_retiring, retiring, chosen.unit_names), hide_index=True,
                     width="stretch")
        st.caption("Forventet pensjonsalder etter regeltabellen (yrkesgruppe); «Mangler da» er kravet minus "
                   "de som er igjen om ingen nye får kompetansen.")

st.subheader(f"Sertifiseringer som utløper innen {competence.EXPIRY_WINDOW_DAYS} dager")
expiring = competence.expiring(db, scope)
if expiring.empty:
    st.info(f"Ingen sertifiseringer utløper innen {competence.EXPIRY_WINDOW_DAYS} dager, og ingen er utløpt "
            "det siste året uten fornyelse.")
else:
    st.dataframe(data.derived(competence.display_expiring, expiring, chosen.unit_names), hide_index=True,
                 width="stretch")
    st.caption("Med sertifiseringer som er utløpt det siste året uten fornyelse. Personer vises med ansattnummer.")

st.subheader("Utdanningsnivå per enhet")
education = competence.education_levels(db, scope, k)
if education.values.empty:
    render.empty()
else:
    education = data.derived(competence.with_unit_labels, education, chosen.unit_names)
    formats = {column: formatting.number for column in education.values.columns}
    st.dataframe(render.styled(education, formats, {"headcount": "Ansatte"}), width="stretch")
    st.caption("Antall personer etter registrert utdanningsnivå. " + explain(k))

st.subheader("Videreutdanning per enhet")
further = competence.further_education(db, scope, k)
if further.values.empty:
    st.info("Ingen registrert videreutdanning i utvalget.")
else:
    further = data.derived(competence.with_unit_labels, further, chosen.unit_names)
    formats = {column: formatting.number for column in further.values.columns}
    st.dataframe(render.styled(further, formats, {"headcount": "Ansatte"}), width="stretch")
    st.caption("Antall personer med videreutdanningen (en person kan ha flere). " + explain(k))
