"""The figure grammar, the year reading of questions and passages: pure functions, no index."""

from __future__ import annotations

import pytest

from qa.language.figures import english_reading, find_figures
from qa.language.timeframe import asked_years, years_in


@pytest.mark.parametrize(
    "text, span, kind, value, reading",
    [
        ("国内生产总值增长5%左右", "5%左右", "percent", 5.0, "about 5%"),
        ("城镇新增就业1200万人以上", "1200万人以上", "people", 12_000_000, "at least 12 million people"),
        ("全年国内生产总值达到六千零一十三亿元", "六千零一十三亿元", "money", 601_300_000_000, "601.3 billion yuan"),
        ("增长７．３％", "７．３％", "percent", 7.3, "7.3%"),
        ("财政收入7 4 7 7 2 亿元", "7 4 7 7 2 亿元", "money", 7_477_200_000_000, "7.4772 trillion yuan"),
        ("居民收入翻一番", "翻一番", "multiple", 2, "doubled"),
        ("失业率下降3.1个百分点", "3.1个百分点", "points", 3.1, "3.1 percentage points"),
        ("增长百分之四点五", "百分之四点五", "percent", 4.5, "4.5%"),
        ("粮食产量1.3万亿斤以上", "1.3万亿斤以上", "quantity", 1.3e12, "at least 1.3 trillion jin"),
        ("青岛市累计无偿援助夷陵区资金9788.1万元", "9788.1万元", "money", 97_881_000, "97.881 million yuan"),
    ],
)
def test_figures_are_read_with_kind_value_and_english_reading(text, span, kind, value, reading):
    figure = next(f for f in find_figures(text) if f.kind == kind)
    assert text[figure.start:figure.end] == figure.text == span  # quoted exactly as written
    assert figure.value == pytest.approx(value)
    assert english_reading(figure) == reading


def test_ranges_qualifiers_and_directions():
    growth = find_figures("增长6.5%－7%")[0]
    assert (growth.value, growth.high, growth.qualifier, growth.direction) == (6.5, 7.0, "range", "up")
    cut = find_figures("能耗下降3%以内")[0]
    assert (cut.qualifier, cut.direction) == ("at most", "down")
    assert english_reading(find_figures("5至6万人")[0]) == "50,000 to 60,000 people"


def test_years_in_any_writing_and_ordinals_are_not_counts():
    assert [f.year for f in find_figures("一九八四年和1997年") if f.kind == "year"] == [1984, 1997]
    assert not [f for f in find_figures("第二个五年计划") if f.kind == "count"]
    assert not [f for f in find_figures("一个中心、两个基本点") if f.kind == "count"]


def test_questions_name_years_reports_and_relative_years():
    assert asked_years("2025年的GDP增长目标是多少").about == [2025]
    assert asked_years("2010年政府工作报告提出的目标").reports == [2010]
    assert asked_years("What was GDP growth in the 2010 report").reports == [2010]
    assert asked_years("what was GDP growth last year").relative == -1
    assert asked_years("去年粮食产量").relative == -1


def test_relative_years_in_a_report_are_read_against_its_year():
    mentions = years_in("今年发展主要预期目标是：比上年增长5%，去年实现增长5.2%", 2025)
    assert [m.year for m in mentions] == [2025, 2024]  # 比上年 is a comparison base, not a year named


def test_five_year_plans_are_named_in_chinese_and_english():
    from qa.language.timeframe import asked_plans, plan_forms, plan_years

    assert asked_plans("“六五”期间新增发电装机容量") == [6] and plan_years(6) == (1981, 1985)
    assert asked_plans("十二五规划提出城镇化率要提高到多少") == [12] and plan_years(12) == (2011, 2015)
    assert asked_plans("What did the Sixth Five-Year Plan target?") == [6]
    assert asked_plans("In the 13th Five-Year Plan outline") == [13] and plan_years(13) == (2016, 2020)
    assert plan_years(1) == (1953, 1957) and plan_years(3) == (1966, 1970)  # 1963-1965: readjustment
    assert plan_forms(14) == ["十四五", "第十四个五年"]
    assert asked_plans("二〇一五年的目标") == [] and asked_plans("十一五时期") == [11]


def test_a_figure_takes_no_year_from_a_later_clause():
    from qa.language.timeframe import year_before

    text = "粮食产量33212万吨，比上年增加2737万吨，这是在1978年粮食丰收的基础上实现的。"
    assert year_before(text, text.index("33212"), None) is None
    text = "2005年与2000年相比，国内生产总值增长57.3%。"  # a span, no one year's change
    assert year_before(text, text.index("57.3"), None) == 2000


def test_a_misspelt_gloss_word_is_corrected_only_when_one_word_is_nearest():
    from qa.retrieval.bridge import Bridge

    bridge = Bridge({"words": {w: [["词", 1.0]] for w in ("grain", "great", "unemployment", "wish", "rich")},
                     "english": ["grain", "great", "unemployment", "wish", "rich"]})
    assert bridge.correct("grian") == "grain"  # two letters swapped: one edit
    assert bridge.correct("unemployement") == "unemployment"  # long words: up to two edits
    assert bridge.correct("wich") is None  # wish and rich are both one edit away: no guess
    assert bridge.correct("grain") is None and bridge.correct("xyz") is None
