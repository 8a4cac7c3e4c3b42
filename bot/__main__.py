"""``python -m bot``: the same as ``qa bot`` (options: --api-url, --corpus, --index, --config)."""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    from qa.cli.options import common_parser
    from qa.config import ConfigError

    from bot import cli

    parser = argparse.ArgumentParser(
        prog="python -m bot",
        parents=[common_parser()],
        description="Run the report-qa Telegram bot (token in TELEGRAM_BOT_TOKEN).",
    )
    cli.add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return cli.run(args)
    except ConfigError as exc:
        print(f"python -m bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
