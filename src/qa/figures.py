"""Figures in Chinese text: money, counts with units, years; and English readings of them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from qa.language.chinese import OUTCOME_WORDS
from qa.units import LONGEST_FIRST, READINGS, unit_of, units_compatible

NUMBER = r"\d+(?:[.,]\d+)*"
APPROX = r"(?:多|余|几)?"
MONEY_RE = re.compile(rf"{NUMBER}{APPROX}(?:万|亿|千|百)?{APPROX}(?:元|美元)")
COUNT_RE = re.compile(rf"{NUMBER}{APPROX}(?:万|亿|千|百)?{APPROX}(?:{'|'.join(LONGEST_FIRST)})")
YEAR_RE = re.compile(r"(?:1[89]|20)\d{2}年")
NEAR_CHARS = 12  # a count "of schools" sits within this many characters of 学校


@dataclass(frozen=True)
class Figure:
    text: str
    start: int
    end: int
    kind: str


@functools.lru_cache(maxsize=16384)
def find_figures(text: str, kind: str) -> tuple[Figure, ...]:
    """Figures of a kind in the text, in order. Cached: every question re-scores the same
    passages, and this scan was a third of the time spent outside the model."""
    return tuple(_find_figures(text, kind))


def _find_figures(text: str, kind: str) -> list[Figure]:
    pattern = {"amount": MONEY_RE, "count": COUNT_RE, "year": YEAR_RE}.get(kind)
    if pattern is None:
        return []
    found = [Figure(m.group(0), m.start(), m.end(), kind) for m in pattern.finditer(text)]
    if kind == "count":  # money and years are not counts
        money = [(m.start(), m.end()) for m in MONEY_RE.finditer(text)]
        found = [f for f in found if not any(s <= f.start < e for s, e in money)]
        found = [f for f in found if not YEAR_RE.match(text, f.start)]
    return found


_CLAUSE_BREAK = re.compile(r"[,，;；。:：!！?？、]")
CLAUSE_END = re.compile(r"[,，;；。:：]")  # a list (、) stays inside one clause


def clause_around(text: str, at: int, breaks: re.Pattern = CLAUSE_END) -> str:
    """The clause of the text that holds position ``at`` (its lists included); with
    ``breaks=_CLAUSE_BREAK``, the list item."""
    start = max((m.end() for m in breaks.finditer(text, 0, at)), default=0)
    end = breaks.search(text, at)
    return text[start : end.start() if end else len(text)]


def clause_names(text: str, at: int, counted, breaks: re.Pattern = CLAUSE_END) -> bool:
    """Whether the clause (or, with ``breaks=_CLAUSE_BREAK``, the list item) holding position
    ``at`` names one of the counted forms: 87个 in 与岚水县87个村结对 counts villages."""
    part = clause_around(text, at, breaks)
    return any(c in part for c in counted)


def count_closeness(text: str, figure: Figure, counted: list[str]) -> tuple[bool, bool, int]:
    """How closely a count goes with what is counted, best first when sorted: named in its
    list item (13所社会福利院, not the 6个集贸市场 after it), in its clause, then by distance."""
    return (not clause_names(text, figure.start, counted, _CLAUSE_BREAK),
            not clause_names(text, figure.start, counted), distance_to_terms(text, figure, counted))


def measures_outcome(text: str, figure: Figure) -> bool:
    """Whether the clause leading to a money figure says it measures output, sales or
    income (年产值突破15亿元) rather than money given, invested or spent."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, figure.start)]
    clause = text[breaks[-1] if breaks else 0 : figure.start]
    return any(word in clause for word in OUTCOME_WORDS)


def figures_of_kind(
    text: str, kind: str, terms: dict[str, float] | None = None, unit: str | None = None
) -> list[Figure]:
    """Figures of the asked kind (and unit, when the question names one), those near one of
    the question's terms first."""
    figures = list(find_figures(text, kind))
    if unit and kind == "count":
        figures = [f for f in figures if units_compatible(unit, unit_of(f.text))]
    if not terms or not figures:
        return figures

    def nearest_first(figure: Figure) -> tuple[bool, int, int]:
        distance = distance_to_terms(text, figure, terms)
        return distance > NEAR_CHARS, distance, figure.start

    return sorted(figures, key=nearest_first)


CHINESE_NUMBER = r"[一二两三四五六七八九十百千万亿]+(?:多|余)?"
_UNITS_LONGEST_FIRST = "|".join(LONGEST_FIRST)


def counts_in_words(text: str, nouns) -> list[Figure]:
    """Counts written in Chinese numerals right before what is counted: 百万移民, 五个区县.
    Ordinals (第二中学) and numbered names (一中) count nothing."""
    found = []
    for noun in nouns:
        for match in re.finditer(rf"(?<!第)({CHINESE_NUMBER}(?:{_UNITS_LONGEST_FIRST})?){re.escape(noun)}", text):
            found.append(Figure(match.group(1), match.start(1), match.end(1), "count"))
    return sorted(found, key=lambda f: f.start)


def counts_noun(text: str, noun: str) -> bool:
    """Whether the text names the noun, or counts its head character: 城市 is counted in
    "4个市", 乡村 in "15个村" (a Chinese compound's last character names its kind)."""
    return (noun in text or bool(re.search(rf"\d(?:{_UNITS_LONGEST_FIRST})?{re.escape(noun[-1])}", text))
            or (len(noun) >= 3 and bool(_with_one_more_character(noun).search(text))))


@functools.lru_cache(maxsize=4096)
def _with_one_more_character(noun: str) -> re.Pattern:
    """The noun with one character inserted inside it: 农产品 is named by 农特产品 and 农副产品."""
    return re.compile("|".join(re.escape(noun[:i]) + r"[\u4e00-\u9fff]" + re.escape(noun[i:])
                               for i in range(1, len(noun))))


def counted_forms(terms) -> list[str]:
    """What is counted, as words and as head characters: 城市 is counted in "4个市"."""
    return [form for term in terms for form in dict.fromkeys((term, term[-1]))]


def distance_to_terms(text: str, figure: Figure, terms) -> int:
    """Characters between the figure and the nearest of the terms in the text (10**6: none)."""
    best = 10**6
    for term in terms:
        if not term:
            continue
        start = text.find(term)  # str.find, not a regex per term: this runs for every candidate
        while start != -1:
            end = start + len(term)
            best = min(best, max(start - figure.end, figure.start - end, 0))
            start = text.find(term, end)
    return best


def near_terms(text: str, figure: Figure, terms) -> bool:
    return not terms or distance_to_terms(text, figure, terms) <= NEAR_CHARS


_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}


def english_reading(figure: str) -> str | None:
    """An English reading of a Chinese figure: 9788.1万元 -> "about 97.9 million yuan"."""
    match = re.match(rf"({NUMBER})({APPROX})([万亿千百]?)({APPROX})(.*)$", figure)
    if not match:
        return None
    number, approx1, multiplier, approx2, unit = match.groups()
    if not multiplier:
        return None
    try:
        value = float(number.replace(",", "")) * _MULTIPLIERS[multiplier]
    except ValueError:
        return None
    unit_word = {"元": "yuan", "美元": "US dollars", **READINGS}.get(unit, "")
    more = "more than " if (approx1 or approx2) in ("多", "余") else "about "
    return f"{more}{_magnitude(value)} {unit_word}".strip()


def _magnitude(value: float) -> str:
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:.3g} {word}"
    return f"{value:,.0f}"


def places_of_kind(text: str, suffix: str, gazetteer, exclude: set[str]) -> list[Figure]:
    """Names of the asked administrative level in the text (for "which county" questions)."""
    found = []
    for match in gazetteer.find_chinese(text):
        if match.entity in exclude:
            continue
        if any(form.endswith(suffix) for form in match.forms) or match.typed.endswith(suffix):
            # Every mention counts: the one next to the question's topic words may be any.
            for mention in re.finditer(re.escape(match.entity), text):
                found.append(Figure(match.typed, mention.start(), mention.end(), "place"))
    return found
