"""The benchmarks of report-qa: ``python benchmarks/run.py`` (see ``benchmarks/README.md``).

``harness`` measures (times, peak memory, child processes) and holds the run's shared
context; ``synthetic`` makes the synthetic corpora; each section has its module (``prep``,
``build``, ``noop``, ``cold``, ``warm``, ``question_profile``, ``memory``, ``scale`` with
``scale_dense``, ``scale_lexical`` and ``scale_milvus``); ``report`` turns ``results.json``
into the targets, the table and the plot.

The section modules import only the standard library at their top: a measured child process
imports its module, and a heavy import there would be timed as part of the child.
"""
