"""Retrieval: from a question to ranked passages.

Components grouped by role, each configured in ``__init__`` and doing its work in ``run()``:
question analysis (:mod:`.query`), retrievers (:mod:`.dense`, :mod:`.lexical`), the joiner
(:mod:`.fusion`), and the data derived from the corpus at build time (:mod:`.derive`).
"""
