"""Question sets: JSON Lines, UTF-8, one object per line, blank lines skipped.

::

    {"id": "qd-amount", "question": "how much did Qingdao give Yiling", "answers": ["9788.1"],
     "source": "青岛市累计无偿援助夷陵区资金9788.1万元", "lang": "en", "kind": "amount", "split": "test"}
    {"id": "no-gx", "question": "How much did Guangxi give Fuling?", "answers": [], "source": null}

- ``question`` (required): a non-blank string.
- ``source`` (required, may be null): a substring of the passage holding the answer; null
  means the corpus has no answer, which alone makes the question unanswerable.
- ``answers`` (optional, default []): acceptable substrings of a correct answer; must be
  empty when ``source`` is null.
- ``id`` (optional; the line number when absent), ``lang``, ``kind``, ``split``: free
  strings for the breakdown. ``lang`` defaults to "zh" when the question is mostly Chinese,
  else "en". Other keys (notes, ...) are allowed and ignored.
- ``doc`` (optional): the file name (or corpus-relative path) of the document holding the
  source; over a corpus of many similar reports a passage counts as found, and an answer
  as correct, only when it comes from that document.

A line with ``turns`` instead of ``question`` is a **conversation**: the turns are asked in
order in one :class:`qa.conversation.Conversation`, so later turns may be follow-ups::

    {"id": "qd-chat", "lang": "en", "split": "test", "turns": [
      {"question": "How much did Qingdao give Yiling?", "answers": ["9788.1"], "source": "..."},
      {"question": "and Shanghai?", "resolved": "How much did Shanghai give Yiling?",
       "answers": ["7.623"], "source": "...", "doc": "..."}]}

Each turn has the keys of a question (``question``, ``source``, ``answers``, ``doc``, and
``kind`` if wanted) and ``resolved``: the standalone question it means (default: the question
itself). Turns become questions ``<id>#1``, ``<id>#2``, ... with the conversation's ``lang``
and ``split``; their ``turn`` group is ``start`` (the first), ``follow-up`` (``resolved``
differs from ``question``) or ``new question``, with the language: ``follow-up/en``.

Every problem is collected with its file and line number and raised together as one
:class:`QuestionSetError`; nothing is skipped silently.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.evaluation.matching import fold

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_GROUP_FIELDS = ("lang", "kind", "split")


class QuestionSetError(Exception):
    """A question set that cannot be used; ``problems`` lists ``(file, line, message)``."""

    def __init__(self, problems: list[tuple[str, int | None, str]]):
        self.problems = list(problems)
        super().__init__("\n".join(_where(f, n) + message for f, n, message in self.problems))


def _where(name: str, line: int | None) -> str:
    return f"{name}:{line}: " if line is not None else f"{name}: "


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    source: str | None
    answers: tuple[str, ...] = ()
    lang: str | None = None
    kind: str | None = None
    split: str | None = None
    doc: str | None = None  # the document holding the source (file name or relative path)
    file: str = ""
    line: int = 0
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    conversation: str | None = None  # the conversation's id, for its turns
    turn: str | None = None  # start | follow-up | new question
    resolved: str | None = None  # the standalone question a follow-up means

    @property
    def answerable(self) -> bool:
        return self.source is not None


def guess_lang(text: str) -> str:
    """"zh" when CJK characters are at least half as many as Latin letters, else "en"."""
    cjk = len(_CJK_RE.findall(text))
    return "zh" if cjk and cjk * 2 >= len(_LATIN_RE.findall(text)) else "en"


def load_questions(paths: list[str | os.PathLike] | str | os.PathLike) -> list[Question]:
    """Read one or more question sets; ids must be unique across all of them."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    problems: list[tuple[str, int | None, str]] = []
    questions: list[Question] = []
    seen: dict[str, tuple[str, int]] = {}
    for path in paths:
        name = str(path)
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            problems.append((name, None, f"cannot read question set: {exc.strerror or exc}"))
            continue
        count_before = len(questions)
        for number, raw in enumerate(data.split(b"\n"), start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append((name, number, f"not UTF-8 ({exc.reason} at byte {exc.start})"))
                continue
            if not line.strip():
                continue
            parsed, errors = parse_record(line, name, number)
            problems.extend((name, number, message) for message in errors)
            for question in parsed:
                if question.id in seen:
                    first_file, first_line = seen[question.id]
                    at = f"line {first_line}" if first_file == name else f"{first_file}:{first_line}"
                    problems.append((name, number, f"duplicate id {question.id!r} (first on {at})"))
                    continue
                seen[question.id] = (name, number)
                questions.append(question)
        if len(questions) == count_before and not any(p[0] == name for p in problems):
            problems.append((name, None, "no questions in the file"))
    if problems:
        raise QuestionSetError(problems)
    return questions


def parse_record(line: str, file: str = "", number: int = 0) -> tuple[list[Question], list[str]]:
    """One line -> (its questions: one, or a conversation's turns; problems)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return [], [f"not valid JSON: {exc.msg} (column {exc.colno})"]
    if not isinstance(record, dict):
        return [], [f"expected a JSON object, got {type(record).__name__}"]
    if "turns" in record:
        return parse_conversation(record, file, number)
    question, errors = parse_question(record, file, number)
    return ([question] if question else []), errors


def parse_conversation(record: dict, file: str = "", number: int = 0) -> tuple[list[Question], list[str]]:
    turns = record["turns"]
    if not isinstance(turns, list) or not turns or not all(isinstance(t, dict) for t in turns):
        return [], ['"turns" must be a non-empty list of objects']
    cid = record.get("id", number)
    if isinstance(cid, bool) or not isinstance(cid, (str, int)) or (isinstance(cid, str) and not cid.strip()):
        return [], ['"id" must be a non-blank string or an integer']
    cid = str(cid).strip()
    questions, errors = [], []
    for n, turn in enumerate(turns, start=1):
        resolved = turn.get("resolved")
        if resolved is not None and (not isinstance(resolved, str) or not resolved.strip()):
            errors.append(f'turn {n}: "resolved" must be a non-blank string or null')
            continue
        fields = {key: record.get(key) for key in ("lang", "split")}
        question, problems = parse_question({**fields, **turn, "id": f"{cid}#{n}"}, file, number)
        errors += [f"turn {n}: {p}" for p in problems]
        if question is None:
            continue
        role = "start" if n == 1 else ("follow-up" if resolved and resolved.strip() != question.question.strip()
                                       else "new question")
        questions.append(replace(question, conversation=cid, turn=role, resolved=resolved,
                                 extra={k: v for k, v in question.extra.items() if k != "resolved"}))
    return (questions if not errors else []), errors


def parse_question(record: dict, file: str = "", number: int = 0) -> tuple[Question | None, list[str]]:
    """One question's record -> (Question or None, problems). Problems are messages without a location."""
    errors: list[str] = []

    text = record.get("question")
    if not isinstance(text, str) or not text.strip():
        errors.append('"question" must be a non-blank string')

    if "source" not in record:
        errors.append('"source" is required (null when the corpus has no answer)')
    source = record.get("source")
    if source is not None and (not isinstance(source, str) or not fold(source)):
        errors.append('"source" must be a non-blank string or null')

    answers = record.get("answers", [])
    if answers is None:
        answers = []
    if not isinstance(answers, list) or not all(isinstance(a, str) and fold(a) for a in answers):
        errors.append('"answers" must be a list of non-blank strings')
        answers = []
    elif answers and "source" in record and source is None:
        errors.append('"answers" must be empty when "source" is null (an unanswerable question)')

    qid = record.get("id", number)
    if isinstance(qid, bool) or not isinstance(qid, (str, int)) or (isinstance(qid, str) and not qid.strip()):
        errors.append('"id" must be a non-blank string or an integer')
    groups = {}
    for key in _GROUP_FIELDS:
        value = record.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            errors.append(f'"{key}" must be a non-blank string or null')
            value = None
        groups[key] = value.strip() if isinstance(value, str) else None

    doc = record.get("doc")
    if doc is not None and (not isinstance(doc, str) or not doc.strip()):
        errors.append('"doc" must be a non-blank string or null')
    if errors:
        return None, errors
    if groups["lang"] is None:
        groups["lang"] = guess_lang(text)
    known = {"id", "question", "source", "answers", "doc", *_GROUP_FIELDS}
    return (
        Question(
            id=str(qid).strip(),
            question=text,
            source=source,
            answers=tuple(answers),
            doc=doc.strip() if isinstance(doc, str) else None,
            file=file,
            line=number,
            extra={k: v for k, v in record.items() if k not in known},
            **groups,
        ),
        [],
    )


def select(questions: list[Question], split: str | None = None, lang: str | None = None) -> list[Question]:
    """The questions of one split and/or language (``None``: any)."""
    return [
        q
        for q in questions
        if (split is None or q.split == split) and (lang is None or q.lang == lang)
    ]
