"""The bot's own settings, resolved from the environment and the ``[bot]`` table of qa.toml.

Precedence: command-line flag (only ``--api-url``) > environment variable > config file >
default. The token is never taken from the command line (it would show in ``ps``)::

    [bot]
    token = "123456:ABC..."        # TELEGRAM_BOT_TOKEN (the environment wins)
    api_url = "http://127.0.0.1:8081/bot"   # TELEGRAM_API_URL; the token is appended
    admins = [12345]               # QA_BOT_ADMINS="12345,67890": may run /reindex
    allow = [12345, -100987]       # QA_BOT_ALLOW: only these users/chats (default: everyone)
    examples = ["how much did Qingdao give Yiling", "青岛市给夷陵区援助了多少资金"]
    # or examples = { en = [...], zh = [...] }
    questions_file = "questions/three-gorges.jsonl"   # examples picked from here otherwise
    log_questions = false          # QA_BOT_LOG_QUESTIONS=1 logs question texts
    workers = 2                    # threads answering questions
    queue = 2                      # questions a user may queue behind the one in flight
    max_retries = 3                # retries after a 429 (Too Many Requests)
    webhook_url = "https://bot.example.org/telegram"  # webhook mode instead of polling
    webhook_listen = "127.0.0.1"
    webhook_port = 8443
    # webhook secret: TELEGRAM_WEBHOOK_SECRET (environment only)
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from qa.config import ConfigError, Settings

log = logging.getLogger(__name__)

DEFAULT_QUESTIONS_FILE = "questions/three-gorges.jsonl"
EXAMPLES_PER_LANGUAGE = 3
MAX_EXAMPLE_CHARS = 80
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    listen: str = "127.0.0.1"
    port: int = 8443
    secret: str | None = None


@dataclass
class BotSettings:
    token: str = field(repr=False)
    api_url: str | None = None
    admins: frozenset[int] = frozenset()
    allowed: frozenset[int] | None = None  # user or chat ids; None: everyone
    examples: dict[str, list[str]] = field(default_factory=dict)  # "en"/"zh" -> questions
    log_questions: bool = False
    workers: int = 2
    queue: int = 2
    max_retries: int = 3
    typing_interval: float = 4.0
    poll_timeout: int = 10
    webhook: WebhookSettings | None = None

    @property
    def base_file_url(self) -> str | None:
        """The file endpoint that goes with ``api_url`` (".../bot" -> ".../file/bot")."""
        if not self.api_url:
            return None
        if self.api_url.endswith("/bot"):
            return self.api_url[: -len("bot")] + "file/bot"
        return self.api_url

    def secrets(self) -> list[str]:
        """Strings that must never reach a log or the terminal."""
        found = [self.token]
        if self.webhook and self.webhook.secret:
            found.append(self.webhook.secret)
        return [s for s in found if s]

    @classmethod
    def resolve(
        cls,
        settings: Settings,
        *,
        api_url: str | None = None,
        env: Mapping[str, str] | None = None,
        require_token: bool = True,
    ) -> "BotSettings":
        env = os.environ if env is None else env
        table: dict[str, Any] = dict(settings.bot or {})

        token = (env.get("TELEGRAM_BOT_TOKEN") or str(table.get("token") or "")).strip()
        if require_token and not token:
            raise ConfigError(
                "no Telegram bot token: set TELEGRAM_BOT_TOKEN (or token in the [bot] table "
                "of the config file); see bot/README.md"
            )
        if token and re.search(r"\s|/", token):
            raise ConfigError("the Telegram bot token is malformed (it holds spaces or '/')")

        url = api_url or env.get("TELEGRAM_API_URL") or table.get("api_url") or None
        if url is not None:
            url = str(url).strip()
            if not re.match(r"^https?://", url):
                raise ConfigError(f"the Bot API URL must start with http:// or https://: {url!r}")

        admins = _ids(env.get("QA_BOT_ADMINS") or table.get("admins") or (), "admins")
        allow_raw = env.get("QA_BOT_ALLOW") or table.get("allow")
        allowed = _ids(allow_raw, "allow") if allow_raw else None

        log_raw = env.get("QA_BOT_LOG_QUESTIONS")
        log_questions = _truthy(log_raw) if log_raw else bool(table.get("log_questions", False))

        webhook = None
        if table.get("webhook_url") or env.get("TELEGRAM_WEBHOOK_URL"):
            webhook = WebhookSettings(
                url=str(env.get("TELEGRAM_WEBHOOK_URL") or table["webhook_url"]),
                listen=str(table.get("webhook_listen", "127.0.0.1")),
                port=_int(table.get("webhook_port", 8443), "webhook_port", 1),
                secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            )

        return cls(
            token=token,
            api_url=url,
            admins=admins,
            allowed=allowed,
            examples=resolve_examples(settings, table),
            log_questions=log_questions,
            workers=_int(table.get("workers", 2), "workers", 1),
            queue=_int(table.get("queue", 2), "queue", 0),
            max_retries=_int(table.get("max_retries", 3), "max_retries", 0),
            typing_interval=float(table.get("typing_interval", 4.0)),
            poll_timeout=_int(table.get("poll_timeout", 10), "poll_timeout", 0),
            webhook=webhook,
        )


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: Any, name: str, minimum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"[bot] {name} must be an integer, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"[bot] {name} must be at least {minimum}")
    return number


def _ids(value: Any, name: str) -> frozenset[int]:
    """User/chat ids from "1,2, 3" or [1, 2, 3]."""
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    if isinstance(items, (int, float)):
        items = [items]
    ids = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            ids.add(int(text))
        except ValueError:
            raise ConfigError(f"[bot] {name}: {text!r} is not a numeric Telegram id") from None
    return frozenset(ids)


def language_of_text(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


def resolve_examples(settings: Settings, table: Mapping[str, Any]) -> dict[str, list[str]]:
    """Example questions for /start: ``[bot] examples``, else picked from the question set."""
    configured = table.get("examples")
    if configured:
        return _group_examples(configured)
    path = _questions_path(settings, table)
    if path is None:
        return {}
    try:
        return pick_examples(path)
    except OSError as exc:
        log.warning("cannot read example questions from %s: %s", path, exc)
        return {}


def _group_examples(configured: Any) -> dict[str, list[str]]:
    if isinstance(configured, Mapping):
        return {
            str(lang): [str(q) for q in questions if str(q).strip()]
            for lang, questions in configured.items()
        }
    if isinstance(configured, str):
        configured = [configured]
    grouped: dict[str, list[str]] = {}
    for question in configured:
        question = str(question).strip()
        if question:
            grouped.setdefault(language_of_text(question), []).append(question)
    return grouped


def _questions_path(settings: Settings, table: Mapping[str, Any]) -> Path | None:
    if table.get("questions_file"):
        path = Path(os.path.expanduser(str(table["questions_file"])))
        if not path.is_absolute():
            base = settings.config_path.parent if settings.config_path else Path.cwd()
            path = base / path
        if not path.exists():
            log.warning("[bot] questions_file %s does not exist", path)
            return None
        return path
    bases = [Path.cwd(), Path(settings.corpus_dir).parent]
    if settings.config_path:
        bases.insert(0, settings.config_path.parent)
    for base in bases:
        path = base / DEFAULT_QUESTIONS_FILE
        if path.exists():
            return path
    return None


def _is_answerable(record: Mapping[str, Any]) -> bool:
    for key in ("answerable", "answered", "has_answer"):
        if key in record and not record[key]:
            return False
    if record.get("unanswerable"):
        return False
    if "answers" in record and not record["answers"]:
        return False
    kind = str(record.get("kind") or record.get("type") or record.get("category") or "").lower()
    return "unanswerable" not in kind and "no_answer" not in kind and "abstain" not in kind


def pick_examples(path: Path, per_language: int = EXAMPLES_PER_LANGUAGE) -> dict[str, list[str]]:
    """A few answerable questions per language from a JSONL question set, in file order.

    Tolerant of the record layout: the text is ``question`` (or ``q``/``text``), the language
    ``lang``/``language`` (else guessed from the text); records marked unanswerable are skipped.
    """
    picked: dict[str, list[str]] = {}
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(record, dict) or not _is_answerable(record):
                continue
            question = record.get("question") or record.get("q") or record.get("text")
            if not isinstance(question, str) or not question.strip():
                continue
            question = " ".join(question.split())
            if len(question) > MAX_EXAMPLE_CHARS:
                continue
            lang = str(record.get("lang") or record.get("language") or language_of_text(question)).lower()
            if lang.startswith("zh"):
                lang = "zh"
            elif lang.startswith("en"):
                lang = "en"
            else:
                continue  # "mixed" and other languages do not make good examples
            bucket = picked.setdefault(lang, [])
            if len(bucket) < per_language and question not in bucket:
                bucket.append(question)
    return picked
