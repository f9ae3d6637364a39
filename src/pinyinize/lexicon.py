"""Lexicon: character readings, word readings and word frequencies.

The default lexicon is compiled by ``scripts/build_lexicon.py`` into ``pinyinize/data`` and
read on first use, never at import.  Its tables are plain sorted text with a format header:

* ``chars.tsv``: ``char<TAB>reading:count ...<TAB>tgh index<TAB>simplified``
* ``words.npz``: the word table, column by column (see :class:`WordTable`): loading it is a
  few C-level splits instead of half a million parsed lines, which keeps the first call fast.
* ``neutral.tsv``: ``word<TAB>reading`` for the words with lexical neutral tones (衣服 yīfu)
  that the reading ``words.npz`` gives does not write.  It is derived from CC-CEDICT, so it
  is kept apart, under CC-CEDICT's licence (CC BY-SA 4.0, see NOTICE.md).

A word keeps its toned reading (衣服 yi1 fu2) and, apart, the positions its lexical neutral
tones make neutral (衣服: 1): the tone stage writes them in the dictionary, textbook and
spoken modes and leaves them out in citation mode (see :mod:`pinyinize.tone_rules`).
"""

from __future__ import annotations

import math
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from pinyinize.errors import DataError

__all__ = [
    "CharEntry",
    "Lexicon",
    "WordEntry",
    "WordTable",
    "longest_words_by_pair",
    "read_word_table",
    "write_word_table",
]

FORMAT_HEADER = "# pinyinize-lexicon 1"


@dataclass(frozen=True, slots=True)
class CharEntry:
    """A character's readings, most frequent first, with their corpus counts."""

    readings: tuple[str, ...]
    counts: tuple[int, ...]
    tgh_index: int  # rank in the 通用规范汉字表 (2013), 0 when not listed
    simplified: str | None  # its simplified form, when it is a traditional character


# A CharEntry's fields, as the Lexicon keeps them.
CharRow = tuple[tuple[str, ...], tuple[int, ...], int, "str | None"]


@dataclass(frozen=True, slots=True)
class WordEntry:
    frequency: int
    pos: str
    # The word's reading before its lexical neutral tones (衣服 yi1 fu2), as the phrase table
    # writes it (some keep a neutral tone there: 桌子 zhuo1 zi5).  None: the word segments but
    # has no reading of its own.
    readings: tuple[str, ...] | None
    neutral: tuple[int, ...] = ()  # positions its lexical neutral tones make neutral (衣服: 1)

    @property
    def light_readings(self) -> tuple[str, ...] | None:
        """The reading with the lexical neutral tones written (衣服 yi1 fu5), as the
        dictionary, textbook and spoken modes write it."""
        if self.readings is None or not self.neutral:
            return self.readings
        return tuple(
            f"{reading[:-1]}5" if index in self.neutral else reading
            for index, reading in enumerate(self.readings)
        )


@dataclass(frozen=True, slots=True)
class WordTable:
    """Words, sorted, with their frequency, POS tag (jieba's tag set) and readings ("-": none).

    Stored as ``words.npz``: UTF-8 blobs of newline-separated strings and integer arrays,
    read with ``allow_pickle=False``.
    """

    words: list[str]
    frequencies: list[int]
    pos: list[str]
    readings: list[str]


class Lexicon:
    """Read-only character and word tables.

    Build one with :meth:`default` (the packaged data) or :meth:`from_files`; pass it to an
    ``Annotator``.  Lookups take simplified or traditional text.
    """

    def __init__(
        self,
        chars: Mapping[str, CharEntry],
        words: WordTable,
        hsk: Mapping[tuple[str, str], int] | None = None,
        neutral: Mapping[str, str] | None = None,
    ) -> None:
        # Rows of plain tuples rather than the CharEntry objects: like the word columns below,
        # they then drop out of the garbage collector's walks (tens of thousands of them).
        self._chars: dict[str, CharRow] = {
            char: (entry.readings, entry.counts, entry.tgh_index, entry.simplified)
            for char, entry in chars.items()
        }
        # The columns are kept as tuples, not the table's lists: a tuple of strings or ints
        # drops out of the garbage collector's sight after its first pass, while the collector
        # walks a list of half a million items on every full collection, which took a quarter
        # of the time of a long text.
        self._pos = tuple(words.pos)
        self._frequency_column = tuple(words.frequencies)
        self._index = dict(zip(words.words, range(len(words.words)), strict=True))
        self._readings = tuple(words.readings)
        # word → positions of its lexical neutral tones (a few hundred words), kept apart from
        # the readings so that citation mode can leave them out.
        self._neutral = _neutral_positions(self._readings, self._index, neutral or {})
        self._hsk = hsk or {}  # (word or char, "word"|"char") → HSK 3.0 level, 7 = band 7-9
        # The segmenter's hot loop reads these two directly: word → frequency, and for each
        # first two characters the longest word that starts with them.  Keyed by two
        # characters, not one, because most pairs start no word at all (the segmenter then
        # tries no longer words there) and the rest start only short ones.
        self.frequencies: Mapping[str, int] = dict(zip(words.words, words.frequencies, strict=True))
        self.longest_word_from_pair: Mapping[str, int] = longest_words_by_pair(words.words)
        self.max_word_length = max(self.longest_word_from_pair.values(), default=1)
        self.total_frequency = sum(self.frequencies.values()) or 1
        self.log_total = math.log(self.total_frequency)
        self._simplify_table = str.maketrans(
            {char: entry.simplified for char, entry in chars.items() if entry.simplified}
        )

    @classmethod
    def default(cls) -> Lexicon:
        """The packaged lexicon (loaded once per process; it is read-only)."""
        return _load_default()

    @classmethod
    def from_files(
        cls,
        chars_path: str | Path,
        words_path: str | Path,
        hsk_path: str | Path | None = None,
        neutral_path: str | Path | None = None,
    ) -> Lexicon:
        hsk = read_hsk(Path(hsk_path)) if hsk_path is not None else None
        neutral = read_neutral(Path(neutral_path)) if neutral_path is not None else None
        return cls(read_chars(Path(chars_path)), read_word_table(Path(words_path)), hsk, neutral)

    def char(self, char: str) -> CharEntry | None:
        row = self._char_row(char)
        return CharEntry(*row) if row else None

    def candidates(self, char: str) -> tuple[str, ...]:
        row = self._char_row(char)
        return row[0] if row else ()

    def _char_row(self, char: str) -> CharRow | None:
        row = self._chars.get(char)
        if row is None:
            simplified = char.translate(self._simplify_table)
            row = self._chars.get(simplified) if simplified != char else None
        return row

    def word(self, word: str) -> WordEntry | None:
        index = self._index.get(word)
        if index is None:
            return None
        readings = self._readings[index]
        return WordEntry(
            self._frequency_column[index],
            self._pos[index],
            tuple(readings.split()) if readings != "-" else None,
            self._neutral.get(word, ()),
        )

    def neutral_positions(self, word: str) -> tuple[int, ...]:
        """Positions of ``word`` (simplified) that its lexical neutral tones make neutral."""
        return self._neutral.get(word, ())

    def pos(self, word: str) -> str | None:
        """The word's part-of-speech tag (jieba's tag set), or None for an unlisted word."""
        index = self._index.get(word)
        return self._pos[index] if index is not None else None

    def frequency(self, word: str) -> int:
        return self.frequencies.get(word, 0)

    def hsk_level(self, item: str, kind: str = "word") -> int | None:
        """The HSK 3.0 level (1-6, 7 for the band 7-9) of a word or character, if graded."""
        return self._hsk.get((self.simplify(item), kind))

    def simplify(self, text: str) -> str:
        """Map traditional characters one-to-one to simplified ones (same length)."""
        return text.translate(self._simplify_table)

    def __contains__(self, word: object) -> bool:
        return word in self._index


def _neutral_positions(
    readings: tuple[str, ...], index: Mapping[str, int], neutral: Mapping[str, str]
) -> dict[str, tuple[int, ...]]:
    """Where each word of the neutral-tone table is neutral and the word table's reading is
    not.  A row must be the word table's reading with some syllables made neutral."""
    positions = {}
    for word, light in neutral.items():
        position = index.get(word)
        if position is None:
            raise DataError(f"neutral-tone table: {word} is not in the word table")
        toned, lightened = readings[position].split(), light.split()
        same_length = len(toned) == len(lightened)
        pairs = enumerate(zip(toned, lightened, strict=False))  # lengths are checked below
        changed = tuple(n for n, (old, new) in pairs if old != new)
        made_neutral = all(lightened[n] == f"{toned[n][:-1]}5" for n in changed)
        if not same_length or not changed or not made_neutral:
            raise DataError(
                f"neutral-tone table: {word} {light} is not the word table's reading "
                f"{readings[position]} with neutral tones"
            )
        positions[word] = changed
    return positions


def longest_words_by_pair(words: Iterable[str]) -> dict[str, int]:
    """For each pair of characters that starts a word of two or more, that longest length."""
    longest: dict[str, int] = {}
    for word in words:
        if len(word) > 1:
            pair = word[:2]
            if len(word) > longest.get(pair, 0):
                longest[pair] = len(word)
    return longest


@lru_cache(maxsize=1)
def _load_default() -> Lexicon:
    data = resources.files("pinyinize") / "data"
    with (
        resources.as_file(data / "chars.tsv") as chars,
        resources.as_file(data / "words.npz") as words,
        resources.as_file(data / "hsk.tsv") as hsk,
        resources.as_file(data / "neutral.tsv") as neutral,
    ):
        return Lexicon.from_files(chars, words, hsk, neutral)


def _rows(lines: Iterable[str], path: Path, columns: int) -> Iterator[list[str]]:
    first = True
    for number, line in enumerate(lines, 1):
        if first:
            if not line.startswith(FORMAT_HEADER):
                raise DataError(f"{path}: not a pinyinize lexicon table (bad header)")
            first = False
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != columns:
            raise DataError(f"{path}:{number}: expected {columns} columns, got {len(parts)}")
        yield parts


def read_chars(path: Path) -> dict[str, CharEntry]:
    try:
        with path.open(encoding="utf-8") as lines:
            table = {}
            for char, readings, tgh, simplified in _rows(lines, path, 4):
                pairs = [item.rsplit(":", 1) for item in readings.split()]
                table[char] = CharEntry(
                    tuple(reading for reading, _ in pairs),
                    tuple(int(count) for _, count in pairs),
                    int(tgh),
                    simplified or None,
                )
            return table
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read character table {path}: {error}") from error


_BLOBS = ("words", "pos", "readings")


def write_word_table(path: Path | BinaryIO, table: WordTable) -> None:
    """Write ``table`` as ``words.npz``, byte for byte the same for the same table (fixed zip
    timestamps), so that a stale-data check can compare files."""
    import numpy as np  # here, not at module level: `import pinyinize` stays fast

    arrays = {
        name: np.frombuffer("\n".join(getattr(table, name)).encode("utf-8"), dtype=np.uint8)
        for name in _BLOBS
    }
    arrays["frequencies"] = np.array(table.frequencies, dtype=np.int64)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def read_word_table(path: Path) -> WordTable:
    import numpy as np  # here, not at module level: `import pinyinize` stays fast

    try:
        # Opened here, not by np.load, so the file is closed even when it is not an npz.
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as arrays:
            blobs = {name: arrays[name].tobytes().decode("utf-8").split("\n") for name in _BLOBS}
            frequencies = arrays["frequencies"].tolist()
    except (OSError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile) as error:
        raise DataError(f"cannot read word table {path}: {error}") from error
    # POS tags repeat a few dozen values: interning them saves megabytes.
    pos = [sys.intern(tag) for tag in blobs["pos"]]
    if not len(blobs["words"]) == len(frequencies) == len(pos) == len(blobs["readings"]):
        raise DataError(f"{path}: word table columns differ in length")
    return WordTable(blobs["words"], frequencies, pos, blobs["readings"])


def read_hsk(path: Path) -> dict[tuple[str, str], int]:
    try:
        with path.open(encoding="utf-8") as lines:
            return {(item, kind): int(level) for item, level, kind in _rows(lines, path, 3)}
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read HSK table {path}: {error}") from error


def read_neutral(path: Path) -> dict[str, str]:
    """``word<TAB>reading`` rows of the neutral-tone table."""
    try:
        with path.open(encoding="utf-8") as lines:
            table = {}
            for word, reading in _rows(lines, path, 2):
                if len(reading.split()) != len(word):
                    raise ValueError(f"{word}: {reading!r} has not one syllable per character")
                table[word] = reading
            return table
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read neutral-tone table {path}: {error}") from error
