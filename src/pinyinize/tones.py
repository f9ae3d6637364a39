"""Tone rules stage: the surface tones of a reading convention (a *mode*).

The lexicon and the model give citation readings (一个 yī gè, 你好 nǐ hǎo).  Every mode
first writes the lexical neutral tones of the lexicon's words (衣服 yīfu, 东西 dōngxi) where
the context model, which learnt from toned labels, chose the word's syllable with a full tone
(头发 tóufà → tóufa).  A mode then decides which changes speech makes are written:

* ``dictionary``: citation tones, lexical neutral tones (桌子 zhuōzi) — GB/T 16159-2012 §6.5.2.
* ``textbook``: also 一 and 不 with their changed tones (yí gè, bú shì), the neutral 一/不 of
  看一看 and 是不是, and erhua written on the syllable before (一点儿 yìdiǎnr).
* ``spoken``: everything a TTS voice says: the textbook changes, third-tone sandhi over
  prosodic words (你好 ní hǎo, 展览馆 zhán lán guǎn), neutral tones of reduplicated verbs
  (看看 kàn kan), directional complements (进来 jìn lai) and the suffix 们.

Each rule is a small function over one *phrase* (a stretch of adjacent Han words); rules
change readings in place on a flat list of slots and the stage writes changes back with
``source=RULE`` and the old reading kept as ``citation``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pinyinize.lexicon import Lexicon
from pinyinize.options import Mode
from pinyinize.types import Document, Source, Syllable, Token

__all__ = ["MODE_RULES", "Mode", "ToneRules"]


@dataclass(slots=True)
class Slot:
    """One syllable of a phrase, with what the rules need to know about its word."""

    token: int  # index of its token in the document
    index: int  # index of the syllable in its token
    char: str
    reading: str | None
    candidates: tuple[str, ...]
    word: str
    pos: str | None
    merged: bool = False

    @property
    def tone(self) -> int:
        return int(self.reading[-1]) if self.reading else 0

    @property
    def underlying_tone(self) -> int:
        """The tone that decides sandhi before a neutral syllable: its first full tone."""
        if self.tone != 5:
            return self.tone
        full = [int(c[-1]) for c in self.candidates if c[-1] != "5"]
        return full[0] if full else 5

    @property
    def at_word_start(self) -> bool:
        return self.index == 0

    @property
    def at_word_end(self) -> bool:
        return self.index == len(self.word) - 1

    def set_tone(self, tone: int) -> None:
        if self.reading:
            self.reading = f"{self.reading[:-1]}{tone}"


Phrase = list[Slot]
Rule = Callable[[Phrase], None]

DIGITS = frozenset("零〇一二三四五六七八九两")
NUMERALS = DIGITS | frozenset("十百千万亿")
DIRECTIONAL_VERBS = frozenset("进出回上下起开")  # 过去 is left out: the noun "the past" is guòqù


def _neighbour(phrase: Phrase, position: int, step: int) -> Slot | None:
    index = position + step
    return phrase[index] if 0 <= index < len(phrase) else None


def neutral_yi_bu_in_reduplication(phrase: Phrase) -> None:
    """看一看 kàn yi kàn, 是不是 shì bu shì: 一/不 between a repeated syllable is neutral."""
    for position, slot in enumerate(phrase):
        before, after = _neighbour(phrase, position, -1), _neighbour(phrase, position, 1)
        repeated = before is not None and after is not None and before.char == after.char
        if slot.char in "一不" and repeated and before.char not in NUMERALS:  # type: ignore[union-attr]
            slot.set_tone(5)


def yi_sandhi(phrase: Phrase) -> None:
    """一 is yí before a fourth tone and yì before the others, except where it is a number:
    counted or ordinal (第一, 十一, 一九四九), at the end of its word (统一, 之一), or a month."""
    for position, slot in enumerate(phrase):
        if slot.char != "一" or slot.reading != "yi1":
            continue
        before, after = _neighbour(phrase, position, -1), _neighbour(phrase, position, 1)
        if after is None or after.char in DIGITS or after.reading is None:
            continue
        if before is not None and (before.char in NUMERALS or before.char == "第"):
            continue
        if slot.at_word_end and len(slot.word) > 1:
            continue
        if slot.word.startswith("一月"):  # January, not "one month" (一个月)
            continue
        slot.set_tone(2 if after.underlying_tone == 4 else 4)


def bu_sandhi(phrase: Phrase) -> None:
    """不 is bú before a fourth tone (不是 bú shì, 不要 bú yào); at the end it stays bù."""
    for position, slot in enumerate(phrase):
        after = _neighbour(phrase, position, 1)
        if slot.char == "不" and slot.reading == "bu4" and after and after.underlying_tone == 4:
            slot.set_tone(2)


def erhua(phrase: Phrase) -> None:
    """A neutral 儿 after a syllable merges into it: 一点儿 yìdiǎnr (点 dianr3, 儿 None).

    儿 as a full syllable (儿子 érzi, 女儿 nǚ'ér, 婴儿) keeps its reading; 哪儿/这儿/那儿 are
    always erhua though the lexicon gives them ér."""
    for position, slot in enumerate(phrase):
        before = _neighbour(phrase, position, -1)
        if slot.char != "儿" or before is None or not before.reading or before.merged:
            continue
        neutral = slot.reading in ("er5", "r5") and not slot.at_word_start
        if neutral or (before.char in "哪这那" and slot.reading in ("er2", "er5", "r5")):
            before.reading = f"{before.reading[:-1]}r{before.reading[-1]}"
            slot.reading, slot.merged = None, True


def neutral_reduplicated_verbs(phrase: Phrase) -> None:
    """看看 kàn kan, 试试 shì shi: the second syllable of a reduplicated verb is neutral."""
    for position, slot in enumerate(phrase):
        before = _neighbour(phrase, position, -1)
        if before is None or before.char != slot.char or slot.tone == 5:
            continue
        same_word = slot.token == before.token and len(slot.word) == 2
        if same_word and (slot.pos or "").startswith("v"):
            slot.set_tone(5)


def neutral_directional_complements(phrase: Phrase) -> None:
    """进来 jìn lai, 出去 chū qu: 来/去 after a directional verb in one word are neutral."""
    for slot in phrase:
        complement = slot.char in "来去" and slot.index == 1 and len(slot.word) == 2
        if complement and slot.word[0] in DIRECTIONAL_VERBS and (slot.pos or "").startswith("v"):
            slot.set_tone(5)


def neutral_men_suffix(phrase: Phrase) -> None:
    """们 after a word (朋友们, 同学们) is the neutral plural suffix."""
    for position, slot in enumerate(phrase):
        if slot.char == "们" and position > 0:
            slot.set_tone(5)


def third_tone_sandhi(phrase: Phrase) -> None:
    """Third tone before third tone becomes second, inside prosodic words.

    Inside a word every third tone of a run but the last changes (你好 ní hǎo, 展览馆 zhán lán
    guǎn; a run of four goes in pairs).  Between words, only where one of the two words is a
    single syllable, from the right: 我很好 → wǒ hén hǎo.
    """
    words = _words_of(phrase)
    for word in words:
        _sandhi_inside(word)
    for left, right in reversed(list(itertools.pairwise(words))):
        if (len(left) == 1 or len(right) == 1) and left[-1].tone == 3 and right[0].tone == 3:
            left[-1].set_tone(2)


def _words_of(phrase: Phrase) -> list[Phrase]:
    words: list[Phrase] = []
    for slot in phrase:
        if words and words[-1][0].token == slot.token:
            words[-1].append(slot)
        else:
            words.append([slot])
    return words


def _sandhi_inside(word: Phrase) -> None:
    run: list[Slot] = []
    for slot in [*word, None]:
        if slot is not None and slot.tone == 3:
            run.append(slot)
            continue
        _sandhi_run(run)
        run = []


def _sandhi_run(run: list[Slot]) -> None:
    if len(run) <= 3:
        for slot in run[:-1]:
            slot.set_tone(2)
        return
    _sandhi_run(run[:2])  # 岂有此理 qí yǒu cí lǐ: two feet of two
    _sandhi_run(run[2:])


MODE_RULES: dict[Mode, tuple[Rule, ...]] = {
    Mode.DICTIONARY: (),
    Mode.TEXTBOOK: (neutral_yi_bu_in_reduplication, yi_sandhi, bu_sandhi, erhua),
    Mode.SPOKEN: (
        neutral_yi_bu_in_reduplication,
        neutral_reduplicated_verbs,
        neutral_directional_complements,
        neutral_men_suffix,
        yi_sandhi,
        bu_sandhi,
        third_tone_sandhi,
        erhua,
    ),
}


class ToneRules:
    """The tone-rule stage for one mode: Document → Document.

    ``lexicon`` gives the words' lexical neutral tones (the packaged one when None)."""

    def __init__(self, mode: Mode | str = Mode.DICTIONARY, lexicon: Lexicon | None = None) -> None:
        self.mode = Mode(mode)
        self.rules = MODE_RULES[self.mode]
        self._lexicon = lexicon

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon.default()
        return self._lexicon

    def __call__(self, document: Document) -> Document:
        tokens = list(document.tokens)
        lightened = self._lexical_neutral_tones(tokens)
        if not self.rules:
            return Document(document.text, tuple(tokens)) if lightened else document
        for phrase in _phrases(tokens):
            for rule in self.rules:
                rule(phrase)
            _write_back(tokens, phrase)
        return Document(document.text, tuple(tokens))

    def _lexical_neutral_tones(self, tokens: list[Token]) -> bool:
        """Write a word's neutral-tone syllables where the model chose the same syllable with
        a full tone; user readings stay.  Returns whether a token changed."""
        changed = False
        for number, token in enumerate(tokens):
            chosen = [s.source is Source.MODEL and s.reading for s in token.syllables]
            if not any(chosen):
                continue
            entry = self.lexicon.word(self.lexicon.simplify(token.text))
            if entry is None or entry.readings is None:
                continue
            syllables = list(token.syllables)
            for index, (syllable, word_reading) in enumerate(
                zip(syllables, entry.readings, strict=True)
            ):
                reading = syllable.reading
                light = word_reading.endswith("5") and chosen[index] and reading != word_reading
                if light and reading is not None and reading[:-1] == word_reading[:-1]:
                    syllables[index] = _lightened(syllable, word_reading)
            if syllables != list(token.syllables):
                tokens[number] = token.with_syllables(tuple(syllables))
                changed = True
        return changed


def _lightened(syllable: Syllable, reading: str) -> Syllable:
    return Syllable(
        syllable.char,
        syllable.offset,
        syllable.candidates,
        reading,
        Source.RULE,
        citation=syllable.citation or syllable.reading,
        merged=syllable.merged,
    )


def _phrases(tokens: list[Token]) -> Iterator[Phrase]:
    """Stretches of Han words with no other text between them."""
    phrase: Phrase = []
    for number, token in enumerate(tokens):
        if not token.is_han:
            if phrase:
                yield phrase
            phrase = []
            continue
        for index, syllable in enumerate(token.syllables):
            phrase.append(
                Slot(
                    number,
                    index,
                    syllable.char,
                    syllable.reading,
                    syllable.candidates,
                    token.text,
                    token.pos,
                    syllable.merged,
                )
            )
    if phrase:
        yield phrase


def _write_back(tokens: list[Token], phrase: Phrase) -> None:
    changed: dict[int, dict[int, Slot]] = {}
    for slot in phrase:
        original = tokens[slot.token].syllables[slot.index]
        if slot.reading != original.reading or slot.merged != original.merged:
            changed.setdefault(slot.token, {})[slot.index] = slot
    for number, slots in changed.items():
        token = tokens[number]
        syllables = tuple(
            _changed(syllable, slots[index]) if index in slots else syllable
            for index, syllable in enumerate(token.syllables)
        )
        tokens[number] = token.with_syllables(syllables)


def _changed(syllable: Syllable, slot: Slot) -> Syllable:
    return Syllable(
        syllable.char,
        syllable.offset,
        syllable.candidates,
        slot.reading,
        Source.RULE,
        citation=syllable.citation or syllable.reading,
        merged=slot.merged,
    )
