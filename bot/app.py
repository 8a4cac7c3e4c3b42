"""Build and run the Telegram bot: long polling (default) or a webhook.

Usage::

    export TELEGRAM_BOT_TOKEN=123456:ABC...     # from @BotFather; never on the command line
    qa bot                                       # or: python -m bot
    qa bot --api-url http://127.0.0.1:8081/bot   # a self-hosted Bot API server

The index is built first if there is none, the model is loaded, then the bot answers until
SIGINT or SIGTERM, after which it finishes the updates in hand and stops. See bot/README.md.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any, Iterable

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.handlers import QABot
from bot.settings import BotSettings

log = logging.getLogger("bot")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]  # edits are not fetched at all
CONCURRENT_UPDATES = 64
CONNECT_BACKOFF_MAX = 60.0


# -- logging ------------------------------------------------------------------------------------


class ScrubbingFormatter(logging.Formatter):
    """Wraps a formatter and replaces secrets (the bot token) in everything it formats."""

    def __init__(self, inner: logging.Formatter | None, secrets: Iterable[str]):
        super().__init__()
        self.inner = inner or logging.Formatter("%(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text


def configure_logging(secrets: Iterable[str], verbose: bool = False) -> None:
    """Scrub secrets from every root handler; keep httpx (request URLs hold the token) quiet."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    secrets = list(secrets)
    for handler in root.handlers:
        inner = handler.formatter
        if isinstance(inner, ScrubbingFormatter):
            inner = inner.inner
        handler.setFormatter(ScrubbingFormatter(inner, secrets))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # The bot's own progress lines (start, questions as counts, reindex) at INFO.
    logging.getLogger("bot").setLevel(logging.INFO)
    if not verbose:
        logging.getLogger("telegram").setLevel(logging.WARNING)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


# -- application ---------------------------------------------------------------------------------


def build_application(engine: Any, config: BotSettings, qabot: QABot | None = None) -> tuple[Application, QABot]:
    """The PTB Application with the bot's handlers, a rate limiter and concurrent updates."""
    qabot = qabot or QABot(engine, config)
    builder = (
        ApplicationBuilder()
        .token(config.token)
        .rate_limiter(AIORateLimiter(max_retries=config.max_retries))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(qabot.post_init)
        .post_shutdown(qabot.post_shutdown)
        .get_updates_read_timeout(config.poll_timeout + 10)
    )
    if config.api_url:
        builder = builder.base_url(config.api_url).base_file_url(config.base_file_url)
    app = builder.build()
    qabot.register(app)
    app.bot_data["qabot"] = qabot
    return app, qabot


class Stopped(Exception):
    """A stop signal arrived before the bot could connect."""


async def _initialize(app: Application, stop: asyncio.Event | None = None) -> None:
    """app.initialize() (getMe), retrying network errors with backoff until ``stop``."""
    delay = 1.0
    while True:
        try:
            await app.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.warning("cannot reach the Bot API (%s); retrying in %.0f s", exc, delay)
        if stop is None:
            await asyncio.sleep(delay)
        else:
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass
            else:
                raise Stopped
        delay = min(CONNECT_BACKOFF_MAX, delay * 2)


def _polling_error(exc: TelegramError) -> None:
    log.warning("polling for updates failed (%s); retrying with backoff", exc)


async def start(app: Application, config: BotSettings, stop: asyncio.Event | None = None) -> None:
    """Connect, register commands and start receiving updates (polling or webhook)."""
    await _initialize(app, stop)
    if app.post_init:
        await app.post_init(app)
    await app.start()
    if config.webhook:
        from urllib.parse import urlparse

        path = urlparse(config.webhook.url).path.lstrip("/")
        await app.updater.start_webhook(
            listen=config.webhook.listen,
            port=config.webhook.port,
            url_path=path,
            webhook_url=config.webhook.url,
            secret_token=config.webhook.secret,
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=-1,
        )
    else:
        await app.updater.start_polling(
            timeout=config.poll_timeout,
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=-1,
            error_callback=_polling_error,
        )
    log.info("bot @%s is running (%s)", app.bot.username, "webhook" if config.webhook else "long polling")


async def stop(app: Application) -> None:
    """Stop receiving, finish the updates in hand, close the connections."""
    if app.updater and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


async def serve(engine: Any, config: BotSettings) -> int:
    """Run until SIGINT/SIGTERM; returns an exit status."""
    app, _ = build_application(engine, config)
    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop_event.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not on Unix
            pass
    try:
        await start(app, config, stop_event)
    except InvalidToken:
        log.error("the Bot API server refused the token: check TELEGRAM_BOT_TOKEN")
        await app.shutdown()
        return 1
    except Stopped:
        log.info("stopped before connecting")
        await app.shutdown()
        return 0
    try:
        await stop_event.wait()
        log.info("stopping…")
    finally:
        await stop(app)
    log.info("stopped")
    return 0


def prepare_engine(engine: Any) -> None:
    """Build the index if there is none, then load index and model (before going online)."""
    log.info("preparing the index and the model (the first run builds the index)")
    summary = engine.ensure_index()
    if summary is not None:
        record = summary.to_dict() if hasattr(summary, "to_dict") else summary
        log.info("built the index: %s", record)
    engine.load()
    info = engine.info()
    log.info("index: %s documents, %s passages, built %s", info.get("documents"), info.get("passages"), info.get("index_built"))


async def check_token(config: BotSettings) -> bool | None:
    """One getMe: True if the token is accepted, False if refused, None if unreachable."""
    kwargs = {"base_url": config.api_url, "base_file_url": config.base_file_url} if config.api_url else {}
    try:
        async with Bot(config.token, **kwargs):
            return True
    except InvalidToken:  # its message holds the token: never log it
        return False
    except NetworkError:
        return None


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def check_webhook_support(config: BotSettings) -> None:
    """Webhook mode needs the ``webhooks`` extra of python-telegram-bot (tornado)."""
    if config.webhook is None:
        return
    try:
        import tornado  # noqa: F401
    except ImportError:
        from qa.config import ConfigError

        raise ConfigError(
            'webhook mode needs tornado: pip install "python-telegram-bot[webhooks]" '
            "(or remove webhook_url from the [bot] table to use long polling)"
        ) from None


def run_bot(engine: Any, config: BotSettings) -> int:
    """Prepare the engine, then serve until SIGINT/SIGTERM."""
    check_webhook_support(config)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM while loading: stop cleanly
    try:
        accepted = asyncio.run(check_token(config))  # fail fast, before the slow model load
        if accepted is False:
            log.error("the Bot API server refused the token: check TELEGRAM_BOT_TOKEN")
            return 1
        if accepted is None:
            log.warning("cannot reach the Bot API now; the bot will keep trying once it is ready")
        prepare_engine(engine)
    except KeyboardInterrupt:
        log.info("stopped while preparing the index")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    return asyncio.run(serve(engine, config))
