"""ui.render.table: a short figure table is a static table, a long one the grid that sorts; "<k" either way."""

from __future__ import annotations

import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest


def _table_page(rows: int) -> None:
    import pandas as pd

    from kompetanse.figures.suppression import Suppressed
    from kompetanse.presentation import formatting
    from ui import render

    values = pd.DataFrame({"Ansatte": [float(n + 5) for n in range(rows)]}, index=[f"gruppe {n}" for n in range(rows)])
    hidden = values.assign(Ansatte=[n == 0 for n in range(rows)])
    render.table(Suppressed(values, hidden, 5), {"Ansatte": formatting.number}, key="t")


@pytest.mark.parametrize(("rows", "static"), [(30, True), (31, False)])
def test_a_table_is_static_up_to_30_rows_and_a_grid_beyond(rows: int, static: bool) -> None:
    at = AppTest.from_function(_table_page, args=(rows,)).run()
    assert not at.exception
    assert (len(at.table), len(at.dataframe)) == ((1, 0) if static else (0, 1))
    shown = (at.table if static else at.dataframe)[0]
    text = dataframe_util.convert_arrow_bytes_to_pandas_df(shown.proto.arrow_data.styler.display_values)
    assert text.iloc[0, -1] == "<5" and text.iloc[1, -1] == "6"
    assert shown.value.iloc[0, 0] == float("-inf")  # what the browser gets behind "<5" is not the count (5)
