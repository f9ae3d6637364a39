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
        return Document(document.text, tuple(tokens))

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
