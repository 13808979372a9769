"""Who may see what: roles, the pages each role uses, and the units a user may see.

The allowed unit codes are part of the scope every query gets: `scope_units` turns the units a
user chose (in the sidebar, a URL or a crafted request) and the user's `Access` into the
`Scope.units` the queries filter on. An empty intersection is "nothing" (an empty tuple, which
the queries read as no units), never "all".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from kompetanse.storage import units

ROLES = ("leder", "klinikkledelse", "hr", "admin")
ROLE_LABELS = {"leder": "Leder", "klinikkledelse": "Klinikkledelse", "hr": "HR", "admin": "Administrator"}
UNIT_SCOPED_ROLES = ("leder", "klinikkledelse")  # these see the units granted and everything under them

# The pages (by their file's stem) each role may use. Import and the rule editing are for hr and
# admin; comparing units across a subtree is for clinic management and up; the log is admin's.
VIEW_PAGES = (
    "oversikt", "alder", "pensjon", "turnover", "kompetanse", "tiltak", "behov", "maal", "praksis", "rapport",
    "tilgjengelighet",
)
ROLE_PAGES: dict[str, frozenset[str]] = {
    "leder": frozenset(VIEW_PAGES),
    "klinikkledelse": frozenset((*VIEW_PAGES, "sammenlign")),
    "hr": frozenset((*VIEW_PAGES, "sammenlign", "import_data")),
    "admin": frozenset((*VIEW_PAGES, "sammenlign", "import_data", "logg")),
}
# The open demo: hr's pages and the log, which is the proof that the audit exists (no users to manage there).
OPEN_PAGES = ROLE_PAGES["hr"] | {"logg"}

# What a role may change: "import" (imports and activations), "settings" (rules, exit rates,
# upper age limits), "plan" (the measures of the units it sees), "audit" (read the log).
ROLE_RIGHTS: dict[str, frozenset[str]] = {
    "leder": frozenset({"plan"}),
    "klinikkledelse": frozenset({"plan"}),
    "hr": frozenset({"import", "settings", "plan"}),
    "admin": frozenset({"import", "settings", "plan", "audit", "users"}),
}
OPEN_RIGHTS = frozenset({"import", "settings", "plan", "audit"})

OPEN_ACTOR = "åpen demo"
CLI_ACTOR = "kommandolinje"
OPEN_BANNER = "Åpen demo: ingen brukere er satt opp, alle ser alt."
NO_ACCESS_UNIT = "ingen tilgang til enhet: {code}"


class AccessDenied(Exception):
    """The user may not see or do this (message in Norwegian, one line)."""


@dataclass(frozen=True)
class Access:
    """A signed-in user's access; `role` None is the open demo (no users set up)."""

    user: str | None
    role: str | None
    allowed_units: tuple[str, ...] | None  # None: every unit

    @property
    def is_open(self) -> bool:
        return self.role is None

    @property
    def actor(self) -> str:
        """Who the audit log names."""
        return self.user or OPEN_ACTOR

    def pages(self) -> frozenset[str]:
        return OPEN_PAGES if self.role is None else ROLE_PAGES.get(self.role, frozenset())

    def may(self, right: str) -> bool:
        return right in (OPEN_RIGHTS if self.role is None else ROLE_RIGHTS.get(self.role, frozenset()))

    def may_see_unit(self, code: str) -> bool:
        return self.allowed_units is None or code in self.allowed_units


OPEN = Access(user=None, role=None, allowed_units=None)
NOTHING = Access(user=None, role="leder", allowed_units=())


def for_user(tree: pd.DataFrame, user: str, role: str, granted: Iterable[str] | None) -> Access:
    """The access of a user record: a unit-scoped role sees its granted units' subtrees; hr and admin all."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if role in UNIT_SCOPED_ROLES:
        return Access(user=user, role=role, allowed_units=units.descendants(tree, list(granted or ())))
    return Access(user=user, role=role, allowed_units=None)


def scope_units(tree: pd.DataFrame, chosen: Iterable[str], access: Access) -> tuple[str, ...] | None:
    """Scope.units for the chosen units under `access`: the chosen units' subtrees ∩ the allowed units.

    Nothing chosen means every unit the user may see (None for everyone with no restriction). A
    choice outside the allowed units contributes nothing: the result may be () ("no units").
    """
    chosen = list(chosen)
    expanded = units.descendants(tree, chosen) if chosen else None
    if access.allowed_units is None:
        return expanded
    allowed = set(access.allowed_units)
    if expanded is None:
        return tuple(sorted(allowed))
    return tuple(sorted(allowed.intersection(expanded)))


def visible_tree(tree: pd.DataFrame, access: Access) -> pd.DataFrame:
    """The part of the unit tree the user may see (the whole tree without restriction)."""
    if access.allowed_units is None:
        return tree
    return tree[tree["unit_code"].isin(list(access.allowed_units))].reset_index(drop=True)


def visible_order(tree: pd.DataFrame, access: Access) -> list[str]:
    """The units the user may choose, each after its parent (for a select box)."""
    return units.ordered_for_display(visible_tree(tree, access))


def check_unit(access: Access, code: str) -> None:
    """Raise AccessDenied unless the user may see `code` (an export for one unit, say)."""
    if not access.may_see_unit(code):
        raise AccessDenied(NO_ACCESS_UNIT.format(code=code))


def scope_label(unit_codes: Iterable[str] | None) -> str:
    """The audit log's scope: unit codes, or "alle" for every unit."""
    if unit_codes is None:
        return "alle"
    codes = sorted(set(unit_codes))
    return ",".join(codes) if codes else "ingen"
