"""The ``qa bot`` subcommand (also ``python -m bot``): run the Telegram bot.

Registering is cheap: telegram and the engine are imported only when the command runs.
The token comes from TELEGRAM_BOT_TOKEN or the config file, never from the command line.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK = 0
EXIT_FAILED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="Bot API base URL, e.g. http://127.0.0.1:8081/bot; the token is appended "
        "(default: TELEGRAM_API_URL, the config file, or Telegram's own server)",
    )


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "bot",
        parents=parents,
        help="run the Telegram bot (token in TELEGRAM_BOT_TOKEN)",
        description="Answer questions in Telegram with long polling. The bot token is read "
        "from TELEGRAM_BOT_TOKEN or the [bot] table of the config file; see bot/README.md.",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from qa.cli.options import settings_from_args

    from bot.settings import BotSettings

    settings = settings_from_args(args)
    config = BotSettings.resolve(settings, api_url=args.api_url)

    from bot.app import configure_logging, run_bot

    configure_logging(config.secrets(), verbose=getattr(args, "verbose", False))
    from qa.engine import Engine, EngineError

    try:
        engine = Engine(settings, build_in_child=True)  # the bot never loads the passage encoder
        return run_bot(engine, config)
    except EngineError as exc:
        print(f"qa bot: {exc}", file=sys.stderr)
        return EXIT_FAILED
