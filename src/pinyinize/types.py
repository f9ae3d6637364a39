"""Plain data passed between the pipeline stages.

Named tuples: immutable like frozen dataclasses, but five times cheaper to build, and the
pipeline builds one Syllable per character.

Offsets are indices into the input ``str`` (code points), so ``text[token.start:token.end]``
is always the token's text.  Readings are numbered (``huan2``); see :mod:`pinyinize.spell`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple

__all__ = ["NUMERAL_POS", "SERIAL_POS", "Document", "Source", "Syllable", "Token"]

_NO_SPELLINGS: Mapping[str, str] = MappingProxyType({})
_new = tuple.__new__


class Source(str, Enum):
    """Where a syllable's reading came from."""

    USER = "user"  # the user dictionary
    WORD = "word"  # a lexicon word that contains the character
    CHARACTER = "character"  # the character's only (or most frequent) reading
    MODEL = "model"  # the context model chose among the candidates
    RULE = "rule"  # a tone rule changed the reading
    CONTEXT = "context"  # the look-up stage chose a word's sense from the words beside it
    NUMBER = "number"  # the numbers stage read digits or symbols (pinyinize.numbers)


# The part of speech of a number token (non-Han text that the numbers stage read, whose
# syllables are those of its spoken form): a quantity, whose 一 changes as in words (一千
# yìqiān, 一个 yí gè), or digits read as a name or an order (years, dates, clock times,
# telephone numbers, 第3), whose 一 keeps yī.
NUMERAL_POS = "numeral"
SERIAL_POS = "serial"


class Syllable(NamedTuple):
    """One Han character and its reading.

    ``reading`` is ``None`` until a stage decides it (and stays ``None`` for a character the
    lexicon does not know).  ``candidates`` are the character's own readings, most frequent
    first; a decided reading is always one of them or its neutral-tone form, until a tone
    rule changes it: then ``citation`` keeps the reading before the rule.  ``merged`` marks
    an erhua 儿 whose sound joined the syllable before it (一点儿: 点 ``dianr3``, 儿 ``None``).
    In a number token the character is one of the spoken form (百 of 百分之十二点五 for
    ``12.5%``) and ``offset`` that of the input character it is said for: its own digit
    where the number is read digit by digit, else the number's first character.
    """

    char: str
    offset: int
    candidates: tuple[str, ...]
    reading: str | None = None
    source: Source | None = None
    citation: str | None = None
    merged: bool = False

    def decided(self, reading: str, source: Source) -> Syllable:
        """A copy with its reading decided."""
        # All seven fields through tuple.__new__, as Syllable(...) would fill them but
        # without its Python-level __new__: the model decides tens of thousands per text.
        return _new(
            Syllable, (self.char, self.offset, self.candidates, reading, source, None, False)
        )

    @property
    def complete(self) -> bool:
        """Its sound is known: it has a reading or was merged into the syllable before."""
        return self.reading is not None or self.merged


class Token(NamedTuple):
    """A word (Han) or a run of other text, with its span in the input.

    A run of other text has no syllables, except a *number token* (``1,250``, ``12.5%``)
    that the numbers stage read: its syllables are those of its spoken form (一千二百五十),
    in order, and its ``pos`` is NUMERAL_POS or SERIAL_POS.
    """

    text: str
    start: int
    end: int
    is_han: bool
    pos: str | None = None
    syllables: tuple[Syllable, ...] = ()
    selected: bool = True  # the select stage decides whether the word is annotated

    def with_syllables(self, syllables: tuple[Syllable, ...]) -> Token:
        """A copy with other syllables (faster than dataclasses.replace on the hot path)."""
        return Token(
            self.text, self.start, self.end, self.is_han, self.pos, syllables, self.selected
        )

    def with_selected(self, selected: bool) -> Token:
        return Token(
            self.text, self.start, self.end, self.is_han, self.pos, self.syllables, selected
        )

    @property
    def annotatable(self) -> bool:
        """A Han word whose every character has a reading."""
        return self.is_han and bool(self.syllables) and all(s.complete for s in self.syllables)

    @property
    def is_number(self) -> bool:
        """Non-Han text read aloud by the numbers stage (its syllables are the spoken form's)."""
        return not self.is_han and bool(self.syllables)

    @property
    def spoken(self) -> str:
        """What is said: the characters of its syllables (百分之十二点五 for ``12.5%``)."""
        return "".join(s.char for s in self.syllables)

    @property
    def readings(self) -> tuple[str, ...]:
        """The readings of its syllables that are pronounced (merged erhua 儿 left out)."""
        return tuple(s.reading for s in self.syllables if s.reading is not None)


class Document(NamedTuple):
    """The input text and its tokens, which cover it exactly, in order.

    The stages pass tuples of tokens; :meth:`Annotator.analyze` gives a
    :class:`pinyinize.token_table.TokenTable`, which keeps a long text's tokens in columns
    and reads like their tuple (equal to it, indexed and sliced like it).
    """

    text: str
    tokens: Sequence[Token] = ()
    # A user dictionary's own spellings of its words, in tone marks (曾国藩: Zēng Guófān),
    # written instead of ours where every syllable of the word has the user's reading.
    spellings: Mapping[str, str] = _NO_SPELLINGS
