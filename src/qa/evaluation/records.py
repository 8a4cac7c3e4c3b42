"""The per-question outcome that every metric is computed from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class QuestionRecord:
    """What happened to one question.

    ``relevant_ranks``: the citation ranks (1-based, at most k) whose text holds the source.
    ``answer_correct``: for an answerable question, ``answered`` and the answer holds one of
    the expected answers (None when the set lists no answers for it); for an unanswerable
    one, whether the engine refused (refusing is the right answer there).
    """

    id: str
    question: str
    source: str | None
    answers: list[str] = field(default_factory=list)
    lang: str | None = None
    kind: str | None = None
    split: str | None = None
    cited: int = 0  # number of citations returned (at most k)
    relevant_ranks: list[int] = field(default_factory=list)
    answered: bool = False
    answer: str = ""
    answer_correct: bool | None = None
    reason: str | None = None
    top_score: float | None = None
    first_citation: dict | None = None
    latency_ms: float = 0.0
    turn: str | None = None  # a conversation's turn: "start/en", "follow-up/zh", "new question/en"
    resolved_question: str | None = None  # how a follow-up was read (the question answered)

    @property
    def answerable(self) -> bool:
        return self.source is not None

    @property
    def hit_rank(self) -> int | None:
        return min(self.relevant_ranks) if self.relevant_ranks else None

    @property
    def refused(self) -> bool:
        return not self.answered

    @property
    def failed(self) -> bool:
        """A wrong or missing answer, a wrong refusal or answer, or a source never cited."""
        if self.answer_correct is False:
            return True
        return self.answerable and self.hit_rank is None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "question": self.question,
            "lang": self.lang,
            "kind": self.kind,
            "split": self.split,
            "answerable": self.answerable,
            "source": self.source,
            "answers": list(self.answers),
            "hit_rank": self.hit_rank,
            "relevant_ranks": list(self.relevant_ranks),
            "cited": self.cited,
            "answered": self.answered,
            "answer": self.answer,
            "answer_correct": self.answer_correct,
            "reason": self.reason,
            "top_score": None if self.top_score is None else round(float(self.top_score), 6),
            "first_citation": self.first_citation,
            "latency_ms": round(float(self.latency_ms), 3),
            "turn": self.turn,
            "resolved_question": self.resolved_question,
        }

    @classmethod
    def from_dict(cls, record: dict) -> "QuestionRecord":
        """Rebuild from :meth:`to_dict` output (``hit_rank`` alone is enough for ranks)."""
        ranks = record.get("relevant_ranks")
        if ranks is None:
            ranks = [record["hit_rank"]] if record.get("hit_rank") else []
        return cls(
            id=str(record["id"]),
            question=record.get("question", ""),
            source=record.get("source"),
            answers=list(record.get("answers") or []),
            lang=record.get("lang"),
            kind=record.get("kind"),
            split=record.get("split"),
            cited=int(record.get("cited") or 0),
            relevant_ranks=[int(r) for r in ranks],
            answered=bool(record.get("answered")),
            answer=record.get("answer") or "",
            answer_correct=record.get("answer_correct"),
            reason=record.get("reason"),
            top_score=record.get("top_score"),
            first_citation=record.get("first_citation"),
            latency_ms=float(record.get("latency_ms") or 0.0),
            turn=record.get("turn"),
            resolved_question=record.get("resolved_question"),
        )
