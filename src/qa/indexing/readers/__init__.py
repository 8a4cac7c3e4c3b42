"""Document readers: one per file format, each turning a file into :class:`Block` records.

A reader handles what is specific to its format (PDF line wrapping, running headers and
footers, HTML boilerplate, Word heading styles) and yields blocks in reading order. The
layout stage in :mod:`qa.indexing.ingest` then finds titles, sections and captions the same way for
every format.
"""

from qa.indexing.readers.base import Block, DocumentError, Reader

__all__ = ["Block", "DocumentError", "Reader"]
