"""One guard around every part of a page run: no traceback ever reaches a screen.

An expected problem (a locked database, a full disk, a read-only place) is said as it is; anything
else shows one Norwegian sentence with a short reference, and the traceback goes to the server log
under that reference, so whoever runs the server can find it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st

from kompetanse.storage import store
from ui import data

LOG = logging.getLogger("kompetanse.app")
if not LOG.handlers and not logging.getLogger().handlers:  # Streamlit leaves the root logger bare
    _handler = logging.StreamHandler()  # the server's stderr: its log
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
T = TypeVar("T")


def reference() -> str:
    """A short reference a user can read out on the phone (6 characters, no 0/O or 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def unexpected(exc: BaseException, what: str, container: Any = st) -> str:
    """Log the traceback under a new reference and say on screen that `what` failed."""
    ref = reference()
    LOG.error("unexpected error, reference %s (%s)", ref, what, exc_info=exc)
    container.error(
        f"{what} på grunn av en uventet feil. Feilen er logget med referanse {ref}; "
        "oppgi den til den som drifter Kompetanse."
    )
    return ref


def guarded(what: str, body: Callable[[], T], container: Any = st) -> T | None:
    """`body()`, or None after a sentence on screen (Streamlit's stop and rerun pass through)."""
    try:
        return body()
    except store.StoreError as exc:  # a locked or unopenable database: the sentence is in the error
        container.error(str(exc))
    except (duckdb.Error, OSError) as exc:  # a full disk or a read-only place
        problem = store.storage_problem(exc, Path(data.db_path()))
        if problem is None:
            unexpected(exc, what, container)
        else:
            container.error(problem)
    except Exception as exc:
        unexpected(exc, what, container)
    return None
