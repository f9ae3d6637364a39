"""Look-up stage: give each Han character its candidates and, where the lexicon can decide,
its reading.

Order of authority: the user dictionary, then the reading of the segmented word, then the
longest lexicon word inside the token that covers the character, then a character with a
single reading.  What is still open is left to the disambiguation stage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pinyinize.lexicon import Lexicon
from pinyinize.types import Document, Source, Syllable, Token

__all__ = ["LookUp", "inner_word_at"]


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


class LookUp:
    def __init__(self, lexicon: Lexicon, user_words: Mapping[str, tuple[str, ...]]) -> None:
        self._lexicon = lexicon
        self._user_words = user_words
        self._plans: dict[str, Plan] = {}

    def __call__(self, document: Document) -> Document:
        # One loop over the tokens with no call per token: it runs once per word of the text.
        plans = self._plans
        tokens: list[Token] = []
        for token in document.tokens:
            text, start, end, is_han, pos, _, selected = token
            if not is_han:
                tokens.append(token)
                continue
            plan = plans.get(text) or self._new_plan(text)
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
