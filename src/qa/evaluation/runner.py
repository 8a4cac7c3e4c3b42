"""Ask the engine every question of a set and record what came back.

The model is loaded once before the first question (``engine.load()``) and one warm-up
question, not in the set and not counted, takes the first-call costs out of the latency
figures. Each question is asked on its own (``engine.ask(question, k=k)``), in file order,
timed with a wall clock around the call; nothing is cached across questions here. The turns
of a conversation case are asked in order in one :class:`qa.conversation.Conversation`.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Protocol

from qa.conversation import Conversation
from qa.evaluation.matching import contains, contains_any
from qa.evaluation.questions import Question
from qa.evaluation.records import QuestionRecord

WARM_UP_QUESTION = "warm-up question for latency measurement"
FIRST_CITATION_KEYS = ("rank", "id", "doc", "section", "paragraph", "page", "score", "text")


class AsksQuestions(Protocol):
    """What the runner needs of :class:`qa.engine.Engine` (``frame`` for conversations)."""

    def ask(self, question: str, k: int = ...): ...

    def frame(self, question: str): ...


def record_answer(question: Question, answer, k: int, latency_ms: float) -> QuestionRecord:
    """Judge one :class:`qa.types.Answer` against the question's expectations."""
    citations = list(answer.citations)[:k]
    relevant: list[int] = []
    if question.source is not None:
        relevant = [rank for rank, c in enumerate(citations, start=1)
                    if contains(c.passage.text, question.source) and in_document(c.passage.doc, question.doc)]
    if question.answerable:
        correct = (bool(answer.answered) and contains_any(answer.answer, list(question.answers))
                   and (not citations or in_document(citations[0].passage.doc, question.doc))) if question.answers else None
    else:
        correct = not answer.answered
    first = None
    if citations:
        full = citations[0].to_dict()
        first = {key: full.get(key) for key in FIRST_CITATION_KEYS}
    return QuestionRecord(
        id=question.id,
        question=question.question,
        source=question.source,
        answers=list(question.answers),
        lang=question.lang,
        kind=question.kind,
        split=question.split,
        cited=len(citations),
        relevant_ranks=relevant,
        answered=bool(answer.answered),
        answer=answer.answer or "",
        answer_correct=correct,
        reason=answer.reason,
        top_score=float(citations[0].score) if citations else None,
        first_citation=first,
        latency_ms=latency_ms,
        turn=f"{question.turn}/{question.lang}" if question.turn else None,
        resolved_question=getattr(answer, "resolved_question", None),
    )


def in_document(cited_doc: str, expected: str | None) -> bool:
    """Whether a cited document is the expected one: the same relative path, or the same
    file name when the question set gives only the name."""
    if expected is None:
        return True
    return cited_doc == expected or cited_doc.rsplit("/", 1)[-1] == expected.rsplit("/", 1)[-1]


def run_questions(
    engine: AsksQuestions,
    questions: list[Question],
    k: int = 10,
    warm_up: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[QuestionRecord]:
    """Ask each question once; returns one record per question, in order."""
    load = getattr(engine, "load", None)
    if callable(load):
        load()
    if warm_up and questions:
        engine.ask(WARM_UP_QUESTION, k=k)
    records = []
    conversations: dict[str, Conversation] = {}
    for done, question in enumerate(questions, start=1):
        asker = engine
        if question.conversation is not None:
            if question.turn == "start" or question.conversation not in conversations:
                conversations[question.conversation] = Conversation(engine)
            asker = conversations[question.conversation]
        start = time.perf_counter()
        answer = asker.ask(question.question, k=k)
        elapsed_ms = (time.perf_counter() - start) * 1000.0
        records.append(record_answer(question, answer, k, elapsed_ms))
        if progress:
            progress(done, len(questions))
    return records


def stderr_progress(done: int, total: int) -> None:
    """A one-line counter on stderr, only when stderr is a terminal."""
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rqa eval: {done}/{total} questions", end=end, file=sys.stderr, flush=True)
