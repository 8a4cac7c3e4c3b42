"""The fake Bot API server itself: strict where Telegram is strict (no bot involved)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from botapi_server import FakeBotAPI


@pytest.fixture
def api():
    server = FakeBotAPI(token="42:secret").start()
    yield server
    server.stop()


def call(api: FakeBotAPI, method: str, token: str | None = None, **params):
    """POST form-encoded like python-telegram-bot (non-strings JSON-encoded)."""
    body = urllib.parse.urlencode(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    ).encode()
    url = f"{api.base_url}{token or api.token}/{method}"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_wrong_token_and_unknown_method(api):
    assert call(api, "getMe", token="42:wrong")[0] == 401
    status, body = call(api, "sendRocket")
    assert status == 404 and body == {"ok": False, "error_code": 404, "description": "Not Found"}
    status, body = call(api, "getMe")
    assert status == 200 and body["result"]["username"] == api.username and body["result"]["is_bot"]


def test_send_message_checks(api):
    question = api.user_says("hi", user_id=7)
    assert call(api, "sendMessage", chat_id=999, text="x")[1]["description"] == "Bad Request: chat not found"
    assert call(api, "sendMessage", chat_id=7, text="x" * 4097)[1]["description"] == "Bad Request: message is too long"
    assert call(api, "sendMessage", chat_id=7, text="😀" * 2049)[0] == 400  # UTF-16 units
    assert call(api, "sendMessage", chat_id=7, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")[0] == 200
    assert call(api, "sendMessage", chat_id=7, text="a & b", parse_mode="HTML")[0] == 400
    assert call(api, "sendMessage", chat_id=7, text="<b></b> ", parse_mode="HTML")[1]["description"].endswith("empty")
    big = {"inline_keyboard": [[{"text": "x", "callback_data": "é" * 33}]]}  # 66 bytes
    assert call(api, "sendMessage", chat_id=7, text="x", reply_markup=big)[1]["description"].endswith("BUTTON_DATA_INVALID")
    status, body = call(api, "sendMessage", chat_id=7, text="x", reply_parameters={"message_id": 999})
    assert body["description"] == "Bad Request: message to be replied not found"
    status, body = call(
        api, "sendMessage", chat_id=7, text="<i>re</i>", parse_mode="HTML",
        reply_parameters={"message_id": question["message_id"]},
    )
    assert status == 200
    sent = body["result"]
    assert sent["text"] == "re" and sent["entities"] == [{"type": "italic", "offset": 0, "length": 2}]
    assert sent["reply_to_message"]["message_id"] == question["message_id"]
    assert api.html_of(sent) == "<i>re</i>"
    assert call(api, "sendChatAction", chat_id=7, action="dancing")[0] == 400
    assert call(api, "sendChatAction", chat_id=7, action="typing")[0] == 200


def test_edit_message_text_and_callback_queries(api):
    api.user_says("hi", user_id=7)
    markup = {"inline_keyboard": [[{"text": "[1]", "callback_data": "p1"}]]}
    sent = call(api, "sendMessage", chat_id=7, text="one", reply_markup=markup)[1]["result"]
    assert call(api, "editMessageText", chat_id=7, message_id=sent["message_id"], text="one", reply_markup=markup)[0] == 400
    status, body = call(api, "editMessageText", chat_id=7, message_id=sent["message_id"], text="<b>two</b>", parse_mode="HTML")
    assert status == 200 and body["result"]["text"] == "two"
    assert call(api, "editMessageText", chat_id=7, message_id=12345, text="x")[0] == 400
    sent = call(api, "sendMessage", chat_id=7, text="three", reply_markup=markup)[1]["result"]
    with pytest.raises(AssertionError):
        api.user_presses(sent, "not-a-button")
    query_id = api.user_presses(sent, "p1")
    assert call(api, "answerCallbackQuery", callback_query_id=query_id, text="ok")[0] == 200
    assert call(api, "answerCallbackQuery", callback_query_id=query_id)[0] == 400  # only once


def test_get_updates_long_polls_confirms_and_wakes_on_stop(api):
    started = time.monotonic()
    assert call(api, "getUpdates", timeout=1)[1]["result"] == []
    assert time.monotonic() - started >= 0.9
    message = api.user_says("/start now")
    updates = call(api, "getUpdates", timeout=5)[1]["result"]
    assert updates[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    offset = updates[-1]["update_id"] + 1
    assert message["text"] == "/start now"
    results = []
    poller = threading.Thread(target=lambda: results.append(call(api, "getUpdates", timeout=30, offset=offset)))
    poller.start()
    time.sleep(0.3)
    started = time.monotonic()
    api.release_polls()
    poller.join(5)
    assert results and results[0][1]["result"] == [] and time.monotonic() - started < 2


def test_injected_failures(api):
    api.fail_next("getMe", 429, retry_after=3)
    status, body = call(api, "getMe")
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    api.fail_next("getMe", 500, count=2)
    assert [call(api, "getMe")[0] for _ in range(3)] == [500, 500, 200]
    assert [c.status for c in api.calls_of("getMe")] == [429, 500, 500, 200]


def test_commands(api):
    commands = [{"command": "start", "description": "hello"}]
    assert call(api, "setMyCommands", commands=commands, language_code="zh")[0] == 200
    assert call(api, "getMyCommands", language_code="zh")[1]["result"] == commands
    assert call(api, "setMyCommands", commands=[{"command": "Bad-Name", "description": "x"}])[0] == 400
