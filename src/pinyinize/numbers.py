"""Numbers stage (text normalisation): read the digits and symbols of non-Han text as spoken
Chinese, so that they get pinyin too.  Off by default (``AnnotationOptions(numbers=True)``,
``--numbers``).

Given a scanned document, the stage looks in its non-Han tokens for numeric and symbolic
expressions, reads each as a Mandarin speaker says it, taking the Han characters around it
as context (年 月 日 号 第 个 点 …), and replaces the part of the token it covers by a token
of its own.  Such a *number token* is not Han (``is_han`` False) but carries syllables: one
per character of its spoken form, each with that character's reading from the lexicon (a
word's reading where the spoken word is a lexicon word: 摄氏度, 公里, 百分之).  The tone
rules then treat it like a word of the phrase around it, so modes apply: 一千 yìqiān and 一个
(from ``1个``) yí gè in textbook mode, 五百 wú bǎi in spoken mode.  Its ``pos`` says how
its 一 behaves: :data:`NUMERAL_POS` for a quantity (一 changes before 百 千 万 亿 and before
the measure word that follows), :data:`SERIAL_POS` for digits read as a name or an order
(years, dates, clock times, telephone numbers, 第3), where 一 keeps yī.

What is read (examples are in tests/data/numbers.tsv):

* cardinals, with grouping commas: ``1,250`` 一千二百五十, ``2000`` 两千, ``10万`` 十万;
* decimals ``3.14`` 三点一四, negatives ``-5`` 负五, fractions ``2/3`` 三分之二,
  percentages ``12.5%`` 百分之十二点五 and ``‰``;
* temperatures ``-3℃`` 零下三摄氏度, ``°C``, ``°F``;
* years digit by digit before 年 ``2024年`` 二零二四年, ISO dates ``2024-03-05``
  二零二四年三月五日, months and days ``3月5日`` 三月五日, clock times ``13:45``
  十三点四十五分 (``2:00`` 两点), ordinals ``第3章`` 第三章;
* ranges ``3-5天`` 三到五天, scores after 以/比分 ``3-1`` 三比一 and ``3:1``;
* currencies before a number (``¥`` ``$`` ``€`` ``£``: 元 美元 欧元 英镑) and units after
  one (km kg cm mm m² m³ ml L g mg t h min s km/h ℃ …);
* telephone and identity-card numbers and other codes digit by digit, 1 as 幺 yāo;
* 两 for 2 before a measure word (两个, 两点, 两公斤) and at the head of 千 万 亿 (两千), 二
  elsewhere (十二, 第二, 二月, 二点五).

Anything else (letters, other symbols, version strings) stays unread.

Why our own rules and not a text-normalisation library (measured 2026-12-06, Python 3.11,
x86-64, four news sentences; see README "Dependencies"): WeNet's WeTextProcessing 1.2.0
installs 720 MB (pynini and OpenFst: 698 MB), takes 477 ms to import and load its cached
grammars and 20 ms a sentence; it rewrites whole strings (full-width punctuation becomes
ASCII) and gives no offsets, so annotations could not be put back on the input.  cn2an
0.5.24 installs 0.5 MB but takes 286 ms to import and reads only bare numbers (``1,250``
became 一,二百五十, ``13:45`` 十三:四十五, a mobile number a cardinal, ``2个`` 二个), also
without offsets.  These rules find and read the numbers of such a sentence in 75 µs, with
the standard library only; the module is imported on first use (5-15 ms, compiling its
patterns), so ``import pinyinize`` and the default path do not pay for it.

Known limits: a text analysed in pieces (pipeline.CHUNK_LIMIT) could in principle be cut
inside a number, where a piece of 2,000 characters has no line break, sentence end or other
break before it; the two halves are then read apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pinyinize.types import NUMERAL_POS, SERIAL_POS, Document, Source, Syllable, Token

__all__ = [
    "NUMBER_END",
    "NumberReader",
    "NumberSpan",
    "cardinal",
    "find_numbers",
    "number_words",
    "spoken_words",
]

# Full-width digits and signs read as their ASCII forms (one code point for one, so offsets
# hold).  The full-width comma is Chinese punctuation, never a digit group separator.
_NARROW = str.maketrans("０１２３４５６７８９％．：／－～", "0123456789%.:/-~")
_DIGITS = "零一二三四五六七八九"
_CODE_DIGITS = "零幺二三四五六七八九"  # telephone numbers and codes: 1 is 幺 yāo
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")
_MAX_CARDINAL_DIGITS = 16  # up to 万亿 groups; longer digit strings are read as codes

# Units written after a number, longest first, with their spoken words.
UNITS: dict[str, str] = {
    "km/h": "公里每小时",
    "m/s": "米每秒",
    "km²": "平方公里",
    "km2": "平方公里",
    "cm²": "平方厘米",
    "m²": "平方米",
    "m³": "立方米",
    "kcal": "千卡",
    "min": "分钟",
    "km": "公里",
    "kg": "公斤",
    "cm": "厘米",
    "mm": "毫米",
    "mg": "毫克",
    "ml": "毫升",
    "mL": "毫升",
    "kW": "千瓦",
    "°C": "摄氏度",
    "°F": "华氏度",
    "℃": "摄氏度",
    "℉": "华氏度",
    "㎡": "平方米",
    "㎞": "公里",
    "㎏": "公斤",
    "°": "度",
    "m": "米",
    "g": "克",
    "L": "升",
    "t": "吨",
    "h": "小时",
    "s": "秒",
    "W": "瓦",
}
_TEMPERATURES = frozenset({"°C", "°F", "℃", "℉", "度"})
_CURRENCIES = {"¥": "元", "￥": "元", "$": "美元", "€": "欧元", "£": "英镑"}
# The words the readers below put between and around numerals (两, dates, clock times,
# ranges, scores, signs, percentages, fractions).  With the digits, units and currencies they
# are every word a spoken form holds: the inline grammar takes a group after a number as its
# reading only when each syllable is one of theirs (spoken_words), so a reader that says a new
# word must list it here (tests/test_numbers.py reads every case against this list).
_JOINING_WORDS = (*"两点分秒年月日到比负", "零下", "百分之", "千分之", "分之")


def _compile(pattern: str) -> re.Pattern[str]:
    """ASCII \\d: digits are ASCII here (full-width ones are narrowed first); other
    scripts' digits (Arabic-Indic ١٢) are text, as the inline grammar takes them."""
    return re.compile(pattern, re.ASCII)


_UNIT = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Where an inline annotation of a number may start: after a digit, %, ‰ or a unit that ends
# a number (checked on the text before a parenthesised group; see pinyinize.annotations).
NUMBER_END = _compile(rf"(?:[0-9０-９%‰％]|[0-9０-９] ?(?:{_UNIT}))\Z")

# Measure words (and units) before which 2 is 两: 两个, 两点, 两公斤, 两千.
_LIANG_BEFORE = frozenset(
    "个位名本次回遍趟天年岁周星种件张条只头匹辆架艘家所座栋间项场部台份批套双对块斤吨升米克"
    "公倍点毛角元杯碗勺片根颗粒瓶袋包盒箱桶滴支把枚篇首句段节轮局球分秒小人队国方代圈千万亿平"
    "室厅卫"
)
# After these a number is an order or a name (1月, 1日, 1号, 1点, 3楼): 一 keeps yī, 2 is 二.
_SERIAL_BEFORE = frozenset("月日号点时楼层班届期路")
# Words just before a number that make its digits a code (telephone, flight, room).
_CODE_AFTER = _compile(
    r"(?:电话|手机|号码|热线|拨打|致电|编号|尾号|邮编|房间|航班|车次|工号|学号|密码|验证码|"
    r"QQ|微信|传真|座机|分机)[号是为：:\s]*\Z"
)
# Words just before ``3-1`` or ``3:1`` that make it a score.
_SCORE_AFTER = _compile(r"(?:以|比分|总比分|战胜|击败|打败|负于|战平|逆转|赢|输|大比分)\s*\Z")
_YEAR_SPAN_AFTER = _compile(r"(?:多|来|之久|左右|的历史)")


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """A numeric or symbolic expression of the input and how it is read.

    ``words`` are the spoken words in order (``("百分之", "十二", "点", "五")``); ``serial``
    says that its digits are a name or an order (一 keeps yī); ``aligned`` that it is read
    one syllable per character, in order (2024 二零二四), so that each character can carry
    its own syllable.
    """

    text: str
    start: int
    end: int
    words: tuple[str, ...]
    serial: bool = False
    aligned: bool = False

    @property
    def spoken(self) -> str:
        return "".join(self.words)


def cardinal(value: int, *, liang: bool = True) -> str:
    """``value`` as a Chinese cardinal: 1250 → 一千二百五十, 10 → 十, 2000 → 两千.

    With ``liang`` a leading 2 before 千, 万 or 亿 is 两 (两千, 两万), as speech says it."""
    if value == 0:
        return "零"
    groups: list[int] = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    parts: list[str] = []
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(parts)
            continue
        if parts and (zero_pending or group < 1000):
            parts.append("零")
        parts.append(_group(group) + _BIG_UNITS[index])
        zero_pending = False
    spoken = "".join(parts)
    if spoken.startswith("一十"):  # 10-19 at the head: 十五, not 一十五
        spoken = spoken[1:]
    if liang and spoken[:1] == "二" and spoken[1:2] in ("千", "万", "亿"):
        spoken = "两" + spoken[1:]
    return spoken


def _group(value: int) -> str:
    """A number below 10,000 (not 0): 1205 → 一千二百零五."""
    digits = f"{value:04d}".lstrip("0")
    spoken: list[str] = []
    zero = False
    for position, char in enumerate(digits):
        unit = _SMALL_UNITS[len(digits) - 1 - position]
        if char == "0":
            zero = True
            continue
        if zero:
            spoken.append("零")
            zero = False
        spoken.append(_DIGITS[int(char)] + unit)
    return "".join(spoken)


def _digit_by_digit(digits: str, code: bool = False) -> str:
    table = _CODE_DIGITS if code else _DIGITS
    return "".join(table[int(char)] for char in digits if char.isdigit())


def _decimal(number: str, *, liang: bool = False) -> str:
    """A number as written (``1,250``, ``3.14``) read as a quantity."""
    whole, _, fraction = number.replace(",", "").partition(".")
    if len(whole) > _MAX_CARDINAL_DIGITS:
        return _digit_by_digit(whole + fraction)
    if whole == "2" and liang and not fraction:
        return "两"  # 两个, 两点, 两公斤
    spoken = cardinal(int(whole), liang=liang)
    if fraction:
        spoken += "点" + _digit_by_digit(fraction)
    return spoken


@dataclass(frozen=True, slots=True)
class _Context:
    """The text around a candidate (the whole input, digits narrowed)."""

    text: str

    def before(self, position: int, length: int = 8) -> str:
        return self.text[max(0, position - length) : position]

    def after(self, position: int, length: int = 4) -> str:
        return self.text[position : position + length]


_Reader = Callable[[re.Match[str], _Context], NumberSpan | None]


def _span(match: re.Match[str], words: list[str], **kind: bool) -> NumberSpan:
    return NumberSpan(
        match.group(), match.start(), match.end(), tuple(w for w in words if w), **kind
    )


def _read_date(match: re.Match[str], context: _Context) -> NumberSpan | None:
    year, month, day = match.group("y", "mo", "d")
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    words = [_digit_by_digit(year), "年", cardinal(int(month), liang=False), "月"]
    words += [cardinal(int(day), liang=False), "日"]
    return _span(match, words, serial=True)


def _read_colon(match: re.Match[str], context: _Context) -> NumberSpan | None:
    """A clock time (13:45 十三点四十五分, 9:00-17:00 九点到十七点) or a score or ratio
    (3:1 三比一, after 以 or 比分 also 10:30)."""
    hours, minutes, seconds = match.group("h", "mi", "s")
    later = match.group("h2"), match.group("mi2")
    score = _SCORE_AFTER.search(context.before(match.start())) is not None
    if score or not _is_clock(hours, minutes, seconds):
        if seconds or later[0]:
            return None
        return _read_score(hours, minutes, match)
    words = _clock(hours, minutes, seconds)
    if later[0] and later[1]:
        if not _is_clock(later[0], later[1], None):
            return None
        words += ["到", *_clock(later[0], later[1], None)]
    return _span(match, words, serial=True)


def _is_clock(hours: str, minutes: str, seconds: str | None) -> bool:
    return (
        len(hours) <= 2
        and len(minutes) == 2
        and int(hours) <= 24
        and int(minutes) <= 59
        and (not seconds or int(seconds) <= 59)
    )


def _clock(hours: str, minutes: str, seconds: str | None) -> list[str]:
    words = ["两" if int(hours) == 2 else cardinal(int(hours), liang=False), "点"]
    for value, unit in ((minutes, "分"), (seconds, "秒")):
        if value and int(value):
            words += ["零" if int(value) < 10 else "", cardinal(int(value), liang=False), unit]
    return words


def _read_version(match: re.Match[str], context: _Context) -> NumberSpan | None:
    """Dotted numbers (a version 3.2.1, an address 192.168.1.1): each part a number of up
    to two digits or its digits, the dots 点."""
    words: list[str] = []
    for part in match.group().split("."):
        if words:
            words.append("点")
        short = len(part) <= 2 and not (len(part) == 2 and part.startswith("0"))
        words.append(cardinal(int(part), liang=False) if short else _digit_by_digit(part))
    return _span(match, words, serial=True)


def _read_score(first: str, second: str, match: re.Match[str]) -> NumberSpan | None:
    if not first or not second or len(first) > 3 or len(second) > 3:
        return None
    words = [cardinal(int(first), liang=False), "比", cardinal(int(second), liang=False)]
    return _span(match, words)


def _read_code(match: re.Match[str], context: _Context) -> NumberSpan | None:
    digits = match.group("code")
    words = [_CODE_DIGITS[int(char)] for char in digits if char.isdigit()]
    return _span(match, words, serial=True, aligned=digits.isdigit())


def _read_currency(match: re.Match[str], context: _Context) -> NumberSpan | None:
    if context.after(match.end(), 1) in ("万", "亿", "千", "百"):
        return None  # $5万: the symbol's word would come before 万; the digits alone are read
    number = match.group("amount")
    unit = _CURRENCIES[match.group("currency")]
    return _span(match, [_quantity(number, "元"), unit])  # 两元, 两美元


def _read_percent(match: re.Match[str], context: _Context) -> NumberSpan | None:
    per = "百分之" if match.group("per") in ("%", "％") else "千分之"
    words = ["负" if match.group("sign") else "", per, _quantity(match.group("p1"), "")]
    if match.group("p2"):
        words += ["到", per, _quantity(match.group("p2"), "")]
    return _span(match, words)


def _read_fraction(match: re.Match[str], context: _Context) -> NumberSpan | None:
    numerator, denominator = int(match.group("num")), int(match.group("den"))
    if denominator == 0 or len(match.group("num")) > 8 or len(match.group("den")) > 8:
        return None
    words = [cardinal(denominator, liang=False), "分之", cardinal(numerator, liang=False)]
    return _span(match, words)


def _read_range(match: re.Match[str], context: _Context) -> NumberSpan | None:
    first, second = match.group("a"), match.group("b")
    before = context.before(match.start())
    if _SCORE_AFTER.search(before) and not match.group("neg"):
        return _read_score(first, second, match)
    if _CODE_AFTER.search(before) and not match.group("neg"):
        digits = match.group()
        words = [_CODE_DIGITS[int(char)] for char in digits if char.isdigit()]
        return _span(match, words, serial=True)
    unit = match.group("unit")
    after = UNITS[unit] if unit else context.after(match.end())
    if _is_year(first) and _is_year(second) and after[:1] in ("年", "赛", "学", "财"):
        words = [_digit_by_digit(first), "到", _digit_by_digit(second)]
        return _span(match, words, serial=True)
    if _is_year(first) and len(second) == 2 and 1 <= int(second) <= 12 and not unit:
        words = [_digit_by_digit(first), "年", cardinal(int(second), liang=False), "月"]
        return _span(match, words, serial=True)  # 2024-03: a month
    first_sign = match.group("neg")
    words = [_signed(first_sign, unit or after[:1]), _decimal(first, liang=_liang(first, after))]
    words += ["到", _decimal(second, liang=_liang(second, after))]
    if unit:
        words.append(UNITS[unit])
    return _span(match, words)


def _signed(sign: str | None, unit: str | None) -> str:
    if not sign:
        return ""
    return "零下" if unit in _TEMPERATURES else "负"  # -3℃, -3度: a temperature


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and 1000 <= int(digits) <= 2199


def _read_number(match: re.Match[str], context: _Context) -> NumberSpan | None:
    number, sign, unit = match.group("n", "sign", "nunit")
    plain = number.replace(",", "")
    before, after = context.before(match.start()), context.after(match.end())
    if unit:
        after = UNITS[unit]
    if plain.isdigit() and not sign and not unit:
        code = _read_plain_code(match, plain, before, after)
        if code is not None:
            return code
    ordinal = before.endswith("第")
    date = after[:1] in ("月", "日", "号")  # 03月05日: 三月五日
    serial = ordinal or after[:1] in _SERIAL_BEFORE
    if plain.isdigit() and not sign and len(plain) > 1 and plain.startswith("0") and not date:
        rest = plain.lstrip("0")  # 05分 零五分, 00 零零
        words = ["零" * (len(plain) - len(rest)), cardinal(int(rest), liang=False) if rest else ""]
        return _span(match, [*words, UNITS[unit] if unit else ""], serial=serial)
    # 2 before 点 is 两点 (two o'clock), 第2 and 2月 are 第二 and 二月.
    liang = not ordinal and (after[:1] == "点" or not serial) and _liang(number, after)
    words = [_signed(sign, unit or after[:1]), _decimal(number, liang=liang)]
    if unit:
        words.append(UNITS[unit])
    whole = "." not in number and len(plain) <= _MAX_CARDINAL_DIGITS
    aligned = not sign and not unit and len(number) == 1
    return _span(match, words, serial=serial and whole, aligned=aligned)


def _read_plain_code(
    match: re.Match[str], digits: str, before: str, after: str
) -> NumberSpan | None:
    """Digits read one by one: years before 年, codes (telephone numbers, identity cards,
    flight and room numbers, numbers after letters), and numbers too long for a cardinal."""
    if _is_year(digits) and after[:1] == "年":
        is_span_of_years = digits.endswith("00") and _YEAR_SPAN_AFTER.match(after[1:])
        if not is_span_of_years:
            return _span(match, [_digit_by_digit(digits)], serial=True, aligned=True)
    letter_before = before[-1:].isascii() and before[-1:].isalpha()
    is_code = (
        _CODE_AFTER.search(before) is not None
        or (letter_before and len(digits) >= 3)
        or len(digits) > _MAX_CARDINAL_DIGITS
        or (digits.startswith("0") and len(digits) >= 3 and after[:1] not in _SERIAL_BEFORE)
        or re.fullmatch(r"1[3-9]\d{9}", digits) is not None
    )
    if not is_code:
        return None
    return _span(match, [_digit_by_digit(digits, code=True)], serial=True, aligned=True)


def _quantity(number: str, following: str) -> str:
    return _decimal(number, liang=_liang(number, following))


def _liang(number: str, following: str) -> bool:
    """Whether 2 (or a leading 2 before 千 万 亿) is read 两 before ``following``."""
    plain = number.replace(",", "")
    if plain == "2":
        return following[:1] in _LIANG_BEFORE and following[:1] not in _SERIAL_BEFORE - {"点"}
    return "." not in plain


# Readers tried in order at each place where a number may start; the first that reads wins.
_READERS: tuple[tuple[re.Pattern[str], _Reader], ...] = (
    (
        _compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d.])"),
        _read_date,
    ),
    (
        _compile(
            r"(?P<code>(?:\d{17}|\d{15})(?=[Xx])|\d{18}(?!\d)|1[3-9]\d{9}(?!\d)"
            r"|0\d{2,3}-\d{7,8}(?!\d)|400-\d{3}-\d{4}(?!\d)|1[3-9]\d-\d{4}-\d{4}(?!\d))"
        ),
        _read_code,
    ),
    (
        _compile(
            r"(?P<h>\d{1,3}):(?P<mi>\d{1,3})(?::(?P<s>\d{2}))?"
            r"(?:[-~—–至](?P<h2>\d{1,2}):(?P<mi2>\d{2}))?(?![\d:])"
        ),
        _read_colon,
    ),
    (_compile(r"\d+(?:\.\d+){2,}(?![\d.])"), _read_version),
    (
        _compile(rf"(?P<currency>[¥￥$€£]) ?(?P<amount>{_NUMBER})(?![\d.])"),
        _read_currency,
    ),
    (
        _compile(rf"(?P<sign>-)?(?P<p1>{_NUMBER})(?:%?[-~](?P<p2>{_NUMBER}))?(?P<per>[%‰])"),
        _read_percent,
    ),
    (_compile(r"(?P<num>\d+)/(?P<den>\d+)(?![\d/.])"), _read_fraction),
    (
        _compile(
            rf"(?P<neg>-)?(?P<a>{_NUMBER}) ?[-~—–] ?(?P<b>{_NUMBER})(?![\d.])"
            rf"(?: ?(?P<unit>{_UNIT})(?![A-Za-z]))?"
        ),
        _read_range,
    ),
    (
        _compile(rf"(?P<sign>-)?(?P<n>{_NUMBER})(?![\d])(?: ?(?P<nunit>{_UNIT})(?![A-Za-z²³]))?"),
        _read_number,
    ),
)
# Where a number may start: a digit, a sign or a currency symbol before a digit.
_START = _compile(r"(?<!\d)(?<!\d[.,:/])(?:[-¥￥$€£] ?)?\d")
_HAS_DIGIT = _compile(r"[0-9０-９]")


def find_numbers(text: str, start: int = 0, end: int | None = None) -> Iterator[NumberSpan]:
    """The numbers of ``text[start:end]`` (a stretch of non-Han text), with the whole text
    around them as context, in order and not overlapping."""
    end = len(text) if end is None else end
    narrow = text.translate(_NARROW)
    context = _Context(narrow)
    position = start
    while True:
        found = _START.search(narrow, position, end)
        if found is None:
            return
        span = _read_at(narrow, found.start(), end, context)
        if span is None and not found.group()[0].isdigit():  # a sign or symbol not read
            span = _read_at(narrow, found.end() - 1, end, context)
        if span is None:
            position = found.end()
            while position < end and narrow[position].isdigit():
                position += 1  # not inside the digits that could not be read
            continue
        yield NumberSpan(
            text[span.start : span.end], span.start, span.end, span.words, span.serial, span.aligned
        )
        position = span.end


def _read_at(narrow: str, position: int, end: int, context: _Context) -> NumberSpan | None:
    for pattern, reader in _READERS:
        match = pattern.match(narrow, position, end)
        if match is None:
            continue
        if match.group().startswith("-") and _is_letter_or_digit(narrow[position - 1 : position]):
            continue  # a hyphen after a word (COVID-19) is no minus sign
        span = reader(match, context)
        if span is not None and span.words:
            return span
    return None


def _is_letter_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()


def spoken_words() -> tuple[str, ...]:
    """Every word a spoken form is made of: the digits (零 to 九, 幺), the units of cardinals
    (十 百 千 万 亿), the units after a number (公里, 摄氏度 …), the currencies (元, 美元 …)
    and the joining words (两, 点, 年 月 日, 分 秒, 到, 比, 负, 零下, 百分之 …)."""
    words = (
        *_DIGITS,
        *_CODE_DIGITS,
        *_SMALL_UNITS,
        *_BIG_UNITS,
        *UNITS.values(),
        *_CURRENCIES.values(),
        *_JOINING_WORDS,
    )
    return tuple(dict.fromkeys(word for word in words if word))


def number_words(spoken: str) -> list[str]:
    """The written words of a spoken number, as GB/T 16159-2012 §6.1.7 groups numerals
    (一千二百五十 → 一千 二百 五十; 十三亿 → 十三 亿); digits read one by one, and every
    other syllable (点, 分之, units), are words of their own."""
    words: list[str] = []
    run = ""
    for char in spoken + " ":
        if char in _NUMERALS:
            run += char
            continue
        words.extend(_numeral_words(run))
        run = ""
        if char != " ":
            words.append(char)
    return words


_NUMERALS = frozenset("零〇一二三四五六七八九两幺十百千万亿")


def _numeral_words(run: str) -> list[str]:
    if not any(char in "十百千万亿" for char in run):
        return list(run)  # digit by digit: 二零二四
    words: list[str] = []
    current = ""
    for char in run:
        if char in "零万亿":
            words.extend(filter(None, [current, char]))
            current = ""
        elif char in "百千":
            words.append(current + char)
            current = ""
        else:
            current += char
    if current:
        words.append(current)
    return words


class NumberReader:
    """The numbers stage: Document → Document, with number tokens cut out of non-Han tokens.

    ``readings_of`` gives the readings of a spoken word, or None when it is no lexicon word
    with a reading; ``candidates_of`` a character's readings (both from the lexicon)."""

    def __init__(
        self,
        readings_of: Callable[[str], tuple[str, ...] | None],
        candidates_of: Callable[[str], tuple[str, ...]],
    ) -> None:
        self._readings_of = readings_of
        self._candidates_of = candidates_of
        self._words: dict[str, tuple[Syllable, ...]] = {}

    def __call__(self, document: Document) -> Document:
        if not any(not t.is_han and _HAS_DIGIT.search(t.text) for t in document.tokens):
            return document
        tokens: list[Token] = []
        for token in document.tokens:
            if token.is_han or not _HAS_DIGIT.search(token.text):
                tokens.append(token)
                continue
            tokens.extend(self._split(document.text, token))
        return document._replace(tokens=tuple(tokens))

    def _split(self, text: str, token: Token) -> Iterator[Token]:
        position = token.start
        for span in find_numbers(text, token.start, token.end):
            if span.start > position:
                yield Token(text[position : span.start], position, span.start, False)
            yield self._number_token(span)
            position = span.end
        if position < token.end:
            yield Token(text[position : token.end], position, token.end, False)

    def _number_token(self, span: NumberSpan) -> Token:
        syllables: list[Syllable] = []
        for word in span.words:
            syllables.extend(self._read_word(word))
        if span.aligned and len(syllables) == len(span.text):
            offsets = range(span.start, span.end)
        else:
            offsets = range(span.start, span.start + 1)
        placed = tuple(
            s._replace(offset=offsets[min(index, len(offsets) - 1)])
            for index, s in enumerate(syllables)
        )
        pos = SERIAL_POS if span.serial else NUMERAL_POS
        return Token(span.text, span.start, span.end, False, pos, placed)

    def _read_word(self, word: str) -> tuple[Syllable, ...]:
        found = self._words.get(word)
        if found is None:
            readings = self._readings_of(word)
            if readings is None or len(readings) != len(word):
                readings = tuple((self._candidates_of(char) or ("",))[0] for char in word)
            found = self._words[word] = tuple(
                Syllable(char, 0, self._candidates_of(char), reading or None, Source.NUMBER)
                for char, reading in zip(word, readings, strict=True)
            )
        return found
