"""`qa ask`: answer one question, or one per stdin line with `-`."""

from __future__ import annotations

import sys

from qa.cli.common import eprint, fail, format_citation, make_engine, print_json, warn_if_stale
from qa.cli.options import EXIT_USAGE


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("ask", parents=parents, help="answer a question with citations")
    parser.add_argument("words", nargs="+", metavar="WORDS", help="the question ('-': one per stdin line)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per question")
    parser.add_argument("-k", type=int, default=None, help="how many passages to cite (default 5)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from qa.engine import EngineError, QuestionError

    if args.k is not None and args.k < 1:
        eprint("qa: -k must be at least 1")
        return EXIT_USAGE
    batch = args.words == ["-"]
    question = " ".join(args.words)
    if not batch and not question.strip():
        eprint("qa: the question is empty; usage: qa ask WORDS...")
        return EXIT_USAGE
    engine = make_engine(args)
    try:
        if engine.ensure_index(progress=True):
            eprint("qa: built the index")
        warn_if_stale(engine)
        engine.load()
        if batch:
            return _ask_batch(engine, args)
        answer = engine.ask(question, k=args.k)
    except QuestionError as exc:
        eprint(f"qa: {exc}")
        return EXIT_USAGE
    except EngineError as exc:
        return fail(str(exc))
    _show(answer.to_dict(), args.json)
    return 0


def _ask_batch(engine, args) -> int:
    from qa.engine import QuestionError

    for line in sys.stdin:
        question = line.strip()
        if not question:
            continue
        try:
            record = engine.ask(question, k=args.k).to_dict()
        except QuestionError as exc:
            record = {"question": question, "answered": False, "answer": "", "citations": [],
                      "latency_ms": 0.0, "error": str(exc)}
        except Exception as exc:  # one bad question never fails the batch
            record = {"question": question, "answered": False, "answer": "", "citations": [],
                      "latency_ms": 0.0, "error": f"{type(exc).__name__}: {exc}"}
        _show(record, args.json)
    return 0


def _show(record: dict, as_json: bool) -> None:
    if as_json:
        print_json(record)
        return
    print(record["answer"] or record.get("error", ""))
    if record["citations"]:
        print("\nPossibly related:" if not record["answered"] else "\nSources:")
        for citation in record["citations"]:
            print(f"[{citation['rank']}] {format_citation(citation)}")
    print()
    sys.stdout.flush()
