"""The bot's update handlers, around one :class:`qa.engine.Engine`.

* Private chat: every text message is a question. Groups: only ``/ask question``, a message
  that mentions the bot, or a reply to one of its messages.
* Questions run in a thread pool (``engine.ask`` is blocking and CPU-bound) while updates are
  handled concurrently; each user has one question in flight and a short queue behind it.
* Each chat and user has its own :class:`qa.conversation.Conversation`, in memory only: a
  follow-up ("and Shanghai?") is read with that user's last question in that chat, never
  another's; the reply shows how it was read.
* "typing" is shown (and renewed every few seconds) while an answer is computed.
* Citation buttons carry a passage id; tapping one shows the passage as a reply.
* ``/reindex`` (admins) rebuilds the index in the background and swaps it in.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, TypeVar

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from qa.conversation import Conversation

from bot import render
from bot.render import lang_of, t
from bot.settings import BotSettings

log = logging.getLogger("bot")

T = TypeVar("T")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
SEND_ATTEMPTS = 4  # network errors towards the Bot API: tries per call
SEND_BACKOFF = 0.5  # seconds, doubled after each failed try
KEY_CACHE = 4096  # long passage ids remembered for their buttons
MAX_CONVERSATIONS = 10_000  # (chat, user) conversations kept in memory; the idlest are dropped
PUNCTUATION = ",:;,:、 "  # left after removing a leading "@bot," from a question

# Non-text messages that get the "I read text" hint in private chats.
NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def _question_error_types() -> tuple[type[BaseException], ...]:
    try:
        from qa.engine import QuestionError
    except ImportError:  # pragma: no cover - the engine always defines it
        return (ValueError,)
    return (QuestionError,)


@dataclass
class _UserSlot:
    """One user's questions: one in flight (the lock), the rest waiting for it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0  # questions in flight or queued


class QABot:
    """Handlers and state of the bot. ``engine`` is used only through its public API."""

    def __init__(self, engine: Any, config: BotSettings):
        self.engine = engine
        self.config = config
        self.executor = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="qa-ask")
        self.admin_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-reindex")
        # Cheap lookups (passages, index facts) do not queue behind questions being answered.
        self.lookup_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-lookup")
        self.slots: dict[int, _UserSlot] = {}
        self.stats: Counter[str] = Counter()
        self.latencies_ms: list[float] = []
        self.errors: list[BaseException] = []  # recent handler errors (for operators and tests)
        self.reindex_task: asyncio.Task | None = None
        self._long_ids: OrderedDict[str, str] = OrderedDict()
        self._question_errors = _question_error_types()
        self.conversations: OrderedDict[tuple[int, int], Any] = OrderedDict()  # (chat, user) -> Conversation

    # -- wiring ---------------------------------------------------------------------------

    def register(self, app: Application) -> None:
        message = filters.UpdateType.MESSAGE  # new messages only: edits are not answered again
        private = filters.ChatType.PRIVATE
        groups = filters.ChatType.GROUPS
        app.add_handler(TypeHandler(Update, self.gate), group=-1)
        app.add_handler(CommandHandler("start", self.on_start, filters=message))
        app.add_handler(CommandHandler("help", self.on_help, filters=message))
        app.add_handler(CommandHandler("ask", self.on_ask, filters=message))
        app.add_handler(CommandHandler("reindex", self.on_reindex, filters=message))
        app.add_handler(MessageHandler(message & private & filters.TEXT & ~filters.COMMAND, self.on_private_text))
        app.add_handler(MessageHandler(message & groups & filters.TEXT & ~filters.COMMAND, self.on_group_text))
        app.add_handler(MessageHandler(message & private & filters.COMMAND, self.on_unknown_command))
        app.add_handler(MessageHandler(message & NON_TEXT, self.on_non_text))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_error_handler(self.on_error)

    async def post_init(self, app: Application) -> None:
        """Register the command menus: English (default), Chinese, and admins' with /reindex.

        A menu that cannot be set is logged and skipped: the bot works without it.
        """
        menus = [(BotCommandScopeDefault(), code, lang, False) for code, lang in ((None, "en"), ("zh", "zh"))]
        for admin in sorted(self.config.admins):
            menus += [(BotCommandScopeChat(admin), code, lang, True) for code, lang in ((None, "en"), ("zh", "zh"))]
        for scope, code, lang, admin in menus:
            commands = [BotCommand(c, d) for c, d in render.commands_for(lang, is_admin=admin)]
            try:
                await self.call(app.bot.set_my_commands, commands, scope=scope, language_code=code)
            except TelegramError as exc:  # e.g. an admin who has not opened a chat with the bot yet
                log.info("cannot set a command menu (%s%s): %s", "admin" if admin else "default", f", {code}" if code else "", exc)

    async def post_shutdown(self, app: Application) -> None:
        if self.reindex_task and not self.reindex_task.done():
            self.reindex_task.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.admin_executor.shutdown(wait=False, cancel_futures=True)
        self.lookup_executor.shutdown(wait=False, cancel_futures=True)
        self.log_counts()

    # -- helpers --------------------------------------------------------------------------

    async def call(self, method: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Call a Bot API method, retrying network errors with exponential backoff.

        429s are retried by the rate limiter; a refused request (400, 403) is not retried.
        """
        delay = SEND_BACKOFF
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await method(*args, **kwargs)
            except (BadRequest, Forbidden, InvalidToken, RetryAfter):
                raise
            except NetworkError as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("Bot API call failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    async def run_blocking(self, fn: Callable[..., T], *args: Any, executor: ThreadPoolExecutor | None = None) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor or self.executor, functools.partial(fn, *args))

    async def send_html(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        parts: list[str],
        *,
        reply_to: int | None = None,
        buttons: list[tuple[str, str]] | None = None,
        thread_id: int | None = None,
    ) -> list[Message]:
        """Send HTML parts in order; the first replies to ``reply_to``, the last has the buttons."""
        sent = []
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            markup = None
            if last and buttons:
                markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in buttons])
            reply = None
            if index == 0 and reply_to is not None:
                reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            sent.append(
                await self.call(
                    context.bot.send_message,
                    chat_id=chat_id,
                    text=part,
                    parse_mode=ParseMode.HTML,
                    reply_parameters=reply,
                    reply_markup=markup,
                    link_preview_options=NO_PREVIEW,
                    message_thread_id=thread_id,
                )
            )
        return sent

    async def reply_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE, html_text: str) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if chat is None:
            return
        await self.send_html(
            context,
            chat.id,
            render.split_html(html_text),
            reply_to=message.message_id if message else None,
            thread_id=_thread_id(message),
        )

    async def keep_typing(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, thread_id: int | None) -> None:
        """Show "typing" until cancelled (Telegram shows an action for 5 s at most)."""
        while True:
            try:
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
            except (TelegramError, OSError) as exc:
                log.debug("typing indicator failed: %s", exc)
            await asyncio.sleep(self.config.typing_interval)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.config.admins

    def remember_id(self, passage_id: str) -> str:
        data = render.callback_data_for(passage_id)
        if render.is_key(data):
            self._long_ids[data] = passage_id
            self._long_ids.move_to_end(data)
            while len(self._long_ids) > KEY_CACHE:
                self._long_ids.popitem(last=False)
        return data

    def log_counts(self) -> None:
        if not self.stats:
            return
        lat = sorted(self.latencies_ms)
        median = lat[len(lat) // 2] if lat else 0.0
        log.info(
            "questions=%d answered=%d unanswered=%d busy=%d errors=%d median_ms=%.0f",
            self.stats["questions"],
            self.stats["answered"],
            self.stats["unanswered"],
            self.stats["busy"],
            self.stats["errors"],
            median,
        )

    # -- handlers -------------------------------------------------------------------------

    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Drop updates from users and chats outside the allow-list (when there is one)."""
        allowed = self.config.allowed
        if allowed is None:
            return
        user = update.effective_user
        chat = update.effective_chat
        if (user and user.id in allowed) or (chat and chat.id in allowed) or (user and self.is_admin(user.id)):
            return
        lang = lang_of(user.language_code if user else None)
        if update.callback_query:
            await self.call(update.callback_query.answer, t(lang, "not_allowed"))
        elif chat and chat.type == ChatType.PRIVATE and update.message:
            await self.reply_text(update, context, render.esc(t(lang, "not_allowed")))
        raise ApplicationHandlerStop

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        lang = lang_of(user.language_code if user else None)
        text = render.render_start(lang, user.first_name if user else None, self.config.examples)
        await self.reply_text(update, context, text)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        lang = lang_of(user.language_code if user else None)
        info = await self.run_blocking(self.engine.info, executor=self.lookup_executor)
        text = render.render_help(lang, info, context.bot.username, self.is_admin(user.id if user else None))
        await self.reply_text(update, context, text)

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        question = _after_command(message)
        if not question.strip():
            lang = lang_of(update.effective_user.language_code if update.effective_user else None)
            await self.reply_text(update, context, render.esc(t(lang, "ask_usage", example=t(lang, "ask_example"))))
            return
        await self.answer_question(update, context, question)

    async def on_private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.answer_question(update, context, update.effective_message.text or "")

    async def on_group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        question = addressed_question(message, context.bot.id, context.bot.username)
        if question is None:
            return  # not for us
        if not question.strip():
            user = update.effective_user
            lang = lang_of(user.language_code if user else None)
            await self.reply_text(update, context, render.esc(t(lang, "ask_plain")))
            return
        await self.answer_question(update, context, question)

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        await self.reply_text(update, context, render.esc(t(lang_of(user.language_code if user else None), "unknown_command")))

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        chat = update.effective_chat
        if chat is None or message is None:
            return
        if chat.type != ChatType.PRIVATE and not _is_reply_to_bot(message, context.bot.id):
            return
        user = update.effective_user
        await self.reply_text(update, context, render.esc(t(lang_of(user.language_code if user else None), "text_only")))

    async def answer_question(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        """Queue the question behind the user's earlier ones (bounded) and answer it."""
        user = update.effective_user
        key = user.id if user else update.effective_chat.id
        slot = self.slots.setdefault(key, _UserSlot())
        if slot.waiting > self.config.queue:
            self.stats["busy"] += 1
            lang = lang_of(user.language_code if user else None)
            await self.reply_text(update, context, render.esc(t(lang, "one_moment")))
            return
        slot.waiting += 1
        try:
            async with slot.lock:
                await self._answer(update, context, question)
        finally:
            slot.waiting -= 1
            if slot.waiting == 0 and self.slots.get(key) is slot:
                del self.slots[key]

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        message = update.effective_message
        chat = update.effective_chat
        user = update.effective_user
        thread_id = _thread_id(message)
        ui_lang = lang_of(user.language_code if user else None)
        self.stats["questions"] += 1
        typing = asyncio.create_task(self.keep_typing(context, chat.id, thread_id))
        started = time.perf_counter()
        try:
            conversation = self.conversation_for(chat.id, user.id if user else chat.id)
            answer = await self.run_blocking(conversation.ask, question)
        except self._question_errors as exc:
            typing.cancel()
            await self.reply_text(update, context, render.esc(str(exc)))
            return
        finally:
            typing.cancel()
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.latencies_ms = (self.latencies_ms + [elapsed_ms])[-1000:]
        self.stats["answered" if answer.answered else "unanswered"] += 1
        if self.config.log_questions:
            log.info(
                "question from user %s: %r -> answered=%s in %.0f ms",
                user.id if user else "?",
                question,
                answer.answered,
                elapsed_ms,
            )
        else:
            log.info("question %d: answered=%s in %.0f ms", self.stats["questions"], answer.answered, elapsed_ms)
        reply = render.render_answer(answer, lang=getattr(answer, "lang", None) or ui_lang)
        buttons = [(label, self._keep(data, answer)) for label, data in reply.buttons]
        await self.send_html(context, chat.id, reply.parts, reply_to=message.message_id, buttons=buttons, thread_id=thread_id)
        if self.stats["questions"] % 50 == 0:
            self.log_counts()

    def conversation_for(self, chat_id: int, user_id: int) -> Any:
        """The conversation of one user in one chat (the least recently used go first)."""
        key = (chat_id, user_id)
        conversation = self.conversations.pop(key, None) or Conversation(self.engine)
        self.conversations[key] = conversation
        while len(self.conversations) > MAX_CONVERSATIONS:
            self.conversations.popitem(last=False)
        return conversation

    def _keep(self, data: str, answer: Any) -> str:
        if render.is_key(data):
            for citation in answer.citations:
                if render.callback_data_for(citation.passage.id) == data:
                    return self.remember_id(citation.passage.id)
        return data

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A citation button: show the full passage as a reply to the answer."""
        query = update.callback_query
        lang = lang_of(query.from_user.language_code if query.from_user else None)
        data = query.data or ""
        passage_id = self._long_ids.get(data) if render.is_key(data) else data
        passage = (
            await self.run_blocking(self.engine.passage, passage_id, executor=self.lookup_executor)
            if passage_id
            else None
        )
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        reply_to = message.message_id if isinstance(message, Message) else None
        thread_id = _thread_id(message) if isinstance(message, Message) else None
        if passage is None:
            await self.call(query.answer, t(lang, "gone_short"))
            await self.send_html(context, chat_id, [render.render_gone(lang)], reply_to=reply_to, thread_id=thread_id)
            return
        await self.call(query.answer)
        await self.send_html(context, chat_id, render.render_passage(passage, lang), reply_to=reply_to, thread_id=thread_id)

    async def on_reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        lang = lang_of(user.language_code if user else None)
        if not self.is_admin(user.id if user else None):
            await self.reply_text(update, context, render.esc(t(lang, "not_admin")))
            return
        if self.reindex_task and not self.reindex_task.done():
            await self.reply_text(update, context, render.esc(t(lang, "reindex_running")))
            return
        await self.reply_text(update, context, render.esc(t(lang, "reindex_started")))
        self.reindex_task = context.application.create_task(self._reindex(update, context, lang), update=update)

    async def _reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
        log.info("reindex requested by an admin")
        try:
            summary = await self.run_blocking(self.engine.build, executor=self.admin_executor)
            swapped = await self.run_blocking(self.engine.reload_if_changed, executor=self.admin_executor)
        except Exception as exc:  # report to the admin, keep serving the old index
            log.exception("reindex failed")
            await self.reply_text(update, context, render.esc(t(lang, "reindex_failed", error=exc)))
            return
        log.info("reindex done: %s", _summary_dict(summary))
        await self.reply_text(update, context, render.render_reindex(lang, summary, swapped))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error (the log handlers scrub the token) and apologise to the user."""
        error = context.error
        self.stats["errors"] += 1
        self.errors = (self.errors + [error])[-50:]
        if isinstance(error, NetworkError) and not isinstance(error, BadRequest) and not isinstance(update, Update):
            log.warning("network error talking to the Bot API: %s", error)
            return
        log.error("error while handling an update: %s", error, exc_info=error)
        if not isinstance(update, Update) or isinstance(error, Forbidden):
            return
        chat = update.effective_chat
        if chat is None:
            return
        user = update.effective_user
        lang = lang_of(user.language_code if user else None)
        try:
            if update.callback_query:
                await update.callback_query.answer()
            await self.send_html(
                context,
                chat.id,
                [render.esc(t(lang, "apology"))],
                reply_to=update.effective_message.message_id if update.effective_message else None,
                thread_id=_thread_id(update.effective_message),
            )
        except TelegramError as exc:
            log.warning("could not apologise: %s", exc)


def _summary_dict(summary: Any) -> dict:
    if hasattr(summary, "to_dict"):
        return summary.to_dict()
    return dict(summary) if isinstance(summary, dict) else {"summary": repr(summary)}


def _thread_id(message: Message | None) -> int | None:
    if message is not None and getattr(message, "is_topic_message", False):
        return message.message_thread_id
    return None


def _after_command(message: Message) -> str:
    """The text after the leading /command (and its @botname)."""
    text = message.text or ""
    for entity in message.entities or ():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[_utf16_to_index(text, entity.length) :].strip()
    return text.partition(" ")[2].strip()


def _utf16_to_index(text: str, units: int) -> int:
    """Python index of the character after ``units`` UTF-16 code units."""
    count = 0
    for index, char in enumerate(text):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def _is_reply_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def addressed_question(message: Message, bot_id: int, bot_username: str | None) -> str | None:
    """The question in a group message addressed to the bot, or None when it is not.

    Addressed means: it mentions the bot (@username or a text mention) or replies to one of
    the bot's messages. The mention itself is removed from the question.
    """
    text = message.text or ""
    mentioned = False
    spans: list[tuple[int, int]] = []
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if entity.type == MessageEntity.MENTION and bot_username and value.lower() == "@" + bot_username.lower():
            mentioned = True
            spans.append((entity.offset, entity.length))
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            mentioned = True
            spans.append((entity.offset, entity.length))
    if not mentioned and not _is_reply_to_bot(message, bot_id):
        return None
    for offset, length in sorted(spans, reverse=True):
        start = _utf16_to_index(text, offset)
        end = _utf16_to_index(text, offset + length)
        text = text[:start] + " " + text[end:]
    return " ".join(text.split()).lstrip(PUNCTUATION).strip()
