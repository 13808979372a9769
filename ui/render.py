"""Drawing helpers shared by the pages: Norwegian number formats in charts and tables, "<k" cells."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.elements.lib import pandas_styler_utils

from kompetanse.figures import competence
from kompetanse.figures.suppression import SECONDARY_LABEL, Suppressed, explain, hidden_label
from kompetanse.presentation import colours, formatting
from ui import data

Formatter = Callable[[float], str]
HIDDEN_SORT_VALUE = float("-inf")  # the value behind a "<k" cell in a table (never shown)
STATIC_TABLE_ROWS = 30  # render.table: up to this many rows, a static table; more, a grid


LANGUAGE = "nb"  # Norwegian bokmål: the language of every page (WCAG 2.1, 3.1.1)
_DECLARE_LANGUAGE = f"<script>document.documentElement.lang = '{LANGUAGE}';</script>"


def declare_language() -> None:
    """Mark the document as Norwegian, so that screen readers read it with Norwegian speech.

    Streamlit's page says lang="en" and has no setting for it; a script in the page corrects it."""
    st.html(_DECLARE_LANGUAGE, unsafe_allow_javascript=True)


def chart(figure: go.Figure | Callable[..., go.Figure], *sources: Any, key: str | None = None) -> None:
    """A plotly chart with Norwegian separators ("1 234,5") and the app's look (kompetanse.presentation.colours).

    `figure` is a figure the page built (changed here), or what builds it from `sources`: shared figures
    (store.shared) as the page got them, so that the chart is built once for every session (data.derived)."""
    fig = data.derived(_finished, figure, *sources) if callable(figure) else _finish(figure)
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def _finished(build: Callable[..., go.Figure], *sources: Any) -> go.Figure:
    return _finish(build(*sources))


def _finish(fig: go.Figure) -> go.Figure:
    colours.apply(fig)
    fig.update_layout(
        separators=formatting.PLOTLY_SEPARATORS,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"size": 14},
    )
    return fig


def styled(
    suppressed: Suppressed, formats: Mapping[str, Formatter], labels: Mapping[str, str] | None = None,
    cell_styles: Callable[[], pd.DataFrame] | None = None,
) -> pd.io.formats.style.Styler:
    """A table whose numbers keep sorting as numbers but show Norwegian text, "<k" or ":" where hidden.

    `labels` renames columns for the reader (the browser grid ignores a Styler's relabelled headers);
    `cell_styles` gives each cell's CSS (a frame like the table's). Built and translated once for every
    session (data.derived): never change the Styler it returns.
    """
    return data.derived(_translated, suppressed, formats, labels, cell_styles)


def _translated(
    suppressed: Suppressed, formats: Mapping[str, Formatter], labels: Mapping[str, str] | None,
    cell_styles: Callable[[], pd.DataFrame] | None,
) -> pd.io.formats.style.Styler:
    styler = _styler(suppressed, formats, labels)
    if cell_styles is not None:
        styler = styler.apply(lambda _: cell_styles(), axis=None)
    return _translate_once(styler)


def _translate_once(styler: pd.io.formats.style.Styler) -> pd.io.formats.style.Styler:
    # Streamlit draws a Styler by computing its styles and translating every cell's display text on each run
    # (pandas_styler_utils.marshall_styler: _compute, then _translate). A shared Styler does both once, here;
    # every later run gets that translation, and sessions drawing it at once never recompute it under each other.
    styler._compute()
    translation = styler._translate(False, False)
    translation[_SHARED_TRANSLATION] = True
    styler._compute = lambda: styler  # type: ignore[method-assign]
    styler._translate = lambda *_args, **_kwargs: translation  # type: ignore[method-assign]
    return styler


# The display text of a shared table's cells, as Streamlit sends it (Arrow bytes), kept in its translation.
_SHARED_TRANSLATION, _DISPLAY_VALUES = "kompetanse_shared", "kompetanse_display_values"


def _keep_display_values() -> None:
    """Let Streamlit build a shared table's display text once (pandas_styler_utils._marshall_display_values).

    On every run Streamlit rebuilds it from the translation: every cell cast to text and set column by column,
    then written as Arrow, a third of a table-heavy page's run. For a translation of ours (shared, never
    changed) the bytes are kept in the translation itself and used again; any other Styler goes as before."""
    original = pandas_styler_utils._marshall_display_values
    if getattr(original, "keeps_display_values", False):
        return

    def marshall_display_values(proto: Any, df: pd.DataFrame, styles: dict[str, Any]) -> None:
        kept = styles.get(_DISPLAY_VALUES) if styles.get(_SHARED_TRANSLATION) else None
        if kept is not None:
            proto.styler.display_values = kept
            return
        original(proto, df, styles)
        if styles.get(_SHARED_TRANSLATION):
            styles[_DISPLAY_VALUES] = proto.styler.display_values

    marshall_display_values.keeps_display_values = True  # type: ignore[attr-defined]
    pandas_styler_utils._marshall_display_values = marshall_display_values


_keep_display_values()


def _styler(
    suppressed: Suppressed, formats: Mapping[str, Formatter], labels: Mapping[str, str] | None
) -> pd.io.formats.style.Styler:
    if labels:
        suppressed = suppressed.select(rename=labels)
        formats = {labels.get(column, column): fmt for column, fmt in formats.items()}
    label = hidden_label(suppressed.k)
    secondary = suppressed.secondary if suppressed.secondary is not None else suppressed.hidden & False
    numeric = suppressed.values.copy()
    for column in numeric.columns:
        if column in formats:
            numeric[column] = pd.to_numeric(numeric[column], errors="coerce")
            # The browser grid draws a null cell as "None" and ignores its display text; a hidden
            # cell holds a constant that reveals nothing and sorts below every shown figure.
            numeric[column] = numeric[column].mask(suppressed.hidden[column].astype(bool), HIDDEN_SORT_VALUE)
    styler = numeric.style
    for column, fmt in formats.items():
        if column in numeric.columns:
            hidden = suppressed.hidden[column].astype(bool)
            protecting = hidden & secondary[column].astype(bool)
            primary = hidden & ~protecting
            styler = styler.format(
                lambda v, f=fmt: formatting.number(None) if pd.isna(v) else f(v), subset=[column]
            )
            styler = styler.format(lambda _v: label, subset=pd.IndexSlice[primary[primary].index, [column]])
            styler = styler.format(lambda _v: SECONDARY_LABEL,
                                   subset=pd.IndexSlice[protecting[protecting].index, [column]])
    return styler


def formatted(frame: pd.DataFrame, formats: Mapping[str, Formatter], na_rep: str = "–") -> pd.io.formats.style.Styler:
    """A table of figures nobody needs hidden (work lists), each column read as `formats` says, blank as `na_rep`.

    Built and translated once for every session, like `styled`: `frame` is a shared figure or drawn from one."""
    return data.derived(_translated_plain, frame, formats, na_rep)


def _translated_plain(frame: pd.DataFrame, formats: Mapping[str, Formatter], na_rep: str) -> pd.io.formats.style.Styler:
    return _translate_once(frame.style.format(dict(formats), na_rep=na_rep))


COVERAGE_COLOURS = {competence.STATUS_GAP: "background-color: #f8d7da; color: #842029",
                    competence.STATUS_MET: "background-color: #d1e7dd; color: #0f5132"}


def coverage_grid(coverage: pd.DataFrame, unit_names: Mapping[str, str]) -> pd.io.formats.style.Styler:
    """Holders / required per unit and competence, red where a requirement is not met, green where it is.

    Built and translated once for every session (`coverage` is a shared figure)."""
    return data.derived(_coverage_grid, coverage, unit_names)


def _coverage_grid(coverage: pd.DataFrame, unit_names: Mapping[str, str]) -> pd.io.formats.style.Styler:
    labels = competence.coverage_labels(coverage)
    status = competence.coverage_status(coverage)
    index = competence.display_index(labels, dict(unit_names))
    labels, status = labels.set_axis(index), status.set_axis(index)
    styler = labels.style.apply(lambda _: status.replace(COVERAGE_COLOURS).fillna(""), axis=None).format(na_rep="")
    return _translate_once(styler)


def table(suppressed: Suppressed, formats: Mapping[str, Formatter], *, key: str) -> None:
    """A figure table: static while it is short, a scrolling grid that sorts when it is long.

    A static table is drawn at once and read cell by cell by a screen reader; the grid's canvas is
    neither, and on a page's first load it delays the chart above it (benchmarks/browser.py)."""
    shown = styled(suppressed, formats)
    if len(suppressed.values) <= STATIC_TABLE_ROWS:
        st.table(shown)
    else:
        st.dataframe(shown, width="stretch", key=key)


def tabs(contents: Mapping[str, Callable[[], None]], *, key: str) -> None:
    """Tabs that draw only the open one.

    The others' figures are neither computed nor sent: a page with tabs costs what its open tab costs,
    and choosing a tab runs the page again (Streamlit's lazy tabs)."""
    containers = st.tabs(list(contents), key=key, on_change="rerun")
    for draw, container in zip(contents.values(), containers, strict=True):
        if container.open:
            with container:
                draw()


def hidden_note(suppressed: Suppressed) -> None:
    """Say why a figure shows as "<k" or ":", where any does."""
    if suppressed.any_hidden:
        st.caption(explain(suppressed.k))


def empty(text: str = "Ingen data i utvalget. Velg en annen dato, flere enheter eller færre filtre.") -> None:
    st.info(text)
