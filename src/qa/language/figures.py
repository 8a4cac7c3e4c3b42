"""Figures in report text: every number with its unit, read into a value, and its English reading.

One grammar for any report of the field:

- numbers in Arabic digits (``1,256``, ``134.9``, full-width ``５．１``, digits spaced out by
  old typesetting ``7 4 7 7 2``) or Chinese numerals (``四亿零七百多万``, ``百分之四点五``);
- a scale (万, 亿, 万亿 ...), an approximation inside the number (多, 余), then a unit from
  ``qa/language/data/units.toml`` (money, percent, percentage points, multiples, people,
  things counted with a measure word, physical quantities);
- ranges (``6.5%－7%``, ``5至6万人``) and qualifiers after the unit (左右, 以上, 以内, 以下);
- doublings (翻一番), years (2024年, 一九八四年) and dates (3月5日).

Spans are reported in the original text, exactly as written: an answer quotes them.
Nothing here is keyed to any report's words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from qa.language import units, units_by_chinese
from qa.text import simplified

# Kinds of figure, and what a question of each kind accepts.
MONEY, PERCENT, POINTS, MULTIPLE, PEOPLE, COUNT, QUANTITY, YEAR, DATE, DURATION = (
    "money", "percent", "points", "multiple", "people", "count", "quantity", "year", "date", "duration")
NUMERIC_KINDS = frozenset({MONEY, PERCENT, POINTS, MULTIPLE, PEOPLE, COUNT, QUANTITY})
RATE_KINDS = frozenset({PERCENT, POINTS, MULTIPLE})

_SCALES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8, "千万": 10**7, "百万": 10**6,
           "十万": 10**5, "万": 10**4, "千": 10**3, "百": 10**2}
_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Chinese numerals: a digit or 十 first; 多/余 may stand inside (四亿零七百多万).
_CN = r"(?:[一二两三四五六七八九十][零〇○一二两三四五六七八九十百千万亿多余]*(?:点[零〇○一二三四五六七八九]+)?)"
_NUM = rf"(?:{_AR}|{_CN})"
_SCALE = "(?:" + "|".join(_SCALES) + ")"
_APPROX = "(?:多|余|来)"
_RANGE = r"[-－—~～至到]"
_AFTER = r"(?:左右|以上|以内|以下|上下|之多)"


def _unit_alternation(kinds: set[str]) -> str:
    return "|".join(re.escape(u.chinese) for u in units() if u.kind in kinds)


@functools.lru_cache(maxsize=1)
def _grammar() -> re.Pattern:
    """One pattern, alternatives tried in order; each names the kind it reads."""
    percent = rf"(?P<percent>(?:{_NUM}%?{_RANGE})?{_NUM}[%‰]|百分之{_CN}(?:{_RANGE}(?:百分之)?{_CN})?)"
    points = rf"(?P<points>{_NUM}(?:{_RANGE}{_NUM})?个?百分点)"
    multiple = rf"(?P<multiple>{_NUM}(?:{_RANGE}{_NUM})?倍|翻(?:一|两|二|三|四)番)"
    dated = r"(?P<date>(?:(?:19|20)\d{2}年)?(?<!\d)\d{1,2}月(?:\d{1,2}[日号])?)"
    year = r"(?P<year>(?<!\d)(?:1[89]|20)\d{2}年(?!代)|[一二][九〇○零][零〇○一二三四五六七八九]{2}年)"
    measured = _unit_alternation({MONEY, PEOPLE, COUNT, QUANTITY})
    amount = (rf"(?P<amount>{_NUM}{_APPROX}?(?:{_RANGE}{_NUM})?{_SCALE}?{_APPROX}?"
              rf"(?P<unit>{measured}))")
    duration = rf"(?P<duration>(?<!\d){_NUM}{_APPROX}?(?:个)?(?:年|个月))"
    return re.compile(rf"{percent}|{points}|{multiple}|{dated}|{year}|{amount}|{duration}")


@dataclass(frozen=True)
class Figure:
    """A figure as written (``text``, ``start``:``end`` in the original text) and read."""

    text: str
    start: int
    end: int
    kind: str  # one of the kinds above
    value: float | None = None  # in the unit, scale applied (1200万人 -> 12000000); a range's low end
    high: float | None = None  # a range's high end
    unit: str = ""  # the unit as written after the scale: 元, %, 人, 吨, 个百分点
    qualifier: str = ""  # about | over | at most | at least | range | ""
    direction: str = ""  # up | down | "" (增长5% / 下降3%)
    year: int | None = None  # for years and dated figures

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def family(self) -> str:
        unit = units_by_chinese().get(self.unit)
        return unit.family if unit and unit.family else self.unit


# -- the matching form ------------------------------------------------------------------------


def _matching_form(text: str) -> tuple[str, list[int]]:
    """The text with full-width forms folded (５．１％ -> 5.1%), traditional characters
    simplified (萬噸 -> 万吨) and spaces inside numbers removed (1 9 9 7 年 -> 1997年), and
    where each of its characters stands in the original."""
    out: list[str] = []
    where: list[int] = []
    text_simplified = simplified(text)
    for i, ch in enumerate(text_simplified):
        folded = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        if ch in " \u3000\u00a0" and out and (out[-1].isdigit() or out[-1] == "."):
            nxt = _next_visible(text_simplified, i)
            if nxt and (unicodedata.normalize("NFKC", nxt).isdigit() or nxt in "年月日万亿%％．.千百个"):
                continue
        if ch == "．":
            folded = "."
        for part in folded:
            out.append(part)
            where.append(i)
    return "".join(out), where


def _next_visible(text: str, i: int) -> str:
    for ch in text[i + 1:]:
        if ch not in " \u3000\u00a0":
            return ch
    return ""


# -- reading ----------------------------------------------------------------------------------


def chinese_number(numeral: str) -> Decimal | None:
    """四亿零七百万 -> 407000000, 百分之四点五's 四点五 -> 4.5, 一九八四 -> 1984 (digit by digit)."""
    numeral = numeral.replace("多", "").replace("余", "")
    if not numeral:
        return None
    whole, _, fraction = numeral.partition("点")
    if whole and all(ch in _DIGITS for ch in whole) and len(whole) > 1:
        value = Decimal("".join(str(_DIGITS[ch]) for ch in whole))
    else:
        value = _chinese_integer(whole)
        if value is None:
            return None
    if fraction:
        if not all(ch in _DIGITS for ch in fraction):
            return None
        value += Decimal("0." + "".join(str(_DIGITS[ch]) for ch in fraction))
    return value


def _chinese_integer(numeral: str) -> Decimal | None:
    """Chinese numerals without a fraction: 亿 and 万 split the number into sections."""
    for big, size in (("亿", 10**8), ("万", 10**4)):
        if big in numeral:
            high, low = numeral.split(big, 1)
            high_value = _chinese_integer(high) if high else Decimal(1)
            low_value = _chinese_integer(low) if low else Decimal(0)
            if high_value is None or low_value is None:
                return None
            return high_value * size + low_value
    total, digit = 0, None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            total += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            return None
    return Decimal(total + (digit or 0))


def _number(text: str) -> Decimal | None:
    text = text.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return chinese_number(text)


_NUMBER_AT = re.compile(rf"{_AR}|{_CN}")
_UP = ("增长", "增加", "提高", "上升", "上涨", "增", "提升", "扩大", "高")
_DOWN = ("下降", "降低", "减少", "回落", "下跌", "降", "下调", "压减", "缩小", "低")
_BEFORE_ABOUT = ("约", "大约", "近", "将近", "接近", "大概")
_BEFORE_OVER = ("超过", "突破", "逾", "多于", "高于", "不低于", "不少于")
_BEFORE_AT_MOST = ("不超过", "控制在", "低于", "不高于")


def _read(match: re.Match, normal: str) -> dict:
    """Value, unit and qualifier of one match of the grammar."""
    kind = match.lastgroup if match.lastgroup != "unit" else "amount"
    span = match.group(0)
    if kind == "amount":
        unit = match.group("unit")
        kind = units_by_chinese()[unit].kind
    elif kind == "percent":
        unit = "‰" if span.endswith("‰") else "%"
    elif kind == "points":
        unit = "个百分点"
    elif kind == "multiple":
        unit = "倍"
    else:
        unit = ""
    if kind == "year":
        digits = span[:-1]
        year = int(digits) if digits.isdigit() else int(chinese_number(digits) or 0)
        return {"kind": YEAR, "value": float(year), "year": year}
    if kind == "date":
        year = re.match(r"(\d{4})年", span)
        return {"kind": DATE, "year": int(year.group(1)) if year else None}
    if span.startswith("翻"):
        doubling = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}[span[1]]
        return {"kind": MULTIPLE, "unit": "倍", "value": float(2**doubling), "qualifier": ""}
    body = span[3:] if span.startswith("百分之") else span
    numbers = [m.group(0) for m in _NUMBER_AT.finditer(body)]
    scale = 1
    if kind not in ("percent", "points", "multiple"):
        scale_match = re.search(rf"{_SCALE}{_APPROX}?(?={re.escape(unit)}$)", body) if unit else None
        if scale_match:
            scale = _SCALES[scale_match.group(0).rstrip("多余来")]
            last = numbers[-1] if numbers else ""
            # A Chinese numeral swallows the scale that follows it (四百万吨: 四百万 + 吨).
            if last.endswith(scale_match.group(0).rstrip("多余来")) and not last.isdigit():
                scale = 1
    values = [v for v in (_number(n) for n in numbers) if v is not None]
    value = float(values[0] * scale) if values else None
    high = float(values[1] * scale) if len(values) > 1 else None
    qualifier = "range" if high is not None else ("over" if re.search(_APPROX, body) else "")
    return {"kind": kind if kind != "duration" else DURATION, "unit": unit, "value": value, "high": high,
            "qualifier": qualifier}


def _qualifier_around(normal: str, start: int, end: int, read: str) -> tuple[str, int]:
    """The qualifier from the words around the figure, and how far the span extends past it."""
    after = re.match(_AFTER, normal[end:])
    if after:
        word = after.group(0)
        qualifier = {"左右": "about", "上下": "about", "以上": "at least", "之多": "over"}.get(word, "at most")
        return qualifier, len(word)
    before = normal[max(0, start - 3):start]
    if read:
        return read, 0
    if before.endswith(_BEFORE_AT_MOST):
        return "at most", 0
    if before.endswith(_BEFORE_OVER):
        return "over", 0
    if before.endswith(_BEFORE_ABOUT):
        return "about", 0
    return "", 0


def _direction(normal: str, start: int) -> str:
    before = normal[max(0, start - 6):start]
    before = re.sub(r"(?:了|到|为|至|达|约|近|分别|达到|超过|突破|以上)+$", "", before)
    if before.endswith(_DOWN):
        return "down"
    if before.endswith(_UP):
        return "up"
    return ""


@functools.lru_cache(maxsize=16384)
def find_figures(text: str) -> tuple[Figure, ...]:
    """Every figure in the text, in order. Cached: questions re-read the same passages."""
    normal, where = _matching_form(text)
    found: list[Figure] = []
    for match in _grammar().finditer(normal):
        start, end = match.span()
        if _inside_word(normal, start, match):
            continue
        read = _read(match, normal)
        if read.get("kind") in NUMERIC_KINDS and read.get("value") is None:
            continue
        if _is_noise(match.group(0), read):
            continue
        qualifier, extra = _qualifier_around(normal, start, end, read.get("qualifier", ""))
        end += extra
        o_start, o_end = where[start], where[end - 1] + 1
        found.append(Figure(text[o_start:o_end], o_start, o_end, read["kind"], read.get("value"), read.get("high"),
                            read.get("unit", ""), qualifier, _direction(normal, start), read.get("year")))
    return tuple(found)


def _inside_word(normal: str, start: int, match: re.Match) -> bool:
    """A numeral inside a word (统一, 万一) or an ordinal (第二), not a figure."""
    before = normal[start - 1:start] if start else ""
    if before == "第":
        return True
    first = match.group(0)[0]
    return not first.isdigit() and first != "百" and bool(before) and before in "统唯万之逐单同专初"


def _is_noise(span: str, read: dict) -> bool:
    """"一个", "两项" and the like: a Chinese one or two with a measure word is wording, not a
    figure the reports state (一个中心, 两个大局)."""
    if read.get("kind") not in (COUNT, DURATION) or span[0].isdigit():
        return False
    return (read.get("value") or 0) < 3


def figures_of_kinds(text: str, kinds: frozenset[str] | set[str]) -> list[Figure]:
    return [f for f in find_figures(text) if f.kind in kinds]


# -- clauses -----------------------------------------------------------------------------------

CLAUSE_END = re.compile(r"[,，;；。:：!！?？]")


def clause_bounds(text: str, at: int) -> tuple[int, int]:
    """Start and end of the clause (between commas, semicolons, colons, full stops) holding
    position ``at``."""
    start = max((m.end() for m in CLAUSE_END.finditer(text, 0, at)), default=0)
    end = CLAUSE_END.search(text, at)
    return start, end.start() if end else len(text)


# -- English readings --------------------------------------------------------------------------

_MAGNITUDES = ((Decimal(10**12), "trillion"), (Decimal(10**9), "billion"), (Decimal(10**6), "million"))


def _plain_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        whole, fraction = text.split(".")
        return f"{int(whole):,}.{fraction}"
    return f"{int(text):,}"


def magnitude(value: float | Decimal) -> str:
    """6001300000000 -> "6.0013 trillion", 12000000 -> "12 million", 1256 -> "1,256";
    the digits the source gives, none invented or rounded away."""
    value = Decimal(str(value)) if not isinstance(value, Decimal) else value
    for size, word in _MAGNITUDES:
        if abs(value) >= size:
            return f"{_plain_number(value / size)} {word}"
    return _plain_number(value)


_QUALIFIER_WORDS = {"about": "about ", "over": "more than ", "at least": "at least ", "at most": "at most "}


def english_reading(figure: Figure) -> str | None:
    """How an English answer reads the figure: 60013亿元 -> "6.0013 trillion yuan",
    1200万人以上 -> "at least 12 million people", 5%左右 -> "about 5%"; None when the
    figure reads the same in English (a plain 2024年 or 5%)."""
    lead = _QUALIFIER_WORDS.get(figure.qualifier, "")
    if figure.kind in (YEAR, DATE, DURATION) or figure.value is None:
        return None
    unit = units_by_chinese().get(figure.unit)
    unit_word = unit.english if unit else ""
    if figure.kind in (PERCENT, POINTS):
        sign = "%" if figure.kind == PERCENT and figure.unit == "%" else f" {unit_word}"
        low = f"{_plain_number(Decimal(str(figure.value)))}{sign}"
        if figure.high is not None:
            return f"{low} to {_plain_number(Decimal(str(figure.high)))}{sign}"
        reading = f"{lead}{low}"
        return None if reading == figure.text else reading
    if figure.kind == MULTIPLE and figure.text.startswith("翻"):
        return {2: "doubled", 4: "quadrupled"}.get(int(figure.value), f"{int(figure.value)} times")
    if figure.kind == MULTIPLE:
        return f"{lead}{_plain_number(Decimal(str(figure.value)))} times"
    number = magnitude(figure.value)
    if figure.high is not None:
        number = f"{number} to {magnitude(figure.high)}"
    return f"{lead}{number} {unit_word}".strip()
