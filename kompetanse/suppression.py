"""Small groups (DESIGN.md): the one function every page and export passes figures through.

A group of fewer than k persons shows no figure; inside a larger group a person count from
1 to k-1 is hidden and a true 0 shown; a rate needs a group of at least k; and where a hidden
cell could be worked out from a total and its siblings (along a row, or down a column to the
total row), one more cell is hidden, the smallest, until none can be.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SuppressionSpec:
    size: str  # the column holding the group's size in persons
    counts: Sequence[str] = ()  # person counts: hidden when 1..k-1
    rates: Sequence[str] = ()  # rates and means: hidden when the group is small
    measures: Sequence[str] = ()  # other figures (FTE, cost): hidden only with a small group
    # (total column, its parts): the parts add up to the total along a row.
    row_sums: Sequence[tuple[str, Sequence[str]]] = field(default_factory=tuple)
    total_row: Hashable | None = None  # index label of the row the other rows add up to


@dataclass(frozen=True)
class Suppressed:
    values: pd.DataFrame  # the figures, None where hidden
    hidden: pd.DataFrame  # True where a figure is hidden
    k: int

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden.to_numpy().any())


REASON = (
    "Tall for grupper med færre enn {k} personer vises som «<{k}» for å verne enkeltpersoner; "
    "der et skjult tall kunne regnes ut fra summen, er også et tall til skjult."
)


def explain(k: int) -> str:
    """Why a figure shows as "<k" (for captions and tooltips)."""
    return REASON.format(k=k)


def hidden_label(k: int) -> str:
    return f"<{k}"


def suppress(frame: pd.DataFrame, spec: SuppressionSpec, k: int) -> Suppressed:
    """Hide what small-group rules require; `k` <= 1 shows everything."""
    hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    if k > 1 and not frame.empty:
        _primary(frame, spec, k, hidden)
        _secondary(frame, spec, hidden)
    values = frame.astype(object).where(~hidden, None)
    return Suppressed(values=values, hidden=hidden, k=k)


def _primary(frame: pd.DataFrame, spec: SuppressionSpec, k: int, hidden: pd.DataFrame) -> None:
    small_group = frame[spec.size].fillna(0) < k
    for column in [*spec.counts, *spec.rates, *spec.measures]:
        hidden.loc[small_group, column] = True
    hidden.loc[(frame[spec.size] >= 1) & small_group, spec.size] = True  # a true 0 stays visible
    for column in spec.counts:
        values = frame[column].fillna(0)
        hidden.loc[(values >= 1) & (values < k), column] = True


def _secondary(frame: pd.DataFrame, spec: SuppressionSpec, hidden: pd.DataFrame) -> None:
    """Hide the smallest visible sibling wherever exactly one hidden cell sits beside a visible total.

    Works on numpy arrays (this runs for every table of every page and of the export pack).
    """
    columns = {name: i for i, name in enumerate(frame.columns)}
    values = frame.apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(dtype=float)
    mask = hidden.to_numpy(dtype=bool).copy()
    groups: list[tuple[np.ndarray, int, np.ndarray]] = []  # (rows, total column, part columns) along rows
    for total_column, parts in spec.row_sums:
        part_index = np.array([columns[c] for c in parts])
        groups.append((np.arange(len(frame)), columns[total_column], part_index))
    total_row = frame.index.get_loc(spec.total_row) if spec.total_row in frame.index else None
    members = np.array([i for i in range(len(frame)) if i != total_row])
    count_columns = [columns[c] for c in [spec.size, *spec.counts]]
    changed = True
    while changed:
        changed = False
        for rows, total_column, parts in groups:
            single = rows[~mask[rows, total_column] & (mask[np.ix_(rows, parts)].sum(axis=1) == 1)]
            for row in single:
                view = mask[row, parts]  # a copy (fancy indexing): written back below
                changed |= _protect(values[row, parts], view, mask, (row, total_column))
                mask[row, parts] = view
        if total_row is not None and len(members):
            for column in count_columns:
                if not mask[total_row, column] and mask[members, column].sum() == 1:
                    view = mask[members, column]  # a copy, written back below
                    changed |= _protect(values[members, column], view, mask, (total_row, column))
                    mask[members, column] = view
    hidden.iloc[:, :] = mask


def _protect(values: np.ndarray, hidden: np.ndarray, mask: np.ndarray, total: tuple[int, int]) -> bool:
    """Hide one more of `values` (the smallest positive visible, else the smallest visible), or the total."""
    visible = np.flatnonzero(~hidden)
    if not len(visible):  # the total is the hidden cell's only sibling: hide the total
        mask[total] = True
        return True
    positive = visible[values[visible] > 0]
    candidates = positive if len(positive) else visible
    hidden[candidates[np.argmin(values[candidates])]] = True
    return True
