"""Plain text: one block per non-empty line, with the blank lines that preceded it."""

from __future__ import annotations

import codecs
from pathlib import Path

from qa.indexing.readers.base import Block, DocumentError, Reader


# A GB18030 reading is trusted only when it is mostly Chinese: bytes of another encoding
# often decode as GB18030 too, into rare characters and symbols.
MIN_CHINESE_SHARE = 0.3


def decode_utf8(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (Chinese reports saved by
    older Windows tools) when it reads as Chinese text; anything else is refused so that no
    text is silently garbled."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DocumentError("not valid UTF-16 after its byte-order mark") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _mostly_chinese(text):
        return text
    raise DocumentError(f"not valid UTF-8 (byte {utf8_error}) nor Chinese text in GB18030") from None


def _mostly_chinese(text: str) -> bool:
    visible = [c for c in text if not c.isspace()]
    chinese = sum(1 for c in visible if "\u4e00" <= c <= "\u9fff")
    return bool(visible) and chinese / len(visible) >= MIN_CHINESE_SHARE


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
