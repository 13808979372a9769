"""Text alternatives beside the charts (WCAG 2.1, 1.1.1): one call per chart on a page.

The sentence comes from kompetanse.presentation.chart_text; the numbers, where no table already stands beside
the chart, open in an expander «Vis tallene» with the small-group rules applied as in the chart,
as a static HTML table (st.table): a screen reader reads it cell by cell, unlike the canvas grid.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from kompetanse.figures.suppression import Suppressed
from ui import render

SHOW_NUMBERS = "Vis tallene"


def alternative(
    summary: str,
    table: Suppressed | pd.DataFrame | None = None,
    formats: Mapping[str, render.Formatter] | None = None,
) -> None:
    """Say in words what the chart above shows; offer its numbers as a table where none is beside it.

    A Suppressed table shows "<k" where hidden (`formats`: how each column's numbers read, as for
    render.styled); a plain frame is shown as it is (its figures already text)."""
    st.caption(summary)
    if table is None:
        return
    with st.expander(SHOW_NUMBERS):
        if isinstance(table, Suppressed):
            st.table(render.styled(table, formats or {}), hide_index=True)
            render.hidden_note(table)
        else:
            st.table(table, hide_index=True)
