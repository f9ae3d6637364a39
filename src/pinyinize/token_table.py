"""A document's tokens kept in columns: what :meth:`Annotator.analyze` returns.

analyze() keeps every token of a text until it returns, and as named tuples a long text's
tokens took more memory than the look-up caches the whole pipeline needs (182,000 tokens
and 249,000 syllables of a 300,000-character text: 58 MiB).  A :class:`TokenTable` keeps
them as a few ``array.array`` columns, about 30 bytes a token, and builds each
:class:`Token` and :class:`Syllable` when it is asked for, equal field for field to the
ones the stages made.

Per token: its start (its end is the next token's start, or the text's end: tokens cover
the text exactly, and :class:`TokenTableBuilder` checks that they do), whether it is Han,
its part of speech, whether it is selected, and the index of its first syllable.  Per
syllable: its offset, its character (a number token's syllables are those of its spoken
form, not characters of the input), its candidates, reading, source, citation reading and
whether it is merged.  Strings and candidate tuples are kept once each, in a list of
distinct values that the columns index (:class:`TokenValues`; index 0 is None); a token's
text is a slice of the document's text.

A text of one piece (:data:`pinyinize.pipeline.CHUNK_LIMIT` characters or fewer, as every
chunk that annotate() renders) keeps its tokens as the stages made them: its table holds
few of them, and building and reading columns would cost more than the tokens' memory.

A table is immutable and behaves like the tuple of its tokens: ``len``, indexing (negative
indices too), iteration, ``in``, ``index`` and ``count``; it equals a tuple, a list or
another table of the same tokens, hashes as that tuple does, has that tuple's ``repr`` and
pickles.  A slice is a tuple of tokens (as a tuple's slice is a tuple), and so is ``+``.
"""

from __future__ import annotations

import operator
import threading
from array import array
from collections.abc import Hashable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, islice, repeat
from typing import Any, NamedTuple, overload

from pinyinize.types import Source, Syllable, Token

__all__ = ["TokenTable", "TokenTableBuilder", "TokenValues"]

_new = tuple.__new__  # builds a named tuple from all its fields, skipping its Python __new__
_NONE = 0  # the index of None in every list of values
# Sources by code (0: none yet).  Codes are looked up by the member's identity: an Enum
# member's hash is a Python-level call, too slow for a quarter of a million syllables.
_SOURCES: tuple[Source | None, ...] = (None, *Source)
_SOURCE_CODES = {id(source): code for code, source in enumerate(_SOURCES)}


class TokenValues(dict[Hashable, int]):
    """Distinct values (strings, tuples of strings, None) and their indices, in order.

    An Annotator keeps one for all the tables it builds, so that a text's values are mostly
    found, not added.  It grows only with values never seen before: characters, readings,
    candidate tuples and parts of speech, which the lexicon and the Han characters of
    Unicode bound.  Threads may share it: a value is added under a lock, to the list before
    the dict, so that an index any thread finds is already in the list.
    """

    def __init__(self) -> None:
        super().__init__({None: _NONE})
        self.in_order: list[Any] = [None]
        self._adding = threading.Lock()

    def __missing__(self, value: Hashable) -> int:
        with self._adding:
            index = self.get(value)
            if index is None:  # not added by another thread meanwhile
                index = len(self.in_order)
                self.in_order.append(value)
                self[value] = index
            return index


class TokenColumns(NamedTuple):
    """Tokens as columns (the module docstring says what each holds)."""

    values: list[Any]  # what the index columns (pos, chars, candidates, ...) index
    # One entry more than there are tokens: the text's end and the number of syllables, so
    # that token i ends where token i + 1 starts and its syllables stop where its next's do.
    starts: array[int]
    first_syllables: array[int]
    is_han: array[int]
    pos: array[int]
    selected: array[int]
    offsets: array[int]
    chars: array[int]
    candidates: array[int]
    readings: array[int]
    sources: array[int]
    citations: array[int]
    merged: array[int]


_INDEXED = ("pos", "chars", "candidates", "readings", "citations")  # the columns into values


class TokenTableBuilder:
    """Collects the tokens of ``text`` a piece at a time, then :meth:`build` the table.

    ``values`` are those the table's columns index (see :class:`TokenValues`); its own when
    None.  Each piece's tokens must continue where the last piece's ended and cover their
    text exactly; :meth:`extend` raises ValueError where they do not.
    """

    def __init__(self, text: str, values: TokenValues | None = None) -> None:
        self._text = text
        self._end = 0  # where the tokens so far end, in the text
        self._first_piece: tuple[Token, ...] = ()  # not yet in columns: it may be the only one
        self._values = TokenValues() if values is None else values
        self._columns = TokenColumns(
            values=self._values.in_order,
            starts=array("q"),
            first_syllables=array("i"),
            is_han=array("b"),
            pos=array("i"),
            selected=array("b"),
            offsets=array("q"),
            chars=array("i"),
            candidates=array("i"),
            readings=array("i"),
            sources=array("b"),
            citations=array("i"),
            merged=array("b"),
        )
        self._syllable_count = 0

    def extend(self, tokens: Iterable[Token], by: int = 0) -> None:
        """Add the tokens of a piece of the text that starts at ``by`` (their offsets count
        from the piece's start)."""
        tokens = tuple(tokens)
        if not tokens:
            return
        self._end = _covered_end(self._text, tokens, by, self._end)
        if not self._first_piece and by == 0 and not self._columns.starts:
            self._first_piece = tokens  # offsets already count from the text's start
            return
        if self._first_piece:
            self._add(self._first_piece, 0)
            self._first_piece = ()
        self._add(tokens, by)

    def _add(self, tokens: tuple[Token, ...], by: int) -> None:
        # Column by column through C-level maps: a Python loop over the tokens and
        # syllables cost more than the stages' own copies of them.
        _, starts, _, is_han, pos, syllables, selected = zip(*tokens, strict=True)
        columns, values = self._columns, self._values
        columns.starts.extend(map(by.__add__, starts))
        *firsts, self._syllable_count = accumulate(
            map(len, syllables), initial=self._syllable_count
        )
        columns.first_syllables.extend(firsts)
        columns.is_han.extend(is_han)  # bools are ints
        columns.pos.extend(map(values.__getitem__, pos))
        columns.selected.extend(selected)
        every = tuple(chain.from_iterable(syllables))
        if not every:
            return
        chars, offsets, candidates, readings, sources, citations, merged = zip(*every, strict=True)
        columns.offsets.extend(map(by.__add__, offsets) if by else offsets)
        columns.chars.extend(map(values.__getitem__, chars))
        columns.candidates.extend(map(values.__getitem__, candidates))
        columns.readings.extend(map(values.__getitem__, readings))
        columns.sources.extend(_source_codes(sources))
        columns.citations.extend(map(values.__getitem__, citations))
        columns.merged.extend(merged)

    def build(self) -> TokenTable:
        """The table of the tokens added so far, which must cover the whole text."""
        if self._end != len(self._text):
            raise ValueError(f"the tokens end at offset {self._end}, not at the text's end")
        columns = self._columns
        if not columns.starts:
            return TokenTable(self._text, self._first_piece)
        return TokenTable(
            self._text,
            columns._replace(
                starts=columns.starts + array("q", (self._end,)),
                first_syllables=columns.first_syllables + array("i", (self._syllable_count,)),
            ),
        )


def _covered_end(text: str, tokens: tuple[Token, ...], by: int, end: int) -> int:
    """Where ``tokens`` end in ``text``; ValueError unless they follow each other from
    ``end``, where the tokens before them ended, and each one's text is the text between
    its start and end."""
    texts, starts, ends, *_ = zip(*tokens, strict=True)
    first, last = starts[0] + by, ends[-1] + by
    covers = (
        first == end
        and starts[1:] == ends[:-1]
        and tuple(map(len, texts)) == tuple(map(operator.sub, ends, starts))
        and "".join(texts) == text[first:last]
    )
    if not covers:
        raise ValueError(f"the tokens of the text from offset {end} do not cover it exactly")
    return last


def _source_codes(sources: tuple[Source | None, ...]) -> array[int]:
    try:
        return array("b", map(_SOURCE_CODES.__getitem__, map(id, sources)))
    except KeyError:  # a replaced stage wrote a source by its value ("model"), not the member
        return array("b", (_SOURCES.index(None if s is None else Source(s)) for s in sources))


class TokenTable(Sequence[Token]):
    """The tokens of a text, in columns or, for a text of one piece, as a tuple (see the
    module docstring); built by :class:`TokenTableBuilder`."""

    __slots__ = ("_columns", "_text")

    def __init__(self, text: str, tokens: TokenColumns | tuple[Token, ...]) -> None:
        self._text = text
        self._columns = tokens

    def __len__(self) -> int:
        columns = self._columns
        if isinstance(columns, TokenColumns):
            return len(columns.starts) - 1
        return len(columns)

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Token, ...]: ...

    def __getitem__(self, index: int | slice) -> Token | tuple[Token, ...]:
        if not isinstance(self._columns, TokenColumns):
            return self._columns[index]
        if isinstance(index, slice):
            indices = range(len(self))[index]
            if indices.step == 1:
                return tuple(self._built(indices.start, indices.stop))
            return tuple(self[i] for i in indices)
        position = range(len(self))[index]  # raises IndexError as a tuple would
        (token,) = self._built(position, position + 1)
        return token

    def __iter__(self) -> Iterator[Token]:
        if not isinstance(self._columns, TokenColumns):
            return iter(self._columns)
        return self._built(0, len(self))

    def __reversed__(self) -> Iterator[Token]:
        columns = self._columns
        return reversed(tuple(self) if isinstance(columns, TokenColumns) else columns)

    def _built(self, first: int, stop: int) -> Iterator[Token]:
        """Tokens ``first`` to ``stop`` (not included), built from the columns."""
        columns = self._columns
        assert isinstance(columns, TokenColumns)
        if first >= stop:
            return
        starts = _window(columns.starts, first, stop + 1)
        first_syllables = _window(columns.first_syllables, first, stop + 1)
        syllables = self._built_syllables(first_syllables[0], first_syllables[-1])
        text = self._text
        for start, end, is_han, pos, selected, begin, after in zip(
            starts,
            islice(starts, 1, None),
            map(bool, _window(columns.is_han, first, stop)),
            map(columns.values.__getitem__, _window(columns.pos, first, stop)),
            map(bool, _window(columns.selected, first, stop)),
            first_syllables,
            islice(first_syllables, 1, None),
            strict=False,  # the ends (the next starts) are one fewer than the starts
        ):
            own = tuple(islice(syllables, after - begin)) if after > begin else ()
            yield _new(Token, (text[start:end], start, end, is_han, pos, own, selected))

    def _built_syllables(self, first: int, stop: int) -> Iterator[Syllable]:
        """Syllables ``first`` to ``stop`` (not included), built from the columns."""
        columns = self._columns
        assert isinstance(columns, TokenColumns)
        value = columns.values.__getitem__
        fields = zip(
            map(value, _window(columns.chars, first, stop)),
            _window(columns.offsets, first, stop),
            map(value, _window(columns.candidates, first, stop)),
            map(value, _window(columns.readings, first, stop)),
            map(_SOURCES.__getitem__, _window(columns.sources, first, stop)),
            map(value, _window(columns.citations, first, stop)),
            map(bool, _window(columns.merged, first, stop)),
            strict=True,
        )
        return map(_new, repeat(Syllable), fields)

    def __reduce__(self) -> tuple[type[TokenTable], tuple[Any, ...]]:
        """Pickled with only the values its columns use, not all its Annotator has seen."""
        columns = self._columns
        if not isinstance(columns, TokenColumns):
            return TokenTable, (self._text, columns)
        indexed = [getattr(columns, name) for name in _INDEXED]
        used = sorted({_NONE}.union(*map(set, indexed)))  # None stays first, at _NONE
        renumbered = {old: new for new, old in enumerate(used)}.__getitem__
        compact = columns._replace(
            values=[columns.values[index] for index in used],
            **{
                name: array("i", map(renumbered, column))
                for name, column in zip(_INDEXED, indexed, strict=True)
            },
        )
        return TokenTable, (self._text, compact)

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
