"""Tilgjengelighet: the accessibility statement (tilgjengelighetserklæring) in the parts uutilsynet asks for:
conformance status, what does not meet the requirements and why, how it was tested, feedback, complaints."""

import streamlit as st

from kompetanse.presentation import accessibility

st.title("Tilgjengelighetserklæring")
st.write(accessibility.INTRO)

st.header("Status")
st.write(accessibility.STATUS)

st.header("Dette oppfyller ikke kravene")
st.write(accessibility.KNOWN_INTRO)
for problem in accessibility.KNOWN_PROBLEMS:
    st.subheader(problem.title)
    st.markdown(f"**Krav i WCAG 2.1:** {problem.criteria}")
    st.write(problem.consequence)
    st.markdown(f"**Alternativ:** {problem.alternative}")

st.header("Dette er gjort for å oppfylle kravene")
st.markdown("\n".join(f"- {line}" for line in accessibility.MEASURES))

st.header("Slik er løsningen testet")
st.markdown("\n".join(f"- {line}" for line in accessibility.TESTED))
st.write(accessibility.NOT_TESTED)

st.header("Tilbakemelding og klage")
st.write(accessibility.FEEDBACK)
st.write(accessibility.COMPLAINT)
st.caption(f"Erklæringen ble sist oppdatert {accessibility.UPDATED}.")
