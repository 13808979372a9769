"""Tiltak og kostnader (under construction)."""

import streamlit as st

st.title("Tiltak og kostnader")
st.info("Denne siden er under arbeid.")
