"""report-qa: answers questions about a corpus of reports and cites the paragraphs it used.

Data flows one way: documents -> passages -> index -> retrieval -> answer -> front-ends.
The public API for front-ends (CLI, Telegram bot, evaluation) is :class:`qa.engine.Engine`.
"""

__version__ = "0.1.0"
