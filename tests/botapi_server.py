"""A strict fake Telegram Bot API server on 127.0.0.1, for end-to-end tests without Telegram.

Standard library only; it runs in its own threads, so the bot under test can run in any
event loop (or another process). It plays both sides of Telegram:

* the Bot API the bot calls: getMe, deleteWebhook, getUpdates (long polling), sendMessage,
  sendChatAction, editMessageText, answerCallbackQuery, setMyCommands, getMyCommands,
  deleteMyCommands, close, logOut; setWebhook/getWebhookInfo (updates are then POSTed to the
  bot's webhook with the secret header, and getUpdates answers 409 as Telegram's does);
* the users: :meth:`FakeBotAPI.user_says` and friends queue updates the way Telegram builds
  them (a ``bot_command`` entity for /commands, ``mention`` entities, UTF-16 offsets).

It is as strict as Telegram where the bot could go wrong: text over 4096 characters (after
entity parsing), HTML that Telegram would not parse (unknown tags, unbalanced tags, a bare
``&`` or ``<``, unknown named entities), callback_data over 64 bytes, replies to messages that
do not exist, unknown chats, callback queries answered twice. Every call is logged
(:attr:`FakeBotAPI.calls`) and failures can be injected (:meth:`FakeBotAPI.fail_next`: 429
with retry_after, 500, ...).

Usage::

    with FakeBotAPI(token="123:abc") as api:
        ...  # point the bot at api.base_url ("http://127.0.0.1:PORT/bot")
        msg = api.user_says("how much did Qingdao give Yiling")
        [reply] = api.wait_replies(msg, timeout=30)
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

# Tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}

INT_FIELDS = {
    "chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "message_thread_id",
    "user_id", "reply_to_message_id",
}
JSON_FIELDS = {
    "reply_markup", "reply_parameters", "allowed_updates", "commands", "scope", "entities",
    "link_preview_options",
}
BOOL_FIELDS = {
    "show_alert", "disable_notification", "protect_content", "drop_pending_updates",
    "disable_web_page_preview", "allow_sending_without_reply",
}


class ApiError(Exception):
    """A Bot API error answer: HTTP status and description (as Telegram words them)."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- Telegram's HTML parse mode -------------------------------------------------------------

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Parse Telegram HTML: returns (plain text, entities) or raises a 400 like Telegram."""
    out: list[str] = []
    entities: list[dict] = []
    stack: list[tuple[str, int, dict]] = []  # (tag, utf16 offset, attributes)
    position = 0
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if not match:
                raise bad_request(
                    f"can't parse entities: Unexpected end of name token at byte offset "
                    f"{len(text[:i].encode())}"
                )
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                raise bad_request(
                    f"can't parse entities: Unsupported start tag \"{name}\" at byte offset "
                    f"{len(text[:i].encode())}"
                )
            if closing:
                if not stack:
                    raise bad_request(
                        f"can't parse entities: Unexpected end tag at byte offset {len(text[:i].encode())}"
                    )
                open_name, start, attributes = stack.pop()
                if open_name != name:
                    raise bad_request(
                        f"can't parse entities: Can't find end tag corresponding to start tag \"{open_name}\""
                    )
                length = position - start
                if length > 0:
                    entities.append(_entity_for(open_name, start, length, attributes))
            else:
                attributes = {
                    m.group(1).lower(): html.unescape(next((g for g in m.groups()[1:] if g is not None), ""))
                    for m in _ATTR.finditer(attrs)
                }
                if name == "span" and attributes.get("class") != "tg-spoiler":
                    raise bad_request(
                        "can't parse entities: Tag \"span\" must have class \"tg-spoiler\" at byte offset "
                        f"{len(text[:i].encode())}"
                    )
                if name == "a" and "href" not in attributes:
                    raise bad_request("can't parse entities: Tag \"a\" must have attribute \"href\"")
                if stack and stack[-1][0] in ("pre", "code") and name != "code":
                    raise bad_request("can't parse entities: nested entities are not allowed in pre/code")
                stack.append((name, position, attributes))
            i = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(text, i)
            if not match:
                raise bad_request(
                    f"can't parse entities: Character '&' is reserved and must be escaped (byte offset "
                    f"{len(text[:i].encode())})"
                )
            body = match.group(1)
            if body.startswith("#x"):
                value = chr(int(body[2:], 16))
            elif body.startswith("#"):
                value = chr(int(body[1:]))
            elif body in NAMED_ENTITIES:
                value = NAMED_ENTITIES[body]
            else:
                raise bad_request(f"can't parse entities: Unsupported HTML entity \"&{body};\"")
            out.append(value)
            position += utf16_len(value)
            i = match.end()
            continue
        out.append(char)
        position += utf16_len(char)
        i += 1
    if stack:
        raise bad_request(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1][0]}\"")
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _entity_for(name: str, offset: int, length: int, attributes: dict) -> dict:
    kind = {
        "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
        "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
        "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link",
        "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
    }[name]
    if kind == "blockquote" and "expandable" in attributes:
        kind = "expandable_blockquote"
    entity = {"type": kind, "offset": offset, "length": length}
    if kind == "text_link":
        entity["url"] = attributes["href"]
    return entity


# -- entities Telegram adds to what users type ------------------------------------------------

_COMMAND = re.compile(r"(?<!\S)/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?(?![\w@/])")
_MENTION = re.compile(r"(?<![\w@])@[a-zA-Z0-9_]{5,32}(?!\w)")


def user_entities(text: str) -> list[dict]:
    """The entities Telegram attaches to a typed message: bot commands and @mentions."""
    entities = []
    for pattern, kind in ((_COMMAND, "bot_command"), (_MENTION, "mention")):
        for match in pattern.finditer(text):
            entities.append(
                {"type": kind, "offset": utf16_len(text[: match.start()]), "length": utf16_len(match.group())}
            )
    return sorted(entities, key=lambda e: e["offset"])


# -- the server -----------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the bot made (status 0 while it is being answered, e.g. a long poll)."""

    method: str
    params: dict
    status: int
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class _Failure:
    method: str
    status: int
    description: str
    retry_after: int | None
    remaining: int


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-request (a bot process stopped while it long-polls) is
    normal here, not an error worth a traceback."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class FakeBotAPI:
    def __init__(
        self,
        token: str = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz",
        *,
        bot_id: int | None = None,
        username: str = "report_qa_test_bot",
        first_name: str = "Report QA",
        max_poll_timeout: float = 50.0,
    ):
        self.token = token
        self.bot_id = bot_id if bot_id is not None else int(token.split(":")[0])
        self.username = username
        self.first_name = first_name
        self.max_poll_timeout = max_poll_timeout
        self.cond = threading.Condition()
        self.calls: list[Call] = []
        self.updates: list[dict] = []  # not yet confirmed
        self.messages: dict[tuple[int, int], dict] = {}  # (chat_id, message_id) -> message
        self.chats: dict[int, dict] = {}
        self.callback_queries: dict[str, dict] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.allowed_updates: list[str] | None = None
        self.html: dict[tuple[int, int], str] = {}  # the text the bot sent, markup included
        self.webhook_deleted = 0
        self.webhook: dict | None = None  # set by setWebhook: updates are POSTed there
        self.webhook_deliveries: list[tuple[int, int | str]] = []  # (update_id, HTTP status)
        self._failures: list[_Failure] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._query_ids = itertools.count(1)
        self._poll_generation = 0
        self._wake_generation = 0
        self._stopping = False
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self.hooks: dict[str, Callable[[dict], None]] = {}  # method -> called with params

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "FakeBotAPI":
        api = self

        class Handler(_Handler):
            server_api = api

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-bot-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; pending long polls return at once (empty) so clients are not held."""
        self.release_polls()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def release_polls(self) -> None:
        """From now on getUpdates answers at once; wakes the polls waiting now."""
        with self.cond:
            self._stopping = True
            self.cond.notify_all()

    def release_polls_once(self) -> None:
        """Answer the long polls waiting now with no updates (the next ones wait as usual)."""
        with self.cond:
            self._wake_generation += 1
            self.cond.notify_all()

    def __enter__(self) -> "FakeBotAPI":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """What to pass as the bot's API URL (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- the user side ----------------------------------------------------------------------------

    def user(self, user_id: int = 1001, first_name: str = "Alice", language_code: str | None = "en") -> dict:
        record = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            record["language_code"] = language_code
        return record

    def bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def _chat(self, chat_id: int, chat_type: str, user: dict) -> dict:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": f"Group {chat_id}"}
        self.chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _push(self, kind: str, payload: dict) -> dict:
        with self.cond:
            update = {"update_id": next(self._update_ids), kind: payload}
            webhook = self.webhook
            if webhook is None:
                self.updates.append(update)
                self.cond.notify_all()
        if webhook is not None and self._allowed(update):
            self._deliver(webhook, update)
        return update

    def _deliver(self, webhook: dict, update: dict) -> None:
        """POST an update to the bot's webhook, as Telegram does (with the secret header)."""
        import urllib.error
        import urllib.request

        headers = {"Content-Type": "application/json"}
        if webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        request = urllib.request.Request(
            webhook["url"], data=json.dumps(update).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status: int | str = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            status = f"error: {exc}"
        with self.cond:
            self.webhook_deliveries.append((update["update_id"], status))
            self.cond.notify_all()

    def user_message(
        self,
        *,
        text: str | None = None,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "en",
        first_name: str = "Alice",
        reply_to: dict | None = None,
        extra: dict | None = None,
        entities: list[dict] | None = None,
    ) -> dict:
        """Queue a message from a user (like Telegram would deliver it) and return it."""
        user = self.user(user_id, first_name, language_code)
        chat_id = chat_id if chat_id is not None else (user_id if chat_type == "private" else -100)
        with self.cond:
            chat = self._chat(chat_id, chat_type, user)
            message: dict[str, Any] = {
                "message_id": self._next_message_id(chat_id),
                "date": int(time.time()),
                "chat": chat,
                "from": user,
            }
            if text is not None:
                message["text"] = text
                found = user_entities(text) if entities is None else entities
                if found:
                    message["entities"] = found
            if reply_to is not None:
                message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
            if extra:
                message.update(extra)
            self.messages[(chat_id, message["message_id"])] = message
        self._push("message", message)
        return message

    def user_says(self, text: str, **kwargs: Any) -> dict:
        return self.user_message(text=text, **kwargs)

    def user_sends_sticker(self, **kwargs: Any) -> dict:
        sticker = {
            "file_id": "CAACAgIAAxkBAAEBsticker", "file_unique_id": "AgADsticker", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍",
        }
        return self.user_message(extra={"sticker": sticker}, **kwargs)

    def user_sends_photo(self, **kwargs: Any) -> dict:
        photo = [{"file_id": "AgACAgIAAxkBAAEBphoto", "file_unique_id": "AQADphoto", "width": 90, "height": 60}]
        return self.user_message(extra={"photo": photo}, **kwargs)

    def user_sends_voice(self, **kwargs: Any) -> dict:
        voice = {"file_id": "AwACAgIAAxkBAAEBvoice", "file_unique_id": "AgADvoice", "duration": 2}
        return self.user_message(extra={"voice": voice}, **kwargs)

    def user_edits(self, message: dict, new_text: str) -> dict:
        """Queue an edited_message update for a message the user sent earlier."""
        with self.cond:
            edited = dict(message)
            edited["text"] = new_text
            edited["edit_date"] = int(time.time())
            found = user_entities(new_text)
            if found:
                edited["entities"] = found
            else:
                edited.pop("entities", None)
            self.messages[(message["chat"]["id"], message["message_id"])] = edited
        self._push("edited_message", edited)
        return edited

    def user_presses(self, message: dict, data: str, *, user_id: int = 1001, language_code: str | None = "en") -> str:
        """Queue a callback query for an inline button of a bot message; returns its id."""
        with self.cond:
            stored = self.messages.get((message["chat"]["id"], message["message_id"]))
            if stored is None:
                raise AssertionError("no such message")
            buttons = [b for row in (stored.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
            if not any(b.get("callback_data") == data for b in buttons):
                raise AssertionError(f"message has no button with callback_data {data!r}")
            query_id = str(next(self._query_ids) * 7919)
            query = {
                "id": query_id,
                "from": self.user(user_id, "Alice", language_code),
                "chat_instance": f"ci{message['chat']['id']}",
                "message": stored,
                "data": data,
            }
            self.callback_queries[query_id] = {"answered": False, "query": query, "answer": None}
        self._push("callback_query", query)
        return query_id

    # -- failures ---------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail (429 needs ``retry_after``)."""
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                try:
                    description = HTTPStatus(status).phrase
                except ValueError:
                    description = "Error"
        with self.cond:
            self._failures.append(_Failure(method, status, description, retry_after, count))

    def delete_message(self, chat_id: int, message_id: int) -> None:
        with self.cond:
            self.messages.pop((chat_id, message_id), None)

    # -- inspection ---------------------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        with self.cond:
            return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """Messages the bot sent successfully (stored message objects), in order."""
        with self.cond:
            return [
                c.result for c in self.calls
                if c.method == "sendMessage" and c.ok and (chat_id is None or c.result["chat"]["id"] == chat_id)
            ]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
        """Wait until ``predicate()`` (called under the lock) is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                value = predicate()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"timed out after {timeout} s waiting for {what}; calls: {self.summary()}")
                self.cond.wait(left)

    def wait_sent(self, chat_id: int, count: int = 1, *, after: int = 0, timeout: float = 10.0) -> list[dict]:
        """Wait for ``count`` bot messages in a chat (beyond the first ``after``); return them."""

        def check():
            found = [
                c.result for c in self.calls
                if c.method == "sendMessage" and c.ok and c.result["chat"]["id"] == chat_id
            ][after:]
            return found if len(found) >= count else None

        return self.wait_for(check, timeout, f"{count} message(s) in chat {chat_id}")[:count]

    def wait_replies(self, message: dict, count: int = 1, timeout: float = 10.0) -> list[dict]:
        """Wait until the bot has replied to ``message`` and return the reply with what follows.

        The first part of a reply quotes the question; the parts after it (a split reply) are
        sent next in the same chat. Returns ``count`` messages starting at the quoting one.
        """
        chat_id = message["chat"]["id"]

        def check():
            sent = [
                c.result for c in self.calls
                if c.method == "sendMessage" and c.ok and c.result["chat"]["id"] == chat_id
            ]
            for index, item in enumerate(sent):
                if (item.get("reply_to_message") or {}).get("message_id") == message["message_id"]:
                    found = sent[index : index + count]
                    return found if len(found) >= count else None
            return None

        return self.wait_for(check, timeout, f"a reply to message {message['message_id']}")

    def html_of(self, message: dict) -> str:
        """The HTML the bot sent for one of its messages (before entity parsing)."""
        with self.cond:
            return self.html[(message["chat"]["id"], message["message_id"])]

    def summary(self) -> str:
        return ", ".join(f"{c.method}:{c.status}" for c in self.calls[-30:])

    # -- request handling ------------------------------------------------------------------------------

    def handle(self, token: str, method: str, params: dict) -> tuple[int, dict]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        call = Call(method, params, 0)  # logged on arrival (long polls are seen while they wait)
        with self.cond:
            self.calls.append(call)
            self.cond.notify_all()
        status, body = self._answer(method, params)
        with self.cond:
            call.status = status
            if body.get("ok"):
                call.result = body["result"]
            else:
                call.error = body.get("description")
            self.cond.notify_all()
        return status, body

    def _answer(self, method: str, params: dict) -> tuple[int, dict]:
        handler = getattr(self, "api_" + method.lower(), None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        hook = self.hooks.get(method)
        if hook is not None:
            hook(params)
        failure = self._take_failure(method)
        if failure is not None:
            body: dict[str, Any] = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.status, body
        try:
            result = handler(params)
        except ApiError as exc:
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return exc.status, body
        return 200, {"ok": True, "result": result}

    def _take_failure(self, method: str) -> _Failure | None:
        with self.cond:
            for failure in self._failures:
                if failure.method.lower() == method.lower() and failure.remaining > 0:
                    failure.remaining -= 1
                    if failure.remaining == 0:
                        self._failures.remove(failure)
                    return failure
        return None

    @staticmethod
    def _require(params: dict, *names: str) -> None:
        for name in names:
            if params.get(name) in (None, ""):
                raise bad_request(f"{name} is empty" if name == "text" else f"parameter \"{name}\" is required")

    def _known_chat(self, params: dict) -> dict:
        self._require(params, "chat_id")
        chat_id = params["chat_id"]
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise bad_request("chat not found")
        return self.chats[chat_id]

    def _check_text(self, params: dict) -> tuple[str, list[dict]]:
        text = params.get("text")
        if text is None or text == "":
            raise bad_request("message text is empty")
        mode = params.get("parse_mode")
        if mode is None or mode == "":
            plain, entities = text, []
        elif str(mode).upper() == "HTML":
            plain, entities = parse_html(text)
        else:
            raise bad_request(f"unsupported parse_mode {mode!r} (this fake server speaks HTML only)")
        if not plain.strip():
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
        return plain, entities

    def _check_markup(self, markup: Any) -> dict | None:
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup  # reply keyboards etc.: not checked
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
        for row in rows:
            for button in row:
                if not str(button.get("text") or "").strip():
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                kinds = [k for k in ("callback_data", "url", "switch_inline_query", "web_app", "pay") if k in button]
                if len(kinds) != 1:
                    raise bad_request("BUTTON_TYPE_INVALID")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not (1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA):
                        raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _reply_target(self, chat_id: int, params: dict) -> dict | None:
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {"message_id": params["reply_to_message_id"]}
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise bad_request("invalid reply parameters")
        target_chat = reply.get("chat_id", chat_id)
        target = self.messages.get((target_chat, reply["message_id"]))
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return target

    # Bot API methods (names are case-insensitive, as in Telegram).

    def api_getme(self, params: dict) -> dict:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def api_setwebhook(self, params: dict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self.api_deletewebhook(params)
        if not re.match(r"^https?://", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        with self.cond:
            self.webhook = {"url": url, "secret_token": secret}
            if params.get("allowed_updates") is not None:
                self.allowed_updates = list(params["allowed_updates"]) or None
            if params.get("drop_pending_updates"):
                self.updates.clear()
            self.cond.notify_all()
        return True

    def api_getwebhookinfo(self, params: dict) -> dict:
        with self.cond:
            return {
                "url": (self.webhook or {}).get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            }

    def api_deletewebhook(self, params: dict) -> bool:
        with self.cond:
            self.webhook = None
            self.webhook_deleted += 1
            if params.get("drop_pending_updates"):
                self.updates.clear()
        return True

    def api_close(self, params: dict) -> bool:
        return True

    def api_logout(self, params: dict) -> bool:
        return True

    def api_getupdates(self, params: dict) -> list[dict]:
        offset = params.get("offset") or 0
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(float(params.get("timeout") or 0), self.max_poll_timeout)
        allowed = params.get("allowed_updates")
        deadline = time.monotonic() + timeout
        with self.cond:
            if self.webhook is not None:
                raise ApiError(
                    409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
                )
            if allowed is not None:
                self.allowed_updates = list(allowed) or None
            if offset:
                if offset < 0:
                    self.updates = self.updates[offset:]
                else:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self._poll_generation += 1
            generation = self._poll_generation
            wake = self._wake_generation
            while True:
                if generation != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
                wanted = [u for u in self.updates if self._allowed(u)][:limit]
                # Telegram drops updates of types the bot did not ask for.
                self.updates = [u for u in self.updates if self._allowed(u)]
                if wanted or self._stopping or wake != self._wake_generation:
                    return wanted
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self.cond.wait(left)

    def _allowed(self, update: dict) -> bool:
        if not self.allowed_updates:
            return True
        kinds = [k for k in update if k != "update_id"]
        return any(k in self.allowed_updates for k in kinds)

    def api_sendmessage(self, params: dict) -> dict:
        with self.cond:
            chat = self._known_chat(params)
            plain, entities = self._check_text(params)
            markup = self._check_markup(params.get("reply_markup"))
            target = self._reply_target(chat["id"], params)
            message: dict[str, Any] = {
                "message_id": self._next_message_id(chat["id"]),
                "date": int(time.time()),
                "chat": chat,
                "from": self.bot_user(),
                "text": plain,
            }
            if entities:
                message["entities"] = entities
            if markup:
                message["reply_markup"] = markup
            if target is not None:
                message["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
            self.messages[(chat["id"], message["message_id"])] = message
            self.html[(chat["id"], message["message_id"])] = params.get("text")
            return json.loads(json.dumps(message))

    def api_editmessagetext(self, params: dict) -> dict:
        with self.cond:
            chat = self._known_chat(params)
            self._require(params, "message_id")
            stored = self.messages.get((chat["id"], params["message_id"]))
            if stored is None or stored.get("from", {}).get("id") != self.bot_id:
                raise bad_request("message to edit not found")
            plain, entities = self._check_text(params)
            markup = self._check_markup(params.get("reply_markup"))
            if plain == stored.get("text") and entities == stored.get("entities", []) and markup == stored.get("reply_markup"):
                raise bad_request(
                    "message is not modified: specified new message content and reply markup are "
                    "exactly the same as a current content and reply markup of the message"
                )
            stored = dict(stored, text=plain, edit_date=int(time.time()))
            stored["entities"] = entities
            if markup:
                stored["reply_markup"] = markup
            else:
                stored.pop("reply_markup", None)
            self.messages[(chat["id"], params["message_id"])] = stored
            return json.loads(json.dumps(stored))

    def api_sendchataction(self, params: dict) -> bool:
        with self.cond:
            self._known_chat(params)
            if params.get("action") not in CHAT_ACTIONS:
                raise bad_request("wrong parameter action in request")
        return True

    def api_answercallbackquery(self, params: dict) -> bool:
        with self.cond:
            self._require(params, "callback_query_id")
            record = self.callback_queries.get(str(params["callback_query_id"]))
            if record is None or record["answered"]:
                raise bad_request("query is too old and response timeout expired or query ID is invalid")
            if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
                raise bad_request("MESSAGE_TOO_LONG")
            record["answered"] = True
            record["answer"] = {k: params.get(k) for k in ("text", "show_alert", "url", "cache_time")}
        return True

    def _commands_key(self, params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def api_setmycommands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            name = str(command.get("command") or "")
            description = str(command.get("description") or "")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "chat" and scope.get("chat_id") not in self.chats:
            raise bad_request("chat not found")
        with self.cond:
            self.commands[self._commands_key(params)] = commands
        return True

    def api_getmycommands(self, params: dict) -> list[dict]:
        with self.cond:
            return self.commands.get(self._commands_key(params), [])

    def api_deletemycommands(self, params: dict) -> bool:
        with self.cond:
            self.commands.pop(self._commands_key(params), None)
        return True


class _Handler(BaseHTTPRequestHandler):
    server_api: FakeBotAPI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", parts.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if match is None:
            self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        try:
            params = _decode(parts.query, raw, self.headers.get("Content-Type") or "")
        except ValueError as exc:
            self._send(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        status, body = self.server_api.handle(match.group(1), match.group(2), params)
        self._send(status, body)

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (cancelled poll)
            self.close_connection = True


def _decode(query: str, raw: bytes, content_type: str) -> dict:
    """Request parameters the way the Bot API reads them (query string, form or JSON)."""
    params: dict[str, Any] = {}
    pairs = parse_qsl(query, keep_blank_values=True)
    if raw:
        if "application/json" in content_type:
            body = json.loads(raw.decode("utf-8"))
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update({k: _coerce(k, v) if isinstance(v, str) else v for k, v in pairs})
            params.update(body)
            return params
        if "multipart/form-data" in content_type:
            raise ValueError("multipart bodies are not supported by this fake server")
        pairs += parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
    for key, value in pairs:
        params[key] = _coerce(key, value)
    return params


def _coerce(key: str, value: str) -> Any:
    if key in INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value  # e.g. "@channelname"
    if key in JSON_FIELDS:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"can't parse {key} JSON object") from None
    if key in BOOL_FIELDS:
        return value.strip().lower() in ("true", "1")
    return value
