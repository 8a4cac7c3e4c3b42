"""Pure functions that turn engine results into Telegram HTML (no network, no telegram import).

Every piece of user or corpus text goes through :func:`esc`; the only markup is what this
module writes itself (``<b>``, ``<i>``, ``<blockquote>``). Long texts are cut by
:func:`split_html` at paragraph boundaries and never inside a tag or an entity: a part that
ends inside an element closes it, and the next part opens it again.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

MAX_MESSAGE = 4096  # Telegram's limit for a message text
MAX_CALLBACK_DATA = 64  # bytes
MAX_BUTTON_LABEL = 40
SNIPPET_CHARS = 120

# -- texts ----------------------------------------------------------------------------------

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hello{name}! I answer questions about the reports in my library and cite "
        "the paragraphs I answer from.",
        "ask_like": "Ask in English or Chinese, for example:",
        "ask_plain": "Ask me a question in English or Chinese.",
        "start_tail": "Tap a numbered button under an answer to read the passage. /help tells more.",
        "help_title": "How to ask",
        "help_private": "In a private chat, just send your question.",
        "help_group": "In a group, mention me ({mention}), reply to one of my messages, or write "
        "/ask followed by the question.",
        "help_sources": "Answers mark their sources [1], [2]… and list them (document · section · "
        "paragraph). Tap a button to read the full passage.",
        "help_know": "What I know",
        "help_stats": "Documents: {documents}. Passages: {passages}.",
        "help_built": "Index built {built}.",
        "help_not_built": "The index has not been built yet.",
        "help_stale": "Some documents changed since then; an admin can /reindex.",
        "help_commands": "Commands",
        "cmd_start": "greeting and example questions",
        "cmd_help": "how to ask, what I know",
        "cmd_ask": "ask a question (in groups)",
        "cmd_reindex": "rebuild the index (admins)",
        "sources": "Sources",
        "answered_as": "Read as",
        "help_follow_up": "Follow-ups work: after a question, “and Shanghai?” or “in 2019?” asks it "
        "again with that one thing changed; the reply says how it was read.",
        "no_answer": "I could not find the answer in the reports.",
        "related": "Possibly related",
        "paragraph": "¶{n}",
        "page": "p. {n}",
        "caption": "photo caption",
        "text_only": "I can only read text: please type your question.",
        "ask_usage": "Write the question after /ask, for example: /ask {example}",
        "ask_example": "how much did Qingdao give Yiling",
        "one_moment": "One moment: I am still answering your earlier questions. Send this one "
        "again when they are done.",
        "gone": "That passage is no longer in the reports (the index was rebuilt). "
        "Ask the question again for current sources.",
        "gone_short": "No longer in the reports",
        "passage_title": "Passage",
        "apology": "Sorry, something went wrong while answering. Please try again.",
        "not_admin": "Sorry, only the bot's administrators can rebuild the index.",
        "reindex_started": "Rebuilding the index from the reports… I will report when it is done.",
        "reindex_running": "A rebuild is already running; I will report when it is done.",
        "reindex_done": "Index rebuilt in {seconds:.1f} s: {documents} documents, {passages} "
        "passages. Embedded {embedded}, reused {reused}, removed {removed}.",
        "reindex_unchanged": "The reports have not changed: nothing to rebuild "
        "({passages} passages).",
        "reindex_swapped": "The new index is in use.",
        "reindex_failed": "Rebuilding the index failed: {error}",
        "not_allowed": "Sorry, this bot is private.",
        "unknown_command": "I don't know that command. Send a question, or /help.",
        "too_long": "That question is too long: please ask it in fewer words.",
    },
    "zh": {
        "greeting": "你好{name}!我根据资料库里的报告回答问题,并注明出处段落。",
        "ask_like": "可以用中文或英文提问,例如:",
        "ask_plain": "请用中文或英文提问。",
        "start_tail": "点按答案下方带编号的按钮可阅读原文段落。更多说明请看 /help。",
        "help_title": "如何提问",
        "help_private": "私聊时,直接发送问题即可。",
        "help_group": "在群组里,请提及我({mention})、回复我的消息,或发送 /ask 加问题。",
        "help_sources": "答案用 [1]、[2]… 标注出处,并列出来源(文档 · 章节 · 段落)。点按按钮可阅读完整段落。",
        "help_know": "我知道什么",
        "help_stats": "文档:{documents} 篇;段落:{passages} 个。",
        "help_built": "索引建于 {built}。",
        "help_not_built": "索引尚未建立。",
        "help_stale": "此后有文档发生变化;管理员可以 /reindex。",
        "help_commands": "命令",
        "cmd_start": "问候与示例问题",
        "cmd_help": "如何提问、我知道什么",
        "cmd_ask": "提问(用于群组)",
        "cmd_reindex": "重建索引(管理员)",
        "sources": "出处",
        "answered_as": "按此理解",
        "help_follow_up": "可以接着问:问完一个问题后,发“那上海呢？”或“2019年呢？”,就换掉这一项再问一次;回答会写明是怎样理解的。",
        "no_answer": "报告中没有找到这个问题的答案。",
        "related": "可能相关的段落",
        "paragraph": "第{n}段",
        "page": "第{n}页",
        "caption": "图片说明",
        "text_only": "我只能读文字,请用文字输入问题。",
        "ask_usage": "请在 /ask 后面写上问题,例如:/ask {example}",
        "ask_example": "青岛市给夷陵区援助了多少资金",
        "one_moment": "请稍等:我还在回答你之前的问题。等它们答完后再发送这一条。",
        "gone": "该段落已不在报告中(索引已重建)。请重新提问以获取最新出处。",
        "gone_short": "该段落已不在报告中",
        "passage_title": "段落",
        "apology": "抱歉,回答时出了点问题,请再试一次。",
        "not_admin": "抱歉,只有机器人的管理员才能重建索引。",
        "reindex_started": "正在根据报告重建索引……完成后我会告诉你。",
        "reindex_running": "重建已在进行中,完成后我会告诉你。",
        "reindex_done": "索引已重建,用时 {seconds:.1f} 秒:{documents} 篇文档,{passages} 个段落。"
        "新嵌入 {embedded},复用 {reused},移除 {removed}。",
        "reindex_unchanged": "报告没有变化,无需重建({passages} 个段落)。",
        "reindex_swapped": "新索引已启用。",
        "reindex_failed": "重建索引失败:{error}",
        "not_allowed": "抱歉,这是一个私有机器人。",
        "unknown_command": "我不认识这个命令。请直接提问,或发送 /help。",
        "too_long": "问题太长了,请缩短后再问。",
    },
}


def lang_of(language_code: str | None) -> str:
    """The UI language for a Telegram ``language_code``: "zh" for Chinese, else "en"."""
    return "zh" if language_code and language_code.lower().startswith("zh") else "en"


def t(lang: str, key: str, **values: Any) -> str:
    """A UI text (plain, not escaped), formatted with ``values``."""
    table = TEXTS.get(lang) or TEXTS["en"]
    return table.get(key, TEXTS["en"][key]).format(**values)


def esc(text: Any) -> str:
    """Escape text for Telegram's HTML parse mode (``<``, ``>``, ``&`` and quotes)."""
    return html.escape(str(text), quote=True)


# -- replies ----------------------------------------------------------------------------------


@dataclass
class Reply:
    """A reply ready to send: HTML parts (each within the limit) and buttons for the last."""

    parts: list[str]
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, callback_data)


def callback_data_for(passage_id: str) -> str:
    """The callback data for a passage button: its id, or a stable short key if too long.

    A key starts with ``#``; the bot keeps the key -> id mapping (:func:`is_key`).
    """
    if 0 < len(passage_id.encode("utf-8")) <= MAX_CALLBACK_DATA and not passage_id.startswith("#"):
        return passage_id
    return "#" + hashlib.sha256(passage_id.encode("utf-8")).hexdigest()[:32]


def is_key(data: str) -> bool:
    return data.startswith("#")


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def source_label(passage: Any, lang: str, *, with_doc: bool = True) -> str:
    """"document · section · ¶n" (plain text, not escaped)."""
    bits = []
    if with_doc:
        bits.append(passage.doc)
    if passage.section:
        bits.append(_clip(passage.section, 60))
    bits.append(t(lang, "paragraph", n=passage.paragraph))
    if getattr(passage, "page", None):
        bits.append(t(lang, "page", n=passage.page))
    if getattr(passage, "caption", False):
        bits.append(t(lang, "caption"))
    return " · ".join(bits)


def button_label(rank: int, passage: Any, lang: str) -> str:
    label = f"[{rank}] " + source_label(passage, lang, with_doc=False)
    return _clip(label, MAX_BUTTON_LABEL)


def render_answer(answer: Any, lang: str | None = None, limit: int = MAX_MESSAGE) -> Reply:
    """The reply for a :class:`qa.types.Answer`: answer text with [n] markers and sources.

    An unanswered question says so plainly and lists the closest passages as possibly
    related, with a short snippet of each.
    """
    lang = lang or getattr(answer, "lang", "en") or "en"
    citations = cited(answer)
    blocks: list[str] = []
    resolved = getattr(answer, "resolved_question", None)
    if resolved:  # a follow-up: show how it was read, so a wrong reading is seen at once
        blocks.append(f"<i>{esc(t(lang, 'answered_as'))}: {esc(resolved)}</i>")
    if answer.answered:
        blocks.append(esc(answer.answer))
        if citations:
            lines = [f"<b>{esc(t(lang, 'sources'))}</b>"]
            lines += [f"[{n}] {esc(source_label(c.passage, lang))}" for n, c in citations]
            blocks.append("\n".join(lines))
    else:
        # The engine's own words (as `qa ask` prints them); a plain "no answer" otherwise.
        explanation = (answer.answer or "").strip()
        blocks.append(esc(explanation) if explanation else f"<b>{esc(t(lang, 'no_answer'))}</b>")
        if citations:
            said = explanation.lower()
            lines = [] if ("possibly related" in said or "可能相关" in said) else [f"<i>{esc(t(lang, 'related'))}:</i>"]
            for n, c in citations:
                lines.append(
                    f"[{n}] {esc(source_label(c.passage, lang))}\n"
                    f"    “{esc(_clip(c.passage.text, SNIPPET_CHARS))}”"
                )
            blocks.append("\n".join(lines))
    buttons = [(button_label(n, c.passage, lang), callback_data_for(c.passage.id)) for n, c in citations]
    return Reply(split_html("\n\n".join(blocks), limit), buttons)


def cited(answer: Any) -> list[tuple[int, Any]]:
    """(n, citation) for the citations the answer's [n] markers refer to (``citations[n-1]``);
    all of them when the text has no markers or the question was not answered."""
    numbered = list(enumerate(answer.citations or [], start=1))
    if not answer.answered:
        return numbered
    marks = {int(n) for n in re.findall(r"\[(\d{1,3})\]", answer.answer or "")}
    return [(n, c) for n, c in numbered if n in marks] or numbered


def render_passage(passage: Any, lang: str, limit: int = MAX_MESSAGE) -> list[str]:
    """The full text of a passage, under its source line."""
    title = passage.title if getattr(passage, "title", None) else None
    head = f"<b>{esc(source_label(passage, lang))}</b>"
    if title and title != passage.doc:
        head += f"\n<i>{esc(title)}</i>"
    body = "\n\n".join(esc(p.strip()) for p in re.split(r"\n\s*\n", passage.text) if p.strip())
    return split_html(f"{head}\n\n<blockquote>{body or esc(passage.text)}</blockquote>", limit)


def render_gone(lang: str) -> str:
    return esc(t(lang, "gone"))


def render_start(lang: str, first_name: str | None, examples: dict[str, list[str]]) -> str:
    name = f", {first_name}" if first_name and lang == "en" else (f",{first_name}" if first_name else "")
    lines = [esc(t(lang, "greeting", name=name))]
    chosen = examples.get(lang) or [q for qs in examples.values() for q in qs][:3]
    if chosen:
        lines.append("")
        lines.append(esc(t(lang, "ask_like")))
        lines += [f"• <i>{esc(q)}</i>" for q in chosen]
    else:
        lines.append(esc(t(lang, "ask_plain")))
    lines.append("")
    lines.append(esc(t(lang, "start_tail")))
    return "\n".join(lines)


def _count(value: Any) -> int:
    if isinstance(value, (list, tuple, dict, set)):
        return len(value)
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def render_help(lang: str, info: dict, bot_username: str | None, is_admin: bool = False) -> str:
    mention = f"@{bot_username}" if bot_username else "@bot"
    lines = [
        f"<b>{esc(t(lang, 'help_title'))}</b>",
        esc(t(lang, "help_private")),
        esc(t(lang, "help_group", mention=mention)),
        esc(t(lang, "help_sources")),
        esc(t(lang, "help_follow_up")),
        "",
        f"<b>{esc(t(lang, 'help_know'))}</b>",
        esc(t(lang, "help_stats", documents=_count(info.get("documents")), passages=_count(info.get("passages")))),
    ]
    built = info.get("index_built")
    lines.append(esc(t(lang, "help_built", built=format_time(built)) if built else t(lang, "help_not_built")))
    if info.get("stale") and built:
        lines.append(esc(t(lang, "help_stale")))
    lines += ["", f"<b>{esc(t(lang, 'help_commands'))}</b>"]
    for name in command_names(is_admin):
        lines.append(f"/{name} – {esc(t(lang, 'cmd_' + name))}")
    return "\n".join(lines)


def command_names(is_admin: bool = False) -> list[str]:
    return ["start", "help", "ask"] + (["reindex"] if is_admin else [])


def commands_for(lang: str, is_admin: bool = False) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands."""
    return [(name, t(lang, "cmd_" + name)) for name in command_names(is_admin)]


def format_time(value: Any) -> str:
    """An ISO 8601 timestamp as "2025-01-31 12:00 UTC" (falls back to the text as given)."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def render_reindex(lang: str, summary: Any, swapped: bool) -> str:
    get = summary.get if isinstance(summary, dict) else (lambda k, d=None: getattr(summary, k, d))
    if get("unchanged", False):
        text = t(lang, "reindex_unchanged", passages=get("passages", 0))
    else:
        text = t(
            lang,
            "reindex_done",
            seconds=float(get("seconds", 0.0) or 0.0),
            documents=get("documents", 0),
            passages=get("passages", 0),
            embedded=get("embedded", 0),
            reused=get("reused", 0),
            removed=get("removed", 0),
        )
    if swapped:
        text += " " + t(lang, "reindex_swapped")
    return esc(text)


# -- splitting --------------------------------------------------------------------------------

_ATOM = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut HTML into parts of at most ``limit`` UTF-16 units (markup included).

    Prefers paragraph breaks (blank lines), then line breaks, then spaces; never cuts a tag
    or an entity. Elements open at a cut are closed at the end of the part and reopened at
    the start of the next one, so each part is well-formed on its own.
    """
    if utf16_len(text) <= limit:
        return [text] if text.strip() else []
    atoms = _ATOM.findall(text)
    sizes = [utf16_len(a) for a in atoms]
    parts: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag) of elements open at position i
    i = 0
    while i < len(atoms):
        prefix = "".join(tag for _, tag in stack)
        size = utf16_len(prefix)
        sim = list(stack)
        best: dict[int, tuple[int, list[tuple[str, str]]]] = {}
        j = i
        while j < len(atoms):
            atom = atoms[j]
            new_sim = sim
            match = _TAG.match(atom) if atom.startswith("<") else None
            if match:
                new_sim = list(sim)
                if match.group(1):
                    if new_sim and new_sim[-1][0] == match.group(2):
                        new_sim.pop()
                else:
                    new_sim.append((match.group(2), atom))
            new_closing = sum(len(name) + 3 for name, _ in new_sim)
            if size + sizes[j] + new_closing > limit:
                break
            size += sizes[j]
            sim = new_sim
            j += 1
            if j < len(atoms):
                level = _break_level(atoms, j)
                best[level] = (j, list(sim))
        if j >= len(atoms):
            parts.append(prefix + "".join(atoms[i:]))
            break
        if not best:  # one atom does not fit after the reopened tags: cannot happen for sane limits
            raise ValueError(f"cannot split HTML into parts of {limit} characters")
        # Prefer the best kind of break unless it leaves the part less than a third full.
        chosen = None
        for level in (3, 2, 1, 0):
            if level in best:
                cut, cut_stack = best[level]
                used = sum(sizes[i:cut])
                if level == 0 or used >= (limit - len(prefix)) // 3:
                    chosen = (cut, cut_stack)
                    break
        if chosen is None:
            chosen = best[max(best)]
        cut, cut_stack = chosen
        body = "".join(atoms[i:cut]).rstrip()
        part = prefix + body + "".join(f"</{name}>" for name, _ in reversed(cut_stack))
        parts.append(part)
        stack = cut_stack
        i = cut
        while i < len(atoms) and atoms[i] in ("\n", " ", "\t"):
            i += 1
    return [p for p in (_drop_empty_elements(p) for p in parts) if _visible(p)]


def _break_level(atoms: Sequence[str], j: int) -> int:
    """How good a cut before ``atoms[j]`` is: 3 blank line, 2 line break, 1 space, 0 other."""
    prev = atoms[j - 1]
    if prev == "\n":
        if j >= 2 and atoms[j - 2] == "\n":
            return 3
        return 2
    if prev in (" ", "\t"):
        return 1
    return 0


def _drop_empty_elements(part: str) -> str:
    previous = None
    while previous != part:
        previous = part
        part = re.sub(r"<([a-zA-Z][\w-]*)(?:\s[^<>]*)?>\s*</\1>", "", part)
    return part.strip()


def _visible(part: str) -> bool:
    return bool(re.sub(r"<[^<>]*>", "", part).strip())


def chunks(items: Iterable[Any], size: int) -> list[list[Any]]:
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]
