"""Segment stage: cut each Han run into words by maximum probability over the lexicon.

Every word's probability is its frequency over the lexicon's total; a character the lexicon
does not list as a word still segments on its own.  There is no guessing of unknown words
(no HMM): an unknown name such as 云旦曲吉 stays four single characters rather than being glued
to its neighbours (云旦/曲吉是), which is what misplaced the seed article's annotations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from pinyinize.lexicon import Lexicon
from pinyinize.types import Document, Token

__all__ = ["Segmenter"]


class Segmenter:
    """Maximum-probability segmentation; ``extra_words`` (word → frequency) join the lexicon."""

    def __init__(self, lexicon: Lexicon, extra_words: Mapping[str, int] | None = None) -> None:
        self._lexicon = lexicon
        self._extra = dict(extra_words or {})
        self._max_length = max([lexicon.max_word_length, *map(len, self._extra)])

    def __call__(self, document: Document) -> Document:
        tokens: list[Token] = []
        for token in document.tokens:
            if token.is_han:
                tokens.extend(self._segment_run(token))
            else:
                tokens.append(token)
        return replace(document, tokens=tuple(tokens))

    def _log_probability(self, word: str) -> float | None:
        frequency = self._extra.get(word) or self._lexicon.frequency(word)
        if not frequency:
            if len(word) > 1:
                return None
            frequency = 1  # an unlisted single character is still a (rare) word
        return math.log(frequency) - self._lexicon.log_total

    def _segment_run(self, run: Token) -> list[Token]:
        # Lookups use the simplified form, so traditional text segments like simplified text;
        # the mapping is one character to one, so offsets carry over unchanged.
        text = self._lexicon.simplify(run.text)
        length = len(text)
        best = [0.0] * (length + 1)
        cut = [length] * (length + 1)
        for start in range(length - 1, -1, -1):
            best[start] = -math.inf
            for end in range(start + 1, min(length, start + self._max_length) + 1):
                score = self._log_probability(text[start:end])
                if score is not None and score + best[end] > best[start]:
                    best[start], cut[start] = score + best[end], end
        tokens = []
        start = 0
        while start < length:
            end = cut[start]
            entry = self._lexicon.word(text[start:end])
            tokens.append(
                Token(
                    run.text[start:end],
                    run.start + start,
                    run.start + end,
                    True,
                    pos=entry.pos if entry else None,
                )
            )
            start = end
        return tokens
