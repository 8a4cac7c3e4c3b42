"""Follow-up questions: "and Shanghai?", "那2024年呢" read with the last question of the chat."""

from __future__ import annotations

import json

import pytest

from qa.conversation import Conversation, resolve
from qa.evaluation.questions import QuestionSetError, load_questions
from qa.evaluation.runner import run_questions
from qa.types import Place, QuestionFrame

QINGDAO, YILING, SHANGHAI, ZIGUI = (Place("青岛", "Qingdao", 2), Place("夷陵", "Yiling", 3),
                                    Place("上海", "Shanghai", 2), Place("秭归", "Zigui", 3))
LAST = "How much did Qingdao give Yiling?"
LAST_FRAME = QuestionFrame(LAST, "en", "amount", (QINGDAO, YILING))


def frame(text: str, *places: Place, years=(), reports=(), subject=0, lang="en") -> QuestionFrame:
    return QuestionFrame(text, lang, "what", tuple(places), tuple(years), tuple(reports), subject)


# -- reading a follow-up (the rules, on frames as the engine gives them) -----------------------


def test_a_new_place_stands_in_for_the_place_of_its_level():
    assert resolve("and Shanghai?", frame("and shanghai?", SHANGHAI), LAST, LAST_FRAME) == \
        "How much did Shanghai give Yiling?"
    assert resolve("what about Zigui", frame("what about zigui", ZIGUI), LAST, LAST_FRAME) == \
        "How much did Qingdao give Zigui?"


def test_a_place_the_corpus_never_names_replaces_the_first_place():
    guangxi = Place("guangxi", "guangxi", None, known=False)
    assert resolve("and Guangxi?", frame("and guangxi?", guangxi), LAST, LAST_FRAME) == \
        "How much did Guangxi give Yiling?"


def test_a_year_replaces_the_year_or_is_added():
    last = "What was the GDP growth target for 2024?"
    last_frame = QuestionFrame(last, "en", "rate", (), (2024,), (), 1)
    assert resolve("and in 2019?", frame("and in 2019?", years=[2019]), last, last_frame) == \
        "What was the GDP growth target for 2019?"
    assert resolve("how about the 2010 report?", frame("", reports=[2010]), last, last_frame) == \
        "What was the GDP growth target for 2010 in the 2010 report?"
    assert resolve("in 2010?", frame("in 2010?", years=[2010]), LAST, LAST_FRAME) == \
        "How much did Qingdao give Yiling in 2010?"
    zh_last = "2025年的GDP增长目标是多少"
    zh_frame = QuestionFrame(zh_last, "zh", "rate", (), (2025,), (), 1)
    assert resolve("那2024年呢？", frame("那2024年呢？", years=[2024], lang="zh"), zh_last, zh_frame) == \
        "2024年的GDP增长目标是多少"


def test_a_new_subject_is_asked_with_the_last_places_and_years():
    assert resolve("and how many projects?", frame("", subject=1), LAST, LAST_FRAME) == \
        "how many projects (Qingdao, Yiling)?"
    bare_count = QuestionFrame("how many households?", "en", "count")  # a figure asked of nothing named
    assert resolve("how many households?", bare_count, LAST, LAST_FRAME) == "how many households (Qingdao, Yiling)?"


def test_a_report_named_with_the_year_moves_with_it():
    last = "According to the 1999 report, how much did GDP grow in 1998?"
    last_frame = QuestionFrame(last, "en", "rate", (), (1998,), (1999,), 1)
    assert resolve("and in 2001?", frame("and in 2001?", years=[2001]), last, last_frame) == \
        "According to the 2002 report, how much did GDP grow in 2001?"


def test_a_target_or_outcome_follow_up_asks_the_last_question_of_it():
    last = "How much did GDP grow in 2023?"
    last_frame = QuestionFrame(last, "en", "rate", (), (2023,), (), 1)
    target = QuestionFrame("and what was the target?", "en", "name", stance="target")
    assert resolve("and what was the target?", target, last, last_frame) == \
        "How much did GDP grow in 2023 — what was the target?"
    target_question = "What was the GDP growth target for 2024?"
    target_frame = QuestionFrame(target_question, "en", "rate", (), (2024,), (), 1, "target")
    actual = QuestionFrame("and the actual figure?", "en", "number", stance="outcome")  # a figure kind, yet a stance
    assert resolve("and the actual figure?", actual, target_question, target_frame) == \
        "What was the GDP growth for 2024 — the actual figure?"
    assert resolve("and what was the target?", target, target_question, target_frame) is None  # nothing changed
    zh_last = "2023年GDP增长了多少"
    zh_target = QuestionFrame("目标呢？", "zh", "what", stance="target")
    assert resolve("目标呢？", zh_target, zh_last, QuestionFrame(zh_last, "zh", "rate", (), (2023,), (), 1)) == \
        "2023年GDP增长了多少（目标）？"


def test_a_full_question_or_a_message_without_a_slot_is_not_a_follow_up():
    full = frame("how much did shanghai give zigui", SHANGHAI, ZIGUI)
    assert resolve("How much did Shanghai give Zigui in support funds?", full, LAST, LAST_FRAME) is None
    with_subject = frame("", SHANGHAI, subject=1)  # a place and a subject of its own
    assert resolve("When did Shanghai start building schools?", with_subject, LAST, LAST_FRAME) is None
    assert resolve("英文说一下", frame("英文说一下", lang="zh"), LAST, LAST_FRAME) is None
    long_subject = frame("", subject=2)
    assert resolve("what was the total investment in the whole reservoir area", long_subject, LAST,
                   LAST_FRAME) is None


# -- conversations over the real engine ---------------------------------------------------------


def test_english_and_chinese_follow_ups_answer_the_changed_question(shared_engine):
    chat = Conversation(shared_engine)
    assert "9788.1" in chat.ask("How much did Qingdao give Yiling?").answer
    answer = chat.ask("and Shanghai?")
    assert answer.resolved_question == "How much did Shanghai give Yiling?" and answer.question == "and Shanghai?"
    assert answer.answered and "7.623" in answer.answer
    assert answer.to_dict()["resolved_question"] == "How much did Shanghai give Yiling?"
    projects = chat.ask("how many projects?")
    assert projects.resolved_question == "how many projects (Shanghai, Yiling)?" and "567" in projects.answer

    zh = Conversation(shared_engine)
    zh.ask("青岛市给夷陵区援助了多少资金")
    answer = zh.ask("那上海呢？")
    assert answer.resolved_question.startswith("上海") and "7.623" in answer.answer


def test_an_unanswered_follow_up_keeps_the_question_it_followed(shared_engine):
    chat = Conversation(shared_engine)
    chat.ask("How much did Qingdao give Yiling?")
    refused = chat.ask("and Guangxi?")
    assert not refused.answered and refused.resolved_question == "How much did Guangxi give Yiling?"
    again = chat.ask("and Shanghai?")
    assert again.resolved_question == "How much did Shanghai give Yiling?" and "7.623" in again.answer


def test_a_new_question_resets_and_the_memory_expires(shared_engine):
    now = [0.0]
    chat = Conversation(shared_engine, ttl_s=60, max_follow_ups=2, clock=lambda: now[0])
    chat.ask("How much did Qingdao give Yiling?")
    assert chat.ask("上海市给夷陵区援助了多少资金").resolved_question is None  # a question of its own
    assert chat.memory.question == "上海市给夷陵区援助了多少资金"
    now[0] = 61.0
    assert chat.ask("and Qingdao?").resolved_question is None  # too late: read on its own
    chat.ask("How much did Qingdao give Yiling?")
    assert chat.ask("and Shanghai?").resolved_question and chat.ask("and Qingdao?").resolved_question
    assert chat.ask("and Shanghai?").resolved_question is None  # two follow-ups in a row were the limit


def test_two_conversations_never_share_a_question(shared_engine):
    first, second = Conversation(shared_engine), Conversation(shared_engine)
    first.ask("How much did Qingdao give Yiling?")
    assert second.ask("and Shanghai?").resolved_question is None
    assert first.ask("and Shanghai?").resolved_question == "How much did Shanghai give Yiling?"


def test_a_year_follow_up_over_many_reports(reports_engine):
    chat = Conversation(reports_engine)
    assert "5%左右" in chat.ask("What was the GDP growth target for 2024?").answer
    answer = chat.ask("and in 2019?")
    assert answer.resolved_question == "What was the GDP growth target for 2019?"
    assert "6%－6.5%" in answer.answer and answer.citations[0].passage.doc.startswith("2019")
    zh = Conversation(reports_engine)
    zh.ask("2025年的GDP增长目标是多少")
    answer = zh.ask("那2010年呢？")
    assert answer.resolved_question == "2010年的GDP增长目标是多少"
    assert "8％左右" in answer.answer and answer.citations[0].passage.doc.startswith("2010")


def test_target_and_outcome_follow_ups_over_many_reports(reports_engine):
    chat = Conversation(reports_engine)
    assert "5.2%" in chat.ask("How much did GDP grow in 2023?").answer
    target = chat.ask("and what was the target?")
    assert target.answer.startswith("5%左右") and target.citations[0].passage.doc.startswith("2023")
    chat.reset()
    assert chat.ask("What was the GDP growth target for 2024?").answer.startswith("5%左右")
    actual = chat.ask("and the actual figure?")
    assert actual.answer.startswith("5% ") and actual.citations[0].passage.doc.startswith("2025")
    chat.reset()
    chat.ask("According to the 1999 report, how much did GDP grow in 1998?")
    later = chat.ask("and in 2001?")
    assert "７．３％" in later.answer and later.citations[0].passage.doc.startswith("2002")


# -- evaluation of conversation cases -------------------------------------------------------------


def test_conversation_cases_are_evaluated_turn_by_turn(tmp_path, shared_engine):
    case = {"id": "qd", "lang": "en", "split": "test", "turns": [
        {"question": "How much did Qingdao give Yiling?", "answers": ["9788.1"],
         "source": "青岛市累计无偿援助夷陵区资金9788.1万元"},
        {"question": "and Shanghai?", "resolved": "How much did Shanghai give Yiling?", "answers": ["7.623"],
         "source": "上海市无偿援助夷陵区资金7.623亿元"},
        {"question": "and Guangxi?", "resolved": "How much did Guangxi give Yiling?", "answers": [], "source": None},
    ]}
    single = {"id": "alone", "question": "and Shanghai?", "answers": ["7.623"], "source": "上海市无偿援助夷陵区资金7.623亿元"}
    path = tmp_path / "chats.jsonl"
    path.write_text(json.dumps(case, ensure_ascii=False) + "\n" + json.dumps(single, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    questions = load_questions(path)
    assert [q.id for q in questions] == ["qd#1", "qd#2", "qd#3", "alone"]
    assert [q.turn for q in questions] == ["start", "follow-up", "follow-up", None]
    records = run_questions(shared_engine, questions, k=5, warm_up=False)
    assert [r.answer_correct for r in records[:3]] == [True, True, True]
    assert records[1].turn == "follow-up/en" and records[1].resolved_question == "How much did Shanghai give Yiling?"
    assert records[3].resolved_question is None  # a single question stands alone


def test_a_bad_turn_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "turns": [{"question": "ok?", "source": null}, {"source": null}]}\n'
                    '{"id": "y", "turns": []}\n', encoding="utf-8")
    with pytest.raises(QuestionSetError) as caught:
        load_questions(path)
    messages = [f"{line}: {message}" for _f, line, message in caught.value.problems]
    assert any(m.startswith("1: turn 2:") and "question" in m for m in messages), messages
    assert any(m.startswith("2:") and "turns" in m for m in messages), messages
