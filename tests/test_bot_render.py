"""Unit tests of the bot's pure parts: HTML rendering and splitting, settings, the test server's
HTML checker. No network, no engine."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from bot import render
from bot.render import MAX_MESSAGE, esc, render_answer, split_html, utf16_len
from bot.settings import BotSettings, pick_examples
from qa.config import ConfigError, Settings
from qa.types import Answer, Citation, Passage
from botapi_server import ApiError, parse_html, user_entities

ROOT = Path(__file__).resolve().parent.parent
MARKUP = "<b>x</i> <foo> & _*["


def passage(pid="p1", section="山东省青岛市", paragraph=30, text="青岛市累计无偿援助夷陵区资金9788.1万元。", **kw):
    return Passage(id=pid, doc="three-gorges.txt", section=section, paragraph=paragraph, text=text, **kw)


def answer(text="9788.1万元 [1]", answered=True, n=2, **kw):
    cites = [Citation(i + 1, passage(pid=f"p{i + 1}", paragraph=30 + i), 0.9 - i / 10) for i in range(n)]
    return Answer(question="q", answered=answered, answer=text, citations=cites, **kw)


def plain(html_text: str) -> str:
    return parse_html(html_text)[0]


# -- the fake server's HTML checker is as strict as Telegram ------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["<b>x</i>", "<foo>x</foo>", "a & b", "<b>unclosed", "x</b>", "1 < 2", "&nbsp;", '<span class="x">s</span>'],
)
def test_server_rejects_html_telegram_would_not_parse(bad):
    with pytest.raises(ApiError) as info:
        parse_html(bad)
    assert info.value.status == 400 and "parse entities" in info.value.description


def test_server_parses_good_html():
    text, entities = parse_html('<b>a</b> &lt;&amp;&gt;&quot; <a href="http://x/?a=1&amp;b=2">l</a> <blockquote>q</blockquote>')
    assert text == 'a <&>" l q'
    assert [e["type"] for e in entities] == ["bold", "text_link", "blockquote"]
    assert entities[1]["url"] == "http://x/?a=1&b=2"


def test_server_adds_command_and_mention_entities_with_utf16_offsets():
    entities = user_entities("/ask@report_qa_test_bot 😀 @report_qa_test_bot 青岛")
    assert entities[0] == {"type": "bot_command", "offset": 0, "length": 23}
    assert entities[1] == {"type": "mention", "offset": 27, "length": 19}  # 😀 counts 2
    assert user_entities("not /a command at 0") == [{"type": "bot_command", "offset": 4, "length": 2}]
    assert user_entities("a/b") == []


# -- escaping -------------------------------------------------------------------------------------


def test_markup_in_answer_and_corpus_is_escaped():
    ans = Answer(
        question=MARKUP,
        answered=True,
        answer=f"{MARKUP} [1]",
        citations=[Citation(1, passage(section="<i>Sec & tion", text=MARKUP), 0.5)],
    )
    reply = render_answer(ans)
    assert len(reply.parts) == 1
    text = plain(reply.parts[0])
    assert MARKUP in text and "<i>Sec & tion" in text


def test_unanswered_says_so_and_lists_possibly_related():
    ans = answer(text="The reports do not say.", answered=False, n=3, reason="low score", lang="en")
    reply = render_answer(ans)
    text = plain("".join(reply.parts))
    assert text.startswith("The reports do not say.\n\nPossibly related:")
    assert text.count("9788.1") == 3  # a snippet of each passage
    assert len(reply.buttons) == 3
    worded = render_answer(answer(text="The reports do not say; below are possibly related passages.", answered=False))
    assert plain(worded.parts[0]).count("ossibly related") == 1  # not said twice
    silent = render_answer(answer(text="", answered=False, n=1, lang="zh"))
    assert plain(silent.parts[0]).startswith("报告中没有找到这个问题的答案。")


def test_answer_lists_only_passages_it_cites():
    reply = render_answer(answer(text="x [2]", n=3))
    assert [label.split()[0] for label, _ in reply.buttons] == ["[2]"]
    assert [data for _, data in reply.buttons] == ["p2"]
    text = plain(reply.parts[0])
    assert "Sources\n[2] three-gorges.txt · 山东省青岛市 · ¶31" in text


def test_chinese_labels():
    reply = render_answer(answer(lang="zh"))
    assert "出处" in plain(reply.parts[0]) and "第30段" in plain(reply.parts[0])


def test_callback_data_is_the_passage_id_or_a_short_key():
    assert render.callback_data_for("0123456789abcdef") == "0123456789abcdef"
    long_id = "doc/" + "x" * 100
    key = render.callback_data_for(long_id)
    assert key.startswith("#") and len(key.encode()) <= 64 and render.is_key(key)
    assert render.callback_data_for(long_id) == key
    assert len(render.callback_data_for("青" * 30).encode()) <= 64  # 90 bytes in UTF-8


def test_button_labels_are_short():
    label = render.button_label(1, passage(section="很长的章节标题" * 10), "en")
    assert len(label) <= render.MAX_BUTTON_LABEL


def test_passage_rendering_and_time_format():
    parts = render.render_passage(passage(text="first & <para>\n\nsecond", page=3, caption=True, title="T"), "en")
    text = plain(parts[0])
    assert "first & <para>\n\nsecond" in text and "p. 3" in text and "photo caption" in text
    assert render.format_time("2026-11-29T04:44:02+00:00") == "2026-11-29 04:44 UTC"
    assert render.format_time("garbage") == "garbage"


def test_help_and_start_texts():
    info = {"documents": 1, "passages": 45, "index_built": "2026-11-29T04:44:02+00:00", "stale": False}
    text = plain(render.render_help("en", info, "qa_bot", is_admin=True))
    assert "Documents: 1. Passages: 45." in text and "2026-11-29 04:44 UTC" in text
    assert "@qa_bot" in text and "/reindex" in text
    assert "/reindex" not in plain(render.render_help("zh", info, "qa_bot"))
    start = plain(render.render_start("zh", "A&B", {"en": ["e1"], "zh": ["问题<1>"]}))
    assert "问题<1>" in start and "e1" not in start and "A&B" in start


# -- splitting ------------------------------------------------------------------------------------


def test_short_text_is_one_part():
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_split_prefers_paragraph_boundaries():
    paragraphs = [f"<b>{i}</b> " + esc("word & " * 100).strip() for i in range(20)]  # ~720 chars each
    text = "\n\n".join(paragraphs)
    parts = split_html(text)
    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= MAX_MESSAGE
        parse_html(part)  # well-formed on its own
        assert part.startswith("<b>")  # every part starts at a paragraph
    assert "\n\n".join(parts) == text


def test_split_reopens_elements_cut_in_the_middle():
    body = "\n\n".join(esc(f"line {i} <&> " * 40) for i in range(30))
    text = f"<b>Title</b>\n\n<blockquote>{body}</blockquote>"
    parts = split_html(text, 2000)
    assert len(parts) >= 3
    for part in parts:
        assert utf16_len(part) <= 2000
        parse_html(part)
    assert all(p.startswith("<blockquote>") for p in parts[1:])
    joined = "".join(plain(p) for p in parts)
    assert re.sub(r"\s+", "", joined) == re.sub(r"\s+", "", plain(text))


def test_split_without_any_whitespace_and_with_astral_characters():
    text = "<i>" + "😀" * 3000 + "青" * 3000 + "&amp;" * 10 + "</i>"
    parts = split_html(text, 4096)
    for part in parts:
        assert utf16_len(part) <= 4096
        parse_html(part)
    assert "".join(plain(p) for p in parts) == plain(text)


def test_split_fuzz():
    rng = random.Random(7)
    words = ["青岛", "9788.1", "<x>", "&", "a", "word", "😀", '"q"', "段落"]
    for _ in range(40):
        blocks = []
        for _ in range(rng.randint(1, 60)):
            words_here = " ".join(rng.choice(words) for _ in range(rng.randint(1, 120)))
            tag = rng.choice(["", "b", "i", "blockquote", "code"])
            inner = esc(words_here)
            blocks.append(f"<{tag}>{inner}</{tag}>" if tag else inner)
        text = rng.choice(["\n\n", "\n", " "]).join(blocks)
        limit = rng.choice([200, 1000, 4096])
        parts = split_html(text, limit)
        for part in parts:
            assert utf16_len(part) <= limit
            parse_html(part)
        assert re.sub(r"\s+", "", "".join(plain(p) for p in parts)) == re.sub(r"\s+", "", plain(text))


def test_long_answer_is_split_with_buttons_for_the_last_part():
    long_text = "\n\n".join(f"Paragraph {i}: " + "9788.1 & more " * 40 for i in range(20)) + " [1] [2]"
    reply = render_answer(answer(text=long_text, n=2))
    assert len(reply.parts) >= 3
    assert all(utf16_len(p) <= MAX_MESSAGE for p in reply.parts)
    for part in reply.parts:
        parse_html(part)
    assert len(reply.buttons) == 2


# -- settings -------------------------------------------------------------------------------------


def settings(tmp_path, bot=None):
    s = Settings.load(corpus=tmp_path / "corpus", index=tmp_path / "index", cache_dir=tmp_path / "c", env={})
    s.bot = dict(bot or {})
    return s


def test_token_admins_and_url_from_environment(tmp_path):
    env = {
        "TELEGRAM_BOT_TOKEN": "123:env",
        "QA_BOT_ADMINS": "1, 2,3",
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
    }
    config = BotSettings.resolve(settings(tmp_path, {"token": "123:file", "admins": [9]}), env=env)
    assert config.token == "123:env" and config.admins == {1, 2, 3}
    assert config.api_url == "http://127.0.0.1:9/bot"
    assert config.base_file_url == "http://127.0.0.1:9/file/bot"
    assert "123:env" not in repr(config)
    flag = BotSettings.resolve(settings(tmp_path), env=env, api_url="http://h/bot")
    assert flag.api_url == "http://h/bot"


def test_token_and_admins_from_config(tmp_path):
    config = BotSettings.resolve(
        settings(tmp_path, {"token": "123:file", "admins": [9, "10"], "allow": [5], "log_questions": True}),
        env={},
    )
    assert config.token == "123:file" and config.admins == {9, 10} and config.allowed == {5}
    assert config.log_questions and config.api_url is None


def test_missing_or_bad_values_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        BotSettings.resolve(settings(tmp_path), env={})
    with pytest.raises(ConfigError, match="numeric"):
        BotSettings.resolve(settings(tmp_path), env={"TELEGRAM_BOT_TOKEN": "1:a", "QA_BOT_ADMINS": "alice"})
    with pytest.raises(ConfigError, match="http"):
        BotSettings.resolve(settings(tmp_path), env={"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_API_URL": "ftp://x"})


def test_examples_from_config_or_question_set(tmp_path):
    config = BotSettings.resolve(
        settings(tmp_path, {"token": "1:a", "examples": ["how much did Qingdao give Yiling", "青岛给了多少"]}), env={}
    )
    assert config.examples == {"en": ["how much did Qingdao give Yiling"], "zh": ["青岛给了多少"]}
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in [
                {"question": "How much did Guangxi give Fuling?", "answers": [], "lang": "en", "kind": "unanswerable"},
                {"question": "how much did Qingdao give Yiling", "answers": ["9788.1"], "lang": "en"},
                {"question": "Sanxia 多少", "answers": ["1"], "lang": "mixed"},
                {"question": "青岛市给夷陵区援助了多少资金", "answers": ["9788.1"], "lang": "zh"},
            ]
        ),
        encoding="utf-8",
    )
    assert pick_examples(questions) == {"en": ["how much did Qingdao give Yiling"], "zh": ["青岛市给夷陵区援助了多少资金"]}
    config = BotSettings.resolve(settings(tmp_path, {"token": "1:a", "questions_file": str(questions)}), env={})
    assert config.examples["zh"] == ["青岛市给夷陵区援助了多少资金"]


def test_project_question_set_gives_examples_in_both_languages():
    examples = pick_examples(ROOT / "questions" / "three-gorges.jsonl")
    assert len(examples.get("en", [])) >= 2 and len(examples.get("zh", [])) >= 2


# -- logging never shows the token ------------------------------------------------------------------


def test_scrubbing_formatter_hides_the_token():
    import logging

    from bot.app import ScrubbingFormatter

    token = "123456:SECRET-abc"
    formatter = ScrubbingFormatter(logging.Formatter("%(message)s"), [token])
    try:
        raise RuntimeError(f"POST http://x/bot{token}/getMe failed")
    except RuntimeError as exc:
        record = logging.LogRecord("httpx", logging.ERROR, __file__, 1, "url %s", (f"/bot{token}/x",), (type(exc), exc, exc.__traceback__))
    text = formatter.format(record)
    assert token not in text and "<token>" in text
