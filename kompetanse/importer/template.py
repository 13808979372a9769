"""An empty .xlsx per import kind with its Norwegian headers and a sheet that explains them."""

from __future__ import annotations

from kompetanse.importer.fields import ENUMS, NATIONAL_ID, SPECS


def template(kind: str) -> bytes:
    """An empty .xlsx with the kind's Norwegian headers (each field's first accepted name), to fill in."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    spec = SPECS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Import"
    fields = [f for f in spec.fields if f.name != NATIONAL_ID]
    for column, f in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=column, value=f.label)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(f.label) + 4)
    notes = workbook.create_sheet("Forklaring")
    notes.append(["Kolonne", "Påkrevd", "Andre navn som godtas", "Gyldige verdier"])
    for f in fields:
        choices = ENUMS[f.choices or f.name][2] if f.parse == "enum" else ""
        notes.append([f.label, "ja" if f.required else "nei", ", ".join(f.aliases[1:]), choices])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_file_name(kind: str) -> str:
    return f"mal-{kind}.xlsx"
