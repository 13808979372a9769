"""Run a block as an ordinary user would see file permissions, even when the tests run as root.

Root ignores chmod (CAP_DAC_OVERRIDE). Dropping that capability from the calling thread's effective
set (and restoring it after) makes a 0444 file and a 0555 folder read-only for real, for this thread
and the threads it starts (an AppTest run). As a non-root user this does nothing: chmod already holds.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager

_VERSION_3 = 0x20080522
_DAC_BITS = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _capabilities() -> tuple[_Header, ctypes.Array]:
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _Header(_VERSION_3, 0), (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    return header, data


def _set_effective(effective: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _capabilities()
    data[0].effective = effective
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


@contextmanager
def as_ordinary_user() -> Iterator[None]:
    if os.geteuid() != 0:
        yield
        return
    _, data = _capabilities()
    before = data[0].effective
    _set_effective(before & ~_DAC_BITS)
    try:
        yield
    finally:
        _set_effective(before)
