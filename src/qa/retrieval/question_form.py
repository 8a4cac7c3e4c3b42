"""What a question asks, read from its wording alone: the kind of answer, the stance (target
or outcome), the unit, what a count counts, and which words are its frame.

The patterns are general language of reports (qa.language.chinese / english); the question
analysis (qa.retrieval.query) adds what needs the corpus: names, search terms, years.
"""

from __future__ import annotations

import re

from qa.language import chinese, english, english_unit_words, units
from qa.language.english import ENGLISH_STOPWORDS
from qa.retrieval.tokenize import words_with_tags

# Figure kinds each question kind accepts, with how well (see qa.answering.features).
ACCEPTS = {
    "amount": {"money": 1.0, "quantity": 0.8, "count": 0.5, "people": 0.5},
    "count": {"count": 1.0, "people": 1.0, "quantity": 1.0, "money": 0.3},
    "number": {"money": 1.0, "count": 1.0, "people": 1.0, "quantity": 1.0, "percent": 0.8, "points": 0.7,
               "multiple": 0.7},
    "rate": {"percent": 1.0, "points": 1.0, "multiple": 0.8},
    "when": {"year": 1.0, "date": 1.0},
}
FIGURE_KINDS = frozenset(ACCEPTS)  # question kinds answered by a figure
GENERIC_MEASURE_WORDS = frozenset("个")  # 多少个干部: counts anything, asks for no unit


def is_frame_word(word: str) -> bool:
    """English words of the question's frame that still translate: target, growth, rate."""
    return word in english.FRAME_WORDS


def question_kind(text: str, lang: str) -> str:
    lowered = text.lower()
    patterns = chinese.QUESTION_KINDS if lang == "zh" else english.QUESTION_KINDS
    other = english.QUESTION_KINDS if lang == "zh" else chinese.QUESTION_KINDS
    for kinds in (patterns, other):  # mixed questions: a question word of the other language
        for kind, pattern in kinds:
            if re.search(pattern, lowered):
                return kind
    return "what"


def counted_words(text: str) -> list[str]:
    """The words naming what a count question counts: after "how many" (stop words left
    out), or the nouns after 多少 and a measure word (多少家大型企业 -> 企业)."""
    match = re.search(english.COUNTED_AFTER, text.lower())
    if match:
        words = match.group(1).split()
        for i, word in enumerate(words[1:], start=1):  # "kids took part": the verb ends it
            if word in english.COUNTED_STOP or word.endswith("ed"):
                words = words[:i]
                break
        return [w for w in words if w not in ENGLISH_STOPWORDS]
    match = re.search(chinese.COUNTED_AFTER, text)
    if not match:
        return []
    nouns = []
    for word, tag in words_with_tags(match.group(1)):
        if tag.startswith("n") or (nouns == [] and tag.startswith(("vn",))):
            nouns.append(word)
        elif nouns:
            break
    return nouns


def stance(text: str) -> str | None:
    lowered = text.lower()
    if re.search(english.ASKS_TARGET, lowered) or re.search(chinese.ASKS_TARGET, text):
        return "target"
    if re.search(english.ASKS_OUTCOME, lowered) or re.search(chinese.ASKS_OUTCOME, text):
        return "outcome"
    return None


def asked_unit(text: str) -> str | None:
    """A unit the question asks in: 多少万人 -> 人, 多少吨 -> 吨, "how many tonnes", "in tonnes"."""
    unit_names = "|".join(re.escape(u.chinese) for u in units() if u.kind not in ("money",))
    match = re.search(rf"(?:多少|几)(?:万|亿|千|百)?({unit_names})", text)
    if match and match.group(1) not in GENERIC_MEASURE_WORDS:
        return match.group(1)
    lowered = text.lower()
    words = english_unit_words()
    for word in sorted(words, key=len, reverse=True):
        if re.search(rf"\b(?:how many|in|number of) {re.escape(word)}\b", lowered):
            return words[word].chinese
    return None
