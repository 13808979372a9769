"""The unit tree: choosing a clinic includes every unit under it."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kompetanse.storage import store

LEVEL_ORDER = ["foretak", "kommune", "klinikk", "sektor", "avdeling", "seksjon", "enhet"]


@store.shared
def tree(db: store.Db) -> pd.DataFrame:
    """unit_code, unit_name, parent_code, level, and depth (0 at the roots).

    A code stored twice (an import from before units files were checked) is kept once, so every
    page still works; `stored_problems` says so.
    """
    frame = store.run_query(db, "units_tree").drop_duplicates("unit_code", keep="first").reset_index(drop=True)
    parents = dict(zip(frame["unit_code"], frame["parent_code"], strict=True))
    frame["depth"] = [_depth(code, parents) for code in frame["unit_code"]]
    return frame


@store.shared
def stored_problems(db: store.Db) -> list[str]:
    """What is wrong with the stored unit tree (duplicate codes), in Norwegian; empty when nothing is."""
    frame = store.run_query(db, "units_tree")
    problems = []
    counts = frame["unit_code"].value_counts()
    duplicated = sorted(counts[counts > 1].index)
    if duplicated:
        shown = ", ".join(f"«{code}» ({counts[code]} ganger)" for code in duplicated[:10])
        more = f" og {len(duplicated) - 10} til" if len(duplicated) > 10 else ""
        problems.append(
            f"Den aktive enhetsimporten har samme enhetskode flere ganger: {shown}{more}. Bare den første raden "
            f"for hver kode brukes. {_REPAIR}"
        )
    unique = frame.drop_duplicates("unit_code")
    parents = dict(zip(unique["unit_code"], unique["parent_code"], strict=True))
    in_cycle = sorted(code for code in parents if _in_cycle(code, parents))
    if in_cycle:
        problems.append(
            "Enhetene " + ", ".join(f"«{c}»" for c in in_cycle[:10]) + " ligger under hverandre i en ring og "
            f"vises ikke i enhetsvalget. {_REPAIR}"
        )
    return problems


_REPAIR = "Rett enhetsfilen og importer den på nytt, eller gjør en tidligere enhetsimport aktiv på Import-siden."


def _in_cycle(code: str, parents: dict[str, str | None]) -> bool:
    seen: set[str] = set()
    parent = parents.get(code)
    while isinstance(parent, str) and parent in parents and parent not in seen:
        if parent == code:
            return True
        seen.add(parent)
        parent = parents.get(parent)
    return False


def _depth(code: str, parents: dict[str, str | None]) -> int:
    depth, seen = 0, {code}
    parent = parents.get(code)
    while isinstance(parent, str) and parent in parents and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = parents.get(parent)
    return depth


def descendants(units: pd.DataFrame, chosen: Iterable[str]) -> tuple[str, ...]:
    """The chosen units and everything below them, sorted."""
    children: dict[str, list[str]] = {}
    for code, parent in zip(units["unit_code"], units["parent_code"], strict=True):
        if isinstance(parent, str):
            children.setdefault(parent, []).append(code)
    found: set[str] = set()
    stack = [c for c in chosen if c in set(units["unit_code"])]
    while stack:
        code = stack.pop()
        if code not in found:
            found.add(code)
            stack.extend(children.get(code, []))
    return tuple(sorted(found))


def ordered_for_display(units: pd.DataFrame) -> list[str]:
    """Depth-first order, so each unit follows its parent (for a tree-like select box)."""
    children: dict[str | None, list[str]] = {}
    codes = set(units["unit_code"])
    for code, parent in zip(units["unit_code"], units["parent_code"], strict=True):
        key = parent if isinstance(parent, str) and parent in codes else None
        children.setdefault(key, []).append(code)
    order: list[str] = []

    def walk(parent: str | None) -> None:
        for code in children.get(parent, []):
            order.append(code)
            walk(code)

    walk(None)
    return order


def labels(units: pd.DataFrame) -> dict[str, str]:
    """Indented names for a select box: "  Medisinsk biokjemi Levanger (MB-L)"."""
    return {
        code: "\u2003" * int(depth) + f"{name} ({code})"
        for code, name, depth in zip(units["unit_code"], units["unit_name"], units["depth"], strict=True)
    }
