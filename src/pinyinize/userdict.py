"""User dictionary: ``word<TAB>pinyin`` lines whose readings win over everything else.

The pinyin may be written with tone marks or numbers, joined or spaced: ``银行<TAB>yínháng``,
``银行<TAB>yin2 hang2``.  Blank lines and lines starting with ``#`` are ignored.

Pinyin written with tone marks is also the word's *spelling*: annotate writes it as the user
wrote it, spaces, hyphens and capitals included (``曾国藩<TAB>Zēng Guófān`` gives
``曾国藩(Zēng Guófān)``, in the tone-mark style, and ``Zeng Guofan`` without tones).  Tone
numbers, and lower-case syllables each apart (``yín háng``, ``huā r``), give the readings
only (written ``yínháng``, ``huār``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from pinyinize.errors import UserDictionaryError
from pinyinize.scan import is_han
from pinyinize.spell import Tones, spell_word, split_word

__all__ = [
    "UserDictionary",
    "parse_user_dictionary",
    "read_user_dictionary",
    "spellings_written",
    "without_tone_marks",
]

_DIAERESIS = "\u0308"  # ü keeps its dots without tones (lü), as the none style writes it


class UserDictionary(dict[str, tuple[str, ...]]):
    """Each word's readings, and in :attr:`spellings` the words written in tone marks in a
    way of their own (spaces, hyphens, capitals): what annotate writes for them."""

    def __init__(self) -> None:
        super().__init__()
        self.spellings: dict[str, str] = {}


def parse_user_dictionary(lines: Iterable[str], name: str = "<user dictionary>") -> UserDictionary:
    """Parse user-dictionary lines; every bad line is reported with its number."""
    entries = UserDictionary()
    problems: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        text = line.strip("\r\n").lstrip("\ufeff")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        word, tab, pinyin = text.partition("\t")
        word = word.strip()
        if not tab:
            problems.append((number, "expected word<TAB>pinyin"))
        elif not word or not all(is_han(char) for char in word):
            problems.append((number, f"{word!r} is not a word of Han characters"))
        elif (readings := split_word(pinyin)) is None:
            problems.append((number, f"{pinyin.strip()!r} is not pinyin"))
        elif len(readings) != len(word):
            problems.append(
                (number, f"{len(word)} characters but {len(readings)} syllables in {pinyin!r}")
            )
        else:
            entries[word] = tuple(readings)
            spelling = _spelling(pinyin, readings)
            if spelling is not None:
                entries.spellings[word] = spelling
    if problems:
        raise UserDictionaryError(name, problems)
    return entries


def _spelling(pinyin: str, readings: list[str]) -> str | None:
    """The user's own way of writing a word in tone marks, when it is not ours."""
    written = pinyin.strip()
    if any(char.isdigit() for char in written):
        return None  # numbers give readings, not a spelling
    if written == written.lower() and all(
        len(split_word(part) or ()) == 1 for part in written.split(" ")
    ):
        return None  # a space after every syllable (yín háng, huā r): readings, not a spelling
    return None if written == spell_word(readings, Tones.MARKS) else written


def without_tone_marks(spelling: str) -> str:
    """A spelling in tone marks written without them: ``Zēng Guófān`` -> ``Zeng Guofan``."""
    decomposed = unicodedata.normalize("NFD", spelling)
    kept = (c for c in decomposed if c == _DIAERESIS or not unicodedata.combining(c))
    return unicodedata.normalize("NFC", "".join(kept))


def spellings_written(spellings: Mapping[str, str]) -> frozenset[str]:
    """Every way annotate writes the user's spellings (with and without tone marks): strip
    takes them as annotations whatever the grammar of written words says."""
    marked = set(spellings.values())
    return frozenset(marked | {without_tone_marks(spelling) for spelling in marked})


def read_user_dictionary(
    source: str | Path | Mapping[str, str],
) -> UserDictionary:
    """Read a user dictionary from a TSV file or from a ``{word: pinyin}`` mapping."""
    if isinstance(source, Mapping):
        lines = [f"{word}\t{pinyin}" for word, pinyin in source.items()]
        return parse_user_dictionary(lines)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserDictionaryError(str(path), [(0, f"cannot read: {error}")]) from error
    return parse_user_dictionary(text.splitlines(), str(path))
