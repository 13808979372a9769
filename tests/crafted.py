"""Workbooks and CSV files made to hurt a reader, written by the tests (nothing binary in the repo)."""

from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}</Types>'
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets>'
    '</workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet{n}.xml"/>'
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(ref: str, value: object) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows: dict[int, dict[int, object]], dimension: str | None = None) -> str:
    """A worksheet part from {row: {column: value}} (1-based), with an optional declared dimension."""
    body = "".join(
        f'<row r="{r}">' + "".join(cell(f"{column_letters(c)}{r}", v) for c, v in sorted(cols.items())) + "</row>"
        for r, cols in sorted(rows.items())
    )
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>{body}</sheetData></worksheet>"
    )


def xlsx(path: Path, sheets: dict[str, str]) -> Path:
    """A minimal .xlsx from {sheet name: worksheet XML}."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=i + 1) for i in range(len(names)))),
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, name in enumerate(names)
        )))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(
            rels="".join(_SHEET_REL.format(n=i + 1) for i in range(len(names)))
        ))
        for i, name in enumerate(names):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheets[name])
    return path


PERSONNEL_HEADER = ["Ansattnr", "Enhet", "Yrkesgruppe", "Fødselsdato", "Kjønn", "Stillingsprosent", "Startdato"]


def personnel_rows(people: int, first_row: int = 2) -> dict[int, dict[int, object]]:
    rows = {1: dict(enumerate(PERSONNEL_HEADER, start=1))}
    for i in range(people):
        rows[first_row + i] = dict(enumerate(
            [1000 + i, "NY", "sykepleier", "15.06.1980", "K", 100, "01.01.2015"], start=1
        ))
    return rows


def sparse_xlsx(path: Path, *, declare: bool) -> Path:
    """Cells at A1 and XFD1048576: a 1.6 KB file whose grid from A1 is 17 billion cells."""
    rows = {1: {1: "Ansattnr"}, 1_048_576: {16_384: "x"}}
    return xlsx(path, {"Ark1": sheet_xml(rows, "A1:XFD1048576" if declare else None)})


def dense_xlsx(path: Path, inflated_mb: int) -> Path:
    """A small file holding `inflated_mb` MB of sheet XML (the same row over and over compresses to nothing)."""
    rows = personnel_rows(3)
    filler = '<row r="{r}"><c r="H{r}" t="inlineStr"><is><t>' + "x" * 1000 + "</t></is></c></row>"
    body = sheet_xml(rows)
    extra = "".join(filler.format(r=r) for r in range(10, 10 + inflated_mb * 1000))
    return xlsx(path, {"Ark1": body.replace("</sheetData>", extra + "</sheetData>")})


def two_sheets(path: Path) -> Path:
    """Two sheets that both hold the personnel columns ("Lege": 1 row, "Sykepleie": 3 rows)."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Lege"
    first.append(PERSONNEL_HEADER)
    first.append([1, "NY", "lege", "15.06.1980", "K", 100, "01.01.2015"])
    second = book.create_sheet("Sykepleie")
    second.append(PERSONNEL_HEADER)
    for i in range(2, 5):
        second.append([i, "NY", "sykepleier", "15.06.1980", "K", 100, "01.01.2015"])
    book.save(path)
    return path
