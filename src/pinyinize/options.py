"""How to annotate: one frozen value that every door (the API, the CLI, batch, the server and
the document formats) builds once from what the user gave and passes whole.

The ground floor of the package: it imports nothing from it, so every stage and door can
import it without a cycle.  It holds the closed sets of choices (:class:`Format`,
:class:`Tones`, :class:`Mode`), the parsed word :class:`Selection` and what the renderers
read (:class:`RenderOptions`).

User strings are converted here, once: ``AnnotationOptions(tones="numbers")`` holds
``Tones.NUMBERS``, ``select="level:4"`` a parsed :class:`Selection`, and a value that is no
choice raises ValueError naming it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = [
    "COMMON_CHARACTERS",
    "AnnotationOptions",
    "Format",
    "Mode",
    "RenderOptions",
    "Selection",
    "Tones",
    "parse_selection",
]


class Format(str, Enum):
    INLINE = "inline"  # 银行(yínháng)
    RUBY = "ruby"  # <ruby>银<rp>(</rp><rt>yín</rt><rp>)</rp>行<rp>(</rp><rt>háng</rt>…</ruby>
    JSON = "json"  # tokens with offsets, readings, candidates and sources
    PINYIN = "pinyin"  # the pinyin alone: yínháng


class Tones(str, Enum):
    """How a syllable and its tone are written."""

    MARKS = "marks"  # huán, lǜ, le
    NUMBERS = "numbers"  # huan2, lv4, le5
    NONE = "none"  # huan, lü, le
    ZHUYIN = "zhuyin"  # ㄏㄨㄢˊ, ㄌㄩˋ, ˙ㄌㄜ (bopomofo)
    INITIALS_FINALS = "initials-finals"  # h uan2, l v4, l e5: phones for a TTS front end


class Mode(str, Enum):
    """The reading convention the tone rules write (see :mod:`pinyinize.tone_rules`)."""

    DICTIONARY = "dictionary"
    TEXTBOOK = "textbook"
    SPOKEN = "spoken"
    CITATION = "citation"  # no lexical neutral tones: as polyphone corpora and pypinyin label


COMMON_CHARACTERS = 3500  # the first tier of the 通用规范汉字表


@dataclass(frozen=True, slots=True)
class Selection:
    """Which words get annotated (the grammar is in :mod:`pinyinize.select`)."""

    polyphones: bool = False
    level: int | None = None  # annotate above this HSK level
    characters: int | None = None  # annotate characters beyond this 通用规范汉字表 rank
    first: bool = False

    @property
    def everything(self) -> bool:
        return not self.polyphones and self.level is None and self.characters is None

    def __str__(self) -> str:
        """The selection as it is written: ``parse_selection(str(s)) == s``."""
        criteria = ["polyphones"] if self.polyphones else []
        if self.level is not None:
            criteria.append(f"level:{self.level}")
        if self.characters == COMMON_CHARACTERS:
            criteria.append("rare")
        elif self.characters is not None:
            criteria.append(f"chars:{self.characters / 1000:g}")
        if self.first:
            criteria.append("first")
        return ",".join(criteria) or "all"


def parse_selection(text: str) -> Selection:
    """``"level:4,first"`` → Selection(level=4, first=True); raises ValueError if unknown."""
    polyphones, first = False, False
    level: int | None = None
    characters: int | None = None
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition(":")
        if name == "all" and not value:
            continue
        if name == "polyphones" and not value:
            polyphones = True
        elif name == "first" and not value:
            first = True
        elif name == "rare" and not value:
            characters = COMMON_CHARACTERS
        elif name == "level" and value.isdigit() and 1 <= int(value) <= 9:
            level = int(value)
        elif name == "chars" and _is_positive_number(value):
            characters = round(float(value) * 1000)
        else:
            raise ValueError(
                f"unknown selection {item!r}: use all, polyphones, level:1-9, chars:N, rare, first"
            )
    return Selection(polyphones, level, characters, first)


def _is_positive_number(value: str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return 0 < number < math.inf  # chars:1e400 is no number of characters


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What a renderer reads (derived from :attr:`AnnotationOptions.render_options`)."""

    tones: Tones = Tones.MARKS
    per_character: bool = False  # ruby: one <ruby> per character instead of per word
    orthography: bool = False  # GB/T 16159-2012: capitals, names and suffixes apart


def _as_selection(value: Selection | str) -> Selection:
    return value if isinstance(value, Selection) else parse_selection(value)


# How a field given as a user string becomes its value; Enum(value) keeps an enum as it is.
_CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "format": lambda value: None if value is None else Format(value),
    "tones": Tones,
    "mode": Mode,
    "selection": _as_selection,
}
# Other names the doors have always used for a field.
_ALIASES = {"select": "selection"}


@dataclass(frozen=True, slots=True)
class AnnotationOptions:
    """How to annotate: output format, tone spelling, reading convention, ruby shape,
    word spelling, which words, whether already annotated text is refused, whether ruby
    on a plain text document is a fragment or a whole HTML document, and whether numbers
    and symbols are read (``12.5%`` → 百分之十二点五, bǎi fēn zhī shí'èr diǎn wǔ).

    ``format`` None means the document type's own default (inline for plain text, ruby
    for HTML and EPUB).  Fields may be given as strings (``tones="numbers"``,
    ``selection="level:4,first"``): they are converted on construction, and a bad one
    raises ValueError.  :meth:`replace` also takes ``select``, the name the API and the
    CLI have always used for the selection.
    """

    format: Format | None = None
    tones: Tones = Tones.MARKS
    mode: Mode = Mode.DICTIONARY
    per_character: bool = False  # ruby: each character its own <ruby> (not the word)
    orthography: bool = False  # GB/T 16159-2012 word spelling (capitals, names apart)
    selection: Selection = Selection()
    force: bool = False  # annotate text that already carries inline annotations
    fragment: bool = False  # ruby on plain text: the annotated fragment, not a whole document
    numbers: bool = False  # read digits and symbols as spoken Chinese (pinyinize.numbers)

    def __post_init__(self) -> None:
        for name, convert in _CONVERSIONS.items():
            object.__setattr__(self, name, convert(getattr(self, name)))

    @classmethod
    def parse(cls, **values: Any) -> AnnotationOptions:
        """Options from user values by field name (or ``select``); the rest are defaults."""
        return cls().replace(**values)

    def replace(self, **overrides: Any) -> AnnotationOptions:
        """These options with some fields changed (by field name, or ``select``)."""
        if not overrides:
            return self
        named = {_ALIASES.get(name, name): value for name, value in overrides.items()}
        if len(named) < len(overrides):
            raise TypeError("give the selection once, as select or as selection")
        unknown = set(named) - {field.name for field in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"unknown annotation option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **named)

    @property
    def render_options(self) -> RenderOptions:
        return RenderOptions(self.tones, self.per_character, self.orthography)
