"""The audit log: who did what, when, in which scope.

The scope is unit codes (or "alle"); the detail names kinds, counts, import ids, formats and dates,
never anything read from the imported files (no employee ids, names or fødselsnummer).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import duckdb
import pandas as pd

from kompetanse.access import access, users
from kompetanse.storage import store

LOG = logging.getLogger(__name__)

# The actions the log records (as the Logg page shows them).
SIGN_IN = "innlogging"
SIGN_IN_FAILED = "mislykket innlogging"
SIGN_OUT = "utlogging"
TIMEOUT = "tidsavbrudd"
IMPORT = "import"
ACTIVATE = "aktivering"
SETTINGS = "innstillinger endret"
PLAN_SAVE = "tiltak lagret"
PLAN_UNDO = "tiltak angret"
EXPORT = "eksport"
USER_ADD = "bruker lagt til"
USER_REMOVE = "bruker fjernet"
USER_GRANT = "tilgang gitt"
BACKUP = "sikkerhetskopi"
RESTORE = "gjenoppretting"
METRICS = "nøkkeltall"  # the command line's metrics (the figures leave the app there too)
USER_LIST = "brukere vist"
GAP = "behov og dekning"  # the command line's gap (figures leave the app there too)
ACTIONS = (
    SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, TIMEOUT, IMPORT, ACTIVATE, SETTINGS, PLAN_SAVE, PLAN_UNDO, EXPORT,
    USER_ADD, USER_REMOVE, USER_GRANT, BACKUP, RESTORE, METRICS, USER_LIST, GAP,
)
COLUMN_LABELS = {"at": "Tidspunkt", "actor": "Hvem", "action": "Hva", "scope": "Enheter", "detail": "Detaljer"}


def record(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    action: str,
    scope: Iterable[str] | None = None,
    detail: str = "",
) -> None:
    """Write one row (its own short transaction on a cursor; cached figures are not touched).

    On a read-only copy of the database nothing can be written: the action goes to the server log.
    """
    if store.is_read_only(con):
        LOG.warning("read-only database, not in the audit log: %s by %s (%s)", action, actor, detail)
        return
    cursor = con.cursor()
    with store.transaction(cursor, bump=False):
        cursor.execute(
            "insert into audit values ($at, $actor, $action, $scope, $detail)",
            {"at": users.now(), "actor": actor, "action": action, "scope": access.scope_label(scope),
             "detail": detail},
        )


def entries(con: duckdb.DuckDBPyConnection, action: str | None = None, limit: int = 1000) -> pd.DataFrame:
    """The newest rows first: at, actor, action, scope, detail."""
    return store.run_query(con, "audit_log", {"action": action, "limit": limit})
