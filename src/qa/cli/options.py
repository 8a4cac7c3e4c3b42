"""What every `qa` subcommand shares: exit codes, the common options, the settings they name."""

from __future__ import annotations

import argparse

from qa.config import Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def common_parser() -> argparse.ArgumentParser:
    """Options every subcommand accepts."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--corpus", metavar="DIR", help="corpus folder (default: corpus/)")
    parent.add_argument("--index", metavar="DIR", help="index folder (default: index/)")
    parent.add_argument("--config", metavar="FILE", help="config file (default: qa.toml)")
    parent.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    return parent


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings.load(corpus=args.corpus, index=args.index, config=args.config)
