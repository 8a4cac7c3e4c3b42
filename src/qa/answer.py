"""Answer building: the answering sentence quoted from the best passage, with citations."""

from __future__ import annotations

import re

from qa.retrieval.pipeline import RetrievalResult
from qa.text import is_chinese, normalize, split_sentences
from qa.types import Answer, Citation

MAX_ANSWER_CHARS = 400


def _bigrams(text: str) -> set[str]:
    normal = normalize(text)
    return {normal[i : i + 2] for i in range(len(normal) - 1)}


class AnswerBuilder:
    def __init__(self, settings: dict | None = None):
        self.settings = settings or {}

    def run(self, question: str, result: RetrievalResult, k: int) -> Answer:
        zh = is_chinese(question)
        citations = [Citation(i + 1, c.passage, c.score) for i, c in enumerate(result.candidates[:k])]
        if not citations:
            return self._refuse(question, citations, zh, "the reports hold no passage to answer from")
        sentence = self.best_sentence(question, citations[0].passage.text)
        if zh:
            text = f"{sentence} [1]"
        else:
            text = f"The reports say: “{sentence}” [1]"
        return Answer(question, True, _clip(text), citations, lang="zh" if zh else "en")

    @staticmethod
    def best_sentence(question: str, text: str) -> str:
        wanted = _bigrams(question)
        sentences = split_sentences(text) or [text]
        return max(sentences, key=lambda s: (len(wanted & _bigrams(s)), bool(re.search(r"\d", s)))).strip()

    def refuse_too_long(self, question: str, limit: int) -> Answer:
        zh = is_chinese(question)
        reason = f"question longer than {limit} characters"
        text = (f"问题太长(超过{limit}个字符),请缩短后再问。" if zh else
                f"The question is too long (over {limit} characters); please ask it in fewer words.")
        return Answer(question[:limit], False, text, [], reason=reason, lang="zh" if zh else "en")

    def _refuse(self, question, citations, zh, reason) -> Answer:
        text = "报告中没有找到答案。" if zh else "The reports do not say."
        return Answer(question, False, text, citations, reason=reason, lang="zh" if zh else "en")


def _clip(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
