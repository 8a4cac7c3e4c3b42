"""Documents as a reader names them: title, year and places, found at index time.

- **title**: the title the layout stage recognised at the top of the document, else the
  file name without its extension;
- **year**: the first year in the title or the file name (2025年国务院政府工作报告), else
  the first year in the opening lines;
- **review year**: the year the document reports on. A report that speaks of 去年 / 过去一年
  (a government work report delivered in 2025) reviews the year before its own; a bulletin
  titled by its year reviews that year;
- **places**: the places the title or file name names (湖北省政府工作报告), looked up in the
  corpus's gazetteer; none for a national report.

Every passage also gets the years it is about (:func:`passage_years`): those its text and
headings name, relative words read against the document's year. Retrieval filters and boosts
on both (see :mod:`qa.retrieval.pipeline`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

from qa.language.timeframe import years_in
from qa.retrieval.gazetteer import ADMIN_SUFFIXES, Gazetteer
from qa.text import simplified
from qa.types import Passage

OPENING_CHARS = 300  # the opening text searched for a year when title and file name give none
_REVIEW_WORDS = re.compile(r"(?<![比较同与])(?:去年|过去一年|过去的一年|上一年)|(?<![\d一二三四五六七八九十几两多])一年来")
_ADMIN_NAME = re.compile(rf"[\u4e00-\u9fff]{{2,8}}?(?:自治区|特别行政区|[{ADMIN_SUFFIXES}])")
_NATIONAL = re.compile(r"国务院|全国|中华人民共和国|中央")


@dataclass
class DocumentProfile:
    doc: str  # path relative to the corpus folder
    title: str
    label: str  # what answers call the document: the title, or the file name when it says more
    year: int | None = None
    review_year: int | None = None
    places: list[str] = field(default_factory=list)  # gazetteer entities (short forms)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict) -> "DocumentProfile":
        return cls(**record)

    @property
    def about_years(self) -> set[int]:
        return {y for y in (self.year, self.review_year) if y is not None}


def _first_year(text: str) -> int | None:
    mentions = years_in(simplified(text), None)
    return mentions[0].year if mentions else None


def profile_documents(passages: list[Passage], gazetteer: Gazetteer) -> dict[str, DocumentProfile]:
    """One profile per document that has passages, keyed by its relative path."""
    by_doc: dict[str, list[Passage]] = {}
    for passage in passages:
        by_doc.setdefault(passage.doc, []).append(passage)
    return {doc: _profile(doc, items, gazetteer) for doc, items in by_doc.items()}


def _profile(doc: str, passages: list[Passage], gazetteer: Gazetteer) -> DocumentProfile:
    stem = PurePosixPath(doc).stem
    title = (passages[0].title or "").strip() or stem
    title_year, stem_year = _first_year(title), _first_year(stem)
    year = title_year or stem_year
    if year is None:
        year = _first_year(" ".join(p.text for p in passages)[:OPENING_CHARS])
    label = stem if (stem_year and not title_year) or len(title) > 60 else title
    body = simplified("".join(p.text for p in passages))
    review_year = year - 1 if year is not None and len(_REVIEW_WORDS.findall(body)) >= 2 else year
    naming = simplified(f"{title} {stem}")
    places = [] if _NATIONAL.search(naming) else _places_named(naming, gazetteer)
    return DocumentProfile(doc, title, label, year, review_year, places)


def _places_named(text: str, gazetteer: Gazetteer) -> list[str]:
    found = [match.entity for match in gazetteer.find_chinese(text)]
    return list(dict.fromkeys(found))


def title_place_names(titles: list[str]) -> list[str]:
    """Administrative names in document titles and file names (湖北省, 武汉市), for the
    gazetteer: a province's report need not repeat its own name in every paragraph."""
    names = []
    for title in titles:
        names += [n for n in _ADMIN_NAME.findall(simplified(title)) if not _NATIONAL.search(n)]
    return list(dict.fromkeys(names))


def passage_years(passage: Passage, profile: DocumentProfile | None) -> list[int]:
    """The years a passage is about: named in its text or its headings (今年, 去年 read against
    the document's year). Empty when it names none: then the document's years stand."""
    base = profile.year if profile else None
    text = simplified(" ".join(passage.heading_path) + " " + passage.text)
    return sorted({m.year for m in years_in(text, base)})
