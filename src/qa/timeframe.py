"""Years: the ones a text mentions, the one a figure is about, and the ones a question asks for.

Reports write years as digits (2024年), as Chinese numerals (一九八四年) or relative to the
year they were written (今年, 去年, 过去一年). A relative year is read against the
document's year; a comparison base (比上年增长, 同比) names no year of its own.
Questions name years in English ("in 2019", "the 2010 report", "last year") or Chinese
(2019年, 2019年政府工作报告, 去年).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.figures import YEAR, find_figures

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
    before it (到2025年, 去年), else the first named after it in the sentence."""
    mentions = [m for m in years_in(text, base_year) if m.start >= sentence_start]
    before = [m for m in mentions if m.end <= at]
    if before:
        return before[-1].year
    after = [m for m in mentions if m.start >= at]
    return after[0].year if after else None


@dataclass
class AskedYears:
    """The years a question asks about."""

    about: list[int]  # figures about these years ("in 2019", 2019年)
    reports: list[int]  # documents of these years ("the 2010 report")
    relative: int | None = None  # an offset against the report's or the latest year ("last year")


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
    return AskedYears(about, list(dict.fromkeys(reports)), relative)
