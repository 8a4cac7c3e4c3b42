"""Answer building: the answering sentence quoted verbatim from a cited passage.

Never invents: the answer is a sentence of a cited passage (with the figure it states, and in
English a reading of Chinese units). It declines, with the closest passages as "possibly
related", when the question names a place the reports never mention, when its places never
occur together, or when the best passage supports it too weakly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.figures import counts_noun, english_reading
from qa.retrieval.pipeline import Candidate, RetrievalResult, term_coverage
from qa.text import normalize, split_sentences
from qa.types import Answer, Citation

MAX_ANSWER_CHARS = 400
SENTENCE_POOL = 3  # passages whose sentences compete to answer
LEAD_IN_CHARS = 12  # a sentence this short introduces the next one rather than stating a fact
QUOTED_NAME_BONUS = 0.5  # "what is X called": a sentence quoting a name is likely the answer
ASKED_KIND_BONUS = 0.5  # "which hospital": a sentence naming a 医院 is likely the answer
# Below this final score the best passage is too weakly related to answer from. Chosen with
# `qa eval` (see docs/evaluation.md); override in qa.toml [answer] abstain_threshold.
DEFAULT_ABSTAIN_THRESHOLD = 1.1


@dataclass
class _Choice:
    rank: int  # 1-based rank of the cited passage the sentence comes from
    sentence: str
    figure: str | None
    score: float
    has_terms: bool = False


def _bigrams(text: str) -> set[str]:
    normal = normalize(text)
    return {normal[i : i + 2] for i in range(len(normal) - 1)}


class AnswerBuilder:
    def __init__(self, settings: dict | None = None):
        self.settings = settings or {}
        self.threshold = float(self.settings.get("abstain_threshold", DEFAULT_ABSTAIN_THRESHOLD))

    def run(self, question: str, result: RetrievalResult, k: int) -> Answer:
        analysis = result.analysis
        zh = analysis.lang == "zh" if analysis else False
        citations = [Citation(i + 1, c.passage, c.score) for i, c in enumerate(result.candidates[:k])]
        reason = self._refusal(result)
        if reason:
            return self._refuse(question, citations, zh, reason)
        choice = self._choose(result)
        if choice is None:
            kind = {"amount": "amount", "count": "number", "year": "year"}[analysis.qtype]
            return self._refuse(question, citations, zh, f"no cited sentence states that {kind}")
        text = self._compose(choice, zh)
        return Answer(question, True, text, citations, lang="zh" if zh else "en")

    # -- abstention -----------------------------------------------------------------------

    def _refusal(self, result: RetrievalResult) -> str | None:
        analysis = result.analysis
        if not result.candidates:
            return "no passage to answer from"
        if analysis.unknown_names:
            return "the reports never mention " + ", ".join(analysis.unknown_names)
        if analysis.qtype in ("count", "amount") and not analysis.counted_known:
            return "the reports never mention what the question counts"
        if not result.names_meet:
            return "the reports never mention " + " and ".join(n.forms[-1] for n in analysis.names) + " together"
        top = result.candidates[0]
        if not analysis.names and analysis.bridged_words * 2 < analysis.content_words:
            return "most of the question's words never occur in the reports"
        if top.score < self.threshold:
            return f"the best passage matches too weakly (score {top.score:.2f} < {self.threshold:.2f})"
        return None

    @staticmethod
    def _supported(choice: _Choice, result: RetrievalResult) -> bool:
        """A figure question needs a sentence with a figure of that kind, next to the
        question's topic words when it has any (not just any figure near the right name)."""
        analysis = result.analysis
        if analysis.qtype not in ("amount", "count", "year"):
            return True
        topical = any(w >= 0.5 for w in analysis.terms.values())  # a strong translation
        if choice.figure is None or not (choice.has_terms or not topical):
            return False
        sentence = normalize(choice.sentence)
        return not analysis.counted_terms or any(counts_noun(sentence, normalize(t)) for t in analysis.counted_terms)

    # -- choosing the sentence ------------------------------------------------------------

    def _choose(self, result: RetrievalResult) -> _Choice:
        analysis = result.analysis
        wanted = _bigrams(analysis.text + "".join(analysis.terms))
        choices = [
            self._score_sentence(rank, candidate, sentence.strip(), analysis, wanted, result)
            for rank, candidate in enumerate(result.candidates[:SENTENCE_POOL], start=1)
            for sentence in _answer_units(candidate.passage.text)
        ]
        supported = [c for c in choices if self._supported(c, result)]
        return max(supported, key=lambda c: c.score) if supported else None

    @staticmethod
    def _score_sentence(rank: int, candidate: Candidate, sentence: str, analysis, wanted, result) -> _Choice:
        figures = result.answer_figures(sentence, analysis)
        normal = normalize(sentence)
        terms = term_coverage(analysis, sentence)
        section = normalize(candidate.passage.section or "")
        # Names count where the section heading does not already supply them.
        names = sum(1 for n in analysis.names if any(normalize(f) in normal for f in n.forms)
                    and not any(normalize(f) in section for f in n.forms))
        overlap = len(wanted & _bigrams(sentence)) / (len(wanted) or 1)
        # The passage's own rank counts, but a sentence that holds the asked kind of figure
        # and the question's terms can come from a lower-ranked passage.
        relative = candidate.score / (result.candidates[0].score or 1.0)
        score = 1.5 * relative + (1.0 if figures else 0.0) + 0.2 * names + 1.5 * terms + 1.0 * overlap
        if _asks_for_a_designation(analysis) and _new_quoted_name(sentence, analysis.text):
            score += QUOTED_NAME_BONUS
        if analysis.qtype == "name" and any(normalize(t) in normal for t in analysis.counted_terms):
            score += ASKED_KIND_BONUS
        return _Choice(rank, sentence, figures[0].text if figures else None, score, terms > 0)

    # -- wording --------------------------------------------------------------------------

    def _compose(self, choice: _Choice, zh: bool) -> str:
        marker = f" [{choice.rank}]"
        budget = MAX_ANSWER_CHARS - len(marker) - 80
        sentence = _clip_around(choice.sentence, choice.figure, budget)
        if zh:
            return f"{sentence}{marker}"
        lead = "The report says"
        if choice.figure:
            reading = english_reading(choice.figure)
            lead = f"{choice.figure}" + (f" ({reading})" if reading else "") + " — the report says"
        return f"{lead}: “{sentence}”{marker}"

    def refuse_too_long(self, question: str, limit: int) -> Answer:
        zh = bool(re.search(r"[\u4e00-\u9fff]", question[:200]))
        reason = f"question longer than {limit} characters"
        text = (f"问题太长(超过{limit}个字符),请缩短后再问。" if zh else
                f"The question is too long (over {limit} characters); please ask it in fewer words.")
        return Answer(question[:limit], False, text, [], reason=reason, lang="zh" if zh else "en")

    @staticmethod
    def _refuse(question, citations, zh, reason) -> Answer:
        if zh:
            text = "报告中没有找到这个问题的答案。下面是可能相关的段落。"
        else:
            text = "The reports do not say. The passages below are the closest, possibly related."
        return Answer(question, False, text, citations, reason=reason, lang="zh" if zh else "en")


def _answer_units(text: str) -> list[str]:
    """The passage's sentences, a short lead-in ("开展“提智”工程。", an inline sub-heading)
    joined to the sentence it introduces, so that the two are judged and quoted together."""
    units: list[str] = []
    for sentence in split_sentences(text) or [text]:
        if units and len(units[-1]) <= LEAD_IN_CHARS:
            units[-1] += sentence
        else:
            units.append(sentence)
    return [unit.strip() for unit in units if unit.strip()]


_DESIGNATION = re.compile(r"\b(?:called|motto|slogan|titled?|brand|(?:the|its|their) name)\b|叫什么|名称|名字|口号|称为|称作")


def _asks_for_a_designation(analysis) -> bool:
    """"What is X called", "the name of", 叫什么: the answer is a name the report quotes."""
    return analysis.qtype == "name" and bool(_DESIGNATION.search(analysis.text.lower()))


_QUOTED = re.compile(r"[“\"《「]([^”\"》」]{2,30})[”\"》」]")


def _new_quoted_name(sentence: str, question: str) -> bool:
    """Whether the sentence quotes a name the question does not already give: reports put
    the names of programmes, slogans, brands and trains in quotation marks."""
    asked = normalize(question)
    return any(normalize(name) not in asked for name in _QUOTED.findall(sentence))


def _clip_around(sentence: str, figure: str | None, budget: int) -> str:
    if len(sentence) <= budget:
        return sentence
    centre = sentence.find(figure) if figure else 0
    start = max(0, min(centre - budget // 2, len(sentence) - budget))
    clipped = sentence[start : start + budget - 2]
    return ("…" if start else "") + clipped + "…"
