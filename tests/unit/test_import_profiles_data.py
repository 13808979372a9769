"""The column profiles are consistent data (issue 11, item 1)."""

from __future__ import annotations

from kompetanse.importer import SPECS, profiles
from kompetanse.text import header_key

KNOWN_FIELDS = {f.name for spec in SPECS.values() for f in spec.fields} | {
    "leave_pct", "leave_start", "leave_end", "profession_code",  # the leave and occupation-code fields (issue 11)
}


def test_profiles_agree_where_they_share_a_header():
    seen: dict[str, tuple[str, str]] = {}
    for profile in profiles.PROFILES:
        for header, name in profile.headers.items():
            key = header_key(header)
            assert seen.setdefault(key, (profile.name, name))[1] == name, (header, profile.name, seen[key])


def test_a_header_decided_by_content_is_in_no_profile():
    ambiguous = {header_key(h) for h in profiles.AMBIGUOUS}
    assert not ambiguous & {header_key(h) for p in profiles.PROFILES for h in p.headers}


def test_profiles_name_only_fields_the_importer_knows():
    for profile in profiles.PROFILES:
        unknown = {n for n in profile.headers.values() if n != profiles.UNUSED} - KNOWN_FIELDS
        assert not unknown, (profile.name, unknown)


def test_personal_columns_are_known_and_never_read():
    unused = {header_key(h) for p in profiles.PROFILES for h, n in p.headers.items() if n == profiles.UNUSED}
    assert {header_key(h) for h in profiles.NOT_STORED} <= unused
