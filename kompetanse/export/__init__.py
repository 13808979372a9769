"""The management-review pack (Ledelsens gjennomgang): an Excel workbook and a PowerPoint deck.

`build` gathers every table once (pack.gather: the domain modules' figures, through the small-group
rule) and writes them in the chosen format (xlsx.write, pptx.write).
"""

from __future__ import annotations

import contextlib
import errno
import os
from datetime import date
from pathlib import Path
from typing import Literal

from kompetanse.export.pack import (
    ALL_UNITS_LABEL,
    ALLOWED_UNITS_LABEL,
    ExportError,
    NoAccess,
    Progress,
    UnknownUnit,
    gather,
)
from kompetanse.storage import store

Format = Literal["xlsx", "pptx"]
FORMATS: tuple[Format, ...] = ("xlsx", "pptx")
MIME_TYPES: dict[Format, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
FORMAT_LABELS: dict[Format, str] = {"xlsx": "Excel (arbeidsbok)", "pptx": "PowerPoint (presentasjon)"}
ALL_UNITS_FILE_PART = "alle"

__all__ = [
    "ALLOWED_UNITS_LABEL", "ALL_UNITS_LABEL", "ExportError", "NoAccess", "UnknownUnit", "build", "build_files",
    "check_writable", "file_name",
]


def file_name(unit: str | None, as_of: date, fmt: Format) -> str:
    """"kompetanseplan-ALM-2023-12-01.xlsx" ("alle" for the whole organisation)."""
    part = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in unit) if unit else ALL_UNITS_FILE_PART
    return f"kompetanseplan-{part}-{as_of.isoformat()}.{fmt}"


def check_writable(out: Path) -> None:
    """Raise ExportError with a clear sentence when `out` cannot be written."""
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise ExportError(f"Kan ikke skrive rapporten: {out} er en mappe, ikke et filnavn.")
    if not folder.is_dir():
        raise ExportError(f"Kan ikke skrive rapporten: mappen {folder} finnes ikke.")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ExportError(f"Kan ikke skrive rapporten: du har ikke skrivetilgang til {out}.")
    existed = out.exists()
    try:  # a read-only file system or a virtual folder only says no when asked
        with open(out, "ab"):
            pass
    except OSError as exc:
        raise ExportError(_write_error(out, exc)) from exc
    if not existed:
        with contextlib.suppress(OSError):
            out.unlink()


def _write_error(out: Path, exc: OSError) -> str:
    reasons = {
        errno.EACCES: "du har ikke skrivetilgang dit",
        errno.EPERM: "du har ikke skrivetilgang dit",
        errno.EROFS: "stedet er skrivebeskyttet",
        errno.ENOSPC: "disken er full",
        errno.ENOENT: "stedet finnes ikke eller kan ikke ha filer",
        errno.EISDIR: "det er en mappe",
    }
    reason = reasons.get(exc.errno or 0, "filen kan ikke opprettes")
    return f"Kan ikke skrive rapporten til {out}: {reason}."


def build(
    db: store.Db,
    fmt: Format,
    out: Path,
    *,
    unit: str | None,
    as_of: date | None,
    progress: Progress | None = None,
    allowed: tuple[str, ...] | None = None,
) -> Path:
    """Build the pack for `unit` and every unit under it (None: all) as of `as_of` (None: the data date).

    `allowed` is the user's allowed unit codes (None: every unit): the pack never shows more, and a
    unit outside them raises NoAccess."""
    from kompetanse.export import pptx, xlsx  # the writers load only when a pack is built

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    out = Path(out)
    check_writable(out)

    def gathering(fraction: float, text: str) -> None:
        if progress is not None:
            progress(0.6 * fraction, text)

    def writing(fraction: float, text: str) -> None:
        if progress is not None:
            progress(0.6 + 0.4 * fraction, text)

    contents = gather(db, unit, as_of, gathering, allowed)
    writer = xlsx.write if fmt == "xlsx" else pptx.write
    try:
        writer(contents, out, writing)
    except OSError as exc:
        raise ExportError(_write_error(out, exc)) from exc
    if progress is not None:
        progress(1.0, "Ferdig")
    return out


def build_files(
    db: store.Db,
    formats: tuple[Format, ...],
    folder: Path,
    *,
    unit: str | None,
    as_of: date,
    progress: Progress | None = None,
    allowed: tuple[str, ...] | None = None,
) -> list[Path]:
    """Build the pack in each format into `folder`, named by file_name; one progress from 0 to 1 over all."""
    paths: list[Path] = []
    for index, fmt in enumerate(formats):

        def part(fraction: float, text: str, index: int = index, fmt: Format = fmt) -> None:
            if progress is not None:
                progress((index + fraction) / len(formats), f"{FORMAT_LABELS[fmt]}: {text}")

        paths.append(build(db, fmt, Path(folder) / file_name(unit, as_of, fmt), unit=unit, as_of=as_of,
                           progress=part, allowed=allowed))
    return paths
