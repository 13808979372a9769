"""Which column of the file is which field.

In this order, for each header: the user's mapping (saved or given with --mapping) -> a header whose
meaning depends on the system, decided by the column's content -> the kind's accepted headers -> a
system's profile -> unknown, with the closest accepted name as a hint where the column's content fits
that field. Two columns for one field are reported and neither is used: position in the file decides
nothing. The profile whose own headers the file has the most of is named ("Gjenkjent som SAP HCM").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from kompetanse.importer import profiles
from kompetanse.importer.fields import ENUMS, NATIONAL_ID, REJECTED_FILE_COLUMNS, SPECS, KindSpec, norm_choice
from kompetanse.importer.parse import (
    as_text,
    parse_date_value,
    parse_number_value,
    parse_position_value,
)
from kompetanse.text import fold, header_key

CONTENT_SAMPLE = 200  # values of a column looked at to judge what it holds
CONTENT_SHARE = 0.9  # the share of them that must fit
_KEY_IN_BRACKETS = re.compile(r"\s*\[[^\]]*\]\s*$")  # Visma's "Ansattdato[Ans.nr]"

# How a column came to be what it is (shown on the Import page).
BY_MAPPING, BY_NAME, BY_PROFILE, BY_CONTENT = "mapping", "name", "profile", "content"


def lookup_key(header: str) -> str:
    """The key a header is looked up by: folded letters and digits, a trailing "[...]" left out."""
    stripped = _KEY_IN_BRACKETS.sub("", header)
    return header_key(stripped if stripped.strip() else header)


def _alias_index(spec: KindSpec) -> dict[str, str]:
    return {header_key(alias): f.name for f in spec.fields for alias in f.aliases}


def _profile_index(kind: str) -> dict[str, str]:
    """Every profile's header -> field (UNUSED included); the profiles agree where they share a header.
    Other kinds (competences from the same system) take the profiles' names of the person."""
    index: dict[str, str] = {}
    for profile in profiles.PROFILES:
        for header, name in profile.headers.items():
            if profile.kind == kind or name in profiles.IDENTITY_FIELDS:
                index.setdefault(header_key(header), name)
    return index


_AMBIGUOUS = {header_key(h): candidates for h, candidates in profiles.AMBIGUOUS.items()}
_NOT_STORED = {header_key(h) for h in profiles.NOT_STORED}


def header_score(spec: KindSpec) -> Callable[[list[str]], int]:
    """How much a row looks like this kind's header row: the known headers in it."""
    index = {**_profile_index(spec.kind), **_alias_index(spec)}
    known = set(index) | (set(_AMBIGUOUS) if spec.kind == "personnel" else set())
    return lambda cells: len({k for k in map(lookup_key, cells) if k in known})


def normalise_header(text: str) -> str:
    """How headers compare: case, accents, æ/ø/å and spacing do not matter ("FØDSELSDATO" == "fodselsdato")."""
    return fold(text)


def closest_header(header: str, kind: str = "personnel") -> str | None:
    """The accepted header most like `header` (as written in DESIGN.md), or None."""
    aliases = {normalise_header(a): a for f in SPECS[kind].fields for a in f.aliases}
    match = difflib.get_close_matches(normalise_header(header), list(aliases), n=1, cutoff=0.6)
    return aliases[match[0]] if match else None


# --- what a column holds ----------------------------------------------------------------------


def _sample(values: pd.Series | None) -> list[object]:
    if values is None:
        return []
    return list(values.dropna().head(CONTENT_SAMPLE * 5).drop_duplicates().head(CONTENT_SAMPLE))


def _share(sample: list[object], fits: Callable[[object], bool]) -> bool:
    if not sample:
        return True  # an empty column contradicts nothing
    return sum(1 for v in sample if fits(v)) >= CONTENT_SHARE * len(sample)


_ID_NUMBER = re.compile(r"\d{10,11}")


def content_fits(spec: KindSpec, name: str, sample: list[object]) -> bool:
    """Whether the values look like the field's: dates for a date, 0-200 for a percentage, 11 digits for a
    fødselsnummer, the list's words for a list; any text for a text field."""
    f = next((f for f in spec.fields if f.name == name), None)
    if f is None:
        return False
    if f.parse == "date":
        return _share(sample, lambda v: parse_date_value(v)[1] is None)
    if f.parse == "position":
        return _share(sample, lambda v: parse_position_value(v)[1] is None)
    if f.parse in ("amount", "money", "count", "places", "year"):
        return _share(sample, lambda v: parse_number_value(v) is not None)
    if f.parse == "national_id":
        return _share(sample, lambda v: bool(_ID_NUMBER.fullmatch(as_text(v).replace(" ", ""))))
    if f.parse == "enum":
        spellings = ENUMS[f.choices or f.name][0]
        return _share(sample, lambda v: norm_choice(as_text(v)) in spellings)
    return True


def _looks_like_words(sample: list[object]) -> bool:
    """Text such as a job title: letters, not numbers or dates."""
    return bool(sample) and _share(sample, lambda v: isinstance(v, str) and any(c.isalpha() for c in v)
                                   and parse_date_value(v)[1] is not None)


def _looks_like_codes(sample: list[object]) -> bool:
    """Codes such as a cost centre's: one word each (a person's name has a space)."""
    return bool(sample) and _share(sample, lambda v: len(as_text(v)) <= 30 and " " not in as_text(v))


def _ambiguous_fits(spec: KindSpec, name: str, sample: list[object]) -> bool:
    if name == "profession":
        return _looks_like_words(sample)
    if name == "unit_code":
        return _looks_like_codes(sample)
    return bool(sample) and content_fits(spec, name, sample)


# --- the recognition ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    position: int
    header: str  # as written
    field: str | None  # our name; None: not used
    how: str | None = None  # BY_MAPPING, BY_NAME, BY_PROFILE, BY_CONTENT (None when not used)
    note: str | None = None  # why it is not used, one Norwegian sentence (None when used)
    hint: str | None = None  # the accepted name it may have meant


@dataclass(frozen=True)
class Recognition:
    kind: str
    profile: str | None
    columns: tuple[Column, ...]
    competing: tuple[str, ...] = field(default=())  # one Norwegian sentence per field two columns claim

    @property
    def positions(self) -> dict[str, int]:
        """Our name -> header position, for the columns used."""
        return {c.field: c.position for c in self.columns if c.field is not None}

    @property
    def unused(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.field is None)

    @property
    def unknown(self) -> dict[str, str | None]:
        """Unused header -> the accepted name it may have meant (the Preview's old shape)."""
        return {c.header: c.hint for c in self.unused}

    @property
    def notices(self) -> tuple[str, ...]:
        """Every column not used, one sentence each."""
        return tuple(c.note or unused_sentence(c.header, c.hint) for c in self.unused)


def unused_sentence(header: str, hint: str | None = None, reason: str | None = None) -> str:
    text = f"kolonnen «{header}» er ikke brukt"
    if reason:
        text += f" ({reason})"
    return text + (f"; mente du «{hint}»?" if hint else ".")


def _label(spec: KindSpec, name: str) -> str:
    return spec.field(name).label


def _hint(spec: KindSpec, header: str, sample: list[object], names: dict[str, str]) -> str | None:
    """The closest accepted header whose field the column's content fits."""
    matches = difflib.get_close_matches(normalise_header(header), list(names), n=3, cutoff=0.6)
    for match in matches:
        shown = names[match]
        if content_fits(spec, _hint_field(spec, shown), sample):
            return shown
    return None


def _hint_field(spec: KindSpec, shown: str) -> str:
    key = header_key(shown)
    return _alias_index(spec).get(key) or _profile_index(spec.kind).get(key, "")


def _hint_names(spec: KindSpec) -> dict[str, str]:
    """Folded header -> header as shown, for every header the kind accepts (aliases first)."""
    names = {normalise_header(a): a for f in spec.fields for a in f.aliases}
    have = {f.name for f in spec.fields}
    for profile in profiles.PROFILES:
        if profile.kind == spec.kind:
            for header, name in profile.headers.items():
                if name in have:
                    names.setdefault(normalise_header(header), header)
    return names


def recognise_profile(spec: KindSpec, headers: list[str]) -> str | None:
    """The profile with the most of its own headers in the file (at least MIN_PROFILE_HEADERS)."""
    aliases = _alias_index(spec)
    keys = {lookup_key(h) for h in headers if h} - set(aliases)
    best, best_score = None, profiles.MIN_PROFILE_HEADERS - 1
    for profile in profiles.PROFILES:
        if profile.kind != spec.kind:
            continue
        own = {header_key(h) for h in profile.headers}
        score = len(keys & own)
        if score > best_score:
            best, best_score = profile.name, score
    return best


def _mapped(mapping: Mapping[str, str | None] | None, header: str) -> tuple[bool, str | None]:
    if not mapping:
        return False, None
    if header in mapping:
        return True, mapping[header]
    by_key = {lookup_key(h): v for h, v in mapping.items()}
    key = lookup_key(header)
    return (True, by_key[key]) if key in by_key else (False, None)


def recognise(
    spec: KindSpec,
    headers: list[str],
    data: pd.DataFrame | None = None,
    mapping: Mapping[str, str | None] | None = None,
) -> Recognition:
    """What each column of the file is, with the reason for each column not used."""
    have = {f.name for f in spec.fields}
    aliases = _alias_index(spec)
    known = _profile_index(spec.kind)
    ambiguous = _AMBIGUOUS if spec.kind == "personnel" else {}
    hint_names = _hint_names(spec)

    def sample(position: int) -> list[object]:
        return _sample(None if data is None or position not in data.columns else data[position])

    decided: dict[int, Column] = {}
    later: list[tuple[int, str, tuple[str, ...]]] = []
    keys = {header_key(h) for h in headers}
    # A rejected-rows file imported again: its row numbers and errors are not data.
    rejected_file = {header_key("Rad"), header_key("Feil")} <= keys
    ignored = {header_key(c) for c in REJECTED_FILE_COLUMNS} if rejected_file else set()
    for position, header in enumerate(headers):
        if not header or header_key(header) in ignored:
            continue
        key = lookup_key(header)
        given, target = _mapped(mapping, header)
        if given:
            if target is None:
                decided[position] = Column(position, header, None,
                                           note=unused_sentence(header, reason="satt til «ignorer»"))
            elif target not in have:
                decided[position] = Column(position, header, None, note=unused_sentence(header))
            else:
                decided[position] = Column(position, header, target, BY_MAPPING)
        elif key in ambiguous:
            later.append((position, header, ambiguous[key]))
        elif key in aliases:
            decided[position] = Column(position, header, aliases[key], BY_NAME)
        elif key in known:
            target = known[key]
            if target in have:
                decided[position] = Column(position, header, target, BY_PROFILE)
            else:
                reason = profiles.NOT_STORED_REASON if key in _NOT_STORED else None
                decided[position] = Column(position, header, None, note=unused_sentence(header, reason=reason))
        else:
            hint = _hint(spec, header, sample(position), hint_names)
            decided[position] = Column(position, header, None, hint=hint, note=unused_sentence(header, hint))

    # A header whose meaning depends on the system takes the first field its content fits that no
    # column named for it has taken.
    claimed = {c.field for c in decided.values() if c.field is not None}
    for position, header, candidates in later:
        values = sample(position)
        chosen = next((n for n in candidates if n in have and n not in claimed and _ambiguous_fits(spec, n, values)),
                      None)
        if chosen is not None:
            decided[position] = Column(position, header, chosen, BY_CONTENT)
            continue
        taken = [n for n in candidates if n in claimed]
        if taken:
            other = next(c.header for c in decided.values() if c.field == taken[0])
            reason = f"«{other}» brukes som {_label(spec, taken[0])}"
        else:
            shown = " eller ".join(_label(spec, n).lower() for n in candidates if n in have)
            reason = f"innholdet ligner ikke {shown}"
        decided[position] = Column(position, header, None, note=unused_sentence(header, reason=reason))

    # Two columns for one field: neither is used, and the user is told to choose.
    by_field: dict[str, list[int]] = {}
    for position, column in decided.items():
        if column.field is not None:
            by_field.setdefault(column.field, []).append(position)
    competing: list[str] = []
    for name, positions in by_field.items():
        if len(positions) < 2:
            continue
        shown = " og ".join(f"«{decided[p].header}»" for p in sorted(positions))
        competing.append(f"Kolonnene {shown} kan begge være «{_label(spec, name)}». Velg hvilken som skal brukes "
                         "(sett de andre til «ignorer»).")
        for p in positions:
            decided[p] = Column(p, decided[p].header, None,
                                note=unused_sentence(decided[p].header, reason=f"flere kolonner kan være "
                                                     f"«{_label(spec, name)}»"))
    columns = tuple(decided[p] for p in sorted(decided))
    return Recognition(spec.kind, recognise_profile(spec, headers), columns, tuple(competing))


def match_columns(spec: KindSpec, headers: list[str]) -> tuple[dict[str, int], dict[str, str | None]]:
    """Our name -> header position, and the unused headers with a hint (by the headers alone)."""
    found = recognise(spec, headers)
    return found.positions, found.unknown


def missing_columns(spec: KindSpec, columns: dict[str, int]) -> list[str]:
    missing = [f.label for f in spec.fields if f.required and f.name not in columns]
    for first, second in spec.either:
        if first not in columns and second not in columns:
            missing.append(f"{spec.field(first).label} eller {spec.field(second).label}")
    return missing


def field_choices(kind: str) -> dict[str, str]:
    """Our name -> the Norwegian name users choose from (each field's first accepted header)."""
    return {f.name: f.label for f in SPECS[kind].fields}


__all__ = [
    "BY_CONTENT", "BY_MAPPING", "BY_NAME", "BY_PROFILE", "NATIONAL_ID", "Column", "Recognition", "closest_header",
    "content_fits", "field_choices", "header_score", "lookup_key", "match_columns", "missing_columns",
    "normalise_header", "recognise", "recognise_profile", "unused_sentence",
]
