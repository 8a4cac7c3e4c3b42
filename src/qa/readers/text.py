"""Plain text: one block per non-empty line, with the blank lines that preceded it."""

from __future__ import annotations

from pathlib import Path

from qa.readers.base import Block, DocumentError, Reader


def decode_utf8(path: Path) -> str:
    """UTF-8 (with or without BOM); anything else is refused so no text is silently garbled."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not valid UTF-8 (byte {exc.start})") from None


class TextReader(Reader):
    extensions = (".txt",)

    def read(self, path: Path) -> list[Block]:
        blocks: list[Block] = []
        blank = 0
        for line in decode_utf8(path).splitlines():
            if not line.strip():
                blank += 1
                continue
            blocks.append(Block(text=line.strip(), blank_before=blank))
            blank = 0
        return blocks
