"""User dictionary: ``word<TAB>pinyin`` lines whose readings win over everything else.

The pinyin may be written with tone marks or numbers, joined or spaced: ``银行<TAB>yínháng``,
``银行<TAB>yin2 hang2``.  Blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pinyinize.errors import UserDictionaryError
from pinyinize.scan import is_han
from pinyinize.spell import split_word

__all__ = ["parse_user_dictionary", "read_user_dictionary"]


def parse_user_dictionary(
    lines: Iterable[str], name: str = "<user dictionary>"
) -> dict[str, tuple[str, ...]]:
    """Parse user-dictionary lines; every bad line is reported with its number."""
    entries: dict[str, tuple[str, ...]] = {}
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
    if problems:
        raise UserDictionaryError(name, problems)
    return entries


def read_user_dictionary(
    source: str | Path | Mapping[str, str],
) -> dict[str, tuple[str, ...]]:
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
