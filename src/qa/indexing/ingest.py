"""Documents -> passages.

The layout stage works on :class:`~qa.indexing.readers.Block` records from any reader:

- the **title** is the heading-like run at the very top of a document (a line that opens
  with a dash, like ``——全国对口支援…``, is a subtitle and stays with the title; the last
  heading-like line right before the first paragraph is a section heading, so a title never
  swallows the first heading);
- a **heading** is a block the format marks as one (Word styles and outline levels, HTML
  ``<h1>``..), a short paragraph set in bold, a line numbered as headings are numbered
  (一、 （一） 1. （1） 第一章 第一， Part I), or a short line without sentence punctuation
  that opens a run of paragraphs. A numbered paragraph that opens with a short sentence
  (（一）大力提振消费。……) carries its heading inline: the sentence names the section and the
  paragraph stays whole. Levels come from the format, else from the order in which each
  numbering style first appears in the document (一、 before （一） makes （一） the lower level);
- a **caption** is a short block that stands apart from the text around it (more blank lines
  around it than between ordinary paragraphs, or marked by the format); a paragraph that a
  caption interrupted mid-sentence is rejoined;
- paragraphs longer than :data:`MAX_PASSAGE_CHARS` are split at sentence ends.

Nothing here is keyed to any report's words.
"""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from qa.indexing.readers.base import Block, DocumentError
from qa.indexing.readers.registry import reader_for, supported_extensions
from qa.text import content_hash, ends_sentence, has_sentence_punctuation, split_sentences
from qa.types import Passage

log = logging.getLogger(__name__)

MAX_PASSAGE_CHARS = 500
MAX_HEADING_CHARS = 40
MAX_CAPTION_CHARS = 80
MAX_NUMBERED_HEADING_CHARS = 60  # a numbered line up to this long, without a sentence inside, is a heading
MAX_INLINE_HEADING_CHARS = 50  # the opening sentence of a numbered paragraph, as its heading
_SUBTITLE_RE = re.compile(r"^[—–\-~～]{1,3}")
_CN = "一二三四五六七八九十"
# Numbering styles of headings, Chinese and Western. Each style is one level of a document.
NUMBERING = (
    ("zh-ordinal", re.compile(rf"^第[{_CN}百零]+[章节部分篇编卷](?:[\s　、，,：:]|$)")),
    ("zh-number", re.compile(rf"^[{_CN}]+[、．.]")),
    ("zh-paren", re.compile(rf"^[（(][{_CN}]+[）)]")),
    ("zh-first", re.compile(rf"^第[{_CN}]+[，,、：:]")),
    ("number", re.compile(r"^\d{1,2}[、．.](?![\d.．])")),
    ("number-paren", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("part", re.compile(r"^(?:part|chapter|section)\s+(?:[ivxlc]+|\d+)\b", re.IGNORECASE)),
    ("roman", re.compile(r"^[IVX]{1,5}[.、]\s")),
)
_INLINE_END = re.compile(r"[。!?！？；;]")


class CorpusError(Exception):
    """The corpus folder is missing or holds no readable document."""


@dataclass
class Document:
    path: Path  # absolute
    rel: str  # relative to the corpus folder, "/" separators


@dataclass
class _Unit:
    """A paragraph or caption being assembled, with the section it belongs to."""

    text: str
    caption: bool
    section: str | None
    heading_path: tuple[str, ...]
    page: int | None
    continues: bool = field(default=False)  # ends mid-sentence: may be rejoined


@dataclass
class SkippedDocument:
    rel: str
    reason: str


def find_documents(corpus_dir: Path) -> list[Document]:
    """Every supported file under the corpus folder, sorted by relative path."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    extensions = supported_extensions()
    documents = []
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts):
            rel = path.relative_to(corpus_dir).as_posix()
            if path.suffix.lower() in extensions:
                documents.append(Document(path=path, rel=rel))
            else:
                log.warning("skipping %s: unsupported file type %r", rel, path.suffix or "(none)")
    return documents


def read_passages(doc: Document) -> list[Passage]:
    """Read one document into passages; raises DocumentError when it cannot be read."""
    reader = reader_for(doc.path)
    if reader is None:
        raise DocumentError(f"unsupported file type {doc.path.suffix!r}")
    blocks = reader.read(doc.path)
    return passages_from_blocks(doc.rel, blocks)


def passages_from_blocks(rel: str, blocks: list[Block]) -> list[Passage]:
    blocks = [b for b in blocks if b.text.strip()]
    title, body_start = _find_title(blocks)
    units = _assemble_units(blocks[body_start:], _usual_gap(blocks))
    return _units_to_passages(rel, title, units)


# -- classification -------------------------------------------------------------------------


def _looks_like_heading(block: Block) -> bool:
    if block.heading_level is not None:
        return True
    if block.caption:
        return False
    text = block.text.strip()
    return (
        len(text) <= MAX_HEADING_CHARS
        and not has_sentence_punctuation(text.lstrip("—–-~～ "))
        and not ends_sentence(text)
    )


def _usual_gap(blocks: list[Block]) -> int:
    """The number of blank lines that usually separates paragraphs in this document."""
    gaps = [b.blank_before for b in blocks[1:]]
    return int(statistics.median(gaps)) if gaps else 0


def _find_title(blocks: list[Block]) -> tuple[str | None, int]:
    """The title lines at the top, and the index of the first block after them."""
    if not blocks:
        return None, 0
    first = blocks[0]
    if first.heading_level is not None:
        if first.heading_level == 1 and not any(b.heading_level == 1 for b in blocks[1:]):
            return first.text.strip(), 1
        return None, 0
    if not _looks_like_heading(first) or len(blocks) < 2 or not _looks_like_heading(blocks[1]):
        # A lone heading-like first line followed by a paragraph is a section heading.
        return None, 0
    title_parts = [first.text.strip()]
    index = 1
    while index < len(blocks) and _looks_like_heading(blocks[index]):
        nxt = blocks[index + 1] if index + 1 < len(blocks) else None
        is_subtitle = bool(_SUBTITLE_RE.match(blocks[index].text.strip()))
        if not is_subtitle and (nxt is None or not _looks_like_heading(nxt)) and _opens_section(blocks, index):
            break  # the last heading-like line before a paragraph opens a section
        title_parts.append(blocks[index].text.strip())
        index += 1
    return " ".join(title_parts), index


def _opens_section(blocks: list[Block], index: int) -> bool:
    """Whether the heading-like line right before the first paragraph is a section heading:
    numbered, marked, or in a document whose sections are headed by such plain lines. The
    speaker's name under a speech's title (国务院总理 / 李强) is not."""
    block = blocks[index]
    if block.heading_level is not None or block.bold or numbering_style(block.text.strip()):
        return True
    return any(_heading_at(blocks, j) == "plain" and ends_sentence(blocks[j - 1].text)
               for j in range(index + 2, len(blocks)))


def numbering_style(text: str) -> str | None:
    """The numbering style a line opens with (see NUMBERING), or None."""
    for name, pattern in NUMBERING:
        if pattern.match(text):
            return name
    return None


def _heading_at(blocks: list[Block], i: int) -> str | None:
    """The heading style of block i ("marked", "bold", a numbering style, "plain"), or None
    when it is no heading. A numbered paragraph may carry its heading inline (see
    :func:`inline_heading`)."""
    block = blocks[i]
    text = block.text.strip()
    if block.heading_level is not None:
        return "marked"
    if block.caption:
        return None
    style = numbering_style(text)
    if style and (_is_short_heading(text) or inline_heading(text)):
        return style
    if block.bold and _is_short_heading(text):
        return "bold"
    if not _looks_like_heading(block):
        return None
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    # A heading opens a run of paragraphs: it is followed by text that is not itself a heading.
    return "plain" if nxt is not None and not _looks_like_heading(nxt) else None


def _is_short_heading(text: str) -> bool:
    """A line short enough for a heading, with no sentence inside (one at the end may close it)."""
    body = text.rstrip("。.;；")
    return len(body) <= MAX_NUMBERED_HEADING_CHARS and not _INLINE_END.search(body)


def inline_heading(text: str) -> str | None:
    """The opening sentence of a numbered paragraph that names its section (（一）大力提振消费，
    全方位扩大国内需求。……), when it is short and more text follows; else None."""
    end = _INLINE_END.search(text)
    if not end or end.start() > MAX_INLINE_HEADING_CHARS or not text[end.end():].strip():
        return None
    return text[: end.start()].strip()


def _is_caption(
    blocks: list[Block], i: int, usual_gap: int, has_gaps: bool, prev_continues: bool
) -> bool:
    block = blocks[i]
    if block.caption is not None:
        return block.caption
    text = block.text.strip()
    if len(text) > MAX_CAPTION_CHARS or block.heading_level is not None:
        return False
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if not has_gaps:
        # Without layout gaps a short line after a broken sentence is more often the rest of
        # that sentence than a caption; readers that know better mark captions themselves.
        return False
    # Page extraction leaves captions set apart by more blank lines than paragraphs.
    set_apart = block.blank_before > usual_gap and (nxt is None or nxt.blank_before >= usual_gap)
    return set_apart and (prev_continues or not _looks_like_heading(block))


def _has_gaps(blocks: list[Block], usual_gap: int) -> bool:
    """Whether blank lines vary in this document, so that they carry layout information."""
    return any(b.blank_before != usual_gap for b in blocks[1:])


# -- assembly -------------------------------------------------------------------------------


class _Levels:
    """The level of each heading style: marked headings keep the format's level (1-9); the
    other styles are ranked below them in the order they first appear in the document."""

    def __init__(self):
        self._order: dict[str, int] = {}

    def of(self, block: Block, style: str) -> int:
        if style == "marked":
            return block.heading_level
        return 10 + self._order.setdefault(style, len(self._order))


def _assemble_units(blocks: list[Block], usual_gap: int) -> list[_Unit]:
    units: list[_Unit] = []
    path: list[tuple[int, str]] = []  # (level, heading) of the enclosing headings, outermost first
    levels = _Levels()
    open_paragraph: _Unit | None = None  # the last paragraph, while it ends mid-sentence
    has_gaps = _has_gaps(blocks, usual_gap)
    for i, block in enumerate(blocks):
        text = block.text.strip()
        if open_paragraph is not None and numbering_style(text) and open_paragraph.text.endswith(("：", ":")):
            open_paragraph = None  # "…如下：" then numbered items: each item stands on its own
        prev_continues = open_paragraph is not None
        style = None if prev_continues else _heading_at(blocks, i)
        if style:
            inline = None if style in ("marked", "bold", "plain") or _is_short_heading(text) else inline_heading(text)
            level = levels.of(block, style)
            path = [entry for entry in path if entry[0] < level] + [(level, inline or text.rstrip("。.;；"))]
            if inline is None:
                continue  # a heading line of its own; an inline heading's paragraph follows
        section = path[-1][1] if path else None
        heading_path = tuple(heading for _level, heading in path)
        if _is_caption(blocks, i, usual_gap, has_gaps, prev_continues):
            units.append(_Unit(text, True, section, heading_path, block.page))
            continue
        if open_paragraph is not None:
            open_paragraph.text = _join(open_paragraph.text, text)
            if ends_sentence(open_paragraph.text):
                open_paragraph = None
            continue
        unit = _Unit(text, False, section, heading_path, block.page)
        units.append(unit)
        open_paragraph = None if ends_sentence(text) else unit
    return units


def _join(left: str, right: str) -> str:
    """Rejoin a paragraph split by a line break or caption; no space between CJK text."""
    if left and right and (left[-1].isascii() and left[-1].isalnum()) and right[0].isascii():
        return f"{left} {right}"
    return left + right


# -- passages -------------------------------------------------------------------------------


def _units_to_passages(rel: str, title: str | None, units: list[_Unit]) -> list[Passage]:
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for number, unit in enumerate(units, start=1):
        for piece in split_long(unit.text):
            key = content_hash(rel, unit.section or "", piece)
            seen[key] = seen.get(key, 0) + 1
            pid = key if seen[key] == 1 else content_hash(key, str(seen[key]))
            passages.append(
                Passage(
                    id=pid,
                    doc=rel,
                    section=unit.section,
                    paragraph=number,
                    text=piece,
                    caption=unit.caption,
                    page=unit.page,
                    heading_path=unit.heading_path,
                    title=title,
                )
            )
    return passages


def split_long(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Pack whole sentences into pieces of at most ``limit`` characters."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _sentences_within(text, limit):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _sentences_within(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for sentence in split_sentences(text):
        while len(sentence) > limit:
            cut = max(sentence.rfind(mark, 0, limit) for mark in ",,、 ")
            cut = cut + 1 if cut > limit // 2 else limit
            out.append(sentence[:cut])
            sentence = sentence[cut:]
        out.append(sentence)
    return out


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Passage], list[SkippedDocument]]:
    """All passages of all readable documents, and the documents skipped with the reason."""
    documents = find_documents(corpus_dir)
    passages: list[Passage] = []
    skipped: list[SkippedDocument] = []
    for doc in documents:
        try:
            passages.extend(read_passages(doc))
        except DocumentError as exc:
            log.warning("skipping %s: %s", doc.rel, exc)
            skipped.append(SkippedDocument(doc.rel, str(exc)))
    return documents, passages, skipped
