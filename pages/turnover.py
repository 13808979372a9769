"""Turnover (under construction)."""

import streamlit as st

st.title("Turnover")
st.info("Denne siden er under arbeid.")
