"""Language data (English and Chinese wording), kept apart from the logic that reads it.

The vocabulary is in data files beside this module (``data/*.toml``), read once:

- :func:`units` — the units that follow a figure (``data/units.toml``);
- :func:`glossary` — general terms of the field, English -> Chinese and Chinese synonyms
  (``data/glossary.toml``).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Unit:
    chinese: str  # as written after the figure: 元, %, 个百分点, 人次, 吨
    kind: str  # money | percent | points | multiple | people | count | quantity
    english: str = ""  # the unit in an English reading ("" = no word)
    family: str = ""  # units of one family answer each other
    words: tuple[str, ...] = ()  # English words a question uses for it


@dataclass(frozen=True)
class Glossary:
    english: dict[str, tuple[str, ...]]  # English word or phrase -> Chinese terms, usual first
    chinese: dict[str, tuple[str, ...]]  # Chinese (or Latin abbreviation) -> other Chinese terms
    scope_english: frozenset[str]  # words for the whole country: never a place to look up
    scope_chinese: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def units() -> tuple[Unit, ...]:
    """Every unit, longest first (人次 before 人, 平方公里 before 公里)."""
    data = tomllib.loads((DATA / "units.toml").read_text(encoding="utf-8"))
    found = [
        Unit(chinese, kind, entry.get("english", ""), entry.get("family", ""), tuple(entry.get("words", ())))
        for kind, entries in data.items()
        for chinese, entry in entries.items()
    ]
    return tuple(sorted(found, key=lambda unit: -len(unit.chinese)))


@functools.lru_cache(maxsize=1)
def units_by_chinese() -> dict[str, Unit]:
    return {unit.chinese: unit for unit in units()}


@functools.lru_cache(maxsize=1)
def english_unit_words() -> dict[str, Unit]:
    """English word a question uses for a unit ("tonnes", "households") -> the unit."""
    return {word: unit for unit in units() for word in unit.words}


def _phrase_key(english: str) -> str:
    """Glossary keys as questions are split into words: lower case, hyphens as spaces."""
    return " ".join(re.findall(r"[a-z0-9.&']+", english.lower().replace("-", " ")))


@functools.lru_cache(maxsize=1)
def glossary() -> Glossary:
    data = tomllib.loads((DATA / "glossary.toml").read_text(encoding="utf-8"))
    english: dict[str, tuple[str, ...]] = {}
    for key, terms in data.get("english", {}).items():
        phrase = _phrase_key(key)
        english[phrase] = tuple(dict.fromkeys(english.get(phrase, ()) + tuple(terms)))
    chinese = {key.lower() if key.isascii() else key: tuple(terms) for key, terms in data.get("chinese", {}).items()}
    scope = data.get("scope", {})
    return Glossary(english, chinese, frozenset(_phrase_key(w) for w in scope.get("english", ())),
                    tuple(scope.get("chinese", ())))
