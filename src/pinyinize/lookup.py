"""Look-up stage: give each Han character its candidates and, where the lexicon can decide,
its reading.

Order of authority: the user dictionary, then the reading of the segmented word, then the
longest lexicon word inside the token that covers the character, then a character with a
single reading.  What is still open is left to the disambiguation stage.

A few words have two senses that differ in their tones only (东西 dōngxi 'thing' / dōngxī
'east and west', 地方 dìfang 'place' / dìfāng 'local').  ``data/senses.tsv`` gives the other
sense's reading and the words that call for it right after or before the word (东西走向,
地方政府, 中央和地方); elsewhere the lexicon's reading stands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pinyinize.errors import DataError
from pinyinize.lexicon import Lexicon
from pinyinize.types import Document, Source, Syllable, Token

__all__ = ["LookUp", "Sense", "default_senses", "inner_word_at", "read_senses"]


# (char, candidates, reading, source code) of each character of a word: what look-up decides
# for a word does not depend on where it stands, so it is worked out once per distinct word.
# The source is kept as its index in _SOURCES, not as the Source itself: a tuple of strings
# and ints drops out of the garbage collector's sight, one that holds an enum member does
# not, and the collector's walks over tens of thousands of cached plans took a fifth of the
# time of a long text.
Plan = tuple[tuple[str, tuple[str, ...], str | None, int], ...]
_SOURCES: tuple[Source | None, ...] = (None, *Source)
_SOURCE_CODES = {source: code for code, source in enumerate(_SOURCES)}
_PLAN_CACHE_SIZE = 200_000  # distinct words remembered (a few tens of MB at most)
# Builds Syllables and Tokens from all their fields without the Python-level __new__ that
# Syllable(...) runs: two to three times faster, and look-up builds one per character.
_new = tuple.__new__


SENSES_HEADER = "# pinyinize-senses 1"
_SIDES = ("after", "before", "next", "previous", "end", "ahead", "unless")
# How far ``ahead`` cues are looked for: a verb's object after 了 and a numeral with its
# measure word (扎了两个小辫子, 盛了满满一碗饭), not the next clause's words.
AHEAD_REACH = 6


# Words that may stand between a verb and the end of its clause (借的钱早就还了。).
_CLAUSE_END_PARTICLES = frozenset(("了", "过", "啦", "吧", "呢", "吗", "呀", "啊"))


@dataclass(frozen=True, slots=True)
class Sense:
    """A word's other reading and the words beside it that call for it."""

    readings: tuple[str, ...]
    after: tuple[str, ...] = ()  # text that starts right after the word
    before: tuple[str, ...] = ()  # text that ends right before it
    next: frozenset[str] = frozenset()  # the next word, whole (了 but not 了解 after 还)
    previous: frozenset[str] = frozenset()  # the word before, whole (姓 but not 百姓)
    end: tuple[str, ...] = ()  # text right before the word where it ends its clause
    ahead: tuple[str, ...] = ()  # text a few characters on, in the same run of Han text
    unless: frozenset[str] = frozenset()  # the next word, whole, that rules the sense out

    def applies(self, text: str, tokens: Sequence[Token], number: int) -> bool:
        """Whether a cue stands beside ``tokens[number]`` (``text``: the simplified text)
        and the next word does not rule the sense out."""
        start, end = tokens[number].start, tokens[number].end
        following = tokens[number + 1] if number + 1 < len(tokens) else None
        if following is not None and following.text in self.unless:
            return False
        if text.startswith(self.after, end) or text.endswith(self.before, 0, start):
            return True
        if self.ahead and _cue_ahead(self.ahead, text, tokens, number):
            return True
        if following is not None and following.is_han and following.text in self.next:
            return True
        if number and tokens[number - 1].text in self.previous:
            return True
        return bool(self.end) and text.endswith(self.end, 0, start) and _ends_clause(tokens, number)


def _cue_ahead(cues: tuple[str, ...], text: str, tokens: Sequence[Token], number: int) -> bool:
    """Whether a cue stands within ``AHEAD_REACH`` characters after ``tokens[number]``, in
    its run of Han text (a cue never reaches over punctuation into the next clause)."""
    start = stop = tokens[number].end
    for token in tokens[number + 1 :]:
        if not token.is_han or stop - start >= AHEAD_REACH:
            break
        stop = token.end
    window = text[start : min(stop, start + AHEAD_REACH)]
    return any(cue in window for cue in cues)


def _ends_clause(tokens: Sequence[Token], number: int) -> bool:
    """Whether only sentence-final particles follow ``tokens[number]`` in its Han run."""
    for token in tokens[number + 1 :]:
        if not token.is_han:
            return True
        if token.text not in _CLAUSE_END_PARTICLES:
            return False
    return True


class LookUp:
    def __init__(
        self,
        lexicon: Lexicon,
        user_words: Mapping[str, tuple[str, ...]],
        senses: Mapping[str, tuple[Sense, ...]] | None = None,
    ) -> None:
        self._lexicon = lexicon
        self._user_words = user_words
        self._plans: dict[str, Plan] = {}
        self._senses = default_senses() if senses is None else senses
        # The senses of each word as written (traditional or simplified) that has some: filled
        # in beside the plans, so that the other words cost one look-up in a small dict.
        self._sense_of: dict[str, tuple[Sense, ...]] = {}

    def __call__(self, document: Document) -> Document:
        # One loop over the tokens with no call per token: it runs once per word of the text.
        plans, sense_of, simplified = self._plans, self._sense_of, None
        tokens: list[Token] = []
        for number, token in enumerate(document.tokens):
            text, start, end, is_han, pos, _, selected = token
            if not is_han:
                tokens.append(token)
                continue
            plan = plans.get(text) or self._new_plan(text)
            senses = sense_of.get(text)
            if senses is not None:
                if simplified is None:
                    simplified = self._lexicon.simplify(document.text)
                # The first sense (in table order) whose cue stands beside the word.
                for sense in senses:
                    if sense.applies(simplified, document.tokens, number):
                        plan = _with_sense(plan, sense.readings)
                        break
            # All seven fields, as Syllable(...) would fill them (no citation, not merged).
            if len(plan) == 1:  # about half the words: no comprehension to set up
                char, own, reading, code = plan[0]
                syllables: tuple[Syllable, ...] = (
                    _new(Syllable, (char, start, own, reading, _SOURCES[code], None, False)),
                )
            else:
                syllables = tuple(
                    [
                        _new(
                            Syllable,
                            (char, start + index, own, reading, _SOURCES[code], None, False),
                        )
                        for index, (char, own, reading, code) in enumerate(plan)
                    ]
                )
            tokens.append(_new(Token, (text, start, end, is_han, pos, syllables, selected)))
        return Document(document.text, tuple(tokens))

    def _new_plan(self, word: str) -> Plan:
        if len(self._plans) >= _PLAN_CACHE_SIZE:
            self._plans.clear()
        plan = self._plans[word] = self._plan(word)
        senses = self._senses.get(self._lexicon.simplify(word))
        if senses and word not in self._user_words:
            self._sense_of[word] = senses
        return plan

    def _plan(self, word: str) -> Plan:
        readings, source = self._word_readings(word)
        plan = []
        for index, char in enumerate(word):
            own = self._lexicon.candidates(char)
            reading, origin = (readings[index], source) if readings else (None, None)
            if reading is None:
                reading, origin = self._inner_word_reading(word, index)
            if reading is None and len(own) == 1:
                reading, origin = own[0], Source.CHARACTER
            if reading is not None and reading not in own:
                own = (*own, reading)  # neutral tone or a user's reading: keep candidates complete
            plan.append((char, own, reading, _SOURCE_CODES[origin]))
        return tuple(plan)

    def _word_readings(self, word: str) -> tuple[tuple[str, ...] | None, Source | None]:
        if word in self._user_words:
            return self._user_words[word], Source.USER
        entry = self._lexicon.word(self._lexicon.simplify(word)) if len(word) > 1 else None
        if entry and entry.readings:
            return entry.readings, Source.WORD
        return None, None

    def _inner_word_reading(self, word: str, index: int) -> tuple[str | None, Source | None]:
        """Reading from the longest proper sub-word of ``word`` that covers position ``index``."""
        found = inner_word_at(word, index, lambda inner: self._word_readings(inner)[0] is not None)
        if found is None:
            return None, None
        start, end = found
        readings, source = self._word_readings(word[start:end])
        return readings[index - start] if readings else None, source


def inner_word_at(
    word: str, index: int, has_reading: Callable[[str], bool]
) -> tuple[int, int] | None:
    """Start and end of the longest proper sub-word of ``word`` with a reading that covers
    position ``index`` (the leftmost of equal length), or None.  The tone stage asks it too,
    to find the word whose lexical neutral tones look-up's reading came with."""
    for length in range(len(word) - 1, 1, -1):
        for start in range(max(0, index - length + 1), min(index, len(word) - length) + 1):
            if has_reading(word[start : start + length]):
                return start, start + length
    return None


def _with_sense(plan: Plan, readings: tuple[str, ...]) -> Plan:
    """``plan`` with the sense's readings; the model leaves them as they are."""
    code = _SOURCE_CODES[Source.CONTEXT]
    return tuple(
        (char, own if reading in own else (*own, reading), reading, code)
        for (char, own, _, _), reading in zip(plan, readings, strict=True)
    )


def read_senses(path: Path) -> dict[str, tuple[Sense, ...]]:
    """Read a senses table: ``word<TAB>reading<TAB>side<TAB>cues`` (see ``data/senses.tsv``).

    A word may have several senses (得 děi before a verb, dé before its object); each
    reading's lines make one ``Sense``, kept in the order of the table."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0].startswith(SENSES_HEADER):
            raise DataError(f"{path}: not a pinyinize senses table (bad header)")
        sides: dict[tuple[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = {}
        for line in lines[1:]:
            word, reading, side, cues = line.split("\t")
            readings = tuple(reading.split())
            if len(readings) != len(word) or side not in _SIDES:
                raise ValueError(f"bad line {line!r}")
            cues_of = sides.setdefault((word, readings), {})
            cues_of[side] = (*cues_of.get(side, ()), *cues.split())  # lines of a side add up
        senses: dict[str, tuple[Sense, ...]] = {}
        for (word, readings), by_side in sides.items():
            sense = Sense(
                readings,
                by_side.get("after", ()),
                by_side.get("before", ()),
                frozenset(by_side.get("next", ())),
                frozenset(by_side.get("previous", ())),
                by_side.get("end", ()),
                by_side.get("ahead", ()),
                frozenset(by_side.get("unless", ())),
            )
            senses[word] = (*senses.get(word, ()), sense)
        return senses
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read senses table {path}: {error}") from error


@lru_cache(maxsize=1)
def default_senses() -> dict[str, tuple[Sense, ...]]:
    """The packaged senses table (``data/senses.tsv``), read once per process."""
    with resources.as_file(resources.files("pinyinize") / "data" / "senses.tsv") as path:
        return read_senses(path)
