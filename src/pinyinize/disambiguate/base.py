"""The interface every disambiguator implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from pinyinize.types import Document, Source, Syllable

__all__ = ["Disambiguator", "SyllableDisambiguator"]


class Disambiguator(ABC):
    """Fills in the readings the look-up stage left open."""

    @abstractmethod
    def __call__(self, document: Document) -> Document:
        """Return ``document`` with every open syllable that has candidates decided."""


class SyllableDisambiguator(Disambiguator):
    """A disambiguator that decides each open syllable on its own, whatever its context.

    Another disambiguator that falls back on one can then decide the syllables it leaves
    in the same pass over the document as its own (``ContextModel`` does).
    """

    source: Source = Source.CHARACTER

    @abstractmethod
    def choose(self, syllable: Syllable) -> str:
        """The reading of an open syllable (one of its candidates)."""

    def __call__(self, document: Document) -> Document:
        return fill_open_syllables(document, self.choose, self.source)


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
