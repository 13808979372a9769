"""Kompetanse (under construction)."""

import streamlit as st

st.title("Kompetanse")
st.info("Denne siden er under arbeid.")
