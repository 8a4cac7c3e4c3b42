"""The optional formats: PDF, Word (.docx) and HTML.

:func:`optional_readers` is what :mod:`qa.indexing.readers.registry` adds to the built-in text and
Markdown readers. The readers are always registered; a reader whose library (pypdf,
python-docx) is not installed refuses each file with a :class:`DocumentError` that says what
to install, so the file is skipped with that warning instead of silently ignored.
"""

from __future__ import annotations

from qa.indexing.readers.base import Reader


def optional_readers() -> list[Reader]:
    from qa.indexing.readers.docx import DocxReader
    from qa.indexing.readers.html import HtmlReader
    from qa.indexing.readers.pdf import PdfReader

    return [PdfReader(), DocxReader(), HtmlReader()]
