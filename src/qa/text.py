"""Text helpers shared by every stage: normalisation for matching, sentence splitting.

Text shown to users stays verbatim; these forms are only for comparing and searching.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# Sentence-final punctuation, Chinese and Western. A closing quote or bracket may follow.
SENTENCE_END = "。!?!?;;…"
CLOSERS = "”’\"')）】」』》"
_SENTENCE_RE = re.compile(
    rf"[^{SENTENCE_END}]*?(?:[{SENTENCE_END}]+[{re.escape(CLOSERS)}]*|\.(?=\s|$)[{re.escape(CLOSERS)}]*|$)",
    re.S,
)
_SPACE_RE = re.compile(r"\s+")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@functools.lru_cache(maxsize=1)
def _simplified_table() -> dict[int, str]:
    """Traditional -> simplified, one character for one (OpenCC's t2s on each character alone),
    so that positions in the text stay valid."""
    from opencc import OpenCC

    characters = [chr(code) for code in range(0x4E00, 0xA000)]
    converted = OpenCC("t2s").convert("\n".join(characters)).split("\n")
    return {ord(a): b for a, b in zip(characters, converted) if a != b and len(b) == 1}


def simplified(text: str) -> str:
    """The text in simplified characters, character for character (same length): reports of
    the 1950s are transcribed in traditional ones (萬噸), questions come in either."""
    return text.translate(_simplified_table())


@functools.lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """The form used for matching: NFKC (full-width -> half-width), simplified characters, no
    whitespace, lower case.

    Cached: re-scoring a question's candidates normalises the same name forms, terms and
    sentences hundreds of times (about 650 calls per question)."""
    return simplified(_SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).lower())


def normalize_spaces(text: str) -> str:
    """NFKC with runs of whitespace collapsed to one space (keeps word boundaries)."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def ends_sentence(text: str) -> bool:
    """True when the text ends with sentence-final punctuation (possibly before a closer)."""
    stripped = text.rstrip().rstrip(CLOSERS)
    if not stripped:
        return False
    last = unicodedata.normalize("NFKC", stripped[-1])
    return last in SENTENCE_END or last in ".!?;" or stripped.endswith("...")


def has_sentence_punctuation(text: str) -> bool:
    normal = unicodedata.normalize("NFKC", text)
    return any(ch in normal for ch in "。!?;,,、:") or bool(re.search(r"[.!?;](\s|$)", normal))


def split_sentences(text: str) -> list[str]:
    """Split at Chinese or Western sentence ends, keeping the punctuation with its sentence."""
    pieces = [m.group(0) for m in _SENTENCE_RE.finditer(text) if m.group(0)]
    return [p for p in pieces if p.strip()]


def cjk_count(text: str) -> int:
    return len(_CJK_RE.findall(text))


def is_chinese(text: str) -> bool:
    """True when CJK characters outnumber Latin letters (the question's language)."""
    latin = len(re.findall(r"[A-Za-z]", text))
    return cjk_count(text) > 0 and cjk_count(text) * 2 >= latin


def content_hash(*parts: str, length: int = 16) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]
