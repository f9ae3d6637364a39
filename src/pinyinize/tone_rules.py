"""Tone rules stage: the surface tones of a reading convention (a *mode*).

The lexicon and the model give toned readings (一个 yī gè, 你好 nǐ hǎo, 衣服 yīfú).  Every
mode but ``citation`` first writes the lexical neutral tones of the lexicon's words (衣服
yīfu, 头发 tóufa) on the syllables that look-up or the context model read with that
syllable's full tone.  A mode then decides which changes speech makes are written:

* ``citation``: every syllable in its citation tone, the reading its character has in the
  word before any lexical neutral tone or tone change (衣服 yīfú, 弟弟 dìdì, 一个 yī gè), as
  polyphone corpora (CPP, g2pL), pypinyin and g2pM label them.  Characters whose neutral
  tone is a reading of their own keep it (了 le, 桌子 zhuōzi, 石头 shítou: ``OWN_NEUTRAL``).
* ``dictionary``: citation tones, lexical neutral tones (桌子 zhuōzi) — GB/T 16159-2012 §6.5.2.
* ``textbook``: also 一 and 不 with their changed tones (yí gè, bú shì), the neutral 一/不 of
  看一看 and 是不是, and erhua written on the syllable before (一点儿 yìdiǎnr).
* ``spoken``: everything a TTS voice says: the textbook changes, third-tone sandhi over
  prosodic words (你好 ní hǎo, 展览馆 zhán lán guǎn), neutral tones of reduplicated verbs
  (看看 kàn kan), directional complements (进来 jìn lai) and the suffix 们.

Each rule is a small function over one *phrase* (a stretch of adjacent Han words); rules
change readings in place on a flat list of slots and the stage writes changes back with
``source=RULE`` and the old reading kept as ``citation``.

A number token (digits the numbers stage read: ``1000`` 一千) is a word of its phrase like a
Han word, with its spoken form as the word: 一千 yìqiān, ``1个`` yí gè in textbook mode.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pinyinize.lexicon import Lexicon
from pinyinize.lookup import inner_word_at
from pinyinize.options import Mode
from pinyinize.types import NUMERAL_POS, SERIAL_POS, Document, Source, Syllable, Token

__all__ = ["MODE_RULES", "OWN_NEUTRAL", "Mode", "ToneRules"]


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
    counted or ordinal (第一, 十一, 一九四九), at the end of its word (统一, 之一), or a month.

    In digits the numbers stage read, 一 changes only before 百 千 万 亿 (一千 yìqiān) or, at
    the end of a quantity, before the word after it (``1个`` yí gè); not in serial digits
    (``1月``, ``第1``, years, clock times) nor before 点 or 到 (``1.5`` yī diǎn wǔ)."""
    for position, slot in enumerate(phrase):
        if slot.char != "一" or slot.reading != "yi1":
            continue
        before, after = _neighbour(phrase, position, -1), _neighbour(phrase, position, 1)
        if after is None or after.char in DIGITS or after.reading is None:
            continue
        if slot.pos == SERIAL_POS:
            continue
        if slot.pos == NUMERAL_POS and after.token == slot.token and after.char not in "百千万亿":
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


# Characters whose neutral tone is a reading of their own, not a word's: 现代汉语词典 gives
# them a neutral-tone entry (Unihan's kXHC1983: the particles 了 的 着 吗 呢 吧, the suffixes
# 们 么 头 ·tou 边 ·bian 里 ·li 家 ·jia, 卜 of 萝卜 luó·bo, 裳 of 衣裳, …), with the noun
# suffix 子 ·zi, which kXHC1983 leaves out, and the erhua 儿.  Citation mode keeps their
# neutral tones where the lexicon writes them, as the polyphone corpora label them (CPP:
# 儿子 zi5, 右边 bian5, 萝卜 bo5).
OWN_NEUTRAL = frozenset(
    "㗑㟷么了们价伧偺傖價划劃匙卜厕吗吧呀呃呐呗呢呵咧咯咱哇哟哩哪哼啊啦啵喒喽嘍嘛嘞噷嚜地垯塔"
    "墶头家底廁得戌末桲殖氇疸的着繨罢罷脦臂著蓝蓿蔔藍裏裡裳蹴边里阿鞡頭饹麽"
    "子儿"
)

MODE_RULES: dict[Mode, tuple[Rule, ...]] = {
    Mode.CITATION: (),
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


_LIGHT_CACHE_SIZE = 100_000  # distinct words whose lexical neutral tones are remembered
# A neutral syllable of a word: its position, its reading, and the sources of the readings
# it replaces (the look-up's and the model's of the word's own syllables, only the
# look-up's of an inner word's).
LightSyllable = tuple[int, str, frozenset[Source]]
_LOOKED_UP_OR_CHOSEN = frozenset({Source.WORD, Source.MODEL})
_LOOKED_UP = frozenset({Source.WORD})


def _with_replaced(token: Token, replaced: dict[int, Syllable]) -> Token:
    """``token`` with the syllables ``replaced`` gives by index."""
    return token.with_syllables(tuple(replaced.get(i, s) for i, s in enumerate(token.syllables)))


class ToneRules:
    """The tone-rule stage for one mode: Document → Document.

    ``lexicon`` gives the words' lexical neutral tones (the packaged one when None)."""

    def __init__(self, mode: Mode | str = Mode.DICTIONARY, lexicon: Lexicon | None = None) -> None:
        self.mode = Mode(mode)
        self.rules = MODE_RULES[self.mode]
        self._lexicon = lexicon
        self._light: dict[str, tuple[LightSyllable, ...]] = {}

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon.default()
        return self._lexicon

    def __call__(self, document: Document) -> Document:
        tokens = list(document.tokens)
        if self.mode is Mode.CITATION:
            changed = self._citation_tones(tokens)
        else:
            changed = self._lexical_neutral_tones(tokens)
        if not self.rules:
            return Document(document.text, tuple(tokens)) if changed else document
        for phrase in _phrases(tokens):
            for rule in self.rules:
                rule(phrase)
            _write_back(tokens, phrase)
        return Document(document.text, tuple(tokens))

    def _lexical_neutral_tones(self, tokens: list[Token]) -> bool:
        """Write a word's lexical neutral tones where look-up or the model read the same
        syllable with a full tone; user readings stay.  Returns whether a token changed."""

        # One loop with no call for most tokens: it runs once per word of the text, and
        # few words have lexical neutral tones (the cache says which in one dict hit).
        known, changed = self._light, False
        for number, token in enumerate(tokens):
            if not token.is_han or len(token.syllables) < 2:
                continue
            light_syllables = known.get(token.text)
            if light_syllables is None:
                light_syllables = self._light_syllables(token.text)
            if not light_syllables:
                continue
            found = {}
            for index, light, sources in light_syllables:
                syllable = token.syllables[index]
                reading = syllable.reading
                if (
                    syllable.source in sources
                    and reading is not None
                    and reading != light
                    and reading[:-1] == light[:-1]
                ):
                    found[index] = _lightened(syllable, light)
            if found:
                tokens[number] = _with_replaced(token, found)
                changed = True
        return changed

    def _light_syllables(self, word: str) -> tuple[LightSyllable, ...]:
        """The neutral syllables of the word that gives ``word``'s characters their readings,
        with its lexical neutral tones written: ``word`` itself, or for a word without a
        reading of its own, the inner words look-up read it with."""
        found = self._light.get(word)
        if found is None:
            if len(self._light) >= _LIGHT_CACHE_SIZE:
                self._light.clear()
            found = self._light[word] = self._find_light_syllables(self.lexicon.simplify(word))
        return found

    def _find_light_syllables(self, word: str) -> tuple[LightSyllable, ...]:
        entry = self.lexicon.word(word)
        if entry is not None and entry.light_readings is not None:
            return tuple(
                (index, reading, _LOOKED_UP_OR_CHOSEN)
                for index, reading in enumerate(entry.light_readings)
                if reading.endswith("5")
            )
        found = []
        for index in range(len(word)):
            inner = inner_word_at(word, index, self._has_reading)
            inner_entry = self.lexicon.word(word[inner[0] : inner[1]]) if inner else None
            light = inner_entry.light_readings if inner_entry else None
            if inner and light and light[index - inner[0]].endswith("5"):
                # The model's choice in a word without a reading of its own stands.
                found.append((index, light[index - inner[0]], _LOOKED_UP))
        return tuple(found)

    def _has_reading(self, word: str) -> bool:
        entry = self.lexicon.word(word)
        return entry is not None and entry.readings is not None

    def _citation_tones(self, tokens: list[Token]) -> bool:
        """Give each neutral syllable the full tone of the same syllable among its character's
        readings (弟弟 di4 di5 → di4 di4), unless the neutral tone is the character's own
        (``OWN_NEUTRAL``) or the reading is the user's.  Returns whether a token changed."""

        changed = False
        for number, token in enumerate(tokens):
            if not token.is_han:
                continue
            found = {}
            for index, syllable in enumerate(token.syllables):
                reading = syllable.reading
                if reading is None or reading[-1] != "5":  # most syllables: a full tone
                    continue
                full = self._full_tone(syllable)
                if full is not None:
                    found[index] = _retoned(syllable, full)
            if found:
                tokens[number] = _with_replaced(token, found)
                changed = True
        return changed

    def _full_tone(self, syllable: Syllable) -> str | None:
        reading = syllable.reading
        if reading is None or not reading.endswith("5") or syllable.source is Source.USER:
            return None
        if self.lexicon.simplify(syllable.char) in OWN_NEUTRAL:
            return None
        base = reading[:-1]
        return next(
            (c for c in syllable.candidates if c[:-1] == base and not c.endswith("5")), None
        )


def _lightened(syllable: Syllable, reading: str) -> Syllable:
    """The syllable with its word's lexical neutral tone (its toned reading as citation)."""
    candidates = syllable.candidates
    if reading not in candidates:  # keep the candidates complete, as look-up does
        candidates = (*candidates, reading)
    return _retoned(syllable._replace(candidates=candidates), reading)


def _retoned(syllable: Syllable, reading: str) -> Syllable:
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
    """Stretches of Han words (and number tokens) with no other text between them."""
    phrase: Phrase = []
    for number, token in enumerate(tokens):
        if not token.is_han and not token.syllables:
            if phrase:
                yield phrase
            phrase = []
            continue
        word = token.text if token.is_han else token.spoken
        for index, syllable in enumerate(token.syllables):
            phrase.append(
                Slot(
                    number,
                    index,
                    syllable.char,
                    syllable.reading,
                    syllable.candidates,
                    word,
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
