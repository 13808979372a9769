"""Import of HR exports and plan tables: read, recognise the columns, check every row, store.

An import is all or nothing by default: every problem in every row is collected and
reported (file, the row number the user sees in Excel or the CSV line, column, message in
Norwegian), and on any problem nothing is written. With `skip_invalid` the valid rows are
imported and the rejected ones are written to `<file>.avviste.csv` beside the input.

Values are converted per unique value (a 1 000 000-row export has a few thousand distinct
dates) and the rest is column operations, so large files import in seconds.

Personal data: a fødselsnummer or D-nummer column is read only to derive the birth date,
the gender (where there is no gender column) and, where there is no employee number, a keyed
hash as employee_id. The number itself is never stored, logged or echoed in a message, and
it is blanked in the rejected-rows file.

Decisions a reader may look for:
- Position: a number above 1 is a percentage (80, "80,5", "80 %"); a number from 0 to 1 is a
  fraction of a full position (0.8 = 80 %, 1 = 100 %). Decided per value.
- Dates: real spreadsheet dates; d.m.yyyy / dd.mm.yyyy; yyyy-mm-dd; dd/mm/yyyy; Excel serial
  numbers (as numbers or as text of digits). Years outside 1900-2100 are rejected.
- Several files in one call are one import: rows concatenated in the given order; the
  sha256 of one file is the file's own, of several the sha256 of their sorted hashes; read with a
  column mapping, the mapping is part of it (the same file read otherwise is other data).
- Columns: every column is used or reported ("kolonnen «X» er ikke brukt; mente du «Y»?", the hint only
  where the column's content fits Y); two columns for one field refuse the file until one is chosen.

The package follows the data: `read` (the file to a raw grid) -> `recognise` (which column is which
field) -> `parse` (cells to values) and `national_id` -> `check` (rows and columns together) -> `save`
(one import, one transaction), with `rejected` (the file of rows `--skip-invalid` left out),
`preview` (the Import page's first look) and `template` (the empty file per kind). `profiles` holds the
headers of the HR systems (Visma, SAP HCM, Unit4, a-meldingen, KS PAI, English) and `mapping` the
column mappings users save.
"""

from kompetanse.importer import mapping, profiles
from kompetanse.importer.errors import FileSummary, ImportFailed, ImportOutcome, Preview, PreviewColumn, RowError
from kompetanse.importer.fields import ENUMS, NATIONAL_ID, SPECS, Field, KindSpec
from kompetanse.importer.national_id import ID_HASH_KEY, NationalIds, read_national_ids
from kompetanse.importer.parse import (
    as_text,
    enum_parser,
    parse_count_value,
    parse_date_value,
    parse_dates,
    parse_end_reason,
    parse_gender,
    parse_horizon_value,
    parse_number_value,
    parse_position_value,
)
from kompetanse.importer.preview import PREVIEW_ROWS, preview_file
from kompetanse.importer.read import FileProblem, RawTable
from kompetanse.importer.recognise import closest_header, normalise_header
from kompetanse.importer.save import import_files
from kompetanse.importer.template import template, template_file_name

__all__ = [
    "ENUMS", "ID_HASH_KEY", "NATIONAL_ID", "PREVIEW_ROWS", "SPECS", "Field", "FileProblem", "FileSummary",
    "ImportFailed", "ImportOutcome", "KindSpec", "NationalIds", "Preview", "PreviewColumn", "RawTable", "RowError",
    "as_text", "closest_header", "enum_parser", "import_files", "mapping", "normalise_header", "parse_count_value",
    "parse_date_value", "parse_dates", "parse_end_reason", "parse_gender", "parse_horizon_value",
    "parse_number_value", "parse_position_value", "preview_file", "profiles", "read_national_ids", "template",
    "template_file_name",
]
