"""HTML pages (.html, .htm): the article text without the site's boilerplate.

A careful reading with the standard library's parser (no extra dependency):

- **boilerplate dropped**: ``<nav>``, ``<aside>``, ``<footer>``, ``<header>`` outside the
  article, ``<script>``, ``<style>``, ``<noscript>``, ``<template>``, forms' controls, hidden
  elements, ARIA landmarks for navigation/banner/footer/sidebar/search, and elements whose
  class or id names them (``nav``, ``menu``, ``breadcrumb``, ``sidebar``, ``footer``,
  ``share``, ``comments``, ``related``, ``ads``, ``copyright``, ...);
- **main text chosen**: when the page has an ``<article>``, ``<main>`` (or ``role="main"``),
  only the text inside it is kept; blocks that are mostly link text (menus, link lists)
  are dropped;
- ``<h1>``..``<h6>`` set ``heading_level``; an ``<hgroup>`` (title with subtitle) is one
  heading; ``<figcaption>`` and a table's ``<caption>`` set ``caption=True``;
- whitespace: a line break inside Chinese text is removed, other whitespace runs become one
  space. ``<br>`` and block elements end a block.

The encoding comes from a byte-order mark or ``<meta charset>``, else UTF-8, else GB18030.
Refused with :class:`DocumentError`: binary or undecodable files, pages with no text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from qa.indexing.readers.base import Block, DocumentError, Reader

SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object",
             "canvas", "select", "textarea", "button", "option", "datalist", "head", "title",
             "nav", "aside", "footer", "menu", "dialog"}
SKIP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu",
              "menubar", "toolbar", "dialog", "alert"}
BOILERPLATE_WORDS = {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs",
                     "crumbs", "footer", "sidebar", "share", "social", "comment", "comments",
                     "related", "advert", "ads", "ad", "copyright", "pagination", "pager",
                     "toolbar", "cookie", "cookies", "subscribe", "recommend"}
MAIN_TAGS = {"article", "main"}
BLOCK_TAGS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
              "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption",
              "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "hr", "address",
              "header", "hgroup", "details", "summary", "center", "form", "fieldset", "legend",
              "body", "html"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "param", "source", "track", "wbr"}
CAPTION_TAGS = {"figcaption", "caption"}
_HEAD_CONTENT = {"title", "meta", "link", "style", "script", "base", "noscript", "template"}
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WORD_SPLIT_RE = re.compile(r"[\s_\-]+")
_SPACE_RE = re.compile(r"\s+")


class HtmlReader(Reader):
    extensions = (".html", ".htm", ".xhtml")

    def read(self, path: Path) -> list[Block]:
        text = _decode(path)
        parser = _Parser()
        try:
            parser.feed(text)
            parser.close()
        except Exception as exc:  # the stdlib parser is lenient; this is a last resort
            raise DocumentError(f"cannot parse the page: {type(exc).__name__}: {exc}"[:240]) from None
        blocks = parser.result()
        if not blocks:
            raise DocumentError("no article text found in the page")
        return blocks


# -- decoding -----------------------------------------------------------------------------------


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise DocumentError(f"not valid {encoding.upper()} text") from None
    if b"\x00" in raw[:4096]:
        raise DocumentError("binary data, not an HTML page")
    candidates = []
    declared = _META_CHARSET_RE.search(raw[:8192])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
            name = "gb18030"  # the superset: pages labelled GB2312 often use GBK characters
        try:
            candidates.append(codecs.lookup(name).name)
        except LookupError:
            pass
    candidates += ["utf-8", "gb18030"]
    for encoding in dict.fromkeys(candidates):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError("cannot tell the text encoding (not UTF-8, GB18030 or the declared one)")


# -- parsing ------------------------------------------------------------------------------------


@dataclass
class _Open:
    tag: str
    skip: bool = False
    main: bool = False
    heading: int | None = None
    caption: bool = False
    link: bool = False
    hgroup: bool = False


@dataclass
class _Piece:
    text: str
    heading: int | None
    caption: bool
    main: bool
    link_chars: int


@dataclass
class _Buffer:
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.buffer = _Buffer()
        self.pieces: list[_Piece] = []
        self.hgroup: list[_Piece] | None = None
        self.saw_main = False

    # state of the innermost open elements
    def _skipping(self) -> bool:
        return any(o.skip for o in self.stack)

    def _in_main(self) -> bool:
        return any(o.main for o in self.stack)

    def _heading(self) -> int | None:
        for o in reversed(self.stack):
            if o.heading is not None:
                return o.heading
        return None

    def _caption(self) -> bool:
        return any(o.caption for o in self.stack)

    def _link(self) -> bool:
        return any(o.link for o in self.stack)

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag not in _HEAD_CONTENT and any(o.tag == "head" for o in self.stack):
            # </head> may be omitted: the first element of the body closes the head.
            while self.stack and self.stack.pop().tag != "head":
                pass
        if tag in BLOCK_TAGS or tag == "br":
            self._flush()
        if tag in VOID_TAGS:
            return
        attributes = {k.lower(): (v or "") for k, v in attrs}
        opened = _Open(tag)
        opened.skip = self._boilerplate(tag, attributes)
        role = attributes.get("role", "").lower()
        opened.main = tag in MAIN_TAGS or role in ("main", "article") or \
            attributes.get("itemprop", "").lower() == "articlebody"
        if opened.main and not opened.skip and not self._skipping():
            self.saw_main = True
        opened.heading = _HEADING_TAGS.get(tag)
        opened.caption = tag in CAPTION_TAGS
        opened.link = tag == "a" and bool(attributes.get("href"))
        if tag == "hgroup" and self.hgroup is None and not self._skipping():
            opened.hgroup = True
            self.hgroup = []
        self.stack.append(opened)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag in VOID_TAGS:
            return
        if not any(o.tag == tag for o in self.stack):
            return  # a stray end tag
        if tag in BLOCK_TAGS or tag in _HEADING_TAGS or tag in CAPTION_TAGS:
            self._flush()
        while self.stack:
            opened = self.stack.pop()
            if opened.hgroup:
                self._flush()
                self._close_hgroup()
            if opened.tag == tag:
                break

    def handle_data(self, data):
        if self._skipping() or not data:
            return
        self.buffer.parts.append(data)
        if self._link():
            self.buffer.link_chars += len(data.strip())

    def close(self):
        super().close()
        self._flush()
        if self.hgroup is not None:
            self._close_hgroup()

    # -- helpers --

    def _boilerplate(self, tag: str, attributes: dict[str, str]) -> bool:
        if tag in SKIP_TAGS:
            return True
        if tag == "header" and not self._in_main():
            return True  # the site's header; an article's own header holds its title
        if "hidden" in attributes or attributes.get("aria-hidden", "").lower() == "true":
            return True
        style = attributes.get("style", "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
        if attributes.get("role", "").lower() in SKIP_ROLES:
            return True
        if tag in MAIN_TAGS or tag in _HEADING_TAGS or tag in ("p", "figcaption", "body", "html"):
            return False
        words = set(_WORD_SPLIT_RE.split(
            f"{attributes.get('class', '')} {attributes.get('id', '')}".lower()))
        if "header" in words and not self._in_main():
            return True
        return bool(words & BOILERPLATE_WORDS)

    def _flush(self):
        raw = "".join(self.buffer.parts)
        link_chars = self.buffer.link_chars
        self.buffer = _Buffer()
        text = _collapse(raw)
        if not text:
            return
        piece = _Piece(text, self._heading(), self._caption(), self._in_main(), link_chars)
        if self.hgroup is not None:
            self.hgroup.append(piece)
        else:
            self.pieces.append(piece)

    def _close_hgroup(self):
        pieces, self.hgroup = self.hgroup or [], None
        if not pieces:
            return
        levels = [p.heading for p in pieces if p.heading is not None]
        self.pieces.append(_Piece(" ".join(p.text for p in pieces), min(levels) if levels else None,
                                  False, any(p.main for p in pieces), 0))

    def result(self) -> list[Block]:
        pieces = [p for p in self.pieces if p.main] if self.saw_main else self.pieces
        blocks = []
        for piece in pieces:
            chars = len(piece.text.replace(" ", ""))
            if piece.heading is None and not piece.caption and piece.link_chars >= 0.5 * chars:
                continue  # a menu, a list of links or a "read more" line
            blocks.append(Block(piece.text, heading_level=piece.heading,
                                caption=True if piece.caption else None))
        return blocks


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _collapse(raw: str) -> str:
    """One space for a run of whitespace; none for a line break between Chinese characters."""
    raw = raw.replace("\xa0", " ").replace("\u3000", " ")
    out: list[str] = []
    pos = 0
    for match in _SPACE_RE.finditer(raw):
        out.append(raw[pos:match.start()])
        before = raw[match.start() - 1] if match.start() > 0 else ""
        after = raw[match.end()] if match.end() < len(raw) else ""
        if "\n" in match.group(0) and before and after and (_wide(before) or _wide(after)):
            out.append("")
        else:
            out.append(" ")
        pos = match.end()
    out.append(raw[pos:])
    return "".join(out).strip()
