"""Helpers shared by the subcommands: engine construction, error reporting, output."""

from __future__ import annotations

import json
import sys

from qa.cli.options import EXIT_FAILED, settings_from_args


def eprint(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def print_json(record: dict) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def make_engine(args):
    from qa.engine import Engine

    return Engine(settings_from_args(args), log_fn=eprint)


def fail(message: str) -> int:
    eprint(f"qa: {message}")
    return EXIT_FAILED


def warn_if_stale(engine) -> None:
    """Say on stderr when documents changed since the index was built (the index is kept)."""
    try:
        info = engine.info()
    except Exception:  # the question itself will report a damaged index
        return
    if info["index_built"] and info["changed"]:
        names = ", ".join(info["changed"][:5]) + (" ..." if len(info["changed"]) > 5 else "")
        eprint(f"qa: note: the corpus changed since the index was built ({names}); "
               "answers come from the old index until you run `qa index`")


def format_citation(citation: dict) -> str:
    where = [citation["doc"]]
    if citation.get("page"):
        where.append(f"p. {citation['page']}")
    if citation.get("section"):
        where.append(citation["section"])
    where.append(f"paragraph {citation['paragraph']}" + (" (photo caption)" if citation.get("caption") else ""))
    return ", ".join(where)
