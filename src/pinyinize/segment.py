"""Segment stage: cut each Han run into words by maximum probability over the lexicon.

Every word's probability is its frequency over the lexicon's total; a character the lexicon
does not list as a word still segments on its own.  There is no guessing of unknown words
(no HMM): an unknown name such as 云旦曲吉 stays four single characters rather than being glued
to its neighbours (云旦/曲吉是), which is what misplaced the seed article's annotations.

Two kinds of rare word get a frequency that says what they are rather than how often jieba's
corpus happened to hold them, so that they do not glue across the words around them:

* abbreviations (jieba's tag ``j``: 中试 for 中间试验) count a tenth: 在行动中试着 is 中 / 试着;
* river and lake names (``ns`` ending in 江, 河 or 湖: 雅江) count as a common word, so that
  雅江水 is 雅江 / 水, not 雅 / 江水.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple, cast

from pinyinize.lexicon import Lexicon, longest_words_by_pair
from pinyinize.types import Document, Token

__all__ = ["Segmenter"]

_UNSEEN = "\0unseen"
# Words below this frequency are looked at for the adjustments above (frequent words are
# left as they are, and the check stays out of the hot loop for them).
_RARE = 100
_ABBREVIATION_SHARE = 10  # an abbreviation counts a tenth
_NAME_FREQUENCY = _RARE  # a river or lake name counts at least this
_WATER_GENERICS = frozenset("江河湖")
_RARE_CACHE_SIZE = 100_000  # a word whose POS is not cached yet (None is a cached "no POS")
_SCORE_CACHE_SIZE = 1 << 18  # substrings whose scores are remembered: a long text's working set
# Below this length a text's pairs are looked up one by one in a cache; longer texts are
# looked up all at once (half the time of a sentence's few pairs goes into numpy's set-up).
_SHORT_TEXT = 64
# The score of a substring that is no word: it never beats a path, so the loop needs no test.
_NO_WORD = -math.inf
# Builds a Token from all its fields without the Python-level __new__ that Token(...) runs:
# three times faster, and the segmenter builds one per word.
_new = tuple.__new__


class Segmenter:
    """Maximum-probability segmentation; ``extra_words`` (word → frequency) join the lexicon."""

    def __init__(self, lexicon: Lexicon, extra_words: Mapping[str, int] | None = None) -> None:
        self._lexicon = lexicon
        # Extra words are looked up beside the lexicon's tables, never merged into copies of
        # them: a copy costs ~23 MB and ~30 ms, and the server builds a segmenter per user
        # dictionary.
        self._extra: dict[str, int] = dict(extra_words or {})
        self._extra_longest: Mapping[str, int] = longest_words_by_pair(self._extra)
        self._log_total = lexicon.log_total
        self._pos: dict[str, str | None] = {}  # POS of each word segmented so far
        self._char_scores: dict[str, float] = {}  # see _char_score
        # Each substring the loop has tried: its log probability as a word (_NO_WORD when it
        # is none).  One dict hit instead of a frequency look-up, the rare-word check and a
        # logarithm per substring.
        self._word_scores: dict[str, float] = {}
        self._rare: dict[str, int] = {}  # adjusted frequencies of rare words (see _adjusted)

    def __call__(self, document: Document) -> Document:
        # Lookups use the simplified form, so traditional text segments like simplified text;
        # the mapping is one character to one, so offsets carry over unchanged.  The whole
        # text is simplified, scored and paired at once (a few calls that run in C), not run
        # by run: a document has a Han run per clause, and per-run set-up cost as much as
        # the search itself.
        simplified = self._lexicon.simplify(document.text)
        lattice = _Lattice(
            simplified,
            self._singles(simplified),
            self._reaches_of(simplified),
            [0.0] * (len(simplified) + 1),
            list(range(1, len(simplified) + 2)),  # each character a word, unless beaten
        )
        tokens: list[Token] = []
        for token in document.tokens:
            if token.is_han:
                self._best_cuts(lattice, token.start, token.end)
                self._append_words(token, lattice, tokens)
            else:
                tokens.append(token)
        return Document(document.text, tuple(tokens))

    def _best_cuts(self, lattice: _Lattice, run_start: int, run_end: int) -> None:
        """Fill ``lattice.cut`` over one Han run: cut[i] is where the word that starts at i
        ends, on the most probable path through the run."""
        score_of, word_score = self._word_scores.get, self._word_score
        text, singles, reaches, best, cut = lattice
        best[run_end] = 0.0  # the path ends with the run
        for start in range(run_end - 1, run_start - 1, -1):
            best_score = singles[start] + best[start + 1]
            reach = reaches[start]
            if reach:  # a longer word may start here
                best_end = 0
                for end in range(start + 2, min(run_end, start + reach) + 1):
                    word = text[start:end]
                    score = score_of(word)
                    if score is None:
                        score = word_score(word)
                    score += best[end]
                    if score > best_score:
                        best_score, best_end = score, end
                if best_end:
                    cut[start] = best_end
            best[start] = best_score

    def _singles(self, text: str) -> list[float]:
        """Each character's score as a word of its own (see _char_score)."""
        # map over the text runs in C; the characters not seen before are rare.
        cached = list(map(self._char_scores.get, text))
        if None in cached:
            return [self._char_score(char) for char in text]
        return cast("list[float]", cached)

    def _reaches_of(self, text: str) -> list[int]:
        """For each position, how far the longest word that starts there may reach (0: no
        word of two or more starts there; the last position starts none)."""
        if len(text) < _SHORT_TEXT:
            reaches = self._reaches_pair_by_pair(text)
        else:
            reaches = self._lexicon.reaches_along(text)
        if self._extra_longest:
            pairs = map(str.__add__, text, text[1:])
            reaches = list(map(_further, reaches, map(self._extra_longest.get, pairs)))
            reaches.append(0)
        return reaches

    def _reaches_pair_by_pair(self, text: str) -> list[int]:
        """What ``Lexicon.reaches_along`` gives, through the lexicon's cache of pairs."""
        cache = self._lexicon.reach_cache
        pairs = list(map(str.__add__, text, text[1:]))
        cached: list[int | None] = list(map(cache.table.get, pairs))
        if None in cached:  # a pair not seen before: fill the cache
            cached = [cache[pair] for pair in pairs]
        reaches = cast("list[int]", cached)
        reaches.append(0)
        return reaches

    def _word_score(self, word: str) -> float:
        """Log probability of ``word`` as the segmenter counts it (an extra word's frequency
        wins over the lexicon's), or _NO_WORD; remembered."""
        scores = self._word_scores
        if len(scores) >= _SCORE_CACHE_SIZE:
            scores.clear()
        frequency = self._extra.get(word) or self._lexicon.frequency(word)
        if not frequency:
            scores[word] = _NO_WORD
            return _NO_WORD
        if frequency < _RARE:
            frequency = self._rare.get(word) or self._adjusted(word, frequency)
        # The same operations in the same order as the sum the loop used to compute per
        # substring, so that scores, and ties between paths, are the same to the last bit.
        score = scores[word] = math.log(frequency) - self._log_total
        return score

    def _adjusted(self, word: str, frequency: int) -> int:
        """The frequency of a rare word as the segmenter counts it (see the module notes);
        user words keep theirs.  Cached: the same few thousand rare words come back."""
        if len(self._rare) >= _RARE_CACHE_SIZE:
            self._rare.clear()
        pos = None if word in self._extra else self._lexicon.pos(word)
        if pos == "j":
            frequency = max(1, frequency // _ABBREVIATION_SHARE)
        elif pos == "ns" and len(word) == 2 and word[-1] in _WATER_GENERICS:
            frequency = _NAME_FREQUENCY
        self._rare[word] = frequency
        return frequency

    def _char_score(self, char: str) -> float:
        """Log probability of ``char`` as a word; an unlisted one still is a rare word
        (frequency 1).  Cached: a text has a few thousand distinct characters."""
        score = self._char_scores.get(char)
        if score is None:
            frequency = self._extra.get(char) or self._lexicon.frequency(char) or 1
            score = self._char_scores[char] = math.log(frequency) - self._log_total
        return score

    def _append_words(self, run: Token, lattice: _Lattice, tokens: list[Token]) -> None:
        """Append the words of ``run`` along the cuts of ``lattice`` to ``tokens``."""
        pos_of, surface, offset, cut = self._pos, run.text, run.start, lattice.cut
        text = lattice.text
        start = run.start
        while start < run.end:
            end = cut[start]
            word = text[start:end]
            pos = pos_of.get(word, _UNSEEN)
            if pos is _UNSEEN:
                pos = pos_of[word] = self._lexicon.pos(word)
            # All seven fields, as Token(...) would fill them.
            written = surface[start - offset : end - offset]  # as the text has it
            tokens.append(_new(Token, (written, start, end, True, pos, (), True)))
            start = end


class _Lattice(NamedTuple):
    """A document's simplified text and the segmenter's arrays over it, by position."""

    text: str
    singles: list[float]  # each character's score as a word of its own
    reaches: list[int]  # how far the longest word that starts there may reach (0: none)
    best: list[float]  # score of the best path from there to the end of its run
    cut: list[int]  # where the word that starts there ends on that path


def _further(reach: int, extra_reach: int | None) -> int:
    return max(reach, extra_reach) if extra_reach else reach
