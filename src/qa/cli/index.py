"""`qa index`: build or update the index (only changed passages are embedded)."""

from __future__ import annotations

import sys

from qa.cli.common import eprint, fail, make_engine, print_json


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("index", parents=parents, help="build or update the index")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--rebuild", action="store_true", help="ignore the current index; embed everything")
    parser.add_argument("--watch", action="store_true", help="rebuild whenever the corpus changes")
    parser.set_defaults(func=run)


def run(args) -> int:
    from qa.engine import EngineError

    engine = make_engine(args)
    try:
        summary = engine.build(progress=sys.stderr.isatty() or not args.json, rebuild=args.rebuild)
    except EngineError as exc:
        return fail(str(exc))
    _report(summary, args.json)
    if args.watch:
        from qa.cli.watch import watch_corpus

        return watch_corpus(engine, lambda s: _report(s, args.json))
    return 0


def _report(summary, as_json: bool) -> None:
    if as_json:
        print_json(summary.to_dict())
        return
    for rel, reason in summary.skipped.items():
        eprint(f"qa: skipped {rel}: {reason}")
    state = "unchanged" if summary.unchanged else f"version {summary.version}"
    print(f"index {state}: {summary.passages} passages from {summary.documents} documents; "
          f"embedded {summary.embedded}, reused {summary.reused}, removed {summary.removed} "
          f"in {summary.seconds:.2f} s")
