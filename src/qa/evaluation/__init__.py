"""Evaluation of the engine against a question set: ``qa eval``.

One module per concept, in the order data flows:

- :mod:`~qa.evaluation.questions`: reading and validating a question set (JSON Lines);
- :mod:`~qa.evaluation.matching`: the tolerant text matching of sources and answers;
- :mod:`~qa.evaluation.runner`: asking the engine every question -> :class:`QuestionRecord`;
- :mod:`~qa.evaluation.metrics`: evaluators computing metrics from records (no model needed);
- :mod:`~qa.evaluation.calibrate`: suggesting the abstention threshold, plotting scores;
- :mod:`~qa.evaluation.report`: the table and the JSON object;
- :mod:`~qa.evaluation.compare`: the deltas between two ``--json`` reports;
- :mod:`~qa.cli.evaluate`: the ``qa eval`` subcommand.

Nothing here imports torch, ranx or matplotlib at import time.
See docs/evaluation.md for the command, the question set format and the report keys.
"""

from qa.evaluation.questions import Question, QuestionSetError, load_questions
from qa.evaluation.records import QuestionRecord

__all__ = ["Question", "QuestionRecord", "QuestionSetError", "load_questions"]
