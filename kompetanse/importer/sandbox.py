"""Reading a spreadsheet in a child process with a memory and a time limit.

python-calamine runs in Rust inside our process: a 1.6 KB sheet with cells at A1 and XFD1048576
makes it ask for 512 GB and abort the whole server (no `except` can catch an abort). So every
workbook, for the preview and the import alike, is read by kompetanse/importer/sheet_child.py in
a process of its own under `resource` limits; if it dies, overruns or hangs, this side kills it
and raises a `FileProblem` with one Norwegian sentence. The database and every other session are
untouched: the child has no connection and shares nothing but two pipes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kompetanse.importer.errors import FileProblem

LOG = logging.getLogger(__name__)
CHILD = Path(__file__).with_name("sheet_child.py")
_LENGTH = struct.Struct("<Q")


@dataclass(frozen=True)
class ReadLimits:
    """What one workbook may cost. Each can be set in the environment (KOMPETANSE_READ_<NAME>)."""

    memory_mb: int = 3072  # the reader's address space
    seconds: float = 120.0  # wall clock for the whole read
    max_rows: int = 1_100_000
    max_columns: int = 16_384
    max_cells: int = 60_000_000  # rows x columns from A1: a sparse sheet at XFD1048576 is 17 billion
    max_uncompressed_mb: int = 500  # the workbook's parts inflated (zip says without inflating)


def limits() -> ReadLimits:
    """The defaults, with any KOMPETANSE_READ_MEMORY_MB, _SECONDS, _MAX_ROWS ... from the environment."""
    values: dict[str, Any] = {}
    for name, default in ReadLimits.__dataclass_fields__.items():
        raw = os.environ.get(f"KOMPETANSE_READ_{name.upper()}")
        if raw:
            values[name] = type(default.default)(float(raw))
    return ReadLimits(**values)


@dataclass(frozen=True)
class SheetHead:
    name: str
    head: list[list[object]]  # the first rows, as read
    height: int
    width: int


@dataclass(frozen=True)
class Column:
    """One column of the grid from A1: `values` as read, or `uniques` and a code per row into them."""

    values: np.ndarray | None = None  # object array, one cell per row
    uniques: np.ndarray | None = None  # object array of the distinct cell values
    codes: np.ndarray | None = None  # int32 index into uniques, one per row

    def __len__(self) -> int:
        return len(self.values) if self.values is not None else len(self.codes)


def too_much_memory() -> FileProblem:
    return FileProblem(
        "Regnearket krever mer minne enn grensen tillater å lese (arket er trolig mye større enn dataene i det, "
        "for eksempel en celle langt nede til høyre). Kopier bare dataområdet til et nytt regneark, "
        "eller lagre det som CSV."
    )


def too_slow(seconds: float) -> FileProblem:
    return FileProblem(
        f"Regnearket tok mer enn {seconds:.0f} sekunder å lese og ble stoppet. "
        "Lagre det som CSV, eller del det opp."
    )


def unreadable(suffix: str) -> FileProblem:
    return FileProblem(
        f"Filen kan ikke leses som et regneark ({suffix}): den er skadet, passordbeskyttet "
        "eller egentlig en annen filtype."
    )


class SheetReader:
    """One workbook open in a child process: `sheets()` first, then at most one `grid()`."""

    def __init__(self, path: Path, head_rows: int, read_limits: ReadLimits | None = None) -> None:
        self.path = Path(path)
        self.limits = read_limits or limits()
        self._deadline = time.monotonic() + self.limits.seconds
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close(), after the child)
        # One BLAS thread: pandas (the .ods fallback) would otherwise reserve memory per core under the limit.
        env = {**os.environ, "RUST_BACKTRACE": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        # -P: the script's folder (kompetanse/importer) is not put on sys.path; close_fds is the default.
        self._process = subprocess.Popen(
            [sys.executable, "-P", str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, env=env,
        )
        self._send({
            "path": str(self.path), "head_rows": head_rows,
            "memory_bytes": self.limits.memory_mb * 1024 * 1024,
            "cpu_seconds": max(1, int(self.limits.seconds) + 1),
        })
        self.reader = "calamine"

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        process = self._process
        if process.poll() is None:
            with contextlib.suppress(OSError):  # "no more": a child that already ended cannot be told
                assert process.stdin is not None
                done = pickle.dumps(None)
                process.stdin.write(_LENGTH.pack(len(done)) + done)
                process.stdin.flush()
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._stderr.close()

    def sheets(self) -> list[SheetHead]:
        answer = self._receive()
        self.reader = answer.get("reader", "calamine")
        return [SheetHead(s["name"], s["head"], s["height"], s["width"]) for s in answer["sheets"]]

    def grid(self, index: int, nrows: int | None = None) -> list[Column]:
        self._send({"sheet": index, "nrows": nrows})
        answer = self._receive()
        return [
            Column(values=_object_array(c[1])) if c[0] == "plain"
            else Column(uniques=_object_array(c[1]), codes=np.frombuffer(c[2], dtype=np.int32))
            for c in answer["columns"]
        ]

    # --- the pipe ---------------------------------------------------------------------------

    def _send(self, message: object) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            assert self._process.stdin is not None
            self._process.stdin.write(_LENGTH.pack(len(data)) + data)
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._failure() from None

    def _receive(self) -> dict[str, Any]:
        (length,) = _LENGTH.unpack(self._read_exact(_LENGTH.size))
        answer = pickle.loads(self._read_exact(length))
        problem = answer.get("problem")
        if problem == "memory":
            raise too_much_memory()
        if problem:
            LOG.info("spreadsheet reader: %s (%s)", problem, answer.get("detail"))
            raise unreadable(self.path.suffix.lower())
        return answer

    def _read_exact(self, size: int) -> bytes:
        assert self._process.stdout is not None
        fd = self._process.stdout.fileno()
        chunks, remaining = [], size
        while remaining:
            wait = self._deadline - time.monotonic()
            ready = select.select([fd], [], [], max(wait, 0))[0] if wait > 0 else []
            if not ready:
                self._process.kill()
                self._process.wait()
                raise too_slow(self.limits.seconds)
            chunk = os.read(fd, min(remaining, 1 << 24))
            if not chunk:
                raise self._failure()
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _failure(self) -> FileProblem:
        """The child is gone without an answer: which sentence fits how it ended."""
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            code = self._process.wait()
        self._stderr.seek(0)
        tail = self._stderr.read()[-2000:].decode("utf-8", errors="replace").strip()
        LOG.warning("spreadsheet reader for %s ended with %s: %s", self.path.name, code, tail)
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return too_slow(self.limits.seconds)
        memory_words = ("memory allocation", "MemoryError", "out of memory", "capacity overflow")
        if code in (-signal.SIGABRT, 134, -signal.SIGSEGV) or any(w in tail for w in memory_words):
            return too_much_memory()
        return unreadable(self.path.suffix.lower())


def _object_array(values: list[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
