"""Conversations: a short follow-up ("and Shanghai?", "那2024年呢") read with the last question.

Usage::

    chat = Conversation(engine)
    chat.ask("How much did Qingdao give Yiling?")
    answer = chat.ask("and Shanghai?")
    answer.resolved_question   # "How much did Shanghai give Yiling?"

A conversation remembers one thing: the last question it was asked, as the engine read it
(:meth:`qa.engine.Engine.frame`: its places, years and subject). A message is a **follow-up**
when it changes one slot of that question and says nothing else:

- a **place or year** follow-up names places or years and no subject of its own, and either
  opens like one ("and", "what about", 那, ...呢) or is a bare name or year ("Zigui?", "in
  2010?"). Each new place stands in for the last question's place of the same administrative
  level (上海市 for 青岛市, 秭归县 for 夷陵区), else for its first place; each new year for
  its year (and a report named with it moves as many years: the 1999 report on 1998, then
  "and 2001?", is the 2002 report). The question answered is the last one with those words replaced, so the reply
  can show it and a wrong reading is seen at once.
- a **stance** follow-up ("and what was the target?", "and the actual figure?", 目标呢) names
  no subject, place or year but asks for a target where the last question asked what came
  of it (or the other way round): it is asked as the last question with the message after
  it; an outcome asked after a target question drops the target's words from it.
- a **subject** follow-up ("and how many projects?", 那项目有多少个) names a subject but no
  place or year, opens like a follow-up or is at most a few words: it is asked with the last
  question's places and years added. A bare figure question ("how many households?") counts
  as one.

Anything else is a new question and replaces the memory (answered or not: "and 2017?" may
follow a year the reports do not answer). The memory is kept in
this object only (a front-end keeps one per chat and user), and forgotten after
``FRAME_TTL_S`` idle seconds or ``MAX_FOLLOW_UPS`` follow-ups in a row. ``qa ask`` keeps
none: every question there stands alone.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, Protocol

from qa.language import chinese, english
from qa.types import Answer, Place, QuestionFrame

FRAME_TTL_S = 15 * 60  # a chat idle this long starts afresh: the user has moved on
MAX_FOLLOW_UPS = 6  # follow-ups in a row on one question before the memory is dropped
SHORT_FOLLOW_UP_WORDS = 5  # an English subject follow-up without an opener: at most this many words
SHORT_FOLLOW_UP_CHARS = 12  # a Chinese one: at most this many characters
FIGURE_KINDS = frozenset({"amount", "count", "number", "rate"})  # question kinds answered by a figure
_YEAR = r"(?<!\d)({year})(?!\d)"
_PUNCTUATION = re.compile(r"[\s?？!！.。,，、;；:：'\"“”‘’()（）]+")


class Reads(Protocol):
    """What a conversation needs of :class:`qa.engine.Engine`."""

    def ask(self, question: str, k: int | None = ...) -> Answer: ...

    def frame(self, question: str) -> QuestionFrame: ...


@dataclass(frozen=True)
class Memory:
    question: str  # the last question asked, as answered (a follow-up: as resolved)
    frame: QuestionFrame
    follow_ups: int  # follow-ups asked on it in a row
    used_at: float


class Conversation:
    def __init__(self, engine: Reads, ttl_s: float = FRAME_TTL_S, max_follow_ups: int = MAX_FOLLOW_UPS,
                 clock: Callable[[], float] = time.monotonic):
        self.engine = engine
        self.ttl_s = ttl_s
        self.max_follow_ups = max_follow_ups
        self.clock = clock
        self.memory: Memory | None = None
        self._lock = threading.Lock()  # one message of a chat at a time

    def ask(self, message: str, k: int | None = None) -> Answer:
        """Answer a message, as a follow-up of the last question when it reads as one."""
        with self._lock:
            memory = self._live_memory()
            frame = self.engine.frame(message)
            resolved = resolve(message, frame, memory.question, memory.frame) if memory else None
            answer = self.engine.ask(resolved or message, k=k)
            if resolved and not answer.answered and memory:
                # "北京呢" after a question on 青岛 and 夷陵 means Beijing and its own partner:
                # the last question's other places are let go when the pair has no answer.
                alone = without_other_places(resolved, frame, memory.frame)
                if alone:
                    retry = self.engine.ask(alone, k=k)
                    if retry.answered:
                        resolved, answer = alone, retry
            if resolved:
                answer.question, answer.resolved_question = message.strip(), resolved
            self._remember(message, frame, resolved, answer, memory)
            return answer

    def reset(self) -> None:
        with self._lock:
            self.memory = None

    def _live_memory(self) -> Memory | None:
        memory = self.memory
        if memory and (self.clock() - memory.used_at > self.ttl_s or memory.follow_ups >= self.max_follow_ups):
            self.memory = memory = None
        return memory

    def _remember(self, message: str, frame: QuestionFrame, resolved: str | None, answer: Answer,
                  memory: Memory | None) -> None:
        now = self.clock()
        if resolved and memory:
            # An unanswered follow-up ("and Guangxi?") keeps the question it followed.
            if answer.answered:
                self.memory = Memory(resolved, self.engine.frame(resolved), memory.follow_ups + 1, now)
            else:
                self.memory = replace(memory, follow_ups=memory.follow_ups + 1, used_at=now)
        else:
            # Also when unanswered: "and 2017?" after a year the reports do not answer asks again.
            self.memory = Memory(message.strip(), frame, 0, now)


# -- reading a follow-up ----------------------------------------------------------------------


def resolve(message: str, frame: QuestionFrame, last: str, last_frame: QuestionFrame) -> str | None:
    """The last question with the message's slot put in, or None when the message is a new
    question (see the module's docstring)."""
    places = [replace(p, typed=_as_written(message, p.typed)) for p in frame.places]
    years = [(y, False) for y in frame.years] + [(y, True) for y in frame.report_years]  # (year, a report's)
    opens = opens_like_follow_up(message)
    if places or years:
        if frame.subject_terms or not (opens or _bare(message, places, years)):
            return None
        return _with_slots(last, last_frame, places, years)
    # "and the actual figure?": the same question, asked of its outcome (or target)
    if not frame.subject_terms and frame.stance and frame.stance != last_frame.stance and (opens or _short(message)):
        return _with_stance(message, frame.stance, last, last_frame)
    # "how many households benefit?": a figure asked of nothing named is about the last question's places
    asks_of = frame.subject_terms or frame.kind in FIGURE_KINDS
    if asks_of and (last_frame.places or last_frame.years or last_frame.report_years) \
            and (opens or _short(message)):
        return _with_context(message, last, last_frame)
    return None


def without_other_places(resolved: str, frame: QuestionFrame, last_frame: QuestionFrame) -> str | None:
    """The resolved question without the last question's places the message did not replace."""
    if not frame.places or len(last_frame.places) < 2:
        return None
    new = {p.name for p in frame.places}
    question = resolved
    for place in last_frame.places:
        if place.name not in new:
            question = re.compile(_typed_pattern(place.typed).pattern + r"(?:['’]s\b)?", re.IGNORECASE) \
                .sub("", question, count=1)  # "Chengchuan's remote medical center": the 's goes too
    question = _tidy_spaces(question).strip()
    return question if question != resolved else None


def opens_like_follow_up(message: str) -> bool:
    text = message.strip()
    return bool(re.search(english.FOLLOW_UP_OPENER, text.lower()) or re.search(chinese.FOLLOW_UP_OPENER, text))


def _bare(message: str, places: list[Place], years: list[tuple[int, bool]]) -> bool:
    """Whether the message holds nothing but its places, years and a follow-up's words."""
    rest = message.lower()
    for place in places:
        rest = _typed_pattern(place.typed).sub(" ", rest, count=1)
    for year, _report in years:
        rest = re.sub(_YEAR.format(year=year), " ", rest)
    rest = re.sub(chinese.FOLLOW_UP_FILLER, " ", rest)
    words = [w for w in _PUNCTUATION.split(rest) if w]
    return all(w in english.FOLLOW_UP_FILLER for w in words)


def _short(message: str) -> bool:
    text = _PUNCTUATION.sub(" ", message).strip()
    if re.search(r"[\u4e00-\u9fff]", text):
        return len(text.replace(" ", "")) <= SHORT_FOLLOW_UP_CHARS
    return len(text.split()) <= SHORT_FOLLOW_UP_WORDS


def _with_slots(last: str, last_frame: QuestionFrame, places: list[Place],
                years: list[tuple[int, bool]]) -> str | None:
    question = last
    replaced: set[int] = set()
    for place in places:
        at = _stands_in_for(place, last_frame.places, replaced)
        if at is None:
            question = _add_place(question, place, last_frame.lang)
            continue
        replaced.add(at)
        old = last_frame.places[at]
        question = _typed_pattern(old.typed).sub(lambda _m, new=place.typed: new, question, count=1)
    if years:
        question = _put_year(question, last_frame, *years[0])
    return question if question != last else None


def _stands_in_for(place: Place, old: tuple[Place, ...], taken: set[int]) -> int | None:
    """Which of the last question's places the new one replaces: the first of the same
    administrative level, else the first not yet replaced."""
    free = [i for i in range(len(old)) if i not in taken]
    same = [i for i in free if place.level is not None and old[i].level == place.level]
    return (same or free or [None])[0]


def _put_year(question: str, last_frame: QuestionFrame, year: int, of_report: bool) -> str:
    """The question with its year replaced (or the year added); a report named by its year
    ("how about the 2010 report?") is named as a report when the question named none."""
    old_years = last_frame.report_years + last_frame.years if of_report else last_frame.years + last_frame.report_years
    named = next((y for y in old_years if re.search(_YEAR.format(year=y), question)), None)
    if named is not None:
        new_years = {named: year}
        if not of_report and named in last_frame.years:  # "the 1999 report on 1998", then "and 2001?": the 2002 report
            new_years.update({r: r + year - named for r in last_frame.report_years})
        pattern = _YEAR.format(year="|".join(str(y) for y in new_years))
        question = re.sub(pattern, lambda m: str(new_years[int(m.group(1))]), question)
        if not of_report or last_frame.report_years:
            return question
    zh = last_frame.lang == "zh"
    if of_report:
        return f"{year}年报告中，{question}" if zh else _before_question_mark(question, f" in the {year} report")
    return f"{year}年{question}" if zh else _before_question_mark(question, f" in {year}")


def _add_place(question: str, place: Place, lang: str) -> str:
    if lang == "zh":
        return f"{place.typed}{question}"
    return _before_question_mark(question, f" in {place.typed}")


def _with_context(message: str, last: str, last_frame: QuestionFrame) -> str:
    """A subject follow-up asked with the last question's places and years."""
    slots = [_as_written(last, p.typed) for p in last_frame.places]
    slots += [str(y) for y in last_frame.years] + [f"the {y} report" if last_frame.lang == "en" else f"{y}年报告"
                                                   for y in last_frame.report_years]
    core = _core(message)
    if last_frame.lang == "zh" or re.search(r"[\u4e00-\u9fff]", core):
        return f"{core}（{'、'.join(slots)}）？"
    return f"{core} ({', '.join(slots)})?"


def _with_stance(message: str, stance: str, last: str, last_frame: QuestionFrame) -> str:
    """A stance follow-up ("and what was the target?", 实际呢) asked as the last question
    with the message after it; a question that asked for a target lets its target words go
    when the message asks what came of it (target words are read first)."""
    if stance == "outcome" and last_frame.stance == "target":
        last = re.sub(chinese.ASKS_TARGET, "", last)
        last = re.sub(english.ASKS_TARGET, "", last, flags=re.IGNORECASE)
        last = _tidy_spaces(last)
    core = _core(message)
    if last_frame.lang == "zh" or re.search(r"[\u4e00-\u9fff]", core):
        return f"{last.strip().rstrip('?？。')}（{core}）？"
    return f"{last.strip().rstrip('?.')} — {core}?"


def _core(message: str) -> str:
    """The message without its follow-up opener ("and", "what about", 那 ... 呢)."""
    core = re.sub(chinese.FOLLOW_UP_OPENER, "", message.strip())
    return re.sub(english.FOLLOW_UP_OPENER, "", core, flags=re.IGNORECASE).strip(" ?？.。,，")


def _tidy_spaces(question: str) -> str:
    """The question with the gaps that removed words left closed."""
    return re.sub(r"\s{2,}", " ", question).replace(" ?", "?")


def _before_question_mark(question: str, addition: str) -> str:
    stripped = question.rstrip(" ?？.。")
    return stripped + addition + question[len(stripped):].strip()


def _as_written(message: str, typed: str) -> str:
    """A name as the message writes it (the analysis lower-cases Latin letters)."""
    match = _typed_pattern(typed).search(message)
    return match.group(0) if match else typed


def _typed_pattern(typed: str) -> re.Pattern:
    """A typed name in the question, its letters maybe split by spaces ("Yi Ling")."""
    return re.compile(r"\s?".join(map(re.escape, typed)), re.IGNORECASE)
