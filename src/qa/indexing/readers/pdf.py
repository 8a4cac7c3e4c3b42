"""PDF (text layer, via pypdf): lines rebuilt from text positions, then paragraphs.

What the reader repairs, using only the geometry of the text layer:

- **running headers, footers and page numbers**: lines at the top or bottom edge of a page
  whose text (digits normalised) repeats on several pages, and lone page numbers
  ("3", "- 3 -", "第 3 页", "Page 3 of 7") at an edge, are dropped;
- **wrapped lines** are joined into paragraphs: a line continues on the next one when it
  runs to the right margin and the next line is neither indented, set apart by extra space,
  nor in another font size; a sentence end at the margin counts as a paragraph end only in
  documents that do not mark paragraphs by a first-line indent. Chinese joins without a
  space, Latin words with one. A paragraph that continues across a page break is rejoined;
- **layout gaps**: extra vertical space before a block becomes ``blank_before`` (in lines),
  which the layout stage uses to tell photo captions and headings from paragraphs;
- ``page`` is the 1-based page where the block starts.

Headings and captions are left to the layout stage (short lines set apart, without sentence
punctuation), which is how the plain-text reader's output is treated too.

Refused with :class:`DocumentError`: files pypdf cannot parse, truncated files (no end
marker), PDFs that need a password, PDFs without a text layer (scans), and text layers that
decode to garbage (a damaged file or a font without a Unicode map). A file is read whole or
not at all.
"""

from __future__ import annotations

import io
import logging
import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from qa.indexing.readers.base import Block, DocumentError, Reader
from qa.text import ends_sentence

EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be header/footer
_PAGE_NUMBER_RE = re.compile(
    r"^[\s\-–—~·.()\[\]]*"
    r"(?:(?:page|p\.?|第)\s*)?"
    r"(?:\d{1,4}|[ivxlcdm]{1,6})"
    r"\s*(?:页)?\s*"
    r"(?:(?:/|of|共|／)\s*\d{1,4}\s*(?:页)?)?"
    r"[\s\-–—~·.()\[\]]*$",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float  # estimated right end
    y: float  # baseline, PDF coordinates (grows upwards)
    size: float
    page: int  # 1-based


class PdfReader(Reader):
    extensions = (".pdf",)

    def read(self, path: Path) -> list[Block]:
        pages = _extract_lines(path)
        if not any(line.text.strip() for page in pages for line in page):
            raise DocumentError("no text layer (a scanned PDF?); it would need OCR first")
        _check_text_quality(pages)
        body = _drop_running_lines(pages)
        blocks = _paragraphs(body)
        if not blocks:
            raise DocumentError("no text besides running headers and page numbers")
        return blocks


# -- extraction -------------------------------------------------------------------------------


def _open(path: Path):
    try:
        import pypdf
        import pypdf.errors
    except ImportError:
        raise DocumentError("reading PDF files needs the pypdf package "
                            "(reinstall report-qa: bash scripts/setup.sh)") from None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise DocumentError("empty file")
    if b"%PDF-" not in data[:1024]:
        raise DocumentError("not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise DocumentError("damaged PDF: truncated (no end-of-file marker)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except pypdf.errors.DependencyError:
                raise DocumentError("encrypted PDF (AES): opening it needs the cryptography "
                                    "package (pip install cryptography)") from None
            except Exception as exc:
                raise DocumentError(f"encrypted PDF that cannot be opened ({_why(exc)})") from None
            if not unlocked:
                raise DocumentError("encrypted PDF: it needs a password to open")
        return reader, len(reader.pages)
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error for damaged files
        raise DocumentError(f"damaged PDF: {_why(exc)}") from None


def _why(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}"[:200] if message else type(exc).__name__


def _extract_lines(path: Path) -> list[list[_Line]]:
    # pypdf reports the repairs it makes on damaged files through logging; they are not news
    # to the user once the file is refused (with the reason) or read, so keep them quiet.
    pypdf_log = logging.getLogger("pypdf")
    previous = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)
    try:
        reader, count = _open(path)
        return [_page_lines(reader.pages[i], i + 1) for i in range(count)]
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError("damaged PDF: its object structure loops") from None
    except Exception as exc:
        raise DocumentError(f"damaged PDF: {_why(exc)}") from None
    finally:
        pypdf_log.setLevel(previous)


def _page_lines(page, number: int) -> list[_Line]:
    chunks: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        size = abs(font_size * scale) or 10.0
        for k, part in enumerate(text.split("\n")):
            if part.strip():
                chunks.append((part, x, y - k * size * 1.2, size))

    plain = page.extract_text(visitor_text=visit) or ""
    if not chunks and plain.strip():
        # No positions came back: keep the lines, without geometry.
        return [_Line(t.strip(), 0.0, 0.0, -i, 10.0, number)
                for i, t in enumerate(plain.splitlines()) if t.strip()]
    lines: list[_Line] = []
    for text, x, y, size in chunks:
        last = lines[-1] if lines else None
        if last is not None and abs(last.y - y) <= 0.35 * max(size, last.size) and x >= last.x0:
            gap = "" if x <= last.x1 + 0.3 * size else " "
            if _cjk_edge(last.text[-1]) and _cjk_edge(text.lstrip()[:1]):
                gap = ""
            last.text = (last.text + gap + text).rstrip() if gap else (last.text + text).rstrip()
            last.x1 = max(last.x1, x + _width(text, size))
            last.size = max(last.size, size)
            continue
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        lines.append(_Line(stripped, x + lead * 0.5 * size, x + _width(text.rstrip(), size), y, size, number))
    return lines


def _width(text: str, size: float) -> float:
    """Estimated advance: full-width characters are one em, the rest about half an em.

    Characters of ambiguous width (curly quotes, middle dots) are set full-width in Chinese
    text, so they count as one em when most of the text is CJK.
    """
    wide = "WFA" if _mostly_cjk(text) else "WF"
    return sum(size if unicodedata.east_asian_width(ch) in wide else 0.5 * size for ch in text)


def _cjk_edge(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in "WF"


def _mostly_cjk(text: str) -> bool:
    text = text.strip()
    return bool(text) and sum(1 for ch in text if _cjk_edge(ch)) * 2 >= len(text)


def _check_text_quality(pages: list[list[_Line]]) -> None:
    text = "".join(line.text for page in pages for line in page)
    chars = [ch for ch in text if not ch.isspace()]
    bad = sum(1 for ch in chars if ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cs"))
    if chars and bad > 0.05 * len(chars):
        raise DocumentError("the text layer does not decode to readable text "
                            "(damaged file or a font without a Unicode map)")


# -- running headers and footers ----------------------------------------------------------------


def _edge_indices(page: list[_Line]) -> set[int]:
    order = sorted(range(len(page)), key=lambda i: -page[i].y)
    return set(order[:EDGE_LINES]) | set(order[-EDGE_LINES:])


def _key(text: str) -> str:
    return _DIGITS_RE.sub("#", _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))).lower()


def _drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop lines at a page edge that repeat across pages (digits aside), and page numbers."""
    edges = [_edge_indices(page) for page in pages]
    seen = Counter()
    for page, edge in zip(pages, edges):
        seen.update({_key(page[i].text) for i in edge})
    need = max(2, math.ceil(0.4 * len(pages)))
    running = {key for key, n in seen.items() if n >= need}
    kept = []
    for page, edge in zip(pages, edges):
        kept.append([
            line for i, line in enumerate(page)
            if i not in edge or (_key(line.text) not in running and not _PAGE_NUMBER_RE.match(line.text))
        ])
    return kept


# -- paragraphs -------------------------------------------------------------------------------


def _mode(values: list[float], default: float) -> float:
    return Counter(values).most_common(1)[0][0] if values else default


def _paragraphs(pages: list[list[_Line]]) -> list[Block]:
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    body_size = _mode([round(ln.size, 1) for ln in lines for _ in range(max(1, len(ln.text) // 10))], 10.0)
    body = [ln for ln in lines if _same_size(ln.size, body_size)]
    gaps = [a.y - b.y for a, b in pairwise(body)
            if a.page == b.page and 0 < a.y - b.y < 3 * body_size]
    pitch = statistics.median(gaps) if gaps else 1.2 * body_size
    margins = {page[0].page: _margins(page, body_size) for page in pages if page}
    doc_left = _mode([round(ln.x0) for ln in body], 0.0)
    doc_right = _percentile([ln.x1 for ln in body], 0.9) if body else 0.0
    # Where the text usually starts on a page: a page that starts lower begins with a gap
    # (a photo at the top of the page), which matters as much as a gap within a page.
    tops = [round(max(ln.y for ln in page if _same_size(ln.size, body_size))) for page in pages
            if any(_same_size(ln.size, body_size) for ln in page)]
    usual_top = _usual_top(tops)

    def left_right(line: _Line) -> tuple[float, float]:
        return margins.get(line.page) or (doc_left, doc_right)

    def indented(line: _Line) -> float:
        return (line.x0 - left_right(line)[0]) / line.size

    def full(line: _Line) -> bool:
        left, right = left_right(line)
        if _mostly_cjk(line.text):
            return line.x1 >= right - 2.0 * line.size
        return line.x1 >= left + 0.8 * (right - left)  # widths of Latin text are rough guesses

    # Does this document start paragraphs with a first-line indent? Then a sentence end at
    # the margin is not a paragraph end by itself.
    votes = sum(1 for a, b in pairwise(lines)
                if ends_sentence(a.text) and abs(b.size - body_size) <= 0.15 * body_size
                and 0.8 <= indented(b) <= 4.5)
    uses_indent = votes >= 2

    blocks: list[Block] = []
    current: list[_Line] = []
    blank = 0

    def flush():
        if current:
            text = current[0].text
            for line in current[1:]:
                text = _join(text, line.text)
            blocks.append(Block(text=text, blank_before=blank, page=current[0].page))

    for prev, line in zip([None] + lines[:-1], lines):
        if prev is None:
            current = [line]
            continue
        breaks, gap_lines = _breaks(prev, line, pitch, indented, full, uses_indent, usual_top)
        if breaks:
            flush()
            current, blank = [line], gap_lines
        else:
            current.append(line)
    flush()
    return blocks


def _breaks(prev: _Line, line: _Line, pitch: float, indented, full, uses_indent,
            usual_top: float | None) -> tuple[bool, int]:
    """Whether ``line`` starts a new block after ``prev``, and the blank lines before it."""
    gap_lines = 0
    if prev.page != line.page and usual_top is not None and usual_top - line.y > 1.2 * pitch:
        return True, max(1, round((usual_top - line.y) / pitch))
    if prev.page == line.page:
        gap = prev.y - line.y
        expected = pitch * max(prev.size, line.size) / max(min(prev.size, line.size), 1e-6) \
            if abs(prev.size - line.size) > 0.15 * line.size else pitch
        if gap <= 0:
            return True, 0  # the text went up: another column or a placed object
        if gap > 1.6 * expected:
            gap_lines = max(1, round(gap / pitch - 1))
            return True, gap_lines
    if abs(prev.size - line.size) > 0.15 * max(prev.size, line.size):
        return True, gap_lines
    if indented(line) >= 0.8 and abs(line.x0 - prev.x0) > 0.5 * line.size:
        return True, gap_lines
    if not full(prev):
        return True, gap_lines
    if ends_sentence(prev.text) and not uses_indent:
        return True, gap_lines
    return False, 0


def _margins(page: list[_Line], body_size: float) -> tuple[float, float] | None:
    body = [ln for ln in page if abs(ln.size - body_size) <= 0.15 * body_size]
    if len(body) < 5:
        return None
    return _mode([round(ln.x0) for ln in body], 0.0), _percentile([ln.x1 for ln in body], 0.9)


def _usual_top(tops: list[float]) -> float | None:
    """The highest first-line position that two pages share (a lone outlier does not count)."""
    if len(tops) < 2:
        return None
    for top in sorted(tops, reverse=True):
        if sum(1 for other in tops if abs(other - top) <= 2) >= 2:
            return top
    return max(tops)


def _same_size(a: float, b: float) -> bool:
    return abs(a - b) <= 0.15 * max(a, b)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def _join(left: str, right: str) -> str:
    """Join a wrapped line to the next: no space in Chinese text, one between Latin words.

    Chinese text wraps at any character, so a number split by the margin ("37" / "00万元")
    closes up again; Latin text wraps at spaces, which the line break replaced.
    """
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() \
            and right[0].isalnum() and not _mostly_cjk(left[-40:]):
        return f"{left} {right}"
    if left.endswith(" ") or right.startswith(" "):
        return left.rstrip() + " " + right.lstrip()
    return left + right
