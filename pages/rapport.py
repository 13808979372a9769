"""Rapport (under construction)."""

import streamlit as st

st.title("Rapport")
st.info("Denne siden er under arbeid.")
