"""The pack as an Excel workbook (openpyxl): a front sheet, one sheet per subject, native charts.

Numbers are stored as numbers with number formats, so Excel shows them in the reader's locale
("1 234", "12,9 %"); a hidden figure is the text "<k". Charts reference the table cells: a hidden
cell is text, which Excel draws as no bar.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart import Series as ChartSeries
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kompetanse.export.pack import HEADER, Chart, Kind, Pack, Table
from kompetanse.export.safe_cells import as_text_cells
from kompetanse.figures.suppression import hidden_label
from kompetanse.presentation import colours, formatting

SHEETS = ["Forside", "Ansatte og årsverk", "Aldersfordeling", "Pensjon", "Turnover", "Kompetanse", "Tiltak"]

SHEET_CONTENTS = {
    "Ansatte og årsverk": "ansatte, årsverk, gjennomsnittsalder og andel 60 år + per enhet og per yrkesgruppe",
    "Aldersfordeling": "aldersgrupper per enhet (planens tabell), kvinner og menn per aldersgruppe, diagram",
    "Pensjon": "når pensjonsalder innen 1, 5 og 10 år per enhet, per år og yrkesgruppe, erstatningsbehov, diagram",
    "Turnover": "begge definisjonene per enhet og per yrkesgruppe",
    "Kompetanse": "kompetansekrav, innehavere og mangler per enhet",
    "Tiltak": "planens tiltak med kostnad, kostnad per planår (diagram) og per enhet",
}
# The plan itself (issue 8): funding, goals, practice placements and the year-over-year comparison.
SHEETS.extend(["Finansiering", "Mål og status", "Praksisplasser", "Endringer"])
# The projection checks itself (issue 14): last year's forecast beside what happened.
SHEETS.append("Prognose mot faktisk")
SHEET_CONTENTS["Prognose mot faktisk"] = (
    "fjorårets prognose (pensjonering, andre avganger, ansatte) mot det som skjedde, per yrkesgruppe")
SHEET_CONTENTS.update({
    "Finansiering": "kostnad mot finansiering per kilde (budsjett, kompetanseløftmidler, prosjektmidler, annet)",
    "Mål og status": "strategimål og resultatmål med status (i stor, noen eller mindre grad realisert)",
    "Praksisplasser": "etterspurte, tilbudte og brukte praksisplasser per semester og skoletype, diagram",
    "Endringer": "tiltak nye, fjernet og endret siden forrige lukkede plan, nøkkeltall da og nå",
})
NUMBER_FORMATS: dict[Kind, str] = {
    "persons": "#,##0",
    "number": "0",
    "decimal": "#,##0.0",
    "percent": "0.0%",
    "kroner": '#,##0 "kr"',
    "date": "DD.MM.YYYY",
}
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FONT = Font(bold=True)
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 50
MIN_WIDTH = 6
TABLE_TOP = 6  # the header row of a sheet's tables (rows 1-3: title, scope, note; row 5: table titles)
CHART_ROWS = 20  # rows a chart takes up


@dataclass
class _Sheet:
    """A worksheet and where each table cell landed, for the charts and the column widths."""

    ws: Worksheet
    cells: dict[tuple[str, Hashable, str], tuple[int, int]] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)
    next_column: int = 1

    def fit(self, column: int, text: str) -> None:
        longest = max((len(part) for part in text.split("\n")), default=0)
        self.widths[column] = max(self.widths.get(column, MIN_WIDTH), min(longest + 2, MAX_WIDTH))


def _heading(sheet: _Sheet, pack: Pack, title: str) -> None:
    ws = sheet.ws
    ws["A1"] = title
    ws["A1"].font = TITLE_FONT
    ws["A2"] = f"{pack.meta.scope_label} · referansedato {formatting.day(pack.meta.as_of)}"
    ws["A3"] = (f"«{hidden_label(pack.meta.k)}»: skjult fordi gruppen er liten (færre enn {pack.meta.k} personer); "
                "«:»: skjult for at et skjult tall ikke skal kunne regnes ut. Se Forside.")


def _write_table(sheet: _Sheet, table: Table, top: int = TABLE_TOP, left: int | None = None) -> int:
    """Write the table with its title above the header row; returns the first row below its notes."""
    ws = sheet.ws
    left = sheet.next_column if left is None else left
    ws.cell(row=top - 1, column=left, value=table.title).font = BOLD
    for offset, column in enumerate(table.columns):
        cell = ws.cell(row=top, column=left + offset, value=column)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        sheet.cells[(table.key, HEADER, column)] = (top, left + offset)
        sheet.fit(left + offset, column if len(column) <= 16 else column[: max(16, len(column) // 2)])
    row = top
    for row, key in enumerate(table.rows, start=top + 1):
        for offset, column in enumerate(table.columns):
            cell = ws.cell(row=row, column=left + offset)
            sheet.cells[(table.key, key, column)] = (row, left + offset)
            kind = table.kind(column)
            if table.is_hidden(key, column):
                cell.value = table.mark(key, column)
                cell.alignment = RIGHT
            else:
                value = table.value(key, column)
                if value is None and kind != "text":
                    cell.value = "–"
                    cell.alignment = RIGHT
                else:
                    cell.value = value
                    if kind in NUMBER_FORMATS:
                        cell.number_format = NUMBER_FORMATS[kind]
                    elif isinstance(value, str) and len(value) > MAX_WIDTH:
                        cell.alignment = WRAP
            if key == "total":
                cell.font = TOTAL_FONT
            sheet.fit(left + offset, _width_text(cell.value, kind))
    if table.empty:
        ws.cell(row=top + 1, column=left, value="Ingen data i utvalget.")
        row = top + 1
    for note_row, note in enumerate(table.notes, start=row + 2):
        ws.cell(row=note_row, column=left, value=note)
    sheet.next_column = left + len(table.columns) + 1
    return row + 2 + len(table.notes) + 1


def _width_text(value: object, kind: Kind) -> str:
    """About as wide as Excel shows the value (cheaper than formatting every cell in Norwegian)."""
    if isinstance(value, str) or value is None:
        return value or ""
    if kind == "percent":
        return f"{float(value) * 100:.1f} %"
    if kind == "decimal":
        return f"{float(value):,.1f}"
    if kind == "kroner":
        return f"{float(value):,.0f} kr"
    if kind == "date":
        return "00.00.0000"
    return f"{float(value):,.0f}" if isinstance(value, int | float) else str(value)


def _reference(sheet: _Sheet, table_key: str, cells: Sequence[tuple[Hashable, str]]) -> Reference:
    """A cell range for chart data; the pack's charts take a row or a column of one table."""
    positions = [sheet.cells[(table_key, row, column)] for row, column in cells]
    rows = [r for r, _ in positions]
    columns = [c for _, c in positions]
    if len(set(rows)) == 1 and columns == list(range(columns[0], columns[0] + len(columns))):
        return Reference(sheet.ws, min_col=columns[0], max_col=columns[-1], min_row=rows[0], max_row=rows[0])
    if len(set(columns)) == 1 and rows == list(range(rows[0], rows[0] + len(rows))):
        return Reference(sheet.ws, min_col=columns[0], max_col=columns[0], min_row=rows[0], max_row=rows[-1])
    raise ValueError(f"chart cells of {table_key} are not one row or column")


def _add_chart(sheet: _Sheet, chart: Chart, anchor: str, k: int) -> None:
    if chart.empty:
        return
    table = chart.series[0].table
    bar = BarChart()
    bar.type = "col"
    bar.grouping = "clustered"
    bar.title = chart.title
    bar.y_axis.title = chart.axis_title
    bar.y_axis.numFmt = NUMBER_FORMATS.get(chart.kind, "General")
    bar.x_axis.delete = False  # openpyxl hides the axes unless told otherwise
    bar.y_axis.delete = False
    for series, colour in zip(chart.series, colours.series_colours([s.label for s in chart.series]), strict=True):
        values = _reference(sheet, series.table.key, series.cells)
        native = ChartSeries(values, title=series.label)
        native.graphicalProperties.solidFill = colours.hex_digits(colour)  # as in the app and the deck
        native.graphicalProperties.line.solidFill = colours.hex_digits(colour)
        bar.series.append(native)
    bar.set_categories(_reference(sheet, table.key, chart.category_cells))
    bar.width, bar.height = 24, 11
    bar.legend.position = "b"
    sheet.ws.add_chart(bar, anchor)
    row = sheet.ws[anchor].row + CHART_ROWS + 1
    column = sheet.ws[anchor].column
    notes = [*chart.notes, *([f"{hidden_label(k)} vises ikke i diagrammet."] if chart.any_hidden else [])]
    for offset, note in enumerate(notes):
        sheet.ws.cell(row=row + offset, column=column, value=note)


def _chart_column(sheet: _Sheet) -> str:
    return get_column_letter(sheet.next_column + 1)


def _finish(sheet: _Sheet, freeze: bool = True) -> None:
    for column, width in sheet.widths.items():
        sheet.ws.column_dimensions[get_column_letter(column)].width = width
    if freeze:
        sheet.ws.freeze_panes = sheet.ws.cell(row=TABLE_TOP + 1, column=1)


def _front(ws: Worksheet, pack: Pack) -> None:
    meta = pack.meta
    ws["A1"] = "Strategisk kompetanseplan – grunnlag for ledelsens gjennomgang"
    ws["A1"].font = TITLE_FONT
    rows: list[tuple[str, object, str | None]] = [
        ("Organisasjon", meta.organisation, None),
        ("Utvalg", meta.scope_label, None),
        ("Referansedato", meta.as_of, NUMBER_FORMATS["date"]),
        ("Datadato (dataene er fra)", meta.data_date if meta.data_date else "ukjent", NUMBER_FORMATS["date"]),
        ("Minste gruppestørrelse", meta.k, "0"),
        ("Laget", meta.generated, "DD.MM.YYYY HH:MM"),
    ]
    for row, (label, value, number_format) in enumerate(rows, start=3):
        ws.cell(row=row, column=1, value=label).font = BOLD
        cell = ws.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(horizontal="left")
        if number_format:
            cell.number_format = number_format
    row = 3 + len(rows) + 1  # the small-group rule is among the definitions below
    ws.cell(row=row, column=1, value="Definisjoner").font = TITLE_FONT
    for offset, (term, text) in enumerate(meta.definitions, start=1):
        ws.cell(row=row + offset, column=1, value=term).font = BOLD
        ws.cell(row=row + offset, column=2, value=text).alignment = WRAP
    row += len(meta.definitions) + 2
    ws.cell(row=row, column=1, value="Arkene").font = TITLE_FONT
    for offset, name in enumerate(SHEETS[1:], start=1):
        ws.cell(row=row + offset, column=2, value=f"{name}: {SHEET_CONTENTS[name]}")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110


def _sheet(wb: Workbook, pack: Pack, name: str) -> _Sheet:
    sheet = _Sheet(wb.create_sheet(name))
    _heading(sheet, pack, name)
    return sheet


def write(pack: Pack, out: Path, progress: Callable[[float, str], None] | None = None) -> Path:
    """Write the workbook to `out`."""
    wb = Workbook()
    front = wb.active
    front.title = SHEETS[0]
    _front(front, pack)
    k = pack.meta.k

    def step(fraction: float, text: str) -> None:
        if progress is not None:
            progress(fraction, text)

    step(0.1, "Ansatte og årsverk")
    sheet = _sheet(wb, pack, "Ansatte og årsverk")
    _write_table(sheet, pack.staff_by_unit)
    _write_table(sheet, pack.staff_by_profession)
    _finish(sheet)

    step(0.25, "Aldersfordeling")
    sheet = _sheet(wb, pack, "Aldersfordeling")
    _write_table(sheet, pack.age_bands)
    _write_table(sheet, pack.pyramid)
    _add_chart(sheet, pack.charts["age_bands"], f"{_chart_column(sheet)}{TABLE_TOP}", k)
    _finish(sheet)

    step(0.4, "Pensjon")
    sheet = _sheet(wb, pack, "Pensjon")
    _write_table(sheet, pack.retiring_by_unit)
    below = _write_table(sheet, pack.need)
    chart_anchor = f"{_chart_column(sheet)}{TABLE_TOP}"
    years_top = max(below, TABLE_TOP + len(pack.retiring_by_unit.rows) + len(pack.retiring_by_unit.notes) + 4)
    _write_table(sheet, pack.retirements_per_year, top=years_top + 1, left=1)
    _add_chart(sheet, pack.charts["retirements_per_year"], chart_anchor, k)
    _finish(sheet)

    step(0.55, "Turnover")
    sheet = _sheet(wb, pack, "Turnover")
    _write_table(sheet, pack.turnover_by_unit)
    _write_table(sheet, pack.turnover_by_profession)
    _finish(sheet)

    step(0.7, "Kompetanse")
    sheet = _sheet(wb, pack, "Kompetanse")
    if pack.coverage is None:
        sheet.ws.cell(row=TABLE_TOP - 1, column=1, value="Kompetansedekning").font = BOLD
        sheet.ws.cell(row=TABLE_TOP, column=1,
                      value="Dataene mangler: det er ikke importert kompetansekrav for enhetene i utvalget.")
        _finish(sheet, freeze=False)
    else:
        _write_table(sheet, pack.coverage)
        _finish(sheet)

    step(0.85, "Tiltak")
    sheet = _sheet(wb, pack, "Tiltak")
    _write_table(sheet, pack.cost_per_year)
    _write_table(sheet, pack.cost_by_unit)
    chart_anchor = f"{_chart_column(sheet)}{TABLE_TOP}"
    lines_top = TABLE_TOP + max(len(pack.cost_per_year.rows), len(pack.cost_by_unit.rows)) + 6
    lines_top = max(lines_top, TABLE_TOP + CHART_ROWS + 4)
    _write_table(sheet, pack.measures, top=lines_top, left=1)
    _add_chart(sheet, pack.charts["cost_per_year"], chart_anchor, k)
    _finish(sheet)

    if pack.gap is not None:
        _gap_sheet(wb, pack)
    if pack.plan is not None:
        step(0.9, "Mål, praksisplasser og finansiering")
        _plan_sheets(wb, pack)

    step(0.93, "Prognose mot faktisk")
    sheet = _sheet(wb, pack, "Prognose mot faktisk")
    if pack.backtest is None:
        sheet.ws.cell(row=TABLE_TOP, column=1, value="Ingen ansatte i utvalget for ett år siden eller nå.")
        _finish(sheet, freeze=False)
    else:
        _write_table(sheet, pack.backtest)
        _finish(sheet)

    step(0.95, "Lagrer arbeidsboken")
    as_text_cells(wb)  # a unit name or a comment starting with "=" is text, never a formula
    wb.save(out)
    return out


def _plan_sheets(wb: Workbook, pack: Pack) -> None:
    """Finansiering, Mål og status, Praksisplasser and Endringer (pack.plan)."""
    plan = pack.plan
    assert plan is not None
    k = pack.meta.k
    sheet = _sheet(wb, pack, "Finansiering")
    _write_table(sheet, plan.funding)
    _finish(sheet)

    sheet = _sheet(wb, pack, "Mål og status")
    _write_table(sheet, plan.goals)
    _finish(sheet)

    sheet = _sheet(wb, pack, "Praksisplasser")
    below = _write_table(sheet, plan.placements)
    chart_anchor = f"{_chart_column(sheet)}{TABLE_TOP}"
    _write_table(sheet, plan.placements_by_type, top=max(below, TABLE_TOP + CHART_ROWS + 4) + 1, left=1)
    _add_chart(sheet, plan.placements_chart, chart_anchor, k)
    _finish(sheet)

    sheet = _sheet(wb, pack, "Endringer")
    if plan.comparison_title:
        counts = ", ".join(f"{label}: {count}" for label, count in plan.change_counts)
        sheet.ws.cell(row=4, column=1, value=f"{plan.comparison_title}. {counts}.")
    _write_table(sheet, plan.figures)
    _write_table(sheet, plan.changes)
    _finish(sheet)


def _gap_sheet(wb: Workbook, pack: Pack) -> None:
    """Dekker planen behovet? (pack.gap): the gaps per year with the chart, what remains, staffing."""
    tables = pack.gap
    assert tables is not None
    sheet = _sheet(wb, pack, "Dekker planen behovet")
    sheet.ws.cell(row=4, column=1, value=tables.finding)
    below = _write_table(sheet, tables.years)
    chart_anchor = f"{_chart_column(sheet)}{TABLE_TOP}"
    below = _write_table(sheet, tables.staffing, top=max(below, TABLE_TOP + CHART_ROWS + 4) + 1, left=1)
    below = _write_table(sheet, tables.remaining, top=below + 1, left=1)
    if tables.follow_up is not None:
        _write_table(sheet, tables.follow_up, top=below + 1, left=1)
    _add_chart(sheet, tables.chart, chart_anchor, pack.meta.k)
    _finish(sheet)
