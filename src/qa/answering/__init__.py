"""The answer model: candidates (sentences and their figures) -> features -> the answer."""

from qa.answering.builder import AnswerBuilder

__all__ = ["AnswerBuilder"]
