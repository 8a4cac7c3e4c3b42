"""The reader contract shared by every document format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DocumentError(Exception):
    """A document that cannot be read (corrupt, encrypted, scanned, unknown format).

    The message names the reason; the caller adds the file name, warns and skips the file.
    """


@dataclass(frozen=True)
class Block:
    """One line or paragraph of a document, in reading order.

    ``text`` is verbatim. ``blank_before`` counts the empty lines that preceded the block in
    the source (plain text keeps them; they help tell captions from paragraphs).
    ``heading_level`` is set when the format itself marks a heading (Markdown ``#``, Word
    heading styles, HTML ``<h1>``..``<h6>``); ``None`` leaves the decision to the layout
    heuristics. ``page`` is the 1-based page of a PDF. ``bold`` marks a paragraph set in bold
    throughout, which unstyled Word files use for headings.
    """

    text: str
    blank_before: int = 0
    heading_level: int | None = None
    page: int | None = None
    caption: bool | None = None  # True when the format marks a caption (e.g. <figcaption>)
    bold: bool = False  # every run of text is bold (Word, HTML <b>/<strong>): a heading when short


class Reader:
    """Base class: subclasses set ``extensions`` and implement :meth:`read`."""

    extensions: tuple[str, ...] = ()

    def read(self, path: Path) -> list[Block]:
        raise NotImplementedError
