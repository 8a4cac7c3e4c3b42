"""`qa info`: what the index holds and whether it matches the corpus."""

from __future__ import annotations

from qa.cli.common import fail, make_engine, print_json


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("info", parents=parents, help="describe the index")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    from qa.engine import EngineError

    try:
        info = make_engine(args).info()
    except EngineError as exc:
        return fail(str(exc))
    if args.json:
        print_json(info)
        return 0
    print(f"model:      {info['model']} ({info['dimension'] or '?'} dimensions)")
    print(f"model path: {info['model_path']}")
    print(f"index:      {info['index']} (version {info['index_version'] or 'none'})")
    print(f"built:      {info['index_built'] or 'never'}")
    print(f"documents:  {info['documents']}, passages: {info['passages']}")
    if info["stale"]:
        changed = ", ".join(info["changed"]) or "no index yet"
        print(f"stale:      yes — changed since the build: {changed}; run `qa index`")
    else:
        print("stale:      no — the index matches the corpus")
    for rel, reason in info["skipped"].items():
        print(f"skipped:    {rel}: {reason}")
    return 0
