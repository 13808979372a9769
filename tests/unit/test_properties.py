"""Properties of the figures over generated personnel data."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetanse.figures import metrics
from kompetanse.figures.metrics import Scope
from kompetanse.storage import store
from tests.fixtures import employment, load

D = date(2023, 12, 1)

employments = st.builds(
    lambda i, unit, age_days, start_offset, length, ended: employment(
        f"p{i}", unit,
        birth=D - timedelta(days=age_days),
        start=D - timedelta(days=start_offset),
        end=(D - timedelta(days=start_offset) + timedelta(days=length)) if ended else None,
        reason="annet" if ended else None,
    ),
    st.integers(0, 40), st.sampled_from(["A", "B", "C"]), st.integers(15 * 365, 75 * 365),
    st.integers(-400, 4000), st.integers(0, 3000), st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(employments, min_size=0, max_size=40))
def test_age_bands_sum_to_headcount_in_every_unit_and_total(tmp_path_factory, rows):
    con = store.connect(tmp_path_factory.mktemp("p") / "p.duckdb")
    if rows:
        load(con, rows)
    frame = metrics.compute(con, Scope(as_of=D), by="unit")
    for _, row in frame.iterrows():
        assert sum(row[c] for c in metrics.BAND_COLUMNS) == row["headcount"]
    con.close()
