"""The optional formats: PDF, Word (.docx) and HTML.

:func:`optional_readers` is what :mod:`qa.readers.registry` adds to the built-in text and
Markdown readers. The readers are always registered; a reader whose library (pypdf,
python-docx) is not installed refuses each file with a :class:`DocumentError` that says what
to install, so the file is skipped with that warning instead of silently ignored.
"""

from __future__ import annotations

from qa.readers.base import Reader


def optional_readers() -> list[Reader]:
    from qa.readers.docx import DocxReader
    from qa.readers.html import HtmlReader
    from qa.readers.pdf import PdfReader

    return [PdfReader(), DocxReader(), HtmlReader()]
