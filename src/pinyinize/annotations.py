"""The grammar of annotations already in a text: inline ``词(cí)`` groups, HTML ruby and
JSON.

Finding, parsing and stripping live here so that strip, the "already annotated" refusal and
check agree on what an annotation is.

An inline annotation is a parenthesised group (ASCII or full-width parentheses), of any
length, with no parentheses or line breaks inside, directly after a character that has a
reading, or directly after another annotation (精神(jīngshén)(jīngshén)); strip and the
refusal also ask that its letters end with a reading of that character, tones aside
(:class:`CharReadings`), so that labels like 如图(a)所示 and 款(e) stay text.  After the end of a
number (a digit, %, ‰, or a unit after a digit, see :data:`pinyinize.numbers.NUMBER_END`) a
group is an annotation only when it can be a number's reading, as annotate writes it with
``numbers`` (``12.5%(bǎi fēn zhī shí'èr diǎn wǔ)``): each of its syllables, whatever its
tone, one that a spoken number holds (:class:`NumberReadings`).  So the list markers and
labels of technical and legal text (见图5(a)和表2(b), 条款3(e)) stay text, with or without
``numbers``, and so does such a group after a number's reading (5(wǔ)(a)).  What annotate
writes inside the parentheses is a *written word*: the syllables of one word in one
built-in style, joined as :func:`pinyinize.spell.spell_word` joins them, and with
``orthography`` split into parts by single spaces (张华 Zhāng Huá) or hyphens
(高高兴兴 gāogāo-xìngxìng), each part perhaps capitalised (Zh ang1 H ua2).  Pinyin written
by other tools differs in apostrophes only (liǎngàn, xī’ān), so those are taken too;
anything else (spaces at the ends, doubled separators, capitals inside a syllable, tone
digits on some syllables only) is text.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from html import unescape

from pinyinize.errors import InputError
from pinyinize.spell import STYLE_REGISTRY, Tones, all_readings, is_reading, split_word

__all__ = [
    "GROUP",
    "RUBY_BLOCK",
    "RUBY_PAIR",
    "CharReadings",
    "NumberReadings",
    "find_classified_groups",
    "find_groups",
    "find_inline_annotations",
    "is_written_word",
    "marked_ruby_group",
    "ruby_base_texts",
    "strip_inline",
    "strip_json",
    "strip_ruby",
]

# A parenthesised group with no nested parentheses or line breaks, in ASCII parentheses (what
# annotate writes) or full-width ones (（shìjiè）, what Chinese typing gives), the two never
# mixed.  The written word is the group named "written".  No length limit: a long
# user-dictionary word is written whole.  finditer stays linear: a failed group holds no
# opening parenthesis, so the next attempt starts past it.
GROUP = re.compile(r"(?:(?P<ascii>\()|（)(?P<written>[^()（）\r\n]+)(?(ascii)\)|）)")
# Ruby markup: the ruby and rb/rtc containers go, rt and rp go with their text.
_RUBY_MARKUP = re.compile(r"</?(?:ruby|rb|rtc)>|<rp>[^<]*</rp>|<rt>[^<]*</rt>")
# The readings of a group as the document formats write it (marked_ruby_group).
_MARKED_READING = re.compile(r"<rp>\(</rp>|<rp>\)</rp>|<rt>[^<]*</rt>")
# A ruby element, and each base with its reading inside one (for check).
RUBY_BLOCK = re.compile(r"<ruby>(.*?)</ruby>", re.DOTALL)
RUBY_PAIR = re.compile(
    r"(?:<rb>)?([^<]*)(?:</rb>)?(?:<rp>[^<]*</rp>)?<rt>([^<]*)</rt>(?:<rp>[^<]*</rp>)?"
)

# Orthography's parts: names apart (a space), AABB halves hyphenated.
_PART_SEPARATOR = re.compile(r"[ -]")
# A part of pinyin in letters: syllables, apostrophes before a, o or e (ASCII from us,
# typographic from others), nothing else.
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# The same with a tone digit after every syllable (numbers style: yin2hang2, Xi1'an1).
_NUMBERED = re.compile(r"(?:[^\W\d_]+[1-5])+(?:['’](?:[^\W\d_]+[1-5])+)*")


def find_groups(
    text: str,
    follows: Callable[[str], bool],
    accepts: Callable[[str], bool],
    reads_number: Callable[[str], bool] | None = None,
    reads_char: Callable[[str, str], bool] | None = None,
) -> Iterator[re.Match[str]]:
    """The groups of :func:`find_classified_groups`, without their kind."""
    for match, _ in find_classified_groups(text, follows, accepts, reads_number, reads_char):
        yield match


def find_classified_groups(
    text: str,
    follows: Callable[[str], bool],
    accepts: Callable[[str], bool],
    reads_number: Callable[[str], bool] | None = None,
    reads_char: Callable[[str, str], bool] | None = None,
) -> Iterator[tuple[re.Match[str], bool]]:
    """Groups, each with whether it was taken as a number's reading: groups whose text
    ``accepts`` takes and that directly follow a character that ``follows`` takes, or another
    such group; with ``reads_number``, also those that
    directly follow the end of a number (a digit, %, ‰ or a unit after a digit: 5km) and
    whose text it takes as a number's reading (see :class:`NumberReadings`), and the groups
    right after those that it takes too (5(wǔ)(wǔ), but not the (a) of 5(wǔ)(a)).  With
    ``reads_char(char, written)``, a group after a character (or after groups after it) is
    taken only when it can end with that character's reading (see :class:`CharReadings`):
    如图(a)所示 keeps its (a), 图(tú)(a) too."""
    previous_end = -1
    reading_a_number = False  # the group before was taken as a number's reading
    anchor = ""  # the character the chain of groups before follows
    for match in GROUP.finditer(text):
        start = match.start()
        if start == previous_end:
            after_number = reading_a_number
        elif start > 0 and follows(text[start - 1]):
            after_number, anchor = False, text[start - 1]
        elif reads_number is not None and start > 0 and _ends_number(text, start):
            after_number = True
        else:
            continue
        written = match.group("written")
        if not accepts(written):
            continue
        if after_number and not (reads_number is not None and reads_number(written)):
            continue
        if not after_number and reads_char is not None and not reads_char(anchor, written):
            continue
        previous_end = match.end()
        reading_a_number = after_number
        yield match, after_number


def find_inline_annotations(
    text: str,
    has_reading: Callable[[str], bool],
    spellings: Collection[str] = (),
    reads_number: Callable[[str], bool] | None = None,
    reads_char: Callable[[str, str], bool] | None = None,
) -> Iterator[re.Match[str]]:
    """Groups holding a written word (or one of a user dictionary's ``spellings``, written
    as the user wrote them) that directly follow a character that has a reading, or another
    such group (doubled annotations: 精神(jīngshén)(jīngshén)); with ``reads_number``, also
    a number's reading after the number (``12.5%(bǎi fēn zhī shí'èr diǎn wǔ)``, as annotate
    writes with ``numbers``); with ``reads_char``, only groups that can end with the reading
    of the character they follow (see :func:`find_groups`)."""
    if spellings:
        checks_char = reads_char

        def reads(char: str, written: str) -> bool:
            return written in spellings or checks_char is None or checks_char(char, written)

        return find_groups(
            text,
            has_reading,
            lambda written: written in spellings or is_written_word(written),
            reads_number,
            reads,
        )
    return find_groups(text, has_reading, is_written_word, reads_number, reads_char)


def _ends_number(text: str, position: int) -> bool:
    """Whether the text before ``position`` ends as a number the numbers stage reads."""
    from pinyinize.numbers import NUMBER_END  # only where a group follows other text

    return NUMBER_END.search(text, max(0, position - 8), position) is not None


def strip_inline(
    text: str,
    has_reading: Callable[[str], bool],
    spellings: Collection[str] = (),
    reads_number: Callable[[str], bool] | None = None,
    reads_char: Callable[[str, str], bool] | None = None,
) -> str:
    """``text`` without the annotations :func:`find_inline_annotations` finds; other
    parentheses (``机构(WRCA)``, ``好(2021)``, ``图5(a)``, ``如图(a)``) stay."""
    parts = []
    position = 0
    found = find_inline_annotations(text, has_reading, spellings, reads_number, reads_char)
    for match in found:
        parts.append(text[position : match.start()])
        position = match.end()
    parts.append(text[position:])
    return "".join(parts)


def marked_ruby_group(opening: str, parentheses: bool) -> re.Pattern[str]:
    """The exact shape of one ruby group a document format writes: ``opening``, then one or more
    base texts each with its reading (``<rp>(</rp><rt>…</rt><rp>)</rp>``, or only
    ``<rt>…</rt>`` without ``parentheses``), then ``</ruby>``.

    Base texts and readings hold no ``<``, so the pattern never backtracks past the next
    ``<`` and a search over a whole document stays linear (``.*?</ruby>`` would rescan to
    the end of the text from every unclosed opening).
    """
    reading = r"<rp>\(</rp><rt>[^<]*</rt><rp>\)</rp>" if parentheses else r"<rt>[^<]*</rt>"
    return re.compile(f"{re.escape(opening)}(?:[^<]*{reading})+</ruby>")


def ruby_base_texts(inner: str) -> str:
    """The base texts of a group :func:`marked_ruby_group` matched (its inside, without
    the opening and ``</ruby>``): the readings and their ``<rp>`` fallbacks removed."""
    return _MARKED_READING.sub("", inner)


def strip_ruby(text: str) -> str:
    """Remove <ruby>, <rt> and <rp> markup and unescape what the ruby renderer escaped."""
    return unescape(_RUBY_MARKUP.sub("", text))


def strip_json(text: str) -> str:
    """The original text of a JSON annotation (the ``json`` format's ``"text"``)."""
    try:
        original = json.loads(text)["text"]
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"not a pinyinize JSON annotation: {error}") from error
    if not isinstance(original, str):
        raise InputError("not a pinyinize JSON annotation: its text must be a string")
    return original


def is_written_word(written: str) -> bool:
    """True when ``written`` is one word as annotate writes it, in any built-in style."""
    # A text has a few thousand distinct words: each is parsed once.  Long ones are rare and
    # not kept, so that the cache never holds much text.
    if len(written) <= _CACHED_LENGTH:
        return _is_written_word_cached(written)
    return _is_written_word(written)


_CACHED_LENGTH = 64


@functools.lru_cache(maxsize=65536)
def _is_written_word_cached(written: str) -> bool:
    return _is_written_word(written)


def _is_written_word(written: str) -> bool:
    parts = _PART_SEPARATOR.split(written)
    if not all(parts):  # a separator at an end or doubled: annotate writes neither
        return False
    # Orthography capitalises the first letter of a part (a name, a sentence start), no other.
    parts = [part[0].lower() + part[1:] for part in parts]
    return (
        all(map(_is_pinyin_part, parts))
        or all(part in _zhuyin_syllables() for part in parts)
        or _are_phones(parts)
    )


def _is_pinyin_part(part: str) -> bool:
    """A part in letters, tone marks or numbers: ``yínháng``, ``xi1'an1``, ``dianr``."""
    if part != part.lower():
        return False
    pattern = _NUMBERED if any(char.isdigit() for char in part) else _LETTERS
    return pattern.fullmatch(part) is not None and split_word(part) is not None


def _are_phones(parts: list[str]) -> bool:
    """Initials-finals: each syllable an initial and a final with its tone (``h uan2``), or
    the final alone (``an4``)."""
    initials, finals = _phones()
    expect_final = False
    for part in parts:
        if part in finals:
            expect_final = False
        elif part in initials and not expect_final:
            expect_final = True
        else:
            return False
    return not expect_final


@functools.cache
def _zhuyin_syllables() -> frozenset[str]:
    """Every syllable the zhuyin style can write (bopomofo, with Latin for finals it lacks)."""
    spell_zhuyin = STYLE_REGISTRY[Tones.ZHUYIN.value]
    return frozenset(spell_zhuyin(reading) for reading in all_readings())


@functools.cache
def _phones() -> tuple[frozenset[str], frozenset[str]]:
    """The initials and the finals-with-tone that the initials-finals style can write."""
    spell_phones = STYLE_REGISTRY[Tones.INITIALS_FINALS.value]
    initials, finals = set(), set()
    for reading in all_readings():
        *initial, final = spell_phones(reading).split(" ")
        initials.update(initial)
        finals.add(final)
    return frozenset(initials), frozenset(finals)


class NumberReadings:
    """Which written words can be a number's reading: those that :func:`is_written_word`
    takes and whose syllables, each without its tone, are all among ``syllables`` (toneless
    numbered readings: ``er``, ``shi``, ``bai``), in whichever style the word is written
    (tone marks, tone numbers, no tones, zhuyin, initials and finals).

    Tones do not count because the tone rules and modes change them (一千 yìqiān, 五百 wú
    bǎi).  The syllables are those of the numbers stage's spoken forms (see
    ``Annotator.reads_number``); ``a``, ``e``, ``o`` are none of them, so list markers after
    a number (图5(a), 条款3(e)) are text.
    """

    def __init__(self, syllables: Iterable[str]) -> None:
        self._syllables = frozenset(syllables)
        readings = [
            f"{syllable}{tone}"
            for syllable in self._syllables
            for tone in "12345"
            if is_reading(f"{syllable}{tone}")
        ]
        spell_zhuyin = STYLE_REGISTRY[Tones.ZHUYIN.value]
        spell_phones = STYLE_REGISTRY[Tones.INITIALS_FINALS.value]
        self._zhuyin = frozenset(map(spell_zhuyin, readings))
        self._phones = frozenset(map(spell_phones, readings))  # "sh i2", "er4"

    def __call__(self, written: str) -> bool:
        if not is_written_word(written):
            return False
        parts = _PART_SEPARATOR.split(written)
        parts = [part[0].lower() + part[1:] for part in parts]
        return (
            all(map(self._is_number_pinyin, parts))
            or all(part in self._zhuyin for part in parts)
            or self._are_number_phones(parts)
        )

    def _is_number_pinyin(self, part: str) -> bool:
        if not _is_pinyin_part(part):
            return False
        readings = split_word(part) or []
        return all(reading[:-1] in self._syllables for reading in readings)

    def _are_number_phones(self, parts: list[str]) -> bool:
        """Initials and finals that pair into syllables a number holds (``sh i2``, ``er4``)."""
        initial = ""
        for part in parts:
            if part[-1:].isdigit():  # a final, with its tone: it ends a syllable
                syllable = f"{initial} {part}" if initial else part
                if syllable not in self._phones:
                    return False
                initial = ""
            elif initial:
                return False
            else:
                initial = part
        return not initial


class CharReadings:
    """Whether a written word can be the annotation of the character before it: its letters,
    without tones, separators and capitals, end with one of the character's readings
    without its tone (``yínháng`` after 行, ``yin2hang2``, ``h ang2``, ``liǎngàn`` after 岸;
    ``sh i2 ian4`` after 验: initials and finals write y and w as vowels),
    or with that reading and the r of erhua (``diǎnr``); a 儿 takes any word ending in r.

    Tones do not count (the modes change them, and other tools' annotations may be wrong
    in tone only).  A list marker or label after a character is text: 如图(a)所示, 款(e).
    Zhuyin words are taken as they are: bopomofo in parentheses is always an annotation.
    ``candidates`` gives a character's numbered readings (``hang2``); a character it gives
    none for (one only a user dictionary reads) takes every written word.
    """

    def __init__(self, candidates: Callable[[str], Iterable[str]]) -> None:
        self._candidates = candidates
        # Per instance: an lru_cache on the method would be one cache for the class, keeping
        # every Annotator alive that ever asked (the server derives one per user dictionary).
        self._endings_of: dict[str, tuple[str, ...]] = {}

    def _endings(self, char: str) -> tuple[str, ...]:
        endings = self._endings_of.get(char)
        if endings is None:
            endings = self._endings_of[char] = self._endings_from_readings(char)
        return endings

    def _endings_from_readings(self, char: str) -> tuple[str, ...]:
        readings = self._candidates(char)
        # As pinyin (yan4 -> yan) and as initials and finals, which write y and w as the
        # vowels they are (yan4 -> "ian4")
        spell_phones = STYLE_REGISTRY[Tones.INITIALS_FINALS.value]
        endings = {_toneless(reading) for reading in readings}
        endings.update(_letters_of(spell_phones(reading)) for reading in readings)
        return tuple(endings)

    def __call__(self, char: str, written: str) -> bool:
        if _ZHUYIN.search(written):
            return True
        endings = self._endings(char)
        if not endings:
            return True
        letters = _letters_of(written)
        if letters.endswith(endings):
            return True
        return letters.endswith("r") and (char == "儿" or letters[:-1].endswith(endings))


_ZHUYIN = re.compile("[\u3100-\u312f\u31a0-\u31bf]")
_NOT_LETTERS = re.compile(r"[^a-z]")


def _toneless(reading: str) -> str:
    """``lv4`` -> ``lu``: the numbered reading's letters as :func:`_letters_of` leaves them."""
    return reading.rstrip("12345").replace("v", "u")


def _letters_of(written: str) -> str:
    """The letters of a written word, lower case, without tone marks, the diaeresis of ü,
    tone digits, apostrophes, spaces or hyphens: ``Lǜ-shī`` -> ``lushi``."""
    decomposed = unicodedata.normalize("NFD", written.lower())
    return _NOT_LETTERS.sub("", decomposed.replace("v", "u"))
