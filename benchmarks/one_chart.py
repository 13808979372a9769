"""The baseline for the load test and the browser timing: the platform's own cost of one chart.

A one-chart Streamlit page with one sidebar filter, drawn with the same library as the app (plotly),
so that `benchmarks/load.py` and the browser benchmark can put each page of the app beside what
Streamlit itself costs on this machine in the same run:

    streamlit run benchmarks/one_chart.py
"""

import plotly.graph_objects as go
import streamlit as st

GROUPS = [f"Gruppe {n}" for n in range(1, 21)]

st.title("Ett diagram")
chosen = st.sidebar.multiselect("Grupper", GROUPS, key="groups", placeholder="Alle")
shown = chosen or GROUPS
st.plotly_chart(
    go.Figure(go.Bar(x=shown, y=[10 * (n % 7 + 1) for n in range(len(shown))])),
    key="one_chart", config={"displaylogo": False},
)
