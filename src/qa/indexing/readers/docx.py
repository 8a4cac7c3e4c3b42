"""Word .docx (via python-docx): paragraphs and tables of the body, in document order.

- ``Heading 1`` .. ``Heading 9`` (and styles based on them, or paragraphs with an outline
  level) set ``heading_level``; when the document uses the ``Title`` style, the title is
  level 1 and ``Heading n`` becomes level n + 1. A ``Subtitle`` right after the title joins
  the title, as the layout stage does for a dash-led subtitle line in plain text;
- the ``Caption`` style (and any style named like a caption, e.g. ``题注``) sets
  ``caption=True``;
- empty paragraphs (spacing, or a paragraph holding only a picture) count as
  ``blank_before``;
- a table becomes one block: cells joined by " | ", rows ended by ";" so that long tables
  are split between rows.

Page headers, footers, footnotes, comments and text boxes are not read. Refused with
:class:`DocumentError`: files that are not a .docx package (corrupt, an old binary .doc
renamed, a password-protected document, which Word stores as an encrypted container).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from qa.indexing.readers.base import Block, DocumentError, Reader

_HEADING_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_CAPTION_RE = re.compile(r"caption|题注", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocxReader(Reader):
    extensions = (".docx",)

    def read(self, path: Path) -> list[Block]:
        document = _open(path)
        try:
            items = list(_items(document))
        except DocumentError:
            raise
        except Exception as exc:  # malformed XML inside an otherwise valid package
            raise DocumentError(f"damaged Word file: {type(exc).__name__}: {exc}"[:240]) from None
        blocks = _blocks(items)
        if not blocks:
            raise DocumentError("no text in the document body")
        return blocks


def _open(path: Path):
    try:
        import docx
    except ImportError:
        raise DocumentError("reading Word files needs the python-docx package "
                            "(reinstall report-qa: bash scripts/setup.sh)") from None
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    if head == _OLE_MAGIC:
        raise DocumentError("password-protected Word file, or an old .doc file renamed to .docx")
    if not zipfile.is_zipfile(path):
        raise DocumentError("damaged Word file: not a .docx (zip) package")
    try:
        return docx.Document(str(path))
    except Exception as exc:
        raise DocumentError(f"damaged Word file: {type(exc).__name__}: {exc}"[:240]) from None


# -- document items -----------------------------------------------------------------------------


def _items(document):
    """(kind, text, style kind, level) for each body paragraph and table, in order.

    kind is "p" or "table"; style kind is "title", "subtitle", "heading", "caption" or None.
    """
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(parent):
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield _paragraph_item(Paragraph(child, document))
            elif child.tag == qn("w:tbl"):
                yield ("table", _table_text(Table(child, document)), None, None)
            elif child.tag == qn("w:sdt"):  # a content control wraps its paragraphs
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)
            elif child.tag == qn("w:customXml"):
                yield from walk(child)

    yield from walk(document.element.body)


def _paragraph_item(paragraph):
    text = _clean(_paragraph_text(paragraph._p))
    kind, level = _style_kind(paragraph)
    if kind is None and text and _all_bold(paragraph):
        kind = "bold"
    return ("p", text, kind, level)


def _all_bold(paragraph) -> bool:
    """Whether every run with text is bold, directly or through its character or paragraph
    style: unstyled reports set their headings so."""
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs:
        return False
    style_bold = bool(_safe_style(paragraph) is not None and _safe_style(paragraph).font.bold)
    return all(run.bold or (run.bold is None and (style_bold or (run.style is not None and run.style.font.bold)))
               for run in runs)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP = {_W + "del", _W + "moveFrom", _W + "txbxContent", _W + "instrText", _W + "delText",
         _W + "footnoteReference", _W + "endnoteReference", _W + "commentReference"}


def _paragraph_text(element) -> str:
    """The paragraph's visible text: runs also inside hyperlinks, tracked insertions, smart tags
    and inline content controls; tracked deletions and text boxes left out."""
    parts: list[str] = []

    def walk(node):
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _SKIP:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append(" ")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def _clean(text: str) -> str:
    text = text.replace("\t", " ").replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii():
            out += " "
        out += line
    return out.strip()


def _style_kind(paragraph) -> tuple[str | None, int | None]:
    level = _outline_level(paragraph._p)
    style = _safe_style(paragraph)
    seen = 0
    while style is not None and seen < 10:
        name = (style.name or "").strip()
        lowered = name.lower()
        match = _HEADING_RE.match(name)
        if match:
            return "heading", int(match.group(1))
        if lowered == "title":
            return "title", 1
        if lowered == "subtitle":
            return "subtitle", None
        if _CAPTION_RE.search(name):
            return "caption", None
        style_level = _outline_level(style.element)
        if level is None and style_level is not None:
            level = style_level
        style = style.base_style
        seen += 1
    if level is not None:
        return "heading", level
    return None, None


def _safe_style(paragraph):
    try:
        return paragraph.style
    except Exception:  # a style id the styles part does not define
        return None


def _outline_level(element) -> int | None:
    from docx.oxml.ns import qn

    ppr = element.find(qn("w:pPr"))
    node = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if node is None:
        return None
    try:
        value = int(node.get(qn("w:val")))
    except (TypeError, ValueError):
        return None
    return value + 1 if 0 <= value < 9 else None  # 9 means body text


def _table_text(table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _clean(" ".join(_paragraph_text(p._p) for p in cell.paragraphs))
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return "; ".join(rows) + ";" if rows else ""


# -- blocks -------------------------------------------------------------------------------------


def _blocks(items) -> list[Block]:
    has_title = any(kind == "title" and text for _, text, kind, _ in items)
    blocks: list[Block] = []
    blank = 0
    for _what, text, kind, level in items:
        if not text:
            blank += 1
            continue
        if kind == "subtitle" and blocks and blocks[-1].heading_level == 1 and len(blocks) == 1:
            # The subtitle belongs to the title it follows.
            blocks[-1] = Block(f"{blocks[-1].text} {text}", blocks[-1].blank_before, heading_level=1)
            blank = 0
            continue
        if kind == "title":
            blocks.append(Block(text, blank, heading_level=1))
        elif kind == "heading" and level is not None:
            blocks.append(Block(text, blank, heading_level=min(level + (1 if has_title else 0), 9)))
        elif kind == "caption":
            blocks.append(Block(text, blank, caption=True))
        elif kind == "bold":
            blocks.append(Block(text, blank, bold=True))
        else:
            blocks.append(Block(text, blank))
        blank = 0
    return blocks
