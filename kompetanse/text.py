"""Text as the importer and the plan tables compare it: case, accents and æ/ø/å folded."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a", "_": " "})


def fold(text: str) -> str:
    """Lower case, æ/ø/å and accents folded to ASCII, whitespace trimmed and collapsed."""
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def header_key(text: str) -> str:
    """The key headers are matched on: folded, and only letters, digits and % kept."""
    return re.sub(r"[^a-z0-9%]+", "", fold(text))
