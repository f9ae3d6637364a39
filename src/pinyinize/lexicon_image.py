"""The lexicon as one binary image: sorted key arrays and columns, memory-mapped.

``scripts/build_lexicon.py`` writes ``lexicon.bin`` with :func:`build_image`; the library
maps it (:meth:`LexiconImage.map`), so loading costs no parsing, nothing is built per entry
and every process that maps the file shares its pages.  Layout: ``MAGIC``, the JSON header's
length (4 bytes, little-endian), the JSON header (sections as ``[offset, length, typecode]``,
the tag and syllable tables, totals), then the sections, each aligned to 8 bytes:

* words: ``word_hashes`` (``I``, sorted: the CRC-32 of the word's UTF-8),
  and in that order ``word_offsets`` (``I``, n + 1) into ``word_text`` (UTF-8),
  ``frequency_ranks`` (``H``, into ``frequency_values``, ``I``: a few thousand distinct
  counts), ``pos`` (``B``, into the header's tags), ``reading_offsets``
  (``I``, n + 1) into ``reading_syllables`` (``H``, into the header's syllables; none: the
  word has no reading of its own);
* pairs: ``pair_keys`` (``Q``, sorted: the two code points, 21 bits each) and
  ``pair_reaches`` (``B``): the longest word that starts with the pair;
* characters: ``char_codes`` (``I``, sorted), ``char_offsets`` (``I``, n + 1) into
  ``char_text`` (``reading:count ...``, UTF-8), ``char_tgh`` (``I``), ``char_simplified``
  (``I``, 0: none); ``traditional_codes`` and ``simplified_codes`` (``I``): the
  traditional → simplified map.

A look-up hashes the word and binary-searches ``word_hashes`` (``bisect`` over a memoryview
runs in C), then compares the stored UTF-8 of the words with that hash (a 32-bit hash gives a
few dozen pairs of words one hash; 64 bits would cost 1.8 MB more).
"""

from __future__ import annotations

import json
import mmap
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, cast
from zlib import crc32

from pinyinize.errors import DataError

__all__ = ["IMAGE_FILE", "LexiconImage", "build_image", "word_hash"]

IMAGE_FILE = "lexicon.bin"
MAGIC = b"pinyinize-lex\x001\x00"  # 16 bytes; the 1 is the format version
_ALIGN = 8
_PAIR_SHIFT = 21  # bits of a code point


class CharColumns(NamedTuple):
    readings: tuple[str, ...]
    counts: tuple[int, ...]
    tgh_index: int
    simplified: str | None


def word_hash(encoded: bytes) -> int:
    """The 32-bit key of a word's UTF-8: stable across processes, unlike ``hash()``, and
    a tenth of BLAKE2b's cost; ties are resolved by comparing the words."""
    return crc32(encoded)


def _pair_key(pair: str) -> int:
    return (ord(pair[0]) << _PAIR_SHIFT) | ord(pair[1])


def build_image(
    chars: Mapping[str, CharColumns],
    words: Sequence[str],
    frequencies: Sequence[int],
    pos: Sequence[str],
    readings: Sequence[str],
) -> bytes:
    """The image of a word table (readings ``"a1 b2"`` or ``"-"``) and character table.

    The same tables give the same bytes, so ``build_lexicon.py --check`` compares files."""
    encoded = [word.encode("utf-8") for word in words]
    order = sorted(range(len(words)), key=lambda n: (word_hash(encoded[n]), encoded[n]))
    if any(not 0 <= f < 1 << 32 for f in frequencies):
        raise DataError("a word frequency does not fit in 32 bits")
    values = sorted(set(frequencies))
    if len(values) > 1 << 16:
        raise DataError("more distinct word frequencies than 16-bit ranks can index")
    rank_of = {value: n for n, value in enumerate(values)}
    tags = sorted(set(pos))
    syllables = sorted({s for reading in readings if reading != "-" for s in reading.split()})
    tag_of = {tag: n for n, tag in enumerate(tags)}
    syllable_of = {syllable: n for n, syllable in enumerate(syllables)}
    sections: dict[str, array[int] | bytes] = {
        "word_hashes": array("I", (word_hash(encoded[n]) for n in order)),
        "word_offsets": _offsets(len(encoded[n]) for n in order),
        "word_text": b"".join(encoded[n] for n in order),
        "frequency_ranks": array("H", (rank_of[frequencies[n]] for n in order)),
        "frequency_values": array("I", values),
        "pos": bytes(tag_of[pos[n]] for n in order),
    }
    split = [[] if readings[n] == "-" else readings[n].split() for n in order]
    sections["reading_offsets"] = _offsets(map(len, split))
    sections["reading_syllables"] = array("H", (syllable_of[s] for r in split for s in r))
    reaches: dict[int, int] = {}
    for word in words:
        if len(word) > 1:
            key = _pair_key(word)
            reaches[key] = max(reaches.get(key, 0), len(word))
    sections["pair_keys"] = array("Q", sorted(reaches))
    sections["pair_reaches"] = bytes(reaches[key] for key in sorted(reaches))
    _char_sections(chars, sections)
    header = {
        "byteorder": sys.byteorder,
        "tags": tags,
        "syllables": syllables,
        "total_frequency": sum(frequencies),
        "max_word_length": max(reaches.values(), default=1),
    }
    return _assemble(header, sections)


def _offsets(lengths: Iterator[int] | map[int]) -> array[int]:
    offsets, total = array("I", [0]), 0
    for length in lengths:
        total += length
        offsets.append(total)
    return offsets


def _char_sections(
    chars: Mapping[str, CharColumns], sections: dict[str, array[int] | bytes]
) -> None:
    codes = sorted(ord(char) for char in chars)
    rows = [chars[chr(code)] for code in codes]
    texts = [
        " ".join(f"{r}:{c}" for r, c in zip(row.readings, row.counts, strict=True)).encode()
        for row in rows
    ]
    sections["char_codes"] = array("I", codes)
    sections["char_offsets"] = _offsets(map(len, texts))
    sections["char_text"] = b"".join(texts)
    sections["char_tgh"] = array("I", (row.tgh_index for row in rows))
    simplified = [ord(row.simplified) if row.simplified else 0 for row in rows]
    sections["char_simplified"] = array("I", simplified)
    pairs = [(code, s) for code, s in zip(codes, simplified, strict=True) if s]
    sections["traditional_codes"] = array("I", (code for code, _ in pairs))
    sections["simplified_codes"] = array("I", (s for _, s in pairs))


def _assemble(header: dict[str, Any], sections: Mapping[str, array[int] | bytes]) -> bytes:
    """MAGIC, header length, header, sections: offsets in the header count from the start."""
    layout: dict[str, list[Any]] = {}
    position = 0
    for name, section in sections.items():
        size = len(section) * (section.itemsize if isinstance(section, array) else 1)
        typecode = section.typecode if isinstance(section, array) else "B"
        layout[name] = [position, size, typecode]
        position += -(-size // _ALIGN) * _ALIGN
    # The header's own size moves the sections: lay them out relative to the body, then
    # write the body's start into the header with a fixed width.
    header = {**header, "sections": layout, "body": "0" * 12}
    text = json.dumps(header, sort_keys=True).encode()
    body = -(-(len(MAGIC) + 4 + len(text)) // _ALIGN) * _ALIGN
    header["body"] = f"{body:012d}"
    text = json.dumps(header, sort_keys=True).encode()
    parts = [MAGIC, len(text).to_bytes(4, "little"), text]
    parts.append(b"\0" * (body - sum(map(len, parts))))
    for section in sections.values():
        data = section.tobytes() if isinstance(section, array) else section
        parts.append(data + b"\0" * (-len(data) % _ALIGN))
    return b"".join(parts)


class LexiconImage:
    """Look-ups over an image (a mapped file or bytes); nothing is copied out of it."""

    def __init__(self, buffer: bytes | mmap.mmap) -> None:
        self._buffer = buffer  # kept: the views below point into it
        view = memoryview(buffer)
        if bytes(view[: len(MAGIC)]) != MAGIC:
            raise DataError("not a pinyinize lexicon image (bad magic or version)")
        length = int.from_bytes(view[len(MAGIC) : len(MAGIC) + 4], "little")
        try:
            header = json.loads(bytes(view[len(MAGIC) + 4 : len(MAGIC) + 4 + length]))
            body = int(header["body"])
            self._sections = {
                name: _section(view, body + offset, size, typecode, header["byteorder"])
                for name, (offset, size, typecode) in header["sections"].items()
            }
            self._tags: list[str] = [sys.intern(tag) for tag in header["tags"]]
            self._syllables: list[str] = header["syllables"]
            self.total_frequency: int = header["total_frequency"]
            self.max_word_length: int = header["max_word_length"]
        except (ValueError, KeyError, TypeError) as error:
            raise DataError(f"broken lexicon image: {error}") from error
        sections = self._sections
        self._hashes, self._word_offsets = sections["word_hashes"], sections["word_offsets"]
        self._word_text, self._frequency_ranks = sections["word_text"], sections["frequency_ranks"]
        self._frequency_values = sections["frequency_values"]
        self._pos, self._reading_offsets = sections["pos"], sections["reading_offsets"]
        self._reading_syllables = sections["reading_syllables"]
        self._pair_keys, self._pair_reaches = sections["pair_keys"], sections["pair_reaches"]
        self._char_codes, self._char_offsets = sections["char_codes"], sections["char_offsets"]
        self._char_text, self._char_tgh = sections["char_text"], sections["char_tgh"]
        self._char_simplified = sections["char_simplified"]

    @classmethod
    def map(cls, path: Path) -> LexiconImage:
        """Map ``path`` read-only: its pages are shared with every process that maps it."""
        try:
            with path.open("rb") as handle:
                return cls(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError) as error:
            raise DataError(f"cannot map lexicon image {path}: {error}") from error

    def __len__(self) -> int:
        return len(self._hashes)

    def word_index(self, word: str) -> int:
        """The word's row, or -1."""
        encoded = word.encode("utf-8")
        key = word_hash(encoded)
        hashes = self._hashes
        index, offsets, text = bisect_left(hashes, key), self._word_offsets, self._word_text
        while index < len(hashes) and hashes[index] == key:
            if text[offsets[index] : offsets[index + 1]] == encoded:
                return index
            index += 1
        return -1

    def frequency_of(self, word: str) -> int:
        """The word's frequency, 0 for a word not in the table."""
        index = self.word_index(word)
        return self._frequency_values[self._frequency_ranks[index]] if index >= 0 else 0

    def word_at(self, index: int) -> str:
        offsets = self._word_offsets
        return str(self._word_text[offsets[index] : offsets[index + 1]], "utf-8")

    def frequency_at(self, index: int) -> int:
        return int(self._frequency_values[self._frequency_ranks[index]])

    def pos_at(self, index: int) -> str:
        return self._tags[self._pos[index]]

    def readings_at(self, index: int) -> tuple[str, ...] | None:
        """The word's syllables (衣服 yi1 fu2), None when it has no reading of its own."""
        start, end = self._reading_offsets[index], self._reading_offsets[index + 1]
        if start == end:
            return None
        syllables = self._syllables
        return tuple(syllables[n] for n in self._reading_syllables[start:end])

    def reach_of(self, pair: str) -> int:
        """The length of the longest word that starts with ``pair``; 0 if none does."""
        if len(pair) != 2:
            return 0
        key, keys = _pair_key(pair), self._pair_keys
        index = bisect_left(keys, key)
        return self._pair_reaches[index] if index < len(keys) and keys[index] == key else 0

    def reaches_along(self, text: str) -> list[int]:
        """``reach_of`` of the pair that starts at each position of ``text`` (0 at the last).

        One vectorised pass (a sorted search of all the text's pairs at once): building a
        string per pair and looking each up cost a tenth of a long text's time."""
        import numpy as np  # here, not at module level: `import pinyinize` stays fast

        keys_of_pairs = self._pair_key_array
        if len(text) < 2 or not len(keys_of_pairs):
            return [0] * len(text)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        wanted = (codes[:-1].astype(np.uint64) << np.uint64(_PAIR_SHIFT)) | codes[1:]
        found = np.searchsorted(keys_of_pairs, wanted)
        found[found == len(keys_of_pairs)] = 0  # past the last key: no such pair
        reaches = np.where(keys_of_pairs[found] == wanted, self._pair_reach_array[found], 0)
        result: list[int] = reaches.tolist()
        result.append(0)
        return result

    @cached_property
    def _pair_key_array(self) -> Any:
        import numpy as np

        return np.frombuffer(self._pair_keys, dtype=np.uint64)

    @cached_property
    def _pair_reach_array(self) -> Any:
        import numpy as np

        return np.frombuffer(self._pair_reaches, dtype=np.uint8)

    @property
    def pair_count(self) -> int:
        return len(self._pair_keys)

    def pairs(self) -> Iterator[str]:
        mask = (1 << _PAIR_SHIFT) - 1
        return (chr(key >> _PAIR_SHIFT) + chr(key & mask) for key in self._pair_keys)

    def char_row(self, char: str) -> CharColumns | None:
        """The character's readings, counts, TGH index and simplified form, or None."""
        if len(char) != 1:
            return None
        code, codes = ord(char), self._char_codes
        index = bisect_left(codes, code)
        if index == len(codes) or codes[index] != code:
            return None
        offsets = self._char_offsets
        text = str(self._char_text[offsets[index] : offsets[index + 1]], "utf-8")
        pairs = [item.rsplit(":", 1) for item in text.split()]
        simplified = self._char_simplified[index]
        return CharColumns(
            tuple(reading for reading, _ in pairs),
            tuple(int(count) for _, count in pairs),
            int(self._char_tgh[index]),
            chr(simplified) if simplified else None,
        )

    def simplify_table(self) -> dict[int, int]:
        """traditional code point → simplified one, for ``str.translate``."""
        traditional = self._sections["traditional_codes"]
        return dict(zip(traditional, self._sections["simplified_codes"], strict=True))


def _section(
    view: memoryview, start: int, size: int, typecode: str, byteorder: str
) -> memoryview | array[int]:
    if start + size > len(view):
        raise ValueError("a section runs past the end of the image")
    part = view[start : start + size]
    if typecode == "B":
        return part
    if byteorder == sys.byteorder:
        # A typecode of the header's (B H I Q): memoryview reads them in C.
        return part.cast(cast("Any", typecode))
    swapped = array(typecode, part.tobytes())  # an image from a machine of the other order
    swapped.byteswap()
    return swapped
