"""Years: the ones a text mentions, the one a figure is about, and the ones a question asks for.

Reports write years as digits (2024年), as Chinese numerals (一九八四年) or relative to the
year they were written (今年, 去年, 过去一年). A relative year is read against the
document's year; a comparison base (比上年增长, 同比) names no year of its own.
Questions name years in English ("in 2019", "the 2010 report", "last year") or Chinese
(2019年, 2019年政府工作报告, 去年).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.language.figures import CLAUSE_END, YEAR, chinese_number, find_figures

# Relative year words and their offset from the document's year.
RELATIVE_CHINESE = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "过去一年": -1,
                    "前年": -2, "明年": 1, "来年": 1, "下一年": 1}
_RELATIVE = re.compile("|".join(sorted(RELATIVE_CHINESE, key=len, reverse=True)))
_COMPARISON = ("比", "较", "同", "于", "与", "超", "和")  # 比上年, 较去年, 同去年相比: a base, not a year
RELATIVE_ENGLISH = {"this year": 0, "current year": 0, "last year": -1, "previous year": -1,
                    "past year": -1, "the year before": -1, "next year": 1, "coming year": 1}
_ENGLISH_RELATIVE = re.compile(r"\b(" + "|".join(RELATIVE_ENGLISH) + r")\b")
# In a question any four-digit year with 年 ("1890年") or after an English preposition
# ("in 1850") is a year, so that one no report covers is declined by name; a bare number
# counts as a year only from 1900 to 2099.
_CHINESE_YEAR = re.compile(r"(?<![\d.])(1[5-9]\d{2}|20\d{2}) ?年"
                           r"|(?<![\d.])((?:19|20)\d{2})(?=\D|$)"
                           r"|\b(?:in|of|for|since|by|during|year) (1[5-9]\d{2})\b")
# A question that names a report by its year: "the 2010 report", 2010年政府工作报告, 2010年的报告.
_REPORT_WORDS = r"(?:政府)?工作报告|报告|公报|规划|纲要"
_REPORT_ZH = re.compile(rf"((?:19|20)\d{{2}}) ?年?(?:的|度)?(?:[\u4e00-\u9fff]{{0,6}}?)(?:{_REPORT_WORDS})")
_REPORT_EN = re.compile(r"\b((?:19|20)\d{2})(?:'s)? (?:(?:government )?(?:work )?report|bulletin|plan|communiqu[eé])\b"
                        r"|\b(?:report|bulletin) (?:of|for|from) ((?:19|20)\d{2})\b")


@dataclass(frozen=True)
class YearMention:
    year: int
    start: int
    end: int
    relative: bool = False


def years_in(text: str, base_year: int | None) -> list[YearMention]:
    """The years the text names, in order: written out, or relative to ``base_year``."""
    found = [YearMention(f.year, f.start, f.end) for f in find_figures(text) if f.kind == YEAR and f.year]
    if base_year is not None:
        for match in _RELATIVE.finditer(text):
            if match.start() and text[match.start() - 1] in _COMPARISON:
                continue
            found.append(YearMention(base_year + RELATIVE_CHINESE[match.group(0)], match.start(), match.end(), True))
    return sorted(found, key=lambda m: m.start)


def year_before(text: str, at: int, base_year: int | None, sentence_start: int = 0) -> int | None:
    """The year a figure at position ``at`` is about, from its sentence: the last year named
    before it (到2025年, 去年; a base year too: 2005年与2000年相比 is no one year's change),
    else the first named after it in its own clause, not a later one's (粮食产量33212万吨，
    ……在1978年丰收的基础上)."""
    mentions = [m for m in years_in(text, base_year) if m.start >= sentence_start]
    before = [m for m in mentions if m.end <= at]
    if before:
        return before[-1].year
    clause_end = CLAUSE_END.search(text, at)
    end = clause_end.start() if clause_end else len(text)
    after = [m for m in mentions if at <= m.start < end]
    return after[0].year if after else None


# Five-year plans, the periods Chinese reports count in: 一五 1953-1957, 二五 1958-1962, then
# from 三五 (1966-1970) on five years each (六五 1981-1985, 十四五 2021-2025).
FIRST_PLAN_YEAR = 1953
THIRD_PLAN_YEAR = 1966
_PLAN_NUMERAL = "[一二三四五六七八九十]{1,3}"
_PLAN_ZH = re.compile(rf"“({_PLAN_NUMERAL})五”|(?<![一二三四五六七八九十])({_PLAN_NUMERAL})五(?=计划|规划|时期|期间|末|以来)"
                      rf"|第({_PLAN_NUMERAL})个五年(?:计划|规划)")
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
             "thirteenth fourteenth fifteenth sixteenth").split()
_PLAN_EN = re.compile(r"\b(" + "|".join(_ORDINALS) + r"|\d{1,2})(?:st|nd|rd|th)? five[- ]?year (?:plan|programme|program)")
_PLAN_DIGITS = "零一二三四五六七八九"


def plan_years(number: int) -> tuple[int, int]:
    """First and last year of the Nth five-year plan (1963-1965 were years of readjustment
    between the second and the third)."""
    start = FIRST_PLAN_YEAR + 5 * (number - 1) if number <= 2 else THIRD_PLAN_YEAR + 5 * (number - 3)
    return start, start + 4


def plan_forms(number: int) -> list[str]:
    """How reports name the Nth plan: 十二五, 第十二个五年规划 / 计划."""
    tens, units = divmod(number, 10)
    numeral = ("十" if tens == 1 else (_PLAN_DIGITS[tens] + "十" if tens else "")) + (_PLAN_DIGITS[units] if units else "")
    return [f"{numeral}五", f"第{numeral}个五年"]


def _plan_number(numeral: str) -> int | None:
    if numeral.isdigit():
        return int(numeral)
    if numeral.lower() in _ORDINALS:
        return _ORDINALS.index(numeral.lower()) + 1
    value = chinese_number(numeral)
    return int(value) if value is not None else None


def asked_plans(question: str) -> list[int]:
    """The five-year plans a question names (十二五, “六五”计划, "the Sixth Five-Year Plan")."""
    found = [next(g for g in groups if g) for groups in _PLAN_ZH.findall(question)]
    found += _PLAN_EN.findall(question.lower())
    numbers = [_plan_number(n) for n in found]
    return list(dict.fromkeys(n for n in numbers if n and 1 <= n <= 30))


@dataclass
class AskedYears:
    """The years a question asks about."""

    about: list[int]  # figures about these years ("in 2019", 2019年)
    reports: list[int]  # documents of these years ("the 2010 report")
    relative: int | None = None  # an offset against the report's or the latest year ("last year")
    plans: list[int] = field(default_factory=list)  # five-year plans named (六五: 6)


def asked_years(question: str) -> AskedYears:
    lowered = question.lower()
    reports = [int(a or b) for a, b in _REPORT_EN.findall(lowered)]
    reports += [int(y) for y in _REPORT_ZH.findall(question)]
    about = []
    for groups in _CHINESE_YEAR.findall(question):
        year = int(next(g for g in groups if g))
        if year not in reports and year not in about:
            about.append(year)
    relative = None
    match = _RELATIVE.search(question)
    if match:
        relative = RELATIVE_CHINESE[match.group(0)]
    else:
        match = _ENGLISH_RELATIVE.search(lowered)
        if match:
            relative = RELATIVE_ENGLISH[match.group(1)]
    return AskedYears(about, list(dict.fromkeys(reports)), relative, asked_plans(question))
