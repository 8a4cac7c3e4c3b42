"""Plain data records that travel between the engine's stages and its front-ends."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Passage:
    """A piece of a document that can be retrieved and cited.

    ``text`` is verbatim (what users see); matching uses normalised forms computed elsewhere.
    """

    id: str
    doc: str  # path relative to the corpus folder, with "/" separators
    section: str | None  # the section heading the passage sits under
    paragraph: int  # counts from 1 within the document; pieces of a split paragraph share it
    text: str
    caption: bool = False  # a photo caption kept apart from the paragraph it interrupted
    page: int | None = None  # PDF page (1-based) where the passage starts
    heading_path: tuple[str, ...] = ()  # enclosing headings, outermost first
    title: str | None = None  # the document's title, when one was recognised

    def to_dict(self) -> dict:
        record = asdict(self)
        record["heading_path"] = list(self.heading_path)
        return record

    @classmethod
    def from_dict(cls, record: dict) -> "Passage":
        record = dict(record)
        record["heading_path"] = tuple(record.get("heading_path") or ())
        return cls(**record)


@dataclass(frozen=True)
class Citation:
    """A passage as cited in an answer: its rank (1 = best) and retrieval score."""

    rank: int
    passage: Passage
    score: float

    def to_dict(self) -> dict:
        p = self.passage
        return {
            "rank": self.rank,
            "id": p.id,
            "doc": p.doc,
            "section": p.section,
            "paragraph": p.paragraph,
            "text": p.text,
            "score": round(float(self.score), 6),
            "caption": p.caption,
            "page": p.page,
            "heading_path": list(p.heading_path),
        }


@dataclass
class Answer:
    """What the engine returns for one question.

    ``answer`` is at most 400 characters; its [n] markers refer to ``citations[n-1]``.
    When ``answered`` is false, ``reason`` says why and the citations are only
    "possibly related".
    """

    question: str
    answered: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    latency_ms: float = 0.0
    reason: str | None = None
    lang: str = "en"  # language the answer is written in ("en" or "zh")
    # A follow-up in a conversation ("and Shanghai?") is answered as the last question with
    # one slot replaced: this is that question; None when the question was answered as asked.
    resolved_question: str | None = None

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "latency_ms": round(self.latency_ms, 3),
            "reason": self.reason,
            "lang": self.lang,
            "resolved_question": self.resolved_question,
        }


@dataclass(frozen=True)
class Place:
    """A place a question names."""

    name: str  # the corpus's short form (青岛); as typed when the corpus never mentions it
    typed: str  # as the question wrote it
    level: int | None  # administrative level, 1 province ... 5 village; None when unknown
    known: bool = True  # whether the corpus mentions it


@dataclass(frozen=True)
class QuestionFrame:
    """What a question is about, as the engine reads it: enough to tell a follow-up ("and
    Shanghai?") from a new question, and to put the follow-up's new slot into the last one."""

    text: str  # the question, normalised
    lang: str  # "zh" or "en"
    kind: str  # what the answer is: amount, count, rate, when, ... (qa.retrieval.question_form)
    places: tuple[Place, ...] = ()  # in question order, then the places the corpus never mentions
    years: tuple[int, ...] = ()  # the years asked about ("in 2019", 2019年)
    report_years: tuple[int, ...] = ()  # the reports named by their year ("the 2010 report")
    subject_terms: int = 0  # the subject's term groups: not names, years or the question's frame
    stance: str | None = None  # "target" (a goal the report sets), "outcome" (what came of it) or None
