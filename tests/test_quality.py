"""The answer model on the real index of the bundled corpus and the second corpus: names,
the English bridge, the question's frame, and which sentence answers or why none does."""

from __future__ import annotations

import pytest

from qa.retrieval.pipeline import Pipeline


@pytest.fixture(scope="module")
def analyzer(shared_engine):
    return Pipeline(shared_engine.store.load()).analyzer


@pytest.mark.parametrize(
    "question, expected",
    [
        ("how much did Qingdao give Yiling", ["青岛", "夷陵"]),
        ("how much did qingdoa give Yi Ling", ["青岛", "夷陵"]),
        ("Heilongjang aid to Yiling", ["黑龙江", "夷陵"]),
        ("Dalien support for Xing Shan", ["大连", "兴山"]),
        ("青島市給夷陵區援助了多少資金", ["青岛", "夷陵"]),
        ("Jiangsu sheng 在 Zigui 援建了什么", ["江苏", "秭归"]),
    ],
)
def test_names_are_found_however_they_are_spelt(analyzer, question, expected):
    assert analyzer.run(question).entities == expected


@pytest.mark.parametrize("word, chinese", [("hospital", "医院"), ("tourism", "旅游"), ("hospitals", "医院"),
                                           ("trained", "培训")])
def test_english_words_reach_the_corpus_words(analyzer, word, chinese):
    assert chinese in analyzer.run(f"which {word} did Beijing build").terms


def test_a_glossary_phrase_keeps_its_stopwords(reports_engine):
    analyzer = Pipeline(reports_engine.store.load()).analyzer
    assert "居民消费价格" in analyzer.run("How much did consumer prices rise in 2024?").terms
    assert "居民消费价格" not in analyzer.run("How much did prices rise in 2024?").terms  # "prices" alone is a stopword


def test_a_when_question_asks_for_a_start_only_in_its_words(reports_engine):
    analyzer = Pipeline(reports_engine.store.load()).analyzer
    assert analyzer.run("Since when has the western development run?").asks_start
    assert not analyzer.run("When did consumer prices rise 5.9%?").asks_start


def test_places_the_corpus_never_mentions_are_flagged(analyzer):
    assert "guangxi" in analyzer.run("How much did Guangxi give Fuling?").unknown_names
    assert analyzer.run("广西给涪陵援助了多少资金").unknown_names
    assert not analyzer.run("how much did Qingdao give Yiling").unknown_names
    assert not analyzer.run("Who presented the plan on 8 April?").unknown_names  # a month, not a place


@pytest.mark.parametrize(
    "question, kind",
    [
        ("how much did Qingdao give Yiling", "amount"),
        ("how many schools did Shanghai build", "count"),
        ("in what year did Beijing sign the first agreement", "when"),
        ("which hospital did Beijing build", "name"),
        ("What was the GDP growth target for 2024?", "rate"),
        ("2025年城镇新增就业目标是多少", "number"),
        ("青岛市支援夷陵区多少资金", "amount"),
        ("为什么深圳的援助资金规模最大", "reason"),
        ("What principle have the entrepreneurs followed in the reservoir area?", "name"),
    ],
)
def test_question_kinds(analyzer, question, kind):
    assert analyzer.run(question).kind == kind


def test_the_frame_of_a_question_stance_unit_money_and_what_is_counted(analyzer):
    assert analyzer.run("What was the GDP growth target for 2024?").stance == "target"
    assert analyzer.run("How much did GDP actually grow in 2023?").stance == "outcome"
    assert analyzer.run("上海市援建了多少所学校").unit == "所"
    assert analyzer.run("How many tonnes of citrus were sold").unit == "吨"
    assert analyzer.run("北京派了多少个干部").unit is None  # 个 counts anything
    money = analyzer.run("How much did the hospital cost?")
    assert money.money and set(money.accepts) == {"money"}
    schools = analyzer.run("how many schools did qingdao help upgrade")
    assert any("学校" in schools.term_groups[i] for i in schools.counted_groups)
    assert analyzer.run("how much free aid does Beijing give Badong each year").yearly


@pytest.mark.parametrize(
    "question, figure, section",
    [
        ("how much did Qingdao give Yiling", "9788.1万元", "青岛"),
        ("How much money did Shanghai give to Yiling?", "7.623亿元", "上海"),
        ("How many aid projects has Beijing carried out in Badong?", "289个", "北京"),
        ("Heilongjang 一共向夷陵援助了多少资金和物资?", "2800万元", "黑龙江"),
        ("青岛市支援夷陵区多少资金", "9788.1万元", "青岛"),
        ("how many schools did qingdao help upgrade in yiling", "15所", "青岛"),
        ("How many tonnes of citrus does Yiling export each year with Heilongjiang's help?", "300多吨", "黑龙江"),
    ],
)
def test_answers_quote_the_figure_of_the_right_donor(shared_engine, question, figure, section):
    answer = shared_engine.ask(question)
    assert answer.answered and figure in answer.answer, (answer.answer, answer.reason)
    assert section in answer.citations[0].passage.section


@pytest.mark.parametrize(
    "question",
    ["How much did Guangxi give Fuling?", "how much did Qingdao give Zigui", "what is the capital of france",
     "How much free aid does Beijing give Badong each year?", "1950年青岛援助了夷陵多少资金"],
)
def test_unanswerable_questions_are_declined(shared_engine, question):
    answer = shared_engine.ask(question)
    assert not answer.answered and answer.reason


def test_english_answer_is_in_english_and_chinese_answer_in_chinese(shared_engine):
    english = shared_engine.ask("how much did Qingdao give Yiling")
    chinese = shared_engine.ask("青岛市给夷陵区援助了多少资金")
    assert english.lang == "en" and "the report says" in english.answer
    assert "97.881 million yuan" in english.answer  # the reading keeps the source's digits
    assert chinese.lang == "zh" and "the report" not in chinese.answer
    assert "[1]" in english.answer and len(english.answer) <= 400


def test_the_quoted_passage_is_cited_first(shared_engine):
    answer = shared_engine.ask("how many schools did qingdao help upgrade in yiling")
    assert answer.answered and "15所" in answer.citations[0].passage.text


def test_a_count_must_stand_next_to_what_is_counted(second_engine):
    # The hospital's paragraph counts doctors and operations, never beds.
    answer = second_engine.ask("How many beds does Chengchuan County People's Hospital have?")
    assert not answer.answered


def test_a_sum_of_money_answers_only_money_questions(second_engine):
    answer = second_engine.ask("烟台市援建的冷链物流中心投资了多少钱?")
    assert not answer.answered or "万吨" not in answer.answer


def test_a_person_question_needs_a_person_named(second_engine):
    assert not second_engine.ask("天津醫療隊的隊長是誰?").answered


def test_a_reason_question_needs_a_reason(second_engine):
    assert not second_engine.ask("深圳为什么对柏坪区的援助资金规模最大?原因是什么?").answered


def test_two_places_that_never_meet_are_declined(shared_engine):
    answer = shared_engine.ask("How much did Qingdao give Badong?")
    assert not answer.answered and "together" in answer.reason
