"""The readings a word could have: what a reader picks from to correct the annotation.

For a word in its context: the reading it has there (in the mode asked for), the readings to
choose from (one citation reading per character, as a user dictionary holds them: the one
in context first, then the lexicon's, then that one with one character read otherwise),
and each character's own readings.  The web page's reading picker and ``/api/readings``
both ask :func:`word_readings`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from pinyinize.errors import InputError
from pinyinize.options import Mode, Tones
from pinyinize.pipeline import Annotator
from pinyinize.spell import spell, spell_word
from pinyinize.types import Syllable

__all__ = ["MAX_ALTERNATIVES", "CharacterReadings", "WordReading", "WordReadings", "word_readings"]

MAX_ALTERNATIVES = 24  # readings offered for one word (the product of its characters')


@dataclass(frozen=True, slots=True)
class WordReading:
    pinyin: str  # spelled as asked (yínháng)
    readings: tuple[str, ...]  # numbered, one per character (yin2, hang2)


@dataclass(frozen=True, slots=True)
class CharacterReadings:
    char: str
    candidates: tuple[str, ...]  # spelled as asked


@dataclass(frozen=True, slots=True)
class WordReadings:
    word: str
    start: int  # the word's offset in its context
    current: WordReading | None  # the reading it has in context; None if not all known
    candidates: tuple[WordReading, ...]
    characters: tuple[CharacterReadings, ...]


def word_readings(
    annotator: Annotator,
    word: str,
    context: str | None = None,
    start: int | None = None,
    *,
    tones: Tones = Tones.MARKS,
    mode: Mode = Mode.DICTIONARY,
) -> WordReadings:
    """The readings of ``word`` at offset ``start`` of ``context`` (its first occurrence when
    None; the word alone when there is no context).  InputError if it is not there."""
    context = context if context is not None else word
    offset = start if start is not None else context.find(word)
    end = offset + len(word)
    if offset < 0 or context[offset:end] != word:
        where = "in the context" if start is None else f"at offset {offset} of the context"
        raise InputError(f"the word {word!r} is not {where}")
    span = _syllables(annotator, context, offset, end, mode)
    per_char = [
        s.candidates if s is not None else annotator.lexicon.candidates(char)
        for char, s in zip(word, span, strict=True)
    ]
    current = None
    if all(s is not None and s.complete for s in span):
        current = _word_reading([s.reading for s in span if s and s.reading], tones)
    # Alternatives are citation readings, one per character, as a user dictionary holds them
    # (the mode's tone rules and erhua apply on top): the dictionary-mode analysis gives them.
    if mode is not Mode.DICTIONARY:
        span = _syllables(annotator, context, offset, end, Mode.DICTIONARY)
    base = [s.reading if s is not None and s.reading else "" for s in span]
    return WordReadings(
        word=word,
        start=offset,
        current=current,
        candidates=_alternatives(annotator, word, per_char, base, tones),
        characters=tuple(
            CharacterReadings(char, tuple(spell(r, tones) for r in readings))
            for char, readings in zip(word, per_char, strict=True)
        ),
    )


def _syllables(
    annotator: Annotator, context: str, start: int, end: int, mode: Mode
) -> list[Syllable | None]:
    """The syllables of context[start:end] (None for a character that has none)."""
    document = annotator.analyze(context, mode=mode)
    syllables = {s.offset: s for token in document.tokens for s in token.syllables}
    return [syllables.get(offset) for offset in range(start, end)]


def _word_reading(readings: Sequence[str], tones: Tones) -> WordReading:
    return WordReading(spell_word(readings, tones), tuple(readings))


def _alternatives(
    annotator: Annotator,
    word: str,
    per_char: list[tuple[str, ...]],
    base: list[str],
    tones: Tones,
) -> tuple[WordReading, ...]:
    """The reading in context, the lexicon's, then that one with one character read otherwise.

    One change at a time keeps the list short and meaningful (every combination of 家庭教育's
    readings is 40 strings, most of them nonsense); a second change is a second pick.
    """
    entry = annotator.lexicon.word(word)
    first = [base] if all(base) else []
    lexicon_reading = entry.light_readings if entry is not None else None  # as in `base`
    if lexicon_reading and len(lexicon_reading) == len(word):
        first.append(list(lexicon_reading))
    changed = (
        [*base[:i], reading, *base[i + 1 :]]
        for i, readings in enumerate(per_char)
        for reading in readings
    )
    seen: set[tuple[str, ...]] = set()
    result: list[WordReading] = []
    for readings in itertools.chain(first, changed if all(base) else ()):
        if len(result) == MAX_ALTERNATIVES:
            break
        if tuple(readings) not in seen:
            seen.add(tuple(readings))
            result.append(_word_reading(readings, tones))
    return tuple(result)
