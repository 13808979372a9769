"""Alder (under construction)."""

import streamlit as st

st.title("Alder")
st.info("Denne siden er under arbeid.")
