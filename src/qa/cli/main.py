"""The `qa` command line: index, ask, info, chat, eval, bot.

Options go after the subcommand. Every command takes --corpus, --index and --config.
Only JSON goes to stdout with --json; progress and warnings go to stderr.

Each subcommand lives in its own module with ``register(subparsers, parents)`` that adds a
parser whose ``func(args) -> int`` does the work; registering must stay cheap (no torch).
"""

from __future__ import annotations

import argparse
import logging
import sys

from qa.cli.options import EXIT_USAGE, common_parser
from qa.config import ConfigError


def build_parser() -> argparse.ArgumentParser:
    from qa.cli import ask, chat, index, info

    parser = argparse.ArgumentParser(
        prog="qa", description="Answer questions about a corpus of reports, with citations."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parents = [common_parser()]
    for module in (index, ask, info, chat):
        module.register(subparsers, parents)
    for optional in ("qa.cli.evaluate", "bot.cli"):
        _register_optional(optional, subparsers, parents)
    return parser


def _register_optional(module_name: str, subparsers, parents) -> None:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return
    module.register(subparsers, parents)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"qa: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
