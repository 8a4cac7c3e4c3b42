"""A corpus of many reports alike in wording (the 52 State Council work reports): the year a
question names picks the report, targets are told from results, and every citation carries
the document and the section it sits in."""

from __future__ import annotations

import pytest


def first_doc(answer) -> str:
    return answer.citations[0].passage.doc


def assert_quotes_from(engine, question: str, figure: str, report_year: str):
    """The engine answers, quotes the figure, and cites first the report of that year."""
    answer = engine.ask(question)
    assert answer.answered, answer.reason
    assert figure in answer.answer and first_doc(answer).startswith(report_year), answer.answer
    return answer


def test_the_year_named_picks_the_report_and_its_target(reports_engine):
    assert_quotes_from(reports_engine, "2025年的GDP增长目标是多少", "5%左右", "2025")


def test_a_report_named_by_its_year_answers_a_target_in_its_own_words(reports_engine):
    assert_quotes_from(reports_engine, "2025年政府工作报告提出的城镇新增就业目标是多少", "1200万人", "2025")


def test_an_english_question_gets_the_figure_and_its_english_reading(reports_engine):
    answer = assert_quotes_from(reports_engine, "What was the GDP growth target for 2024?", "5%左右", "2024")
    assert "about 5%" in answer.answer
    assert "2024" in answer.answer  # the document is named: many reports say the same words


def test_a_year_no_report_covers_is_declined_naming_the_year(reports_engine):
    answer = reports_engine.ask("1890年的粮食产量是多少")
    assert not answer.answered and "1890" in answer.reason


def test_a_result_of_a_year_comes_from_the_report_reviewing_it(reports_engine):
    assert_quotes_from(reports_engine, "2001年国内生产总值达到多少？", "９５９３３亿元", "2002")


def test_without_a_year_the_best_report_answers_and_other_reports_are_listed(reports_engine):
    answer = reports_engine.ask("国内生产总值增长的预期目标是多少")
    assert answer.answered, answer.reason
    assert "国务院政府工作报告" in answer.answer  # the answer names its document
    other = answer.answer.split("其他报告", 1)
    assert len(other) == 2 and "%" in other[1], answer.answer  # each other report's figure, cited
    cited_docs = {c.passage.doc for c in answer.citations}
    assert len(cited_docs) > 1


def test_citations_carry_the_section_of_plain_numbered_headings(reports_engine):
    answer = reports_engine.ask("2024年城镇新增就业目标")
    cited = answer.citations[0].passage
    assert cited.section and cited.heading_path, cited
    assert any(h.startswith(("一、", "二、", "三、", "四、", "五、", "六、")) for h in cited.heading_path)


@pytest.mark.parametrize("question", ["What was China's GDP in 1850?", "1900年的财政收入是多少"])
def test_years_outside_the_reports_are_declined(reports_engine, question):
    assert not reports_engine.ask(question).answered


def test_a_report_saying_past_year_in_other_words_reviews_the_year_before(reports_engine):
    # The 2012 report reviews 2011 as 过去的一年 and 一年来; the 2013 one gives 2012's result.
    assert_quotes_from(reports_engine, "2012年全年城镇新增就业人数", "1266万人", "2013")


def test_a_misspelt_english_word_is_read_as_the_word_meant(reports_engine):
    answer = assert_quotes_from(reports_engine, "1979 grian output?", "33，212万吨", "1980")
    # The year's output leads, not the change beside it (比上年增加2，737万吨).
    assert answer.answer.startswith("33，212万吨"), answer.answer


def test_a_five_year_plan_reads_the_reports_around_it(reports_engine):
    assert_quotes_from(reports_engine, "“六五”期间新增发电装机容量是多少千瓦？", "一千九百五十万千瓦", "1986")


def test_an_actual_figure_is_never_answered_by_a_target(reports_engine):
    # The latest report sets 2025's target; no report gives what 2025 came to.
    answer = reports_engine.ask("What was China's actual GDP growth rate in 2025?")
    assert not answer.answered, answer.answer
