"""Funding of the plan's measures: each measure's funding source and the amounts applied for and
granted, against its cost.

Sources as the seeds name them: the unit's budget (budsjett), kompetanseløftmidler from
Statsforvalteren (Larvik applies every year), project funds (prosjektmidler: the ALM plan's internal
courses) and other (annet). Unfunded = max(0, cost - granted) per measure, summed: a budget line is
funded by what the budget grants it. Costs are per year (a five-year line's cost per year), like the
granted amounts. Money is not person data: no small-group hiding.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kompetanse.presentation import formatting
from kompetanse.storage import store

SOURCES: dict[str, str] = {
    "budsjett": "Budsjett",
    "kompetanseloftmidler": "Kompetanseløftmidler",
    "prosjektmidler": "Prosjektmidler",
    "annet": "Annet",
}
NO_SOURCE = "Ikke angitt"
TOTAL_LABEL = "Sum"


def by_source(db: store.Db, unit_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """is_total, source ('' = none given), lines, cost, applied, granted, unfunded; the total row last."""
    return store.run_query(db, "measures_funding", {"units": list(unit_codes) if unit_codes is not None else None})


def source_label(source: object) -> str:
    if source is None or (isinstance(source, float) and pd.isna(source)) or source == "":
        return NO_SOURCE
    return SOURCES.get(str(source), str(source))


def unfunded_total(frame: pd.DataFrame) -> float:
    total = frame[frame["is_total"]]
    return float(total["unfunded"].iloc[0]) if not total.empty else 0.0


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per source with Norwegian labels and kroner; the sum last."""
    labels = [TOTAL_LABEL if t else source_label(s) for t, s in zip(frame["is_total"], frame["source"], strict=True)]
    return pd.DataFrame({
        "Finansieringskilde": labels,
        "Tiltak": frame["lines"].astype(int).to_numpy(),
        "Kostnad per år": [formatting.kroner(v) for v in frame["cost"]],
        "Søkt": [formatting.kroner(v) for v in frame["applied"]],
        "Innvilget": [formatting.kroner(v) for v in frame["granted"]],
        "Ufinansiert": [formatting.kroner(v) for v in frame["unfunded"]],
    })
