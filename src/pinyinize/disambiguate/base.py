"""The interface every disambiguator implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from pinyinize.types import Document, Source, Syllable

__all__ = ["Disambiguator"]


class Disambiguator(ABC):
    """Fills in the readings the look-up stage left open."""

    @abstractmethod
    def __call__(self, document: Document) -> Document:
        """Return ``document`` with every open syllable that has candidates decided."""


def fill_open_syllables(
    document: Document, choose: Callable[[Syllable], str], source: Source
) -> Document:
    """Apply ``choose`` to each open syllable that has candidates; keep the rest as they are."""
    tokens = list(document.tokens)
    for index, token in enumerate(tokens):
        for syllable in token.syllables:
            if syllable.reading is None and syllable.candidates:
                tokens[index] = token.with_syllables(
                    tuple(
                        s.decided(choose(s), source) if s.reading is None and s.candidates else s
                        for s in token.syllables
                    )
                )
                break
    return Document(document.text, tuple(tokens))
