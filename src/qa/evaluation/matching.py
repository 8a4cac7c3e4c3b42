"""Tolerant matching of expected text (sources, answers) against engine output.

Both sides are folded the same way before a substring test: Unicode NFKC (full-width
letters, digits and punctuation become half-width), the Chinese punctuation that NFKC keeps
(。、“”‘’「」『』【】《》—) mapped to ASCII look-alikes, all whitespace removed and case
folded. So ``"9788.1 万元"`` matches ``"9788.1万元"`` and ``"（青岛）"`` matches ``"(青岛)"``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RE = re.compile(r"\s+")

# Punctuation NFKC leaves alone, folded to the half-width mark it stands for.
_PUNCT = str.maketrans(
    {
        "。": ".",
        "｡": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "〝": '"',
        "〞": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": "'",
        "’": "'",
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "—": "-",
        "–": "-",
        "―": "-",
        "・": "·",
    }
)


def fold(text: str) -> str:
    """The form used for matching (never shown to users)."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return _SPACE_RE.sub("", text).casefold()


def contains(haystack: str | None, needle: str) -> bool:
    """True when ``needle`` occurs in ``haystack`` once both are folded."""
    if haystack is None:
        return False
    folded = fold(needle)
    return bool(folded) and folded in fold(haystack)


def contains_any(haystack: str | None, needles: list[str]) -> bool:
    return any(contains(haystack, needle) for needle in needles)
