"""Pensjon og rekruttering (under construction)."""

import streamlit as st

st.title("Pensjon og rekruttering")
st.info("Denne siden er under arbeid.")
