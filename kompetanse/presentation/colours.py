"""One look: the colour of each thing a chart shows, for the app, the Excel charts and the deck.

A series is coloured by what it is (its label: women, men, a profession group, a measure category),
so the same thing has the same colour wherever it is drawn; anything else takes the palette in the
order it comes. Every colour has at least 3:1 contrast against white (WCAG 2.1, 1.4.11 non-text
contrast), and the palette's neighbours differ in lightness as well as hue.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

WOMEN = "#c0392b"
MEN = "#2e6da4"
UNKNOWN_GENDER = "#6b6b6b"
SINGLE = "#2e6da4"  # a chart with one series (age bands per unit, one indicator across units)
REFERENCE_LINE = "#555555"

# Categorical, in order: blue, orange-brown, green, purple, red, teal, grey, ochre, dark blue, wine.
PALETTE = (
    "#2e6da4", "#a6501a", "#1e7b45", "#7d3c98", "#c0392b", "#117a75", "#5d6d7e", "#8a6d0b", "#1b3f73", "#8e2450",
)

# Fixed colours by what a series is; looked up without regard to case.
NAMED: dict[str, str] = {
    # gender
    "kvinner": WOMEN, "kvinne": WOMEN, "k": WOMEN,
    "menn": MEN, "mann": MEN, "m": MEN,
    "ukjent kjønn": UNKNOWN_GENDER,
    # the plan's measure categories (costs.CATEGORY_LABELS, plan_edit.CATEGORY_LABELS)
    "rekruttering": "#1e7b45", "rekruttering av personell": "#1e7b45",
    "utvikling": "#7d3c98", "utvikling av personell": "#7d3c98",
    # turnover's definitions (turnover.RATE_LABELS; the page's bars and the pack's chart)
    "turnover": "#2e6da4", "turnover uten pensjon": "#117a75", "ks-turnover": "#a6501a",
    # retirements and the recruitment need (the pack's chart)
    "når pensjonsalder": "#2e6da4", "erstatningsbehov i alt": "#a6501a",
    # placements (placements.FIGURES) and the goals' levels (goals.LEVELS)
    "etterspurt": "#2e6da4", "tilbudt": "#1e7b45", "brukt": "#a6501a",
    "strategimål": "#1b3f73", "resultatmål": "#8a6d0b",
    # profession groups (the retirement rules' groups and the demo's professions)
    "sykepleier": "#2e6da4",
    "spesialsykepleier": "#1b3f73",
    "jordmor": "#8e2450",
    "helsefagarbeider": "#1e7b45",
    "hjelpepleier": "#117a75",
    "barnepleier": "#8a6d0b",
    "assistent": "#a6501a",
    "lege": "#c0392b",
    "bioingeniør": "#7d3c98",
    "vernepleier": "#5d6d7e",
    "ergoterapeut": "#6c3483",
    "helsesekretær": "#7b5e3b",
    "renholder": "#4d5656",
}


def fixed_colour(label: object) -> str | None:
    """The fixed colour of what a series is (women, men, a profession group, a category), if it has one."""
    return NAMED.get(str(label).strip().casefold())


def colour(label: object, position: int = 0) -> str:
    """The colour of one series: its fixed colour if it has one, else the palette's at `position`."""
    fixed = fixed_colour(label)
    return fixed if fixed is not None else PALETTE[position % len(PALETTE)]


def series_colours(labels: Sequence[object]) -> list[str]:
    """The colours of a chart's series, in order: fixed ones where the series has one; the others take
    the palette in turn, skipping colours the fixed ones already use in this chart."""
    fixed = [fixed_colour(label) for label in labels]
    free = [c for c in PALETTE if c not in fixed] or list(PALETTE)
    result, position = [], 0
    for value in fixed:
        if value is None:
            value = free[position % len(free)]
            position += 1
        result.append(value)
    return result


def hex_digits(value: str) -> str:
    """"#c0392b" -> "C0392B", as openpyxl and python-pptx write colours."""
    return value.lstrip("#").upper()


def _legend_traces(fig: go.Figure) -> list[go.BaseTraceType]:
    """The traces a reader tells apart by colour: named ones in the legend (not "<k" label layers)."""
    return [t for t in fig.data if t.name and t.showlegend is not False and t.type in ("bar", "scatter")]


def apply(fig: go.Figure) -> go.Figure:
    """Colour each named series of a plotly figure as the workbook and the deck colour it."""
    for trace, value in zip(_legend_traces(fig), series_colours([t.name for t in _legend_traces(fig)]), strict=True):
        if trace.type == "bar":
            trace.marker.color = value
        else:
            trace.line.color = value
            trace.marker.color = value
    return fig


def relative_luminance(value: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour "#rrggbb"."""
    digits = hex_digits(value)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
