"""What the active data holds: the choices the filters offer."""

from __future__ import annotations

from kompetanse.storage import store


@store.shared
def professions(db: store.Db) -> list[str]:
    return [str(p) for p in store.run_query(db, "professions")["profession"]]


@store.shared
def employment_types(db: store.Db) -> list[str]:
    return [str(t) for t in store.run_query(db, "employment_types")["employment_type"]]
