"""Answer candidates: the sentences of the best passages, and in each the figures that could
answer the question (of a kind it accepts), or the sentence itself for questions answered
in words (who, which, what was done)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from qa.language.figures import Figure, find_figures
from qa.text import split_sentences

LEAD_IN_CHARS = 12  # a sentence this short introduces the next one rather than stating a fact


@dataclass
class AnswerCandidate:
    rank: int  # 1-based rank of the passage among the retrieved candidates
    doc: str
    sentence: str
    sentence_start: int  # where the sentence starts in the passage text
    figure: Figure | None  # positions relative to the sentence
    passage_score: float
    features: dict = field(default_factory=dict)
    score: float = 0.0
    supported: bool = False  # the sentence speaks of the question's subject


@functools.lru_cache(maxsize=4096)
def answer_units(text: str) -> tuple[tuple[int, str], ...]:
    """The passage's sentences with their offsets; a short lead-in ("开展“提智”工程。", an
    inline sub-heading) is joined to the sentence it introduces, judged and quoted with it."""
    units: list[list] = []
    at = 0
    for sentence in split_sentences(text) or [text]:
        start = text.find(sentence, at)
        start = at if start < 0 else start
        at = start + len(sentence)
        if units and len(units[-1][1].strip()) <= LEAD_IN_CHARS:
            units[-1][1] = text[units[-1][0]:at]
        else:
            units.append([start, sentence])
    return tuple((start, sentence) for start, sentence in units if sentence.strip())


def candidates_from(rank: int, doc: str, text: str, passage_score: float,
                    accepted: frozenset[str]) -> list[AnswerCandidate]:
    """One candidate per accepted figure of each sentence; one per sentence without figures
    when the question is answered in words (``accepted`` empty)."""
    found = []
    for start, sentence in answer_units(text):
        if not accepted:
            found.append(AnswerCandidate(rank, doc, sentence, start, None, passage_score))
            continue
        for figure in find_figures(sentence):
            if figure.kind in accepted:
                found.append(AnswerCandidate(rank, doc, sentence, start, figure, passage_score))
    return found
