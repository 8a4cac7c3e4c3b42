"""Which reader handles which file extension."""

from __future__ import annotations

from pathlib import Path

from qa.indexing.readers.base import Reader
from qa.indexing.readers.text import TextReader


def _readers() -> list[Reader]:
    readers: list[Reader] = [TextReader()]
    try:
        from qa.indexing.readers.markdown import MarkdownReader

        readers.append(MarkdownReader())
    except ImportError:
        pass
    try:
        from qa.indexing.readers.formats import optional_readers

        readers.extend(optional_readers())
    except ImportError:
        pass
    return readers


def reader_for(path: Path) -> Reader | None:
    suffix = path.suffix.lower()
    for reader in _readers():
        if suffix in reader.extensions:
            return reader
    return None


def supported_extensions() -> set[str]:
    return {ext for reader in _readers() for ext in reader.extensions}
