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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from pinyinize.errors import DataError
from pinyinize.lexicon_image import IMAGE_FILE, CharColumns, LexiconImage, build_image

__all__ = [
    "CharEntry",
    "Lexicon",
    "LookupCache",
    "WordEntry",
    "WordTable",
    "image_of_tables",
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


# A CharEntry's fields, as the image gives them.
CharRow = CharColumns


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

    The tables live in one binary image (see :func:`build_image`): the packaged one is
    memory-mapped, so loading takes milliseconds, no per-word Python object lives for the
    process and every process reading it shares one copy.  Look-ups binary-search its sorted
    key arrays; the hot ones go through small per-process caches.
    """

    def __init__(
        self,
        chars: Mapping[str, CharEntry],
        words: WordTable,
        hsk: Mapping[tuple[str, str], int] | None = None,
        neutral: Mapping[str, str] | None = None,
    ) -> None:
        self._attach(LexiconImage(image_of_tables(chars, words)), hsk, neutral)

    @classmethod
    def from_image(
        cls,
        image: LexiconImage,
        hsk: Mapping[tuple[str, str], int] | None = None,
        neutral: Mapping[str, str] | None = None,
    ) -> Lexicon:
        """A lexicon over an image written by :func:`build_image` (mapped or in memory)."""
        lexicon = cls.__new__(cls)
        lexicon._attach(image, hsk, neutral)
        return lexicon

    def _attach(
        self,
        image: LexiconImage,
        hsk: Mapping[tuple[str, str], int] | None,
        neutral: Mapping[str, str] | None,
    ) -> None:
        self._image = image
        self._hsk = hsk or {}  # (word or char, "word"|"char") → HSK 3.0 level, 7 = band 7-9
        # For each first two characters, the length of the longest word that starts with
        # them (0: none), for callers that ask pair by pair (the model's features); the
        # segmenter asks for a whole text at once (reaches_along).  Keyed by two characters,
        # not one, because most pairs start no word at all and the rest start only short
        # ones.  Word frequencies are not cached here: the segmenter keeps its own scores.
        self.reach_cache = LookupCache(image.reach_of)
        self._char_rows = LookupCache(image.char_row, _CHAR_CACHE_SIZE)
        self.frequencies: Mapping[str, int] = _Frequencies(image)
        self.longest_word_from_pair: Mapping[str, int] = _Reaches(image)
        self.max_word_length = image.max_word_length
        self.total_frequency = image.total_frequency or 1
        self.log_total = math.log(self.total_frequency)
        self._simplify_table: dict[int, int] | None = None  # built on first use
        self._last_simplified: tuple[str, str] = ("", "")  # see simplify()
        # word → positions of its lexical neutral tones (a few hundred words), kept apart from
        # the readings so that citation mode can leave them out.
        self._neutral = _neutral_positions(image, neutral or {})

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
        row = self._char_rows[char]
        if row is None:
            simplified = self.simplify(char)
            row = self._char_rows[simplified] if simplified != char else None
        return row

    def word_readings(self, word: str) -> tuple[str, ...] | None:
        """The word's own syllables (衣服 yi1 fu2); None for a word it does not know or one
        without a reading of its own."""
        index = self._image.word_index(word)
        return self._image.readings_at(index) if index >= 0 else None

    def word(self, word: str) -> WordEntry | None:
        index = self._image.word_index(word)
        if index < 0:
            return None
        return WordEntry(
            self._image.frequency_at(index),
            self._image.pos_at(index),
            self._image.readings_at(index),
            self._neutral.get(word, ()),
        )

    def reaches_along(self, text: str) -> list[int]:
        """For each position of ``text`` (simplified), the length of the longest word that
        starts with the two characters there (0: none, and at the last position)."""
        return self._image.reaches_along(text)

    def neutral_positions(self, word: str) -> tuple[int, ...]:
        """Positions of ``word`` (simplified) that its lexical neutral tones make neutral."""
        return self._neutral.get(word, ())

    def pos(self, word: str) -> str | None:
        """The word's part-of-speech tag (jieba's tag set), or None for an unlisted word."""
        index = self._image.word_index(word)
        return self._image.pos_at(index) if index >= 0 else None

    def frequency(self, word: str) -> int:
        """How often ``word`` occurs in the corpus the lexicon counts (0: not a word)."""
        return self._image.frequency_of(word)

    @property
    def hsk(self) -> Mapping[tuple[str, str], int]:
        return self._hsk

    def hsk_level(self, item: str, kind: str = "word") -> int | None:
        """The HSK 3.0 level (1-6, 7 for the band 7-9) of a word or character, if graded."""
        return self.hsk.get((self.simplify(item), kind))

    def simplify(self, text: str) -> str:
        """Map traditional characters one-to-one to simplified ones (same length)."""
        last = self._last_simplified
        if last[0] is text:  # the same piece, from the next stage
            return last[1]
        if self._simplify_table is None:
            self._simplify_table = self._image.simplify_table()
        simplified = text.translate(self._simplify_table)
        # Segmenter, look-up and model each simplify the piece they are given, the same
        # string object: remember the last one (a twentieth of a long text's time went into
        # translating each piece three times).  Words are not remembered: they would push
        # the piece out, and their readers cache what they find by word anyway.
        if _REMEMBER_SIMPLIFIED[0] <= len(text) <= _REMEMBER_SIMPLIFIED[1]:
            self._last_simplified = (text, simplified)  # one assignment: safe across threads
        return simplified

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._image.word_index(word) >= 0


_REMEMBER_SIMPLIFIED = (16, 1 << 16)  # lengths of the texts simplify() remembers (pieces)
_CACHE_SIZE = 1 << 18  # entries per look-up cache: tens of MB at most, a long text's working set
_CHAR_CACHE_SIZE = 1 << 14


class LookupCache:
    """A look-up with a dict in front that fills itself on a miss and empties itself when full.

    Read with ``cache[key]`` (a miss asks ``lookup``, a binary search of the image).  The
    segmenter's loop over every substring reads :attr:`table` directly (``table.get``: one
    C-level dict look-up, ``None`` on a miss) and fills misses with :meth:`fill`.

    Not a dict subclass: the garbage collector tracks every instance of one and walks all
    its entries in each full collection (a quarter of a million cached frequencies, 28 ms a
    collection, a twentieth of a long text's time), while it never looks at a plain dict of
    strings and numbers."""

    __slots__ = ("_lookup", "_size", "table")

    def __init__(self, lookup: Callable[[str], Any], size: int = _CACHE_SIZE) -> None:
        self.table: dict[str, Any] = {}
        self._lookup = lookup
        self._size = size

    def __getitem__(self, key: str) -> Any:
        try:
            return self.table[key]
        except KeyError:
            return self.fill(key)

    def fill(self, key: str) -> Any:
        """Look ``key`` up, remember it and return it (the cache is emptied when full)."""
        table = self.table
        if len(table) >= self._size:
            table.clear()  # the same dict: a holder of ``table`` keeps reading this one
        value = table[key] = self._lookup(key)
        return value

    def __len__(self) -> int:
        return len(self.table)


class _Frequencies(Mapping[str, int]):
    """word → frequency over the image, for callers that want a mapping."""

    def __init__(self, image: LexiconImage) -> None:
        self._image = image

    def __getitem__(self, word: str) -> int:
        index = self._image.word_index(word) if isinstance(word, str) else -1
        if index < 0:
            raise KeyError(word)
        return self._image.frequency_at(index)

    def __iter__(self) -> Iterator[str]:
        return map(self._image.word_at, range(len(self._image)))

    def __len__(self) -> int:
        return len(self._image)


class _Reaches(Mapping[str, int]):
    """first two characters → length of the longest word that starts with them."""

    def __init__(self, image: LexiconImage) -> None:
        self._image = image

    def __getitem__(self, pair: str) -> int:
        reach = self._image.reach_of(pair) if isinstance(pair, str) else 0
        if not reach:
            raise KeyError(pair)
        return reach

    def __iter__(self) -> Iterator[str]:
        return self._image.pairs()

    def __len__(self) -> int:
        return self._image.pair_count


def _neutral_positions(
    image: LexiconImage, neutral: Mapping[str, str]
) -> dict[str, tuple[int, ...]]:
    """Where each word of the neutral-tone table is neutral and the word table's reading is
    not.  A row must be the word table's reading with some syllables made neutral."""
    positions = {}
    for word, light in neutral.items():
        index = image.word_index(word)
        if index < 0:
            raise DataError(f"neutral-tone table: {word} is not in the word table")
        toned, lightened = list(image.readings_at(index) or ()), light.split()
        same_length = len(toned) == len(lightened)
        pairs = enumerate(zip(toned, lightened, strict=False))  # lengths are checked below
        changed = tuple(n for n, (old, new) in pairs if old != new)
        made_neutral = all(lightened[n] == f"{toned[n][:-1]}5" for n in changed)
        if not same_length or not changed or not made_neutral:
            raise DataError(
                f"neutral-tone table: {word} {light} is not the word table's reading "
                f"{' '.join(toned) or '-'} with neutral tones"
            )
        positions[word] = changed
    return positions


def image_of_tables(chars: Mapping[str, CharEntry], words: WordTable) -> bytes:
    """The binary image (see :mod:`pinyinize.lexicon_image`) of a character and word table."""
    rows = {
        char: CharColumns(entry.readings, entry.counts, entry.tgh_index, entry.simplified)
        for char, entry in chars.items()
    }
    if not len(words.words) == len(words.frequencies) == len(words.pos) == len(words.readings):
        raise DataError("word table columns differ in length")
    return build_image(rows, words.words, words.frequencies, words.pos, words.readings)


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
        resources.as_file(data / IMAGE_FILE) as image,
        resources.as_file(data / "hsk.tsv") as hsk,
        resources.as_file(data / "neutral.tsv") as neutral,
    ):
        return Lexicon.from_image(
            LexiconImage.map(Path(image)), _LazyHsk(Path(hsk)), read_neutral(Path(neutral))
        )


class _LazyHsk(Mapping[tuple[str, str], int]):
    """The HSK table, read on its first look-up: only word selection by level needs it."""

    def __init__(self, path: Path) -> None:
        self._path = path

    @cached_property
    def _table(self) -> dict[tuple[str, str], int]:
        return read_hsk(self._path)

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self._table[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


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
