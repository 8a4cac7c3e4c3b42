"""Counting units of Chinese figures: what each counts, which answer for each other, and the
English words a question uses for them.

One table, read by the figure scanner (figures.py) and the question analysis (query.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    chinese: str
    # Units of one family answer each other: a question about 名 (people) is answered by 人次.
    family: str = ""
    # A measure (metres, tonnes, person-times), not a classifier: 个 never stands for one.
    measure: bool = False
    # English counting words: "how many tonnes", "in hectares".
    english: tuple[str, ...] = ()
    # English words for a group counted in this unit: "how many batches of doctors".
    english_groups: tuple[str, ...] = ()
    # What "how tall" / 多高 asks for is measured in this unit.
    dimensions: tuple[str, ...] = ()
    # The English reading of the unit after a figure: 3.6万人次 -> "36,000 person-times".
    reading: str = ""


UNITS = (
    Unit("人次", family="people", measure=True, english=("person-times", "person-time"), reading="person-times"),
    Unit("平方公里", family="area", measure=True),
    Unit("平方米", family="area", measure=True, english=("square metres", "square meters")),
    Unit("公顷", family="area", measure=True, english=("hectares",)),
    Unit("公里", family="length", measure=True, english=("kilometres", "kilometers", "km"),
         dimensions=("远", "far")),
    Unit("千米", family="length", measure=True),
    Unit("个", family="items"),
    Unit("所", family="institutions"),
    Unit("名", family="people"),
    Unit("人", family="people", english=("people", "persons", "person", "individuals"), reading="people"),
    Unit("家"),
    Unit("批", english_groups=("batches", "batch", "groups")),
    Unit("项", family="items"),
    # Occasions: "how many times was the fair held" is answered by 11届 (editions).
    Unit("次", family="occasions", measure=True, english=("times",)),
    Unit("届", family="occasions", english_groups=("editions",)),
    Unit("吨", family="weight", measure=True, english=("tonnes", "tonne", "tons", "ton"), dimensions=("重", "heavy"),
         reading="tonnes"),
    Unit("亩", family="area", measure=True, english=("mu",), reading="mu"),
    Unit("座", family="institutions"),
    Unit("条"),
    Unit("户", english=("households", "household")),
    Unit("套", english_groups=("sets",)),
    Unit("台"),
    Unit("辆"),
    Unit("米", family="length", measure=True, english=("metres", "meters"),
         dimensions=("高", "长", "深", "宽", "tall", "high", "long", "deep", "wide")),
    Unit("期", family="occasions", english_groups=("sessions",)),
    Unit("场", family="occasions"),
    Unit("种", english_groups=("kinds", "types")),
    Unit("类"),
    Unit("处"),
    Unit("支"),
    Unit("位", family="people"),
    Unit("棵"),
    Unit("株"),
    Unit("册", reading="volumes"),
    Unit("张"),
    Unit("间"),
    Unit("头"),
    Unit("年", measure=True),
    Unit("轮", family="occasions", english_groups=("rounds",)),
    Unit("件", english_groups=("pieces",)),
    Unit("%", measure=True, english=("percent", "per cent", "percentage")),
)
BY_CHINESE = {unit.chinese: unit for unit in UNITS}
# Units of amounts of stuff: "how much citrus" is answered in tonnes, "how much land" in mu.
QUANTITY_UNITS = frozenset(unit.chinese for unit in UNITS if unit.family in ("weight", "area", "length"))

COUNT_UNITS = tuple(unit.chinese for unit in UNITS)
# For regex alternations and suffix tests: 人次 must be tried before 人.
LONGEST_FIRST = tuple(sorted(COUNT_UNITS, key=len, reverse=True))
ENGLISH_UNITS = {word: unit.chinese for unit in UNITS for word in unit.english}
GROUP_NOUNS = {word: unit.chinese for unit in UNITS for word in unit.english_groups}
DIMENSION_UNITS = {word: unit.chinese for unit in UNITS for word in unit.dimensions}
READINGS = {unit.chinese: unit.reading for unit in UNITS if unit.reading}
# Units 个 does not stand for: measures, and people (42个团队 are not 42 experts).
NOT_FOR_GE = {unit.chinese for unit in UNITS if unit.measure or unit.family == "people"}


def unit_of(figure: str) -> str:
    """The counting unit a figure ends with ("" for none)."""
    for unit in LONGEST_FIRST:
        if figure.endswith(unit):
            return unit
    return ""


def units_compatible(asked: str, found: str) -> bool:
    """Whether a figure in the found unit answers a question asked in the other."""
    if asked == found:
        return True
    if found == "个" and asked not in NOT_FOR_GE:
        return True  # the general classifier counts anything: 11个大型企业 answers 多少家企业
    if asked == "个" and not _unit(found).measure:
        return True  # and is asked with anything: 多少个干部 is answered by 47名
    family = _unit(asked).family
    return bool(family) and family == _unit(found).family


def _unit(chinese: str) -> Unit:
    return BY_CHINESE.get(chinese) or Unit(chinese)
