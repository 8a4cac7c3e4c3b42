"""Markdown: ATX headings (`#` .. `######`) mark sections; paragraphs are separated by blank lines."""

from __future__ import annotations

import re
from pathlib import Path

from qa.indexing.readers.base import Block, Reader
from qa.indexing.readers.text import decode_utf8

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_IMAGE_RE = re.compile(r"^!\[([^\]]*)\]\([^)]*\)\s*$")
_FENCE_RE = re.compile(r"^(```|~~~)")


class MarkdownReader(Reader):
    extensions = (".md", ".markdown")

    def read(self, path: Path) -> list[Block]:
        blocks: list[Block] = []
        blank = 0
        in_fence = False
        for line in decode_utf8(path).splitlines():
            stripped = line.strip()
            if _FENCE_RE.match(stripped):
                in_fence = not in_fence
                continue
            if not stripped or in_fence:
                blank += 0 if in_fence else 1
                continue
            heading = _HEADING_RE.match(stripped)
            image = _IMAGE_RE.match(stripped)
            if heading:
                blocks.append(Block(heading.group(2), blank, heading_level=len(heading.group(1))))
            elif image and image.group(1).strip():
                # An image's alt text is what a caption is in a Markdown page.
                blocks.append(Block(image.group(1).strip(), blank, caption=True))
            elif image:
                pass
            else:
                blocks.append(Block(_strip_inline_markup(stripped), blank))
            blank = 0
        return blocks


def _strip_inline_markup(text: str) -> str:
    text = re.sub(r"^([-*+]|\d+\.)\s+", "", text)  # list markers
    text = re.sub(r"^>\s?", "", text)  # block quotes
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    return re.sub(r"(\*\*|__|`)", "", text)
