"""Small groups (DESIGN.md): the one function every page and export passes figures through.

`protect(frame, spec, k)` (also named `suppress`) decides what of a table may be shown:

- a group of fewer than k persons shows no figure; inside a larger group a person count from 1 to
  k-1 is hidden ("<k") and a true 0 is shown as 0;
- where a hidden count could be worked out from a total and its parts (along a row, or down a
  column to the total row), one more cell is hidden, the smallest, until none can be; such a cell is
  hidden only to protect another and is marked ":" (SSB's mark), not "<k";
- a share, rate, mean or FTE is hidden with any count it is computed from (`derived`): share 60+
  with the 60+ count, turnover with its leavers or its headcounts, retiring FTE with the retiring
  persons, a mean age with the headcount. Otherwise rate x denominator would give the count back.

The result holds the figures (None where hidden: JSON's null), which cells are hidden, and which
of those only to protect another; `Suppressed.marked()` gives the table as a reader sees it
("<k" and ":" in place of hidden figures), for any extra table (a chart's "Vis tallene" table)
that must say no more than the chart.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SECONDARY_LABEL = ":"  # SSB's mark for a figure hidden only so that another cannot be worked out


@dataclass(frozen=True)
class SuppressionSpec:
    size: str  # the column holding the group's size in persons
    counts: Sequence[str] = ()  # person counts: hidden when 1..k-1
    rates: Sequence[str] = ()  # rates and means: hidden when the group is small
    measures: Sequence[str] = ()  # other figures (FTE, cost): hidden only with a small group
    # (total column, its parts): the parts add up to the total along a row.
    row_sums: Sequence[tuple[str, Sequence[str]]] = field(default_factory=tuple)
    total_row: Hashable | None = None  # index label of the row the other rows add up to
    # figure -> the counts it is computed from, the numerator first: hidden whenever one of them is,
    # except a 0 over a shown numerator of 0 (0 / anything gives no count back).
    derived: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Counts that are never shown but follow from shown ones (a total minus a part, e.g. leavers for
    # other reasons than retirement): protected like shown counts, and the first choice when one
    # more cell must be hidden (hiding them costs the reader nothing).
    implicit: Sequence[str] = ()
    # Figures the reader needs most (a key figure): hidden to protect another only when nothing else will do.
    keep: Sequence[str] = ()


@dataclass(frozen=True)
class Suppressed:
    values: pd.DataFrame  # the figures, None where hidden
    hidden: pd.DataFrame  # True where a figure is hidden
    k: int
    secondary: pd.DataFrame | None = None  # True where hidden only to protect another (None: nowhere)

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden.to_numpy().any())

    @property
    def any_secondary(self) -> bool:
        return self.secondary is not None and bool(self.secondary.to_numpy().any())

    def is_secondary(self, row: Hashable, column: Hashable) -> bool:
        return self.secondary is not None and bool(self.secondary.at[row, column])

    def label(self, row: Hashable, column: Hashable) -> str:
        """The mark of a hidden cell: ":" if hidden only to protect another, else "<k"."""
        return SECONDARY_LABEL if self.is_secondary(row, column) else hidden_label(self.k)

    def marks(self) -> pd.DataFrame:
        """Per cell: "<k", ":" or None (shown)."""
        secondary = self.secondary if self.secondary is not None else self.hidden & False
        marks = pd.DataFrame(None, index=self.hidden.index, columns=self.hidden.columns, dtype=object)
        marks = marks.mask(self.hidden.astype(bool), hidden_label(self.k))
        return marks.mask(secondary.astype(bool) & self.hidden.astype(bool), SECONDARY_LABEL)

    def marked(self) -> pd.DataFrame:
        """The figures with "<k" or ":" in place of each hidden one (a table as the reader sees it)."""
        return self.values.where(~self.hidden.astype(bool), self.marks())

    def select(self, rows: Sequence[Hashable] | None = None, columns: Sequence[Hashable] | None = None,
               rename: Mapping[Hashable, Hashable] | None = None) -> Suppressed:
        """A part of the table (rows, columns, renamed columns), keeping the marks."""
        def pick(frame: pd.DataFrame) -> pd.DataFrame:
            out = frame if rows is None else frame.loc[list(rows)]
            out = out if columns is None else out[list(columns)]
            return out.rename(columns=rename) if rename else out

        secondary = None if self.secondary is None else pick(self.secondary)
        return Suppressed(values=pick(self.values), hidden=pick(self.hidden), k=self.k, secondary=secondary)

    def reindexed(self, keys: Sequence[Hashable]) -> Suppressed:
        """The same table with new row keys (one per row, in order)."""
        secondary = None if self.secondary is None else self.secondary.set_axis(list(keys))
        return Suppressed(values=self.values.set_axis(list(keys)), hidden=self.hidden.set_axis(list(keys)),
                          k=self.k, secondary=secondary)


REASON = (
    "Tall for grupper med færre enn {k} personer vises som «<{k}» for å verne enkeltpersoner. "
    "«:» står der et tall er skjult bare for at et skjult tall ikke skal kunne regnes ut fra summen "
    "eller tallene ved siden av; andeler, gjennomsnitt og årsverk skjules sammen med antallet de bygger på."
)


def explain(k: int) -> str:
    """Why a figure shows as "<k" or ":" (for captions and tooltips)."""
    return REASON.format(k=k)


def hidden_label(k: int) -> str:
    return f"<{k}"


def suppress(frame: pd.DataFrame, spec: SuppressionSpec, k: int) -> Suppressed:
    """Hide what small-group rules require; `k` <= 1 shows everything. See the module docstring."""
    hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    secondary = hidden.copy()
    if k > 1 and not frame.empty:
        _primary(frame, spec, k, hidden)
        primary = hidden.to_numpy(dtype=bool).copy()
        _secondary(frame, spec, hidden)
        _derived(frame, spec, hidden)
        secondary.iloc[:, :] = hidden.to_numpy(dtype=bool) & ~_primary_causes(spec, primary, hidden)
    values = frame.astype(object).where(~hidden, None)
    return Suppressed(values=values, hidden=hidden, k=k, secondary=secondary)


protect = suppress  # the name other modules should call: "protect this table before it is shown"


def _primary(frame: pd.DataFrame, spec: SuppressionSpec, k: int, hidden: pd.DataFrame) -> None:
    small_group = frame[spec.size].fillna(0) < k
    for column in [*spec.counts, *spec.implicit, *spec.rates, *spec.measures]:
        hidden.loc[small_group, column] = True
    hidden.loc[(frame[spec.size] >= 1) & small_group, spec.size] = True  # a true 0 stays visible
    for column in [*spec.counts, *spec.implicit]:
        values = frame[column].fillna(0)
        hidden.loc[(values >= 1) & (values < k), column] = True


def _derived(frame: pd.DataFrame, spec: SuppressionSpec, hidden: pd.DataFrame) -> None:
    for column, sources in spec.derived.items():
        if column in hidden.columns:
            numerator, *others = sources
            zero = pd.to_numeric(frame[column], errors="coerce").eq(0) & ~hidden[numerator]
            denominator_hidden = hidden[others].any(axis=1) if others else False
            hidden[column] = hidden[column] | hidden[numerator] | (denominator_hidden & ~zero)


def _primary_causes(spec: SuppressionSpec, primary: np.ndarray, hidden: pd.DataFrame) -> np.ndarray:
    """Where a hidden cell is (or follows from) a primary one: those read "<k", the others ":"."""
    causes = primary.copy()
    columns = {name: i for i, name in enumerate(hidden.columns)}
    for column, sources in spec.derived.items():
        if column in columns:
            causes[:, columns[column]] |= primary[:, [columns[s] for s in sources]].any(axis=1)
    return causes & hidden.to_numpy(dtype=bool)


def _secondary(frame: pd.DataFrame, spec: SuppressionSpec, hidden: pd.DataFrame) -> None:
    """Hide one more cell wherever a sum relation has exactly one hidden cell, until none has.

    A relation is a total and its parts: along a row (spec.row_sums) or down a column to the total
    row. With exactly one unknown, the attacker solves it; with two or more, not. Works on numpy
    arrays (this runs for every table of every page and of the export pack).
    """
    n_rows, n_columns = frame.shape
    columns = {name: i for i, name in enumerate(frame.columns)}
    values = frame.apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(dtype=float).reshape(-1)
    mask = hidden.to_numpy(dtype=bool).copy().reshape(-1)
    free = np.zeros(n_rows * n_columns, dtype=bool)  # implicit cells: hiding them hides nothing shown
    for column in spec.implicit:
        free[np.arange(n_rows) * n_columns + columns[column]] = True
    kept = np.zeros(n_rows * n_columns, dtype=bool)
    for column in spec.keep:
        kept[np.arange(n_rows) * n_columns + columns[column]] = True
    groups: list[np.ndarray] = []  # each: relations x cells (flat indices), the total first
    for total_column, parts in spec.row_sums:
        cells = np.array([columns[total_column], *(columns[c] for c in parts)])
        groups.append(np.arange(n_rows)[:, None] * n_columns + cells[None, :])
    total_row = frame.index.get_loc(spec.total_row) if spec.total_row in frame.index else None
    if total_row is not None and n_rows > 1:
        order = np.array([total_row, *(i for i in range(n_rows) if i != total_row)])
        for name in dict.fromkeys([spec.size, *spec.counts, *spec.implicit]):
            groups.append((order * n_columns + columns[name])[None, :])
    changed = True
    while changed:
        changed = False
        for group in groups:
            # A shown total of 0 says every part is 0 whatever is hidden: no person to protect there.
            leaking = (mask[group].sum(axis=1) == 1) & (mask[group[:, 0]] | (values[group[:, 0]] != 0))
            for relation in group[leaking]:
                if mask[relation].sum() == 1:  # still exactly one (an earlier step may have hidden more)
                    _protect(relation, values, mask, free, kept)
                    changed = True
    hidden.iloc[:, :] = mask.reshape(n_rows, n_columns)


def _protect(relation: np.ndarray, values: np.ndarray, mask: np.ndarray, free: np.ndarray,
             kept: np.ndarray) -> None:
    """Hide one more cell of `relation` (total first, then its parts).

    The first choice is a visible part with persons in it that is not a kept figure, an implicit one
    before a shown one, the smallest first; then the total (unless kept); then a kept part; a true 0
    is hidden only when nothing else is left.
    """
    total, parts = relation[0], relation[1:]
    visible = parts[~mask[parts]]
    positive = visible[values[visible] > 0]
    spare = positive[~kept[positive]]
    if len(spare):
        choice = spare[np.lexsort((values[spare], ~free[spare]))[0]]
    elif not mask[total] and (not kept[total] or not len(positive)):
        choice = total
    elif len(positive):
        choice = positive[np.argmin(values[positive])]
    elif not mask[total]:
        choice = total
    else:
        choice = visible[np.argmin(values[visible])]
    mask[choice] = True
