"""A document's tokens kept in columns: what :meth:`Annotator.analyze` returns.

analyze() keeps every token of a text until it returns, and as named tuples a long text's
tokens took more memory than the look-up caches the whole pipeline needs (182,000 tokens
and 249,000 syllables of a 300,000-character text: 58 MiB).  A :class:`TokenTable` keeps
the same tokens as a few ``array.array`` columns, about 30 bytes a token, and builds each
:class:`Token` and :class:`Syllable` when it is asked for, equal field for field to the
ones the stages made.

Per token: its start (its end is the next token's start, or the text's end: tokens cover
the text exactly, and :class:`TokenTableBuilder` checks that they do), whether it is Han,
its part of speech, whether it is selected, and the index of its first syllable.  Per
syllable: its offset, its character (a number token's syllables are those of its spoken
form, not characters of the input), its candidates, reading, source, citation reading and
whether it is merged.  Strings and candidate tuples are kept once each, in a table of
distinct values that the columns index (index 0 is None); a token's text is a slice of the
document's text.

A table is immutable and behaves like the tuple of its tokens: ``len``, indexing (negative
indices too), iteration, ``in``, ``index`` and ``count``; it equals a tuple, a list or
another table of the same tokens, hashes as that tuple does, has that tuple's ``repr`` and
pickles.  A slice is a tuple of tokens (as a tuple's slice is a tuple), and so is ``+``.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Hashable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, islice, repeat
from typing import Any, overload

from pinyinize.types import Source, Syllable, Token

__all__ = ["TokenTable", "TokenTableBuilder"]

_new = tuple.__new__  # builds a named tuple from all its fields, skipping its Python __new__
_NONE = 0  # the index of None in every table of values
# Sources by code (0: none yet).  Codes are looked up by the member's identity: an Enum
# member's hash is a Python-level call, too slow for a quarter of a million syllables.
_SOURCES: tuple[Source | None, ...] = (None, *Source)
_SOURCE_CODES = {id(source): code for code, source in enumerate(_SOURCES)}


class _Values(dict[Hashable, int]):
    """Distinct values (strings, tuples of strings, None) and their indices, in order."""

    def __init__(self) -> None:
        super().__init__({None: _NONE})
        self.in_order: list[Any] = [None]

    def __missing__(self, value: Hashable) -> int:
        index = self[value] = len(self.in_order)
        self.in_order.append(value)
        return index


class TokenTableBuilder:
    """Collects the tokens of ``text`` a piece at a time, then :meth:`build` the table.

    Each piece's tokens must continue where the last piece's ended and cover their text
    exactly; :meth:`extend` raises ValueError where they do not.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._end = 0  # where the tokens so far end, in the text
        self._values = _Values()
        self._starts = array("q")
        self._is_han = array("b")
        self._pos = array("i")
        self._selected = array("b")
        self._first_syllables = array("i")
        self._syllable_count = 0
        self._offsets = array("q")
        self._chars = array("i")
        self._candidates = array("i")
        self._readings = array("i")
        self._sources = array("b")
        self._citations = array("i")
        self._merged = array("b")

    def extend(self, tokens: Iterable[Token], by: int = 0) -> None:
        """Add the tokens of a piece of the text that starts at ``by`` (their offsets count
        from the piece's start)."""
        tokens = tuple(tokens)
        if not tokens:
            return
        # Column by column through C-level maps: a Python loop over the tokens and
        # syllables cost more than the stages' own copies of them.
        texts, starts, ends, is_han, pos, syllables, selected = zip(*tokens, strict=True)
        self._check_cover(texts, starts, ends, by)
        values = self._values
        self._starts.extend(map(by.__add__, starts))
        self._is_han.extend(map(bool, is_han))
        self._pos.extend(map(values.__getitem__, pos))
        self._selected.extend(map(bool, selected))
        counted = accumulate(map(len, syllables), initial=self._syllable_count)
        *firsts, self._syllable_count = counted
        self._first_syllables.extend(firsts)
        self._end = ends[-1] + by
        self._extend_syllables(tuple(chain.from_iterable(syllables)), by)

    def _check_cover(
        self, texts: tuple[str, ...], starts: tuple[int, ...], ends: tuple[int, ...], by: int
    ) -> None:
        """Raise ValueError unless the tokens follow each other from where the last ones
        ended, and each one's text is the text between its start and end."""
        text = self._text
        shifted = tuple(map(by.__add__, starts))
        covers = (
            shifted[0] == self._end
            and starts[1:] == ends[:-1]
            and tuple(map(len, texts)) == tuple(map(operator.sub, ends, starts))
            and all(map(text.startswith, texts, shifted))
        )
        if not covers:
            raise ValueError(
                f"the tokens of the text from offset {self._end} do not cover it exactly"
            )

    def _extend_syllables(self, syllables: tuple[Syllable, ...], by: int) -> None:
        if not syllables:
            return
        chars, offsets, candidates, readings, sources, citations, merged = zip(
            *syllables, strict=True
        )
        values = self._values
        self._offsets.extend(map(by.__add__, offsets) if by else offsets)
        self._chars.extend(map(values.__getitem__, chars))
        self._candidates.extend(map(values.__getitem__, candidates))
        self._readings.extend(map(values.__getitem__, readings))
        self._sources.extend(_source_codes(sources))
        self._citations.extend(map(values.__getitem__, citations))
        self._merged.extend(map(bool, merged))

    def build(self) -> TokenTable:
        """The table of the tokens added so far, which must cover the whole text."""
        if self._end != len(self._text):
            raise ValueError(f"the tokens end at offset {self._end}, not at the text's end")
        return TokenTable(
            self._text,
            self._values.in_order,
            (
                array("q", chain(self._starts, (self._end,))),
                self._is_han,
                self._pos,
                self._selected,
                array("i", chain(self._first_syllables, (self._syllable_count,))),
            ),
            (
                self._offsets,
                self._chars,
                self._candidates,
                self._readings,
                self._sources,
                self._citations,
                self._merged,
            ),
        )


def _source_codes(sources: tuple[Source | None, ...]) -> array[int]:
    try:
        return array("b", map(_SOURCE_CODES.__getitem__, map(id, sources)))
    except KeyError:  # a replaced stage wrote a source by its value ("model"), not the member
        return array("b", (_SOURCES.index(None if s is None else Source(s)) for s in sources))


class TokenTable(Sequence[Token]):
    """The tokens of a text, in columns (see the module docstring); build one with
    :class:`TokenTableBuilder`."""

    __slots__ = ("_syllable_columns", "_text", "_token_columns", "_values")

    def __init__(
        self,
        text: str,
        values: list[Any],
        token_columns: tuple[array[int], ...],
        syllable_columns: tuple[array[int], ...],
    ) -> None:
        self._text = text
        self._values = values
        # starts and first syllables have one entry more than there are tokens: the text's
        # end and the number of syllables, so that token i ends where token i + 1 starts.
        self._token_columns = token_columns
        self._syllable_columns = syllable_columns

    def __len__(self) -> int:
        return len(self._token_columns[0]) - 1

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Token, ...]: ...

    def __getitem__(self, index: int | slice) -> Token | tuple[Token, ...]:
        if isinstance(index, slice):
            indices = range(len(self))[index]
            if indices.step == 1:
                return tuple(self._tokens(indices.start, indices.stop))
            return tuple(self[i] for i in indices)
        position = range(len(self))[index]  # raises IndexError as a tuple would
        (token,) = self._tokens(position, position + 1)
        return token

    def __iter__(self) -> Iterator[Token]:
        return self._tokens(0, len(self))

    def __reversed__(self) -> Iterator[Token]:
        return reversed(tuple(self))

    def _tokens(self, first: int, stop: int) -> Iterator[Token]:
        """Tokens ``first`` to ``stop`` (not included), built from the columns."""
        if first >= stop:
            return
        # starts and first syllables one further: the last token's end and syllables' stop
        starts, is_han, pos, selected, first_syllables = (
            _window(column, first, stop + (len(column) > len(self)))
            for column in self._token_columns
        )
        syllables = self._syllables(first_syllables[0], first_syllables[-1])
        text = self._text
        values = self._values
        for start, end, han, part, chosen, begin, after in zip(
            starts,
            islice(starts, 1, None),
            map(bool, is_han),
            map(values.__getitem__, pos),
            map(bool, selected),
            first_syllables,
            islice(first_syllables, 1, None),
            strict=False,  # the ends (the next starts) are one fewer than the starts
        ):
            own = tuple(islice(syllables, after - begin)) if after > begin else ()
            yield _new(Token, (text[start:end], start, end, han, part, own, chosen))

    def _syllables(self, first: int, stop: int) -> Iterator[Syllable]:
        """Syllables ``first`` to ``stop`` (not included), built from the columns."""
        offsets, chars, candidates, readings, sources, citations, merged = (
            _window(column, first, stop) for column in self._syllable_columns
        )
        value = self._values.__getitem__
        fields = zip(
            map(value, chars),
            offsets,
            map(value, candidates),
            map(value, readings),
            map(_SOURCES.__getitem__, sources),
            map(value, citations),
            map(bool, merged),
            strict=True,
        )
        return map(_new, repeat(Syllable), fields)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, TokenTable | tuple | list):
            return NotImplemented
        return len(self) == len(other) and all(map(operator.eq, self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))  # as the tuple of the same tokens, which it equals

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __add__(self, other: object) -> tuple[Token, ...]:
        if not isinstance(other, TokenTable | tuple):
            return NotImplemented
        return (*self, *other)

    def __radd__(self, other: object) -> tuple[Token, ...]:
        if not isinstance(other, tuple):
            return NotImplemented
        return (*other, *self)


def _window(column: array[int], first: int, stop: int) -> array[int]:
    """``column[first:stop]``, without a copy when that is the whole column."""
    if first == 0 and stop == len(column):
        return column
    return column[first:stop]
