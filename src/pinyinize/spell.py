"""Spell stage: turn internal readings into the surface forms users ask for.

Every reading inside pinyinize has one form, the *numbered* reading: a lowercase toneless
syllable with ``v`` for ü, followed by a tone digit 1-5 (5 is the neutral tone), e.g.
``huan2``, ``lv4``, ``le5``.  Only this module turns it into tone marks, plain letters or
joins syllables into a word; everything upstream compares and stores numbered readings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from pinyinize.options import Tones
from pinyinize.types import Token

__all__ = [
    "STYLE_REGISTRY",
    "Tones",
    "all_readings",
    "is_reading",
    "is_spelled_word",
    "join_word",
    "parse_marked",
    "register_style",
    "spell",
    "spell_into",
    "spell_word",
    "spelled_forms",
    "split_syllable",
    "split_word",
]


_TONE_MARKS: dict[str, tuple[str, ...]] = {
    "a": ("ā", "á", "ǎ", "à"),
    "o": ("ō", "ó", "ǒ", "ò"),
    "e": ("ē", "é", "ě", "è"),
    "i": ("ī", "í", "ǐ", "ì"),
    "u": ("ū", "ú", "ǔ", "ù"),
    "ü": ("ǖ", "ǘ", "ǚ", "ǜ"),
    "ê": ("ê\u0304", "ế", "ê\u030c", "ề"),
}

_INITIALS = "zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw]"
_FINALS = (
    "iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn"
    "|ia|ie|iu|ua|uo|ui|ve|ue|a|o|e|i|u|v|ê"
)
# Syllabic nasals and interjections that dictionaries and corpora use (m, n, ng, hm, hng, r).
_INTERJECTIONS = "hng|hm|ng|m|n|r|ê"
_READING_RE = re.compile(rf"^(?:(?:{_INITIALS})?(?:{_FINALS})|{_INTERJECTIONS})r?[1-5]$")


# The r of erhua written as a syllable of its own (花儿 huā r) is always neutral: it has no
# vowel or nasal to carry a tone mark, so r1-r4 are no readings.
_TONED_R = re.compile(r"^rr?[1-4]$")


def is_reading(reading: str) -> bool:
    """True when ``reading`` is a well-formed numbered reading such as ``huan2``."""
    return bool(_READING_RE.match(reading)) and not _TONED_R.match(reading)


@functools.cache
def all_readings() -> frozenset[str]:
    """Every well-formed numbered reading: what any text can be given, user words included."""
    initials = ["", *_INITIALS.split("|")[:-1], *"bpmfdtnlgkhjqxrzcsyw"]
    bodies = [i + f for i in initials for f in _FINALS.split("|")]
    bodies += _INTERJECTIONS.split("|")
    return frozenset(
        reading
        for body in bodies
        for erhua in ("", "r")
        for tone in "12345"
        if is_reading(reading := f"{body}{erhua}{tone}")
    )


_COMBINING_TONES = "\u0304\u0301\u030c\u0300"  # macron, acute, caron, grave: tones 1-4


def parse_marked(syllable: str) -> str:
    """Turn a tone-marked syllable (``huán``, ``lǜ``, ``le``) into a numbered reading.

    A syllable without a tone mark is neutral tone (5); one that already ends in a digit is
    taken as numbered.  ``u:``, ``ü`` and ``v`` all become ``v``.  Raises ``ValueError`` when
    the result is not a valid reading.
    """
    # Decompose so that every tone mark is a separate combining character, whatever vowel
    # (or nasal: ḿ, ň, ǹ) carries it; the diaeresis of ü survives and is recomposed.
    tone = 5
    letters = []
    marks = 0
    for char in unicodedata.normalize("NFD", syllable.strip().lower()):
        if char in _COMBINING_TONES:
            tone = _COMBINING_TONES.index(char) + 1
            marks += 1
        else:
            letters.append(char)
    if marks > 1:  # one syllable carries one tone: xīān is two syllables, not one
        raise ValueError(f"more than one tone mark in {syllable!r}")
    body = unicodedata.normalize("NFC", "".join(letters)).replace("u:", "v").replace("ü", "v")
    if body[-1:].isdigit():
        body, tone = body[:-1], int(body[-1])
    reading = f"{body}{tone}"
    if not is_reading(reading):
        raise ValueError(f"not a pinyin syllable: {syllable!r}")
    return reading


def _mark_vowel_index(body: str) -> int:
    """Index of the vowel that carries the tone mark (a/e first, then the o of ou, else last)."""
    for vowel in "ae":
        if vowel in body:
            return body.index(vowel)
    if "ou" in body:
        return body.index("o")
    for index in range(len(body) - 1, -1, -1):
        if body[index] in "iouüê":
            return index
    return -1


def _marks(reading: str) -> str:
    body, tone = reading[:-1].replace("v", "ü"), int(reading[-1])
    if tone == 5:
        return body
    index = _mark_vowel_index(body)
    if index < 0:  # syllabic nasals: m, n, ng, hm, hng carry the mark on the nasal
        nasal = body.index("n") if "n" in body else body.index("m")
        mark = _COMBINING_TONES[tone - 1]
        return unicodedata.normalize("NFC", body[: nasal + 1] + mark + body[nasal + 1 :])
    marked = _TONE_MARKS[body[index]][tone - 1]
    return unicodedata.normalize("NFC", body[:index] + marked + body[index + 1 :])


def _numbers(reading: str) -> str:
    return reading


def _plain(reading: str) -> str:
    return reading[:-1].replace("v", "ü")


# Spelling rules that hide the structure of a syllable: y/w stand for a missing initial,
# iu/ui/un drop the middle vowel, ju/qu/xu write ü as u.
_ZERO_INITIAL = {
    "yi": "i", "yin": "in", "ying": "ing", "ya": "ia", "ye": "ie", "yao": "iao", "you": "iou",
    "yan": "ian", "yang": "iang", "yong": "iong", "yo": "io", "yu": "v", "yue": "ve",
    "yuan": "van", "yun": "vn", "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "uei",
    "wan": "uan", "wen": "uen", "wang": "uang", "weng": "ueng",
}  # fmt: skip
_INITIAL_RE = re.compile(rf"^({_INITIALS})(.*)$")


def split_syllable(reading: str) -> tuple[str, str, int]:
    """``huan2`` → ``("h", "uan", 2)``: initial, full final (``iou``, ``uei``, ``v``), tone.

    An erhua reading keeps its r on the final (``dianr3`` → ``("d", "ianr", 3)``).
    """
    body, tone = reading[:-1], int(reading[-1])
    erhua = "r" if body.endswith("r") and body not in ("er", "r") else ""
    body = body[: len(body) - len(erhua)]
    if body in _ZERO_INITIAL:
        return "", _ZERO_INITIAL[body] + erhua, tone
    match = _INITIAL_RE.match(body)
    if not match or not match.group(2) or body in ("ng", "hng", "hm", "m", "n"):
        return "", body + erhua, tone
    initial, final = match.groups()
    if initial in ("j", "q", "x") and final.startswith("u"):
        final = "v" + final[1:]
    final = {"iu": "iou", "ui": "uei", "un": "uen"}.get(final, final)
    return initial, final + erhua, tone


_INITIALS_IN_ORDER = (
    *("b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h"),
    *("j", "q", "x", "zh", "ch", "sh", "r", "z", "c", "s"),
)
_ZHUYIN_INITIALS = dict(
    zip(_INITIALS_IN_ORDER, "ㄅㄆㄇㄈㄉㄊㄋㄌㄍㄎㄏㄐㄑㄒㄓㄔㄕㄖㄗㄘㄙ", strict=True)
)
_ZHUYIN_FINALS = {
    "a": "ㄚ", "o": "ㄛ", "e": "ㄜ", "ê": "ㄝ", "ai": "ㄞ", "ei": "ㄟ", "ao": "ㄠ", "ou": "ㄡ",
    "an": "ㄢ", "en": "ㄣ", "ang": "ㄤ", "eng": "ㄥ", "ong": "ㄨㄥ", "er": "ㄦ", "r": "ㄦ",
    "i": "ㄧ", "ia": "ㄧㄚ", "ie": "ㄧㄝ", "io": "ㄧㄛ", "iao": "ㄧㄠ", "iou": "ㄧㄡ",
    "ian": "ㄧㄢ", "in": "ㄧㄣ", "iang": "ㄧㄤ", "ing": "ㄧㄥ", "iong": "ㄩㄥ", "u": "ㄨ",
    "ua": "ㄨㄚ", "uo": "ㄨㄛ", "uai": "ㄨㄞ", "uei": "ㄨㄟ", "uan": "ㄨㄢ", "uen": "ㄨㄣ",
    "uang": "ㄨㄤ", "ueng": "ㄨㄥ", "v": "ㄩ", "ve": "ㄩㄝ", "van": "ㄩㄢ", "vn": "ㄩㄣ",
    "m": "ㄇ", "n": "ㄋ", "ng": "ㄫ", "hm": "ㄏㄇ", "hng": "ㄏㄫ",
}  # fmt: skip
_ZHUYIN_TONES = ("", "ˊ", "ˇ", "ˋ")
_APICAL_INITIALS = frozenset({"zh", "ch", "sh", "r", "z", "c", "s"})


def _zhuyin(reading: str) -> str:
    initial, final, tone = split_syllable(reading)
    erhua = final.endswith("r") and final not in ("er", "r")
    final = final[:-1] if erhua else final
    # zhi, ci, si: the apical vowel is not written in zhuyin
    apical = final == "i" and initial in _APICAL_INITIALS
    rime = "" if apical else _ZHUYIN_FINALS.get(final, final)
    body = _ZHUYIN_INITIALS.get(initial, "") + rime
    suffix = "ㄦ" if erhua else ""
    if tone == 5:
        return "˙" + body + suffix
    return body + _ZHUYIN_TONES[tone - 1] + suffix


def _initials_finals(reading: str) -> str:
    initial, final, tone = split_syllable(reading)
    return f"{initial} {final}{tone}" if initial else f"{final}{tone}"


StyleFunction = Callable[[str], str]

STYLE_REGISTRY: dict[str, StyleFunction] = {
    Tones.MARKS.value: _marks,
    Tones.NUMBERS.value: _numbers,
    Tones.NONE.value: _plain,
    Tones.ZHUYIN.value: _zhuyin,
    Tones.INITIALS_FINALS.value: _initials_finals,
}


def register_style(name: str, function: StyleFunction) -> None:
    """Add a spelling style (``numbered reading -> surface form``) under ``name``."""
    STYLE_REGISTRY[name] = function
    _spell_cached.cache_clear()
    _SPELLED.clear()


def spell(reading: str, tones: Tones | str = Tones.MARKS) -> str:
    """Spell one numbered reading in the given style."""
    # A text has a few hundred distinct readings: spelling each once per style is enough.
    return _spell_cached(reading, tones)


# reading → spelling, one table per style, for callers that spell every syllable of a text
# (Annotator.readings): a dict hit is a fraction of an lru_cache call, and the tables outlive
# a call, so a text given sentence by sentence spells each reading once, not once per call.
_SPELLED: dict[str, dict[str, str]] = {}
_SPELLED_LIMIT = 16384  # readings per style: all syllables with all tones are a few thousand


def spelled_forms(tones: Tones | str) -> dict[str, str]:
    """The spellings in style ``tones`` found so far, by numbered reading: read with
    ``.get`` and fill a miss with :func:`spell` (``register_style`` empties them)."""
    key = tones.value if isinstance(tones, Tones) else tones
    table = _SPELLED.get(key)
    if table is None or len(table) >= _SPELLED_LIMIT:
        table = _SPELLED[key] = {}
    return table


def spell_into(readings: list[str | None], tokens: Iterable[Token], tones: Tones | str) -> None:
    """Write the spelling of each syllable of ``tokens`` at its offset in ``readings``: what
    :meth:`Annotator.readings` gives for a piece of the text.

    A number token said digit by digit has a syllable per digit, each at its digit; any
    other puts its whole reading, syllables separated by spaces, at its first character.
    Here rather than in the pipeline: it runs once per character, and this module is one
    that the compiled build compiles (setup.py)."""
    spelled = spelled_forms(tones)
    for token in tokens:
        syllables = token.syllables
        if not syllables:
            continue
        if not token.is_han and syllables[-1].offset == token.start:  # a whole number
            whole = " ".join(spell(s.reading or "", tones) for s in syllables)
            readings[token.start] = whole
            continue
        for syllable in syllables:
            reading = syllable.reading
            if reading:
                surface = spelled.get(reading)
                if surface is None:
                    surface = spelled[reading] = spell(reading, tones)
                readings[syllable.offset] = surface


@functools.lru_cache(maxsize=16384)
def _spell_cached(reading: str, tones: Tones | str) -> str:
    key = tones.value if isinstance(tones, Tones) else tones
    try:
        return STYLE_REGISTRY[key](reading)
    except KeyError:
        raise ValueError(f"unknown tone style {key!r}; known: {sorted(STYLE_REGISTRY)}") from None


def join_word(spelled: Sequence[str]) -> str:
    """Join the spelled syllables of one word, as GB/T 16159-2012 writes them.

    A syllable that starts with a, o or e after another syllable gets an apostrophe so that
    the word reads unambiguously (两岸 liǎng'àn, not liǎngàn, which reads liǎn'gàn).
    """
    parts = []
    for index, syllable in enumerate(spelled):
        if index and syllable[:1] in _APOSTROPHE_INITIALS:
            parts.append("'")
        parts.append(syllable)
    return "".join(parts)


_APOSTROPHE_INITIALS = frozenset("aoeāáǎàōóǒòēéěèêếề")


def spell_word(readings: Sequence[str], tones: Tones | str = Tones.MARKS) -> str:
    """Spell the readings of one word and join them into one written word.

    A neutral 儿 after another syllable is written as an r on it (一点儿 yīdiǎnr), as GB/T
    16159-2012 writes erhua, whatever the mode; tone numbers keep it a syllable (er5).
    """
    style = Tones(tones) if tones in Tones._value2member_map_ else None
    if style in _SEPARATED_STYLES:
        # Syllables are units of their own here: space them, no apostrophes or erhua r.
        return " ".join(spell(reading, tones) for reading in readings)
    if style is Tones.NUMBERS:
        # Tone digits already separate the syllables; apostrophes would only add noise.
        return "".join(spell(reading, tones) for reading in readings)
    spelled: list[str] = []
    for reading in readings:
        if spelled and reading in _ERHUA_SUFFIXES:
            spelled[-1] += "r"
        else:
            spelled.append(spell(reading, tones))
    return join_word(spelled)


_ERHUA_SUFFIXES = frozenset({"er5", "r5"})
_SEPARATED_STYLES = frozenset({Tones.ZHUYIN, Tones.INITIALS_FINALS})


def split_word(written: str) -> list[str] | None:
    """Split a written pinyin word (``yínháng``, ``liǎng'àn``, ``yin2hang2``, ``xi an``) into
    numbered readings, or return None when it is not pinyin.

    Apostrophes, hyphens and spaces are hard boundaries; inside a chunk the split prefers the
    fewest syllables (``xian`` is one syllable, ``xi'an`` two), as a reader would.
    """
    readings: list[str] = []
    for chunk in re.split(r"[\s'’\-]+", written.strip()):
        if not chunk:
            continue
        split = _split_chunk(chunk)
        if split is None:
            return None
        readings.extend(split)
    return readings or None


def _split_chunk(chunk: str) -> list[str] | None:
    # Dynamic programme over the chunk: count[i] = fewest syllables that spell chunk[:i], and
    # last[i] the final syllable of that split (back-pointers keep the programme linear).
    count: list[int | None] = [None] * (len(chunk) + 1)
    last: list[tuple[int, str]] = [(0, "")] * (len(chunk) + 1)
    count[0] = 0
    for end in range(1, len(chunk) + 1):
        window = range(max(0, end - 7), end)
        if all(count[start] is None for start in window):
            return None  # no syllable reaches this far: a long non-pinyin chunk fails fast
        for start in window:
            before = count[start]
            if before is None:
                continue
            piece = chunk[start:end]
            try:
                reading = parse_marked(piece)
            except ValueError:
                continue
            if piece[-1:].isdigit() or not any(c.isdigit() for c in piece):
                current = count[end]
                if current is None or before + 1 < current:
                    count[end], last[end] = before + 1, (start, reading)
    if count[len(chunk)] is None:
        return None
    readings = []
    position = len(chunk)
    while position:
        position, reading = last[position]
        readings.append(reading)
    return readings[::-1]


_ZHUYIN_WORD = re.compile(
    r"^[\u3105-\u312f\u31a0-\u31bfˊˇˋ˙]+(?: [\u3105-\u312f\u31a0-\u31bfˊˇˋ˙]+)*$"
)


def _is_phones(text: str) -> bool:
    """``h uan2 l v4``: initials alone, finals with a tone digit."""
    for phone in text.split(" "):
        final = phone[:-1].removesuffix("r") if phone[-1:].isdigit() else None
        if phone not in _ZHUYIN_INITIALS and (final is None or final not in _ZHUYIN_FINALS):
            return False
    return bool(text)


def is_spelled_word(text: str) -> bool:
    """True when ``text`` is a word written in one of the built-in styles (pinyin with marks,
    numbers or none, zhuyin, or initials and finals)."""
    return split_word(text) is not None or bool(_ZHUYIN_WORD.match(text)) or _is_phones(text)
