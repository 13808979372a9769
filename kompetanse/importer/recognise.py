"""Which column of the file is which field: headers matched on their folded letters, the closest name for the rest."""

from __future__ import annotations

import difflib
from collections.abc import Callable

from kompetanse.importer.fields import REJECTED_FILE_COLUMNS, SPECS, KindSpec
from kompetanse.text import fold, header_key


def _alias_index(spec: KindSpec) -> dict[str, str]:
    return {header_key(alias): f.name for f in spec.fields for alias in f.aliases}


def header_score(spec: KindSpec) -> Callable[[list[str]], int]:
    index = _alias_index(spec)
    return lambda cells: len({index[k] for k in map(header_key, cells) if k in index})


def normalise_header(text: str) -> str:
    """How headers compare: case, accents, æ/ø/å and spacing do not matter ("FØDSELSDATO" == "fodselsdato")."""
    return fold(text)


def closest_header(header: str, kind: str = "personnel") -> str | None:
    """The accepted header most like `header` (as written in DESIGN.md), or None."""
    aliases = {normalise_header(a): a for f in SPECS[kind].fields for a in f.aliases}
    match = difflib.get_close_matches(normalise_header(header), list(aliases), n=1, cutoff=0.6)
    return aliases[match[0]] if match else None


def match_columns(spec: KindSpec, headers: list[str]) -> tuple[dict[str, int], dict[str, str | None]]:
    index = _alias_index(spec)
    columns: dict[str, int] = {}
    unknown: dict[str, str | None] = {}
    keys = {header_key(h) for h in headers}
    # A rejected-rows file imported again: its row numbers and errors are not data.
    rejected_file = {header_key("Rad"), header_key("Feil")} <= keys
    ignored = {header_key(c) for c in REJECTED_FILE_COLUMNS} if rejected_file else set()
    for position, header in enumerate(headers):
        if not header or header_key(header) in ignored:
            continue
        name = index.get(header_key(header))
        if name is None:
            unknown[header] = closest_header(header, spec.kind)
        elif name in columns:
            unknown[header] = None  # a second column for the same field: the first one is used
        else:
            columns[name] = position
    return columns, unknown


def missing_columns(spec: KindSpec, columns: dict[str, int]) -> list[str]:
    missing = [f.label for f in spec.fields if f.required and f.name not in columns]
    for first, second in spec.either:
        if first not in columns and second not in columns:
            missing.append(f"{spec.field(first).label} eller {spec.field(second).label}")
    return missing
