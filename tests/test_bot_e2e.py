"""End-to-end tests of the Telegram bot over HTTP against the fake Bot API server.

The bot runs in a background thread with its own event loop (as it would in production,
minus the signal handling) and talks to ``tests/botapi_server.FakeBotAPI`` on 127.0.0.1;
the tests play the users. One real engine (model loaded once) serves the whole module.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bot import app as bot_app
from bot.settings import BotSettings
from botapi_server import FakeBotAPI, parse_html

# PTB 22 itself reads RetryAfter.retry_after (deprecated as an int) when it handles a 429.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 4242
USER = 1001
OTHER = 2002
EN_QUESTION = "how much did Qingdao give Yiling"
ZH_QUESTION = "青岛市给夷陵区援助了多少资金"
QINGDAO = "山东省青岛市"
EXTRA_DOC = "zz-extra-report.txt"
EXTRA_TEXT = "测试附录\n\n火星市\n\n2099年以来,火星市累计无偿援助月球区资金4321.5万元,援建项目7个。\n"


class Instrumented:
    """The real engine, with test hooks on ask(): a delay or a failure for given questions."""

    def __init__(self, engine: Any):
        self._engine = engine
        self.delays: dict[str, float] = {}
        self.failures: set[str] = set()
        self.long_answers: set[str] = set()

    def ask(self, question: str, k: int | None = None):
        if question in self.failures:
            raise RuntimeError("injected engine failure")
        if question in self.delays:
            time.sleep(self.delays[question])
        answer = self._engine.ask(question, k)
        if question in self.long_answers:  # a long answer, to see it split into messages
            body = "\n\n".join(f"Part {i}: " + "9788.1 <&> " * 60 for i in range(12))
            answer = dataclasses.replace(answer, answer=body + " [1]", answered=True)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


@pytest.fixture(scope="module")
def engine(shared_engine, tmp_path_factory):
    """A real engine of its own (the /reindex test changes its corpus), over a copy of the
    bundled corpus and of the index the shared engine built (no second build)."""
    from qa.config import Settings
    from qa.engine import Engine

    base = tmp_path_factory.mktemp("bot-engine")
    shutil.copytree(shared_engine.settings.corpus_dir, base / "corpus")
    shutil.copytree(shared_engine.settings.index_dir, base / "index")
    settings = Settings.load(
        corpus=base / "corpus", index=base / "index", cache_dir=shared_engine.settings.cache_dir, env={}
    )
    settings.bot = {"questions_file": str(ROOT / "questions" / "three-gorges.jsonl")}
    real = Engine(settings, build_in_child=True)  # as `qa bot` runs it: /reindex builds in a child
    real.load()
    return real


class BotRunner:
    """Runs the bot's Application in a thread with its own event loop."""

    def __init__(self, engine: Any, api: FakeBotAPI, **overrides: Any):
        self.api = api
        self.config = BotSettings.resolve(
            engine.settings,
            api_url=api.base_url,
            env={"TELEGRAM_BOT_TOKEN": api.token, "QA_BOT_ADMINS": str(ADMIN)},
        )
        self.config.typing_interval = 0.5
        for key, value in overrides.items():
            setattr(self.config, key, value)
        self.engine = engine
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="bot-under-test", daemon=True)
        self.ready = threading.Event()
        self.failed: BaseException | None = None
        self.app = None
        self.qabot = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.app, self.qabot = bot_app.build_application(self.engine, self.config)
            self.loop.run_until_complete(bot_app.start(self.app, self.config))
        except BaseException as exc:  # surfaced by start()
            self.failed = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    def start(self) -> "BotRunner":
        self.thread.start()
        assert self.ready.wait(30), "bot did not start"
        if self.failed:
            raise self.failed
        return self

    def stop(self) -> None:
        if self.failed or not self.thread.is_alive():
            return
        self.api.release_polls()
        future = asyncio.run_coroutine_threadsafe(bot_app.stop(self.app), self.loop)
        future.result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    @property
    def errors(self) -> list[BaseException]:
        return list(self.qabot.errors)


@pytest.fixture
def api():
    server = FakeBotAPI().start()
    yield server
    server.stop()


@pytest.fixture
def instrumented(engine):
    return Instrumented(engine)


@pytest.fixture
def bot(instrumented, api):
    runner = BotRunner(instrumented, api).start()
    yield runner
    runner.stop()


def rejected(api: FakeBotAPI) -> list:
    """Calls the server refused as Telegram would (400), apart from the admin command menu
    (Telegram refuses a chat scope for a chat the bot has not seen yet)."""
    return [c for c in api.calls if c.status == 400 and c.method != "setMyCommands"]


def html(api: FakeBotAPI, message: dict) -> str:
    return api.html_of(message)


def buttons(message: dict) -> list[dict]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def assert_cites_qingdao(engine, reply: dict) -> None:
    cited = [engine.passage(b["callback_data"]) for b in buttons(reply)]
    assert cited and all(p is not None for p in cited)
    assert any(p.section == QINGDAO and "9788.1" in p.text for p in cited), [
        (p.section, p.paragraph) for p in cited
    ]


# -- startup --------------------------------------------------------------------------------------


def test_startup_registers_commands_and_polls(bot, api):
    api.wait_for(lambda: api.calls_of("getUpdates"), what="polling")
    methods = [c.method for c in api.calls]
    assert methods.index("getMe") < methods.index("getUpdates")
    assert "deleteWebhook" in methods
    default = api.commands[('{"type": "default"}', "")]
    assert [c["command"] for c in default] == ["start", "help", "ask"]
    assert api.commands[('{"type": "default"}', "zh")][0]["description"] == "问候与示例问题"
    poll = api.calls_of("getUpdates")[0].params
    assert set(poll["allowed_updates"]) == {"message", "callback_query"}


# -- questions and citations -----------------------------------------------------------------------


def test_chinese_question_gets_the_figure_and_a_citation(bot, api, engine):
    question = api.user_says(ZH_QUESTION, language_code="zh-hans")
    [reply] = api.wait_replies(question, timeout=30)
    assert "9788.1" in reply["text"]
    assert "[1]" in reply["text"] and "出处" in reply["text"]
    assert_cites_qingdao(engine, reply)
    assert api.calls_of("sendChatAction"), "typing was not shown"
    assert all(c.params["action"] == "typing" for c in api.calls_of("sendChatAction"))
    assert bot.errors == []


def test_english_question_gets_the_figure_and_a_citation(bot, api, engine):
    question = api.user_says(EN_QUESTION)
    [reply] = api.wait_replies(question, timeout=30)
    assert "Sources" in reply["text"] or "Possibly related" in reply["text"]
    assert "9788.1" in reply["text"], f"engine answered: {reply['text']!r}"
    assert_cites_qingdao(engine, reply)
    assert bot.errors == []


def test_follow_ups_in_two_chats_interleave_without_mixing(bot, api):
    """Each chat keeps its own last question: a follow-up is read with that chat's, and the
    reply says how it was read."""
    first = api.user_says("How much did Qingdao give Yiling?", user_id=USER)
    api.wait_replies(first, timeout=30)
    second = api.user_says("上海市给夷陵区援助了多少资金", user_id=OTHER, language_code="zh")
    api.wait_replies(second, timeout=30)
    follow_en = api.user_says("and Shanghai?", user_id=USER)
    follow_zh = api.user_says("那青岛呢？", user_id=OTHER, language_code="zh")
    [reply_en] = api.wait_replies(follow_en, timeout=30)
    [reply_zh] = api.wait_replies(follow_zh, timeout=30)
    assert "Read as: How much did Shanghai give Yiling?" in reply_en["text"] and "7.623" in reply_en["text"]
    assert "按此理解: 青岛给夷陵区援助了多少资金" in reply_zh["text"] and "9788.1" in reply_zh["text"]
    assert "<i>" in html(api, reply_en)  # the reading is set apart from the answer
    # In a group, each member's follow-up is read with their own question.
    group = dict(chat_id=-500, chat_type="group")
    asked = api.user_says("/ask How much did Qingdao give Yiling?", user_id=USER, **group)
    api.wait_replies(asked, timeout=30)
    other = api.user_says("/ask and Shanghai?", user_id=OTHER, **group)
    [reply] = api.wait_replies(other, timeout=30)
    assert "Read as" not in reply["text"]
    assert bot.errors == []


def test_citation_button_shows_the_passage(bot, api, engine):
    question = api.user_says(ZH_QUESTION, language_code="zh")
    [reply] = api.wait_replies(question, timeout=30)
    [button] = [b for b in buttons(reply) if engine.passage(b["callback_data"]).section == QINGDAO][:1]
    assert len(button["callback_data"].encode()) <= 64
    query_id = api.user_presses(reply, button["callback_data"], language_code="zh")
    [shown] = api.wait_replies(reply, timeout=10)
    passage = engine.passage(button["callback_data"])
    assert passage.text.strip() in shown["text"]
    assert QINGDAO in shown["text"]
    assert api.callback_queries[query_id]["answered"]
    assert bot.errors == []


def test_markup_in_a_question_comes_back_harmless(bot, api):
    markup = "<b>x</i> <foo> & _*["
    question = api.user_says(markup)
    [reply] = api.wait_replies(question, timeout=30)
    parse_html(html(api, reply))  # the server accepted it; and it parses on its own
    assert not rejected(api), api.summary()
    # in a group, with /ask
    asked = api.user_says(f"/ask {markup}", chat_type="group", chat_id=-500)
    api.wait_replies(asked, timeout=30)
    assert bot.errors == []


def test_unanswerable_question_says_so_and_offers_related_passages(bot, api, engine):
    question = api.user_says("How much did Guangxi give Fuling?")
    [reply] = api.wait_replies(question, timeout=30)
    text = reply["text"]
    expected = engine.ask("How much did Guangxi give Fuling?")
    assert not expected.answered, "the engine answered a question the reports cannot answer"
    assert text.startswith(expected.answer.strip())
    assert "Sources" not in text
    assert expected.citations[0].passage.text[:20] in text  # a snippet of the closest passage
    assert buttons(reply), "the closest passages come with buttons"
    assert bot.errors == []


def test_long_reply_is_split_under_the_limit_with_buttons_on_the_last_part(bot, api, instrumented):
    instrumented.long_answers.add(ZH_QUESTION)
    question = api.user_says(ZH_QUESTION)
    first = api.wait_replies(question, timeout=30)[0]
    parts = api.wait_for(
        lambda: [m for m in api.sent(USER) if m["message_id"] >= first["message_id"]][:3]
        if len([m for m in api.sent(USER) if m["message_id"] >= first["message_id"]]) >= 2 else None,
        what="a split reply",
    )
    time.sleep(0.3)
    parts = [m for m in api.sent(USER) if m["message_id"] >= first["message_id"]]
    assert len(parts) >= 2
    assert all(len(html(api, m)) <= 4096 for m in parts)
    assert all(not buttons(m) for m in parts[:-1]) and buttons(parts[-1])
    assert "".join(m["text"] for m in parts).count("9788.1") >= 12 * 60
    assert not rejected(api), api.summary()
    assert bot.errors == []


# -- commands --------------------------------------------------------------------------------------


def test_start_greets_in_english_with_examples_from_the_question_set(bot, api):
    examples = bot.config.examples
    message = api.user_says("/start", first_name="Alice")
    [reply] = api.wait_replies(message, timeout=10)
    assert reply["text"].startswith("Hello, Alice!")
    for example in examples["en"]:
        assert example in reply["text"]
    assert not any(q in reply["text"] for q in examples["zh"])


def test_start_greets_in_chinese(bot, api):
    message = api.user_says("/start", user_id=OTHER, language_code="zh-hans", first_name="小王")
    [reply] = api.wait_replies(message, timeout=10)
    assert reply["text"].startswith("你好,小王!")
    assert bot.config.examples["zh"][0] in reply["text"]


def test_help_says_what_the_bot_knows(bot, api, engine):
    info = engine.info()
    message = api.user_says("/help")
    [reply] = api.wait_replies(message, timeout=10)
    assert f"Documents: {info['documents']}. Passages: {info['passages']}." in reply["text"]
    assert "Index built " + info["index_built"][:10] in reply["text"]
    assert f"@{api.username}" in reply["text"]


def test_text_without_a_command_entity_is_a_question_not_a_command(bot, api):
    # Telegram marks commands with a bot_command entity; without one "/help" is plain text.
    message = api.user_message(text="/help", entities=[])
    [reply] = api.wait_replies(message, timeout=30)
    assert "How to ask" not in reply["text"]


def test_stickers_photos_and_voice_get_a_hint(bot, api):
    for send in (api.user_sends_sticker, api.user_sends_photo, api.user_sends_voice):
        message = send()
        [reply] = api.wait_replies(message, timeout=10)
        assert reply["text"] == "I can only read text: please type your question."


def test_edited_message_is_not_answered_twice(bot, api):
    question = api.user_says(ZH_QUESTION)
    api.wait_replies(question, timeout=30)
    count = len(api.sent(USER))
    api.user_edits(question, ZH_QUESTION + "?")
    marker = api.user_says("/help")
    api.wait_replies(marker, timeout=10)
    time.sleep(0.3)
    assert len(api.sent(USER)) == count + 1


# -- groups ---------------------------------------------------------------------------------------


def test_group_messages_are_ignored_unless_addressed(bot, api, engine):
    group = -1001
    ignored = api.user_says(ZH_QUESTION, chat_type="supergroup", chat_id=group)
    mention = api.user_says(f"@{api.username} {ZH_QUESTION}", chat_type="supergroup", chat_id=group)
    [answer] = api.wait_replies(mention, timeout=30)
    assert "9788.1" in answer["text"]
    assert_cites_qingdao(engine, answer)
    reply_to_bot = api.user_says(ZH_QUESTION, chat_type="supergroup", chat_id=group, reply_to=answer)
    api.wait_replies(reply_to_bot, timeout=30)
    command = api.user_says(f"/ask@{api.username} {ZH_QUESTION}", chat_type="supergroup", chat_id=group)
    api.wait_replies(command, timeout=30)
    sticker = api.user_sends_sticker(chat_type="supergroup", chat_id=group)
    other_mention = api.user_says(f"@someone_else {ZH_QUESTION}", chat_type="supergroup", chat_id=group)
    last = api.user_says("/ask", chat_type="supergroup", chat_id=group)
    [usage] = api.wait_replies(last, timeout=10)
    assert "/ask" in usage["text"]
    time.sleep(0.5)
    replied_to = {m.get("reply_to_message", {}).get("message_id") for m in api.sent(group)}
    assert ignored["message_id"] not in replied_to
    assert sticker["message_id"] not in replied_to
    assert other_mention["message_id"] not in replied_to
    assert len(api.sent(group)) == 4
    assert bot.errors == []


# -- /reindex ---------------------------------------------------------------------------------------


def test_reindex_is_refused_to_others(bot, api):
    message = api.user_says("/reindex", user_id=OTHER)
    [reply] = api.wait_replies(message, timeout=10)
    assert "only the bot's administrators" in reply["text"]
    zh = api.user_says("/reindex", user_id=OTHER + 1, language_code="zh")
    assert "只有" in api.wait_replies(zh, timeout=10)[0]["text"]


def test_reindex_by_an_admin_swaps_the_index_and_old_passages_are_gone(bot, api, engine):
    corpus = Path(engine.settings.corpus_dir)
    (corpus / EXTRA_DOC).write_text(EXTRA_TEXT, encoding="utf-8")
    try:
        api.user_says("/reindex", user_id=ADMIN)
        started, done = api.wait_sent(ADMIN, 2, timeout=120)
        assert "Rebuilding" in started["text"]
        assert "Index rebuilt" in done["text"] and "Embedded" in done["text"], done["text"]
        embedded = int(re.search(r"Embedded (\d+)", done["text"]).group(1))
        assert embedded >= 1 and "reused" in done["text"]
        assert "The new index is in use." in done["text"]
        # the new document is answered from, and its passage can be shown
        question = api.user_says("火星市给月球区援助了多少资金", user_id=ADMIN)
        [reply] = api.wait_replies(question, timeout=30)
        assert "4321.5" in reply["text"]
        extra = [b for b in buttons(reply) if getattr(engine.passage(b["callback_data"]), "doc", None) == EXTRA_DOC]
        assert extra
    finally:
        (corpus / EXTRA_DOC).unlink()
    # rebuild without it: the old button now finds nothing
    api.user_says("/reindex", user_id=ADMIN)
    later = api.wait_sent(ADMIN, 2, after=3, timeout=120)
    assert "removed" in later[1]["text"] and not re.search(r"removed 0\b", later[1]["text"]), later[1]["text"]
    query_id = api.user_presses(reply, extra[0]["callback_data"])
    [gone] = api.wait_replies(reply, timeout=10)
    assert "no longer in the reports" in gone["text"]
    assert api.callback_queries[query_id]["answered"]
    assert bot.errors == []


# -- robustness ------------------------------------------------------------------------------------


def test_429_is_waited_out_and_the_message_still_arrives(bot, api):
    api.fail_next("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    question = api.user_says(ZH_QUESTION)
    [reply] = api.wait_replies(question, timeout=30)
    assert "9788.1" in reply["text"]
    statuses = [c.status for c in api.calls_of("sendMessage")]
    assert statuses[:2] == [429, 200]
    assert time.monotonic() - started >= 1.0
    assert bot.errors == []


def test_server_errors_are_retried(bot, api):
    api.fail_next("sendMessage", 500, count=2)
    question = api.user_says(ZH_QUESTION)
    [reply] = api.wait_replies(question, timeout=30)
    assert "9788.1" in reply["text"]
    assert [c.status for c in api.calls_of("sendMessage")][:3] == [500, 500, 200]


def test_polling_survives_bot_api_errors(bot, api):
    api.wait_for(lambda: api.calls_of("getUpdates"), what="polling")
    api.fail_next("getUpdates", 502, count=1)
    api.release_polls_once()
    question = api.user_says(ZH_QUESTION)
    [reply] = api.wait_replies(question, timeout=30)
    assert "9788.1" in reply["text"]
    assert 502 in [c.status for c in api.calls_of("getUpdates")]


def test_a_handler_failure_is_apologised_for_and_the_bot_keeps_answering(bot, api, instrumented):
    instrumented.failures.add("boom")
    failing = api.user_says("boom")
    [apology] = api.wait_replies(failing, timeout=10)
    assert apology["text"].startswith("Sorry, something went wrong")
    assert len(bot.errors) == 1 and "injected engine failure" in str(bot.errors[0])
    question = api.user_says(ZH_QUESTION)
    [reply] = api.wait_replies(question, timeout=30)
    assert "9788.1" in reply["text"]


def test_a_slow_question_in_one_chat_does_not_delay_another_chat(bot, api, instrumented):
    slow = "slow question about Qingdao"
    instrumented.delays[slow] = 4.0
    started = time.monotonic()
    slow_message = api.user_says(slow, user_id=USER)
    time.sleep(0.2)
    fast_message = api.user_says(ZH_QUESTION, user_id=OTHER, language_code="zh")
    [fast] = api.wait_replies(fast_message, timeout=30)
    fast_elapsed = time.monotonic() - started
    [_] = api.wait_replies(slow_message, timeout=30)
    slow_elapsed = time.monotonic() - started
    assert "9788.1" in fast["text"]
    assert fast_elapsed < 3.0 < slow_elapsed, (fast_elapsed, slow_elapsed)
    # typing was kept up for the slow one (renewed every 0.5 s in this test)
    assert len([c for c in api.calls_of("sendChatAction") if c.params["chat_id"] == USER]) >= 4


def test_one_user_gets_one_moment_beyond_the_queue(bot, api, instrumented):
    slow = "slow one"
    instrumented.delays[slow] = 2.0
    first = api.user_says(slow)
    time.sleep(0.2)
    queued = [api.user_says(f"{ZH_QUESTION} {i}") for i in range(bot.config.queue)]
    extra = api.user_says(ZH_QUESTION + " extra")
    [moment] = api.wait_replies(extra, timeout=5)
    assert moment["text"].startswith("One moment")
    for message in [first, *queued]:
        api.wait_replies(message, timeout=30)
    order = [m["reply_to_message"]["message_id"] for m in api.sent(USER) if "reply_to_message" in m]
    assert order.index(first["message_id"]) < order.index(queued[0]["message_id"]) < order.index(queued[-1]["message_id"])
    assert bot.errors == []


def test_webhook_mode(instrumented, api):
    pytest.importorskip("tornado", reason='webhook mode needs python-telegram-bot[webhooks]')
    import socket

    from bot.settings import WebhookSettings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook = WebhookSettings(url=f"http://127.0.0.1:{port}/telegram", listen="127.0.0.1", port=port, secret="s3cret-Value")
    runner = BotRunner(instrumented, api, webhook=hook).start()
    try:
        assert api.webhook == {"url": hook.url, "secret_token": "s3cret-Value"}
        question = api.user_says(ZH_QUESTION)
        [reply] = api.wait_replies(question, timeout=30)
        assert "9788.1" in reply["text"]
        assert not api.calls_of("getUpdates")
        assert api.webhook_deliveries[-1][1] == 200
    finally:
        runner.stop()


def test_allow_list_keeps_strangers_out(instrumented, api):
    runner = BotRunner(instrumented, api, allowed=frozenset({USER})).start()
    try:
        stranger = api.user_says(ZH_QUESTION, user_id=OTHER)
        [refusal] = api.wait_replies(stranger, timeout=10)
        assert refusal["text"] == "Sorry, this bot is private."
        friend = api.user_says(ZH_QUESTION, user_id=USER)
        assert "9788.1" in api.wait_replies(friend, timeout=30)[0]["text"]
    finally:
        runner.stop()
