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
from collections.abc import Callable, Sequence
from enum import Enum

__all__ = [
    "STYLE_REGISTRY",
    "Tones",
    "is_reading",
    "join_word",
    "parse_marked",
    "register_style",
    "spell",
    "spell_word",
    "split_word",
]


class Tones(str, Enum):
    """How the tone of a syllable is written."""

    MARKS = "marks"  # huán, lǜ, le
    NUMBERS = "numbers"  # huan2, lv4, le5
    NONE = "none"  # huan, lü, le


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


def is_reading(reading: str) -> bool:
    """True when ``reading`` is a well-formed numbered reading such as ``huan2``."""
    return bool(_READING_RE.match(reading))


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


StyleFunction = Callable[[str], str]

STYLE_REGISTRY: dict[str, StyleFunction] = {
    Tones.MARKS.value: _marks,
    Tones.NUMBERS.value: _numbers,
    Tones.NONE.value: _plain,
}


def register_style(name: str, function: StyleFunction) -> None:
    """Add a spelling style (``numbered reading -> surface form``) under ``name``."""
    STYLE_REGISTRY[name] = function
    _spell_cached.cache_clear()


def spell(reading: str, tones: Tones | str = Tones.MARKS) -> str:
    """Spell one numbered reading in the given style."""
    # A text has a few hundred distinct readings: spelling each once per style is enough.
    return _spell_cached(reading, tones)


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
    if tones in (Tones.NUMBERS, Tones.NUMBERS.value):
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
    # Dynamic programme over the chunk: best[i] = fewest-syllable split of chunk[:i].
    best: list[list[str] | None] = [None] * (len(chunk) + 1)
    best[0] = []
    for end in range(1, len(chunk) + 1):
        for start in range(max(0, end - 7), end):
            prefix = best[start]
            if prefix is None:
                continue
            try:
                reading = parse_marked(chunk[start:end])
            except ValueError:
                continue
            if chunk[start:end][-1:].isdigit() or not any(c.isdigit() for c in chunk[start:end]):
                candidate = [*prefix, reading]
                if best[end] is None or len(candidate) < len(best[end]):  # type: ignore[arg-type]
                    best[end] = candidate
    return best[len(chunk)]
