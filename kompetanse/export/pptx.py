"""The pack as a PowerPoint deck (python-pptx): 16:9, native editable charts, no text under 12 pt.

A chart cannot hold "<k" as a number: a hidden figure is left out of the chart data (None: no bar)
and the slide says "<k vises ikke".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pptx import Presentation
from pptx.chart.chart import Chart as PptxChart
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from kompetanse.export.pack import RETIRING_COLUMNS, TOTAL, UNIT, Chart, KeyFigure, Kind, Pack, Series
from kompetanse.export.safe_cells import TextCategoryChartData
from kompetanse.figures import competence
from kompetanse.figures.suppression import hidden_label
from kompetanse.presentation import colours, formatting

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.55)
CONTENT_HEIGHT = Inches(5.1)
NOTE_TOP = Inches(6.8)
TITLE_SIZE, SUBTITLE_SIZE, BODY_SIZE, SMALL_SIZE = Pt(28), Pt(16), Pt(14), Pt(12)
SPACING = Pt(6)  # after each paragraph
SERIES_PER_SLIDE = 6  # units per "age bands per unit" chart
GAP_ROWS = 9  # competence gaps listed on the slide

TITLES = {
    "title": "Strategisk kompetanseplan",
    "key_figures": "Nøkkeltall",
    "pyramid": "Alderspyramide",
    "age_bands": "Aldersfordeling per enhet",
    "retirement": "Pensjon og erstatningsbehov",
    "turnover": "Turnover",
    "competence": "Kompetansegap",
    "measures": "Tiltak og kostnader",
    "definitions": "Definisjoner og datagrunnlag",
    "funding": "Finansiering av tiltakene",
    "goals": "Mål og status",
    "placements": "Praksisplasser",
    "changes": "Endringer fra forrige plan",
    "gap": "Dekker planen behovet?",
}
REMAINING_ROWS = 6  # unmet requirements listed on the gap slide
GOAL_ROWS = 12  # goals listed on the slide
CHANGE_ROWS = 6  # changed measures listed on the slide
NUMBER_FORMATS: dict[Kind, str] = {
    "persons": "#,##0",
    "percent": "0%",
    "kroner": '#,##0 "kr"',
    "decimal": "#,##0.0",
}


# --- Text ----------------------------------------------------------------------------------------


def _text(slide: Slide, lines: Sequence[str | tuple[str, str]], left: Emu, top: Emu, width: Emu, height: Emu,
          size: Pt = BODY_SIZE, bold: bool = False, align: PP_ALIGN | None = None, spacing: Pt = SPACING) -> None:
    """A text box; a (term, text) line gets the term in bold. Every run has its size set."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        parts = [(line[0] + ": ", True), (line[1], bold)] if isinstance(line, tuple) else [(line, bold)]
        for text, strong in parts:
            run = paragraph.add_run()
            run.text = text
            run.font.size = size
            run.font.bold = strong
        paragraph.space_after = spacing


def _slide(prs: Presentation, title: str, subtitle: str | None = None) -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text(slide, [title], MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.75), TITLE_SIZE, bold=True)
    if subtitle:
        _text(slide, [subtitle], MARGIN, Inches(0.95), WIDTH - 2 * MARGIN, Inches(0.45), SMALL_SIZE)
    return slide


def _note(slide: Slide, lines: Sequence[str]) -> None:
    if lines:
        _text(slide, list(lines), MARGIN, NOTE_TOP, WIDTH - 2 * MARGIN, Inches(0.6), SMALL_SIZE)


def _table(slide: Slide, header: Sequence[str], rows: Sequence[Sequence[str]], left: Emu, top: Emu, width: Emu,
           widths: Sequence[float], size: Pt = BODY_SIZE, numeric_from: int = 1) -> None:
    """A native table; columns from `numeric_from` on are right-aligned."""
    height = Inches(0.4) * (len(rows) + 1)
    table = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, height).table
    total = sum(widths)
    for index, share in enumerate(widths):
        table.columns[index].width = int(width * share / total)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            paragraph = cell.text_frame.paragraphs[0]
            run = paragraph.add_run()
            run.text = value
            run.font.size = size
            run.font.bold = r == 0
            if c >= numeric_from:
                paragraph.alignment = PP_ALIGN.RIGHT
            cell.text_frame.word_wrap = True


# --- Charts --------------------------------------------------------------------------------------


def _size_runs(frame: TextFrame, size: Pt) -> None:
    for paragraph in frame.paragraphs:
        paragraph.font.size = size
        for run in paragraph.runs:
            run.font.size = size


def _chart(slide: Slide, chart: Chart, chart_type: XL_CHART_TYPE, left: Emu, top: Emu, width: Emu, height: Emu,
           series: Sequence[Series] | None = None, signs: Sequence[float] | None = None,
           labels: bool = True, number_format: str | None = None) -> PptxChart:
    """A native chart of the pack's chart; hidden figures are None (no bar). Fonts 12 pt or more."""
    chosen = list(series if series is not None else chart.series)
    fmt = number_format or NUMBER_FORMATS.get(chart.kind, "General")
    data = TextCategoryChartData(number_format=fmt)  # labels from the data are never formulas
    data.categories = list(chart.categories)
    for index, item in enumerate(chosen):
        data.add_series(item.label, item.values(signs[index] if signs else 1.0))
    graphic = slide.shapes.add_chart(chart_type, left, top, width, height, data)
    native = graphic.chart
    native.font.size = SMALL_SIZE
    native.has_title = False
    native.has_legend = True
    native.legend.position = XL_LEGEND_POSITION.BOTTOM
    native.legend.include_in_layout = False
    native.legend.font.size = SMALL_SIZE
    native.category_axis.tick_labels.font.size = SMALL_SIZE
    value_axis = native.value_axis
    value_axis.tick_labels.font.size = SMALL_SIZE
    value_axis.tick_labels.number_format = fmt
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.has_major_gridlines = True
    if chart.axis_title:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = chart.axis_title
        _size_runs(value_axis.axis_title.text_frame, SMALL_SIZE)
    plot = native.plots[0]
    # Coloured by what each series is, as in the app and the workbook (over the whole chart: a slide may show a part).
    whole = [s.label for s in chart.series]
    by_label = dict(zip(whole, colours.series_colours(whole), strict=True))
    for index, (item, shown) in enumerate(zip(plot.series, chosen, strict=True)):
        item.format.fill.solid()
        colour = by_label.get(shown.label) or colours.colour(shown.label, index)
        item.format.fill.fore_color.rgb = RGBColor.from_string(colours.hex_digits(colour))
    if labels:
        plot.has_data_labels = True
        data_labels = plot.data_labels
        data_labels.font.size = SMALL_SIZE
        data_labels.number_format = fmt
        data_labels.number_format_is_linked = False
        if chart_type in (XL_CHART_TYPE.COLUMN_CLUSTERED, XL_CHART_TYPE.BAR_CLUSTERED):
            data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    return native


def _hidden_note(chart: Chart, k: int, series: Sequence[Series] | None = None) -> list[str]:
    chosen = series if series is not None else chart.series
    if any(s.any_hidden for s in chosen):
        return [f"{hidden_label(k)} vises ikke: tall for grupper med færre enn {k} personer er skjult i diagrammet."]
    return []


def _empty(slide: Slide, text: str = "Ingen data i utvalget.") -> None:
    _text(slide, [text], MARGIN, CONTENT_TOP, WIDTH - 2 * MARGIN, Inches(1))


# --- Slides --------------------------------------------------------------------------------------


def _subtitle(pack: Pack) -> str:
    return f"{pack.meta.scope_label} · referansedato {formatting.day(pack.meta.as_of)}"


def _title_slide(prs: Presentation, pack: Pack) -> None:
    meta = pack.meta
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text(slide, [TITLES["title"]], MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(1.0), Pt(40), bold=True)
    _text(slide, [meta.scope_label], MARGIN, Inches(3.1), WIDTH - 2 * MARGIN, Inches(0.7), Pt(24))
    _text(slide, [
        f"{meta.organisation} · Ledelsens gjennomgang",
        f"Referansedato {formatting.day(meta.as_of)} · dataene er fra {formatting.day(meta.data_date)}",
    ], MARGIN, Inches(4.0), WIDTH - 2 * MARGIN, Inches(1.2), SUBTITLE_SIZE)


def _figures_rows(figures: Sequence[KeyFigure]) -> list[list[str]]:
    return [[f.label, f.value, f.change] for f in figures]


def _key_figures_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["key_figures"], _subtitle(pack))
    _table(slide, ["Nøkkeltall", "Verdi", "Endring fra ett år tidligere"], _figures_rows(pack.key_figures),
           MARGIN, CONTENT_TOP, Inches(10), [5, 2, 3], size=Pt(18))
    notes = ["Endring fra ett år tidligere."]
    if any(f.value == hidden_label(pack.meta.k) for f in pack.key_figures):
        notes.append(pack.meta.suppression_text)
    _note(slide, notes)


def _pyramid_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["pyramid"], _subtitle(pack))
    chart = pack.charts["pyramid"]
    if pack.pyramid.empty or pack.pyramid.value(TOTAL, "I alt") == 0:
        _empty(slide)
        return
    native = _chart(slide, chart, XL_CHART_TYPE.BAR_CLUSTERED, MARGIN, CONTENT_TOP, Inches(9), CONTENT_HEIGHT,
                    signs=[-1.0, 1.0], number_format="#,##0;#,##0")
    plot = native.plots[0]
    plot.overlap = 100
    plot.gap_width = 30
    native.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    table = pack.pyramid
    _text(slide, [
        ("Kvinner", table.text(TOTAL, "Kvinner")),
        ("Menn", table.text(TOTAL, "Menn")),
        ("I alt", table.text(TOTAL, "I alt")),
    ], Inches(9.8), CONTENT_TOP, Inches(3.0), Inches(2))
    _note(slide, _hidden_note(chart, pack.meta.k))


def _age_band_slides(prs: Presentation, pack: Pack) -> None:
    chart = pack.charts["age_bands"]
    chunks = [chart.series[i:i + SERIES_PER_SLIDE] for i in range(0, len(chart.series), SERIES_PER_SLIDE)] or [()]
    for number, chunk in enumerate(chunks, start=1):
        title = TITLES["age_bands"] + (f" ({number}/{len(chunks)})" if len(chunks) > 1 else "")
        slide = _slide(prs, title, _subtitle(pack))
        if not chunk:
            _empty(slide)
            continue
        _chart(slide, chart, XL_CHART_TYPE.COLUMN_CLUSTERED, MARGIN, CONTENT_TOP, WIDTH - 2 * MARGIN,
               CONTENT_HEIGHT, series=chunk, labels=len(chunk) <= 3)
        _note(slide, [*chart.notes, *_hidden_note(chart, pack.meta.k, chunk)])


def _retirement_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["retirement"], _subtitle(pack))
    chart = pack.charts["retirement_and_need"]
    if pack.retiring_by_unit.empty:
        _empty(slide)
        return
    _chart(slide, chart, XL_CHART_TYPE.COLUMN_CLUSTERED, MARGIN, CONTENT_TOP, Inches(8.3), CONTENT_HEIGHT)
    retiring = pack.retiring_by_unit
    need = pack.need

    def total(column: str) -> str:
        return retiring.text(TOTAL, RETIRING_COLUMNS[column][0])

    _text(slide, [
        "Når forventet pensjonsalder",
        ("innen 1 år", total("retiring_within_1y")),
        ("innen 5 år", total("retiring_within_5y")),
        ("innen 10 år", total("retiring_within_10y")),
        ("årsverk innen 5 år", total("retiring_within_5y_fte")),
        "",
        ("Erstatningsbehov over 10 år", need.text(TOTAL, need.columns[-1])),
    ], Inches(9.1), CONTENT_TOP, Inches(3.8), Inches(3.5), BODY_SIZE)
    _note(slide, [need.notes[0], *_hidden_note(chart, pack.meta.k)])


def _turnover_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["turnover"], _subtitle(pack))
    chart = pack.charts.get("turnover")
    if chart is None or chart.empty:
        _empty(slide, "Ingen enheter eller yrkesgrupper å vise i utvalget.")
    else:
        _chart(slide, chart, XL_CHART_TYPE.COLUMN_CLUSTERED, MARGIN, CONTENT_TOP, Inches(8.3), CONTENT_HEIGHT,
               labels=len(chart.categories) <= 8)
    _text(slide, [(f.label, f.value) for f in pack.turnover_totals], Inches(9.1), CONTENT_TOP, Inches(3.8),
          Inches(3.5), BODY_SIZE)
    _note(slide, _hidden_note(chart, pack.meta.k) if chart is not None else [])


def _competence_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["competence"], _subtitle(pack))
    table = pack.coverage
    if table is None:
        _empty(slide, "Dataene mangler: det er ikke importert kompetansekrav for enhetene i utvalget.")
        return
    gaps = [r for r in table.rows if table.values.at[r, "Status"] == competence.STATUS_GAP]
    met = len(table.rows) - len(gaps)
    summary = f"{len(table.rows)} krav i utvalget: {met} dekket, {len(gaps)} med mangler."
    if not gaps:
        _text(slide, [summary, "Alle krav er dekket."], MARGIN, CONTENT_TOP, WIDTH - 2 * MARGIN, Inches(1))
        return
    _text(slide, [summary], MARGIN, CONTENT_TOP, WIDTH - 2 * MARGIN, Inches(0.5))
    columns = [UNIT, "Kompetanse", "Krav", "Innehavere", "Mangler"]
    rows = [[table.text(r, c) for c in columns] for r in gaps[:GAP_ROWS]]
    _table(slide, columns, rows, MARGIN, CONTENT_TOP + Inches(0.55), WIDTH - 2 * MARGIN, [4, 5, 1.2, 1.6, 1.4],
           numeric_from=2)
    more = [f"Og {len(gaps) - GAP_ROWS} krav til med mangler (se arbeidsboken)."] if len(gaps) > GAP_ROWS else []
    hidden = [pack.meta.suppression_text] if any(table.is_hidden(r, "Innehavere") for r in gaps[:GAP_ROWS]) else []
    _note(slide, [*more, *hidden])


def _measures_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["measures"], _subtitle(pack))
    chart = pack.charts["cost_per_year"]
    if pack.measures.empty:
        _empty(slide, "Ingen tiltak for enhetene i utvalget.")
        return
    _chart(slide, chart, XL_CHART_TYPE.COLUMN_STACKED, MARGIN, CONTENT_TOP, Inches(8.3), CONTENT_HEIGHT,
           labels=False)
    _text(slide, [(f.label, f.value) for f in pack.cost_totals], Inches(9.1), CONTENT_TOP, Inches(3.8),
          Inches(2), BODY_SIZE)
    _note(slide, [pack.cost_per_year.notes[0]])


def _gap_slide(prs: Presentation, pack: Pack) -> None:
    """The competence gap per year without and with the plan, the finding in words, what remains."""
    slide = _slide(prs, TITLES["gap"], _subtitle(pack))
    tables = pack.gap
    if tables is None:
        _empty(slide, "Ingen ansatte eller kompetansekrav i utvalget.")
        return
    _chart(slide, tables.chart, XL_CHART_TYPE.COLUMN_CLUSTERED, MARGIN, CONTENT_TOP, Inches(7.0), CONTENT_HEIGHT)
    remaining = tables.remaining
    lines: list[str | tuple[str, str]] = [tables.finding]
    rows = remaining.rows[:REMAINING_ROWS]
    if rows:
        lines.append("Gjenstår med planen:")
        lines.extend((f"{remaining.text(r, 'Enhet')}, {remaining.text(r, 'Kompetanse')}",
                      remaining.text(r, "Gap med tiltak")) for r in rows)
    if len(remaining.rows) > REMAINING_ROWS:
        lines.append(f"Og {len(remaining.rows) - REMAINING_ROWS} krav til (se arbeidsboken).")
    staffing = tables.staffing
    total = staffing.rows[-1]
    lines.append((f"Bemanningsgap om {pack.gap.years.rows[-1]} år",
                  f"{staffing.text(total, 'Gap uten tiltak')} uten tiltak, {staffing.text(total, 'Gap med tiltak')} "
                  "med tiltak"))
    _text(slide, lines, Inches(7.8), CONTENT_TOP, Inches(5.1), CONTENT_HEIGHT, SMALL_SIZE)
    _note(slide, [tables.years.notes[0]])


def _definitions_slide(prs: Presentation, pack: Pack) -> None:
    meta = pack.meta
    slide = _slide(prs, TITLES["definitions"])
    lines: list[str | tuple[str, str]] = [
        ("Organisasjon", meta.organisation),
        ("Utvalg", meta.scope_label),
        ("Referansedato", formatting.day(meta.as_of)),
        ("Dataene er fra", formatting.day(meta.data_date)),
        ("Minste gruppestørrelse", str(meta.k)),
        *meta.definitions,
    ]
    _text(slide, lines, MARGIN, Inches(1.1), WIDTH - 2 * MARGIN, Inches(6.1), SMALL_SIZE, spacing=Pt(3))


def _funding_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["funding"], _subtitle(pack))
    plan = pack.plan
    if plan is None or plan.funding.empty:
        _empty(slide, "Ingen tiltak for enhetene i utvalget.")
        return
    table = plan.funding
    _table(slide, table.columns, [[table.text(r, c) for c in table.columns] for r in table.rows], MARGIN,
           CONTENT_TOP, WIDTH - 2 * MARGIN, [3, 1, 2, 2, 2, 2])
    _note(slide, list(table.notes))


def _goals_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["goals"], _subtitle(pack))
    plan = pack.plan
    if plan is None or plan.goals.empty:
        _empty(slide, "Planen har ingen mål ennå.")
        return
    table = plan.goals
    columns = ["Nr.", "Mål", *[c for c in table.columns if c.endswith("realisert")], "Ansvarlig"]
    rows = [[table.text(r, c) for c in columns] for r in table.rows[:GOAL_ROWS]]
    header = [c.removesuffix(" realisert") for c in columns]
    _table(slide, header, rows, MARGIN, CONTENT_TOP, WIDTH - 2 * MARGIN, [0.5, 7, 1.2, 1.2, 1.3, 2.3],
           size=SMALL_SIZE, numeric_from=len(columns))
    more = len(table.rows) - GOAL_ROWS
    _note(slide, [f"Og {more} mål til (se arbeidsboken)."] if more > 0 else [])


def _placements_slide(prs: Presentation, pack: Pack) -> None:
    slide = _slide(prs, TITLES["placements"], _subtitle(pack))
    plan = pack.plan
    if plan is None or plan.placements.empty:
        _empty(slide, "Ingen praksisplasser for enhetene i utvalget.")
        return
    chart = plan.placements_chart
    _chart(slide, chart, XL_CHART_TYPE.COLUMN_CLUSTERED, MARGIN, CONTENT_TOP, Inches(8.3), CONTENT_HEIGHT,
           labels=len(chart.categories) <= 6)
    table = plan.placements
    last = table.rows[-1]
    _text(slide, [f"Siste semester i tabellen: {table.text(last, 'Semester')}",
                  *[(c, table.text(last, c)) for c in table.columns[1:]]],
          Inches(9.1), CONTENT_TOP, Inches(3.8), Inches(3), BODY_SIZE)
    _note(slide, list(table.notes))


def _changes_slide(prs: Presentation, pack: Pack) -> None:
    plan = pack.plan
    title = TITLES["changes"]
    if plan is None or not plan.comparison_title:
        slide = _slide(prs, title, _subtitle(pack))
        _empty(slide, "Ingen år er lukket ennå: lukk planen for et år på siden Mål og strategi.")
        return
    slide = _slide(prs, title, f"{plan.comparison_title} · {_subtitle(pack)}")
    _text(slide, [" · ".join(f"{label}: {count}" for label, count in plan.change_counts)], MARGIN, CONTENT_TOP,
          WIDTH - 2 * MARGIN, Inches(0.5), BODY_SIZE, bold=True)
    figures = plan.figures
    _table(slide, figures.columns, [[figures.text(r, c) for c in figures.columns] for r in figures.rows], MARGIN,
           CONTENT_TOP + Inches(0.6), Inches(5.6), [3, 1.4, 1.4], size=SMALL_SIZE)
    changes = plan.changes
    columns = ["Endring", "Tiltak", "Hva er endret"]
    rows = [[changes.text(r, c) for c in columns] for r in changes.rows[:CHANGE_ROWS]]
    if rows:
        _table(slide, columns, rows, Inches(6.4), CONTENT_TOP + Inches(0.6), Inches(6.4), [1, 2.4, 3],
               size=SMALL_SIZE, numeric_from=len(columns))
    more = len(changes.rows) - CHANGE_ROWS
    _note(slide, [f"Og {more} endringer til (se arbeidsboken)."] if more > 0 else list(changes.notes))


BACKTEST_ROWS = 9  # profession groups on the slide (the largest); the workbook has them all


def _backtest_slide(prs: Presentation, pack: Pack) -> None:
    """Last year's forecast beside what happened: the total and the largest profession groups."""
    slide = _slide(prs, "Fjorårets prognose mot faktisk", _subtitle(pack))
    table = pack.backtest
    if table is None:
        _empty(slide)
        return
    size = table.columns[1]  # after the profession label
    groups = [r for r in table.rows if r != TOTAL]
    groups.sort(key=lambda r: -(table.value(r, size) or 0))
    rows = [*groups[:BACKTEST_ROWS], TOTAL]
    columns = [table.columns[0], *[c for c in table.columns[2:] if not c.endswith(", avvik")]]
    body = [[table.text(r, c) for c in columns] for r in rows]
    _table(slide, ["Yrkesgruppe", *[c.replace(", ", " ") for c in columns[1:]]], body, MARGIN, CONTENT_TOP,
           WIDTH - 2 * MARGIN, [3, *[1.4] * (len(columns) - 1)], size=SMALL_SIZE)
    hidden = [pack.meta.suppression_text] if table.any_hidden else []
    _note(slide, [*table.notes, *hidden])


def write(pack: Pack, out: Path, progress: Callable[[float, str], None] | None = None) -> Path:
    """Write the deck to `out`."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    steps: list[tuple[str, Callable[[Presentation, Pack], None]]] = [
        ("Tittel", _title_slide),
        ("Nøkkeltall", _key_figures_slide),
        ("Alderspyramide", _pyramid_slide),
        ("Aldersfordeling", _age_band_slides),
        ("Pensjon", _retirement_slide),
        ("Turnover", _turnover_slide),
        ("Kompetanse", _competence_slide),
        ("Tiltak", _measures_slide),
        ("Behov og dekning", _gap_slide),
        ("Finansiering", _funding_slide),
        ("Mål og status", _goals_slide),
        ("Praksisplasser", _placements_slide),
        ("Endringer", _changes_slide),
        ("Prognose mot faktisk", _backtest_slide),
        ("Definisjoner", _definitions_slide),
    ]
    for index, (text, slide) in enumerate(steps):
        if progress is not None:
            progress(index / len(steps), text)
        slide(prs, pack)
    prs.save(out)
    return out
