"""Sammenlign enheter (under construction)."""

import streamlit as st

st.title("Sammenlign enheter")
st.info("Denne siden er under arbeid.")
