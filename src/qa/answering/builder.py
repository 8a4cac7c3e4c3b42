"""Answer building: the answering sentence quoted verbatim from a cited passage.

Never invents: the answer is a sentence of a cited passage, with the figure it states (and
in English a reading of Chinese units) and the document it comes from. It declines, with the
closest passages as "possibly related", when the question names a place or a year the
reports never cover, when its places never occur together, when no cited sentence states
the kind of thing asked about the question's subject, or when the best candidate is too weak.
"""

from __future__ import annotations

import re

from qa.answering.candidates import AnswerCandidate, candidates_from
from qa.answering.features import AnswerWeights, bigrams, score, support_groups
from qa.language import chinese
from qa.language.figures import english_reading
from qa.retrieval.pipeline import RetrievalResult
from qa.retrieval.tokenize import names_a_person
from qa.text import normalize
from qa.types import Answer, Citation

MAX_ANSWER_CHARS = 400
SENTENCE_POOL = 5  # passages whose sentences compete to answer
OTHER_REPORTS = 3  # figures of other reports listed when the question names no year
# With no year asked, an answer scoring at least this share of the best one from a later
# report wins: the current target is the latest report's, the others are listed beside it.
LATEST_REPORT_SHARE = 0.9
OTHER_REPORT_SHARE = 0.8  # another report's figure is listed when it scores this share of the answer's
# Below this score the best candidate is too weakly related to answer from. Chosen with
# `qa eval` on the dev splits (see docs/answer-model.md); override in qa.toml [answer].
DEFAULT_ABSTAIN_THRESHOLD = 2.0
_STATES_REASON = re.compile(chinese.STATES_REASON)


class AnswerBuilder:
    def __init__(self, settings: dict | None = None):
        self.settings = settings or {}
        self.threshold = float(self.settings.get("abstain_threshold", DEFAULT_ABSTAIN_THRESHOLD))
        self.weights = AnswerWeights.from_settings(self.settings)

    def run(self, question: str, result: RetrievalResult, k: int) -> Answer:
        analysis = result.analysis
        zh = analysis.lang == "zh" if analysis else False
        citations = [Citation(i + 1, c.passage, c.score) for i, c in enumerate(result.candidates[:k])]
        reason = self._refusal(result)
        if reason:
            return _refuse(question, citations, zh, reason)
        ranked = self.rank(result)
        best = ranked[0] if ranked else None
        if best is None:
            return _refuse(question, citations, zh, f"no cited sentence states the {_kind_word(analysis.kind)} asked for")
        if best.score < self.threshold:
            return _refuse(question, citations, zh,
                           f"the best sentence matches too weakly (score {best.score:.2f} < {self.threshold:.2f})")
        best = self._latest_of_equals(best, ranked, result)
        citations = _quoted_first(citations, best.rank)
        others = self._other_reports(best, ranked, result, citations)
        text = _compose(best, zh, result, others)
        return Answer(question, True, text, citations, lang="zh" if zh else "en")

    @staticmethod
    def refuse_too_long(question: str, limit: int) -> Answer:
        zh = bool(re.search(r"[\u4e00-\u9fff]", question[:200]))
        reason = f"question longer than {limit} characters"
        text = (f"问题太长(超过{limit}个字符),请缩短后再问。" if zh else
                f"The question is too long (over {limit} characters); please ask it in fewer words.")
        return Answer(question[:limit], False, text, [], reason=reason, lang="zh" if zh else "en")

    # -- refusal before any sentence is read -----------------------------------------------

    @staticmethod
    def _refusal(result: RetrievalResult) -> str | None:
        analysis = result.analysis
        if result.scope.missing:
            return result.scope.missing
        if not result.candidates:
            return "no passage to answer from"
        if analysis.unknown_names:
            return "the reports never mention " + ", ".join(analysis.unknown_names)
        if analysis.counted_unknown:
            return "the reports never mention " + " ".join(analysis.counted_unknown)
        if not result.names_meet:
            return "the reports never mention " + " and ".join(n.forms[-1] for n in analysis.names) + " together"
        if analysis.content_words and analysis.bridged_words * 2 < analysis.content_words:
            return "most of the question's words never occur in the reports"
        return None

    # -- candidates ------------------------------------------------------------------------

    def rank(self, result: RetrievalResult) -> list[AnswerCandidate]:
        """The supported candidates of the best passages, best first."""
        analysis = result.analysis
        if not result.candidates:
            return []
        accepted = frozenset(analysis.accepts)
        top = result.candidates[0].score or 1.0
        wanted = bigrams(analysis.text + "".join(analysis.terms))
        pool = result.candidates[:SENTENCE_POOL]
        groups = support_groups(analysis, [normalize(f"{c.passage.section or ''} {c.passage.text}") for c in pool])
        found: list[AnswerCandidate] = []
        for rank, candidate in enumerate(pool, start=1):
            passage = candidate.passage
            profile = result.documents.get(passage.doc)
            base_year = profile.year if profile else None
            for option in candidates_from(rank, passage.doc, passage.text, candidate.score / top, accepted):
                score(option, analysis, groups, wanted, base_year, result.scope.years, self.weights,
                      candidate.features.get("names", 0.0), _years_of(result, candidate.row),
                      candidate.features.get("year", 0.0), passage.section)
                if option.supported and _fits_kind(analysis.kind, option):
                    found.append(option)
        found.sort(key=lambda c: (-c.score, c.rank, c.sentence_start))
        return found

    def _latest_of_equals(self, best: AnswerCandidate, ranked: list[AnswerCandidate],
                          result: RetrievalResult) -> AnswerCandidate:
        if not _reports_compete(result):
            return best

        def year(option: AnswerCandidate) -> int:
            profile = result.documents.get(option.doc)
            return profile.year if profile and profile.year else 0

        near = [o for o in ranked if o.score >= max(self.threshold, LATEST_REPORT_SHARE * best.score)
                and (o.figure is None) == (best.figure is None)]
        return max(near, key=lambda o: (year(o), o.score)) if near else best

    def _other_reports(self, best: AnswerCandidate, ranked: list[AnswerCandidate], result: RetrievalResult,
                       citations: list[Citation]) -> list[tuple[AnswerCandidate, int]]:
        """With no year asked, the same figure in other reports (different years): the best
        candidate of each other cited document that scores nearly as well, with its marker."""
        if best.figure is None or not _reports_compete(result):
            return []
        seen, others = {best.doc}, []
        for option in ranked:
            if option.doc in seen or option.score < max(self.threshold, OTHER_REPORT_SHARE * best.score):
                continue
            marker = next((c.rank for c in citations if c.passage.doc == option.doc
                           and option.sentence in c.passage.text), None)
            if marker is None:
                continue
            seen.add(option.doc)
            others.append((option, marker))
            if len(others) == OTHER_REPORTS:
                break
        return others


def _reports_compete(result: RetrievalResult) -> bool:
    """Whether several reports may state the answer: the question names no year or report
    and the corpus has more than one document."""
    return not (result.scope.years or result.scope.report_years) and len(result.documents) > 1


def _years_of(result: RetrievalResult, row: int) -> list[int]:
    return result.passage_years[row] if row < len(result.passage_years) else []


def _fits_kind(kind: str, option: AnswerCandidate) -> bool:
    """A person question needs a sentence naming a person, a reason question one giving a reason."""
    if kind == "person":
        return names_a_person(option.sentence)
    if kind == "reason":
        return bool(_STATES_REASON.search(option.sentence))
    return True


def _refuse(question: str, citations: list[Citation], zh: bool, reason: str) -> Answer:
    if zh:
        text = "报告中没有找到这个问题的答案。下面是可能相关的段落。"
    else:
        text = "The reports do not say. The passages below are the closest, possibly related."
    return Answer(question, False, text, citations, reason=reason, lang="zh" if zh else "en")


def _label(result: RetrievalResult, doc: str) -> str | None:
    """The document's name in an answer, where the corpus has more than one document."""
    if len(result.documents) < 2:
        return None
    profile = result.documents.get(doc)
    return profile.label if profile else doc


def _compose(best: AnswerCandidate, zh: bool, result: RetrievalResult,
             others: list[tuple[AnswerCandidate, int]]) -> str:
    marker = " [1]"
    label = _label(result, best.doc)
    tail = _others_text(others, zh, result)
    budget = MAX_ANSWER_CHARS - len(marker) - len(tail) - 60 - (len(label) if label else 0)
    figure_text = best.figure.text if best.figure else None
    sentence = _clip_around(best.sentence.strip(), best.figure.start if best.figure else 0, budget)
    if zh:
        source = f"（{label}）" if label else ""
        return f"{sentence}{source}{marker}{tail}"
    source = f"{label} says" if label else "the report says"
    lead = source[0].upper() + source[1:]
    if figure_text:
        reading = english_reading(best.figure)
        lead = figure_text + (f" ({reading})" if reading else "") + f" — {source}"
    return f"{lead}: “{sentence}”{marker}{tail}"


def _others_text(others: list[tuple[AnswerCandidate, int]], zh: bool, result: RetrievalResult) -> str:
    if not others:
        return ""
    items = [f"{_label(result, option.doc)}: {option.figure.text} [{marker}]" for option, marker in others]
    return ("；其他报告：" if zh else " Other reports: ") + ("；" if zh else "; ").join(items)


def _quoted_first(citations: list[Citation], quoted_rank: int) -> list[Citation]:
    """The citations renumbered with the quoted passage first: the answer's [1] is the
    passage its sentence comes from, the others follow in retrieval order."""
    if quoted_rank == 1 or quoted_rank > len(citations):
        return citations
    ordered = [citations[quoted_rank - 1]] + [c for c in citations if c.rank != quoted_rank]
    return [Citation(i + 1, c.passage, c.score) for i, c in enumerate(ordered)]


def _kind_word(kind: str) -> str:
    return {"amount": "amount", "count": "number", "number": "figure", "rate": "rate", "when": "date",
            "person": "person", "name": "name"}.get(kind, "fact")


def _clip_around(sentence: str, at: int, budget: int) -> str:
    if len(sentence) <= budget:
        return sentence
    start = max(0, min(at - budget // 2, len(sentence) - budget))
    clipped = sentence[start:start + budget - 2]
    return ("…" if start else "") + clipped + "…"
