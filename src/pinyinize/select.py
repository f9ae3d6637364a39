"""Select stage: which words get annotated, for the reader at hand.

A selection is written as comma-separated criteria (``--annotate level:4,first``):

* ``all`` (default): every word.
* ``polyphones``: words with a character that has more than one common reading (two or more
  readings attested in the spoken-corpus counts of Unihan kHanyuPinlu).
* ``level:N``: words above HSK 3.0 level N (1-9; the standard grades 7-9 as one band) — a
  word the HSK lists grade at N or below is never annotated; a word it does not list counts
  as its hardest character (characters the lists lack count as above 9).
* ``chars:N``: words with a character outside the first N thousand of the 通用规范汉字表.
* ``rare``: words with a character outside its 3,500 common characters (``chars:3.5``).
* ``first``: a word only at its first occurrence in the document.

Content criteria are alternatives (``polyphones,rare``: a word with either); ``first``
then keeps the first occurrence of each.

The annotated span is always a whole word.  A character the segmenter leaves on its own only
because the lexicon lacks the word it belongs to is a bound morpheme (a part-of-speech tag
ending in ``g``: 絮 in 云絮); when it or its neighbour is selected, the two are annotated as
one word (``云絮(yúnxù)``, not ``云絮(xù)``, where the reader cannot tell what the
parenthesis covers).  The morpheme joins the Han word just before it, else the one just
after.
"""

from __future__ import annotations

from pinyinize.lexicon import Lexicon
from pinyinize.options import Selection, parse_selection
from pinyinize.types import Document, Token

__all__ = ["Selection", "Selector", "parse_selection"]

UNGRADED = 10  # above every HSK level


class Selector:
    """Marks each Han token selected or not; ``seen`` carries ``first`` across calls."""

    def __init__(self, lexicon: Lexicon, selection: Selection) -> None:
        self._lexicon = lexicon
        self._selection = selection

    def __call__(self, document: Document, seen: set[str] | None = None) -> Document:
        if self._selection.everything and not self._selection.first:
            return document
        seen = set() if seen is None else seen
        tokens = []
        for token in document.tokens:
            if token.is_han:
                selected = self._needed(token)
                if selected and self._selection.first:
                    selected = token.text not in seen
                    seen.add(token.text)
                token = token.with_selected(selected)
            tokens.append(token)
        return document._replace(tokens=tuple(_join_bound_morphemes(tokens)))

    def _needed(self, token: Token) -> bool:
        selection = self._selection
        if selection.everything:
            return True
        return (
            (selection.polyphones and self._has_polyphone(token.text))
            or (selection.level is not None and self._hsk_level(token.text) > selection.level)
            or (selection.characters is not None and self._beyond(token.text, selection.characters))
        )

    def _has_polyphone(self, word: str) -> bool:
        for char in word:
            entry = self._lexicon.char(char)
            if entry and sum(count > 0 for count in entry.counts) > 1:
                return True
        return False

    def _hsk_level(self, word: str) -> int:
        level = self._lexicon.hsk_level(word, "word")
        if level is None:
            levels = [self._lexicon.hsk_level(char, "char") or UNGRADED for char in word]
            level = max(levels)
        # The band 7-9 is one list, graded 7: a word in it may be a level-7 word, so a learner
        # at 7, 8 or 9 is taken to know it (never annotate what the reader may know).
        return level

    def _beyond(self, word: str, rank: int) -> bool:
        for char in word:
            entry = self._lexicon.char(char)
            if entry is None or not 0 < entry.tgh_index <= rank:
                return True
        return False


def _join_bound_morphemes(tokens: list[Token]) -> list[Token]:
    """``tokens`` with each bound morpheme joined to its word when either is selected (see
    the module docstring): the morpheme goes with the adjacent Han word before it, or when
    there is none, with the one after it."""
    joined: list[Token] = []
    loose_morpheme = False  # the last token is a morpheme that found no word before it
    for token in tokens:
        previous = joined[-1] if joined else None
        if previous is not None and _joins(previous, token, loose_morpheme):
            joined[-1] = _joined(previous, token)
            loose_morpheme = False
            continue
        loose_morpheme = _is_bound_morpheme(token)
        joined.append(token)
    return joined


def _joins(previous: Token, token: Token, loose_morpheme: bool) -> bool:
    """Whether ``token`` is annotated as one word with ``previous``."""
    binds = _is_bound_morpheme(token) or loose_morpheme
    selected = previous.selected or token.selected
    return binds and selected and _adjacent_han(previous, token)


def _is_bound_morpheme(token: Token) -> bool:
    """A single character the segmenter tagged as a morpheme (jieba's ``g`` tags: ``ng``,
    ``vg``, ``zg`` ...): part of a word the lexicon lacks."""
    pos = token.pos or ""
    return token.is_han and len(token.text) == 1 and pos.endswith("g")


def _adjacent_han(first: Token, second: Token) -> bool:
    return first.is_han and second.is_han and first.end == second.start


def _joined(first: Token, second: Token) -> Token:
    """One selected word made of two adjacent Han tokens."""
    head = second if _is_bound_morpheme(first) else first
    return Token(
        first.text + second.text,
        first.start,
        second.end,
        True,
        head.pos,
        first.syllables + second.syllables,
        True,
    )
