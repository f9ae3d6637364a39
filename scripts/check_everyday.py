"""Check the everyday development set (tests/data/everyday/everyday.tsv); it never writes readings.

Two kinds of check:

* **Format** (errors, exit status 1): the header, ids ``e0001``... in order, a one-word kind,
  no repeated sentence, exactly one reading per Han character, every alternative (``xi4|xi5``)
  a well-formed numbered syllable (``pinyinize.spell.is_reading``, no erhua ``r`` glued on:
  儿 is its own syllable) and no alternative written twice.
* **Dictionary** (disagreements, printed for review by hand; exit status 0 unless ``--strict``):
  every reading against the character's readings in pinyinize's lexicon and in pypinyin's
  character dictionary (``pinyin_dict``), and the readings of every stretch of the sentence
  that is a word of pypinyin's phrase dictionary (``phrases_dict``) against that entry.
  The dictionaries are only looked up, never used to fill in a reading.  A neutral tone that
  a source does not list is reported apart from a full tone it does not list: the sources
  mark few lexical neutral tones (衣服 yīfu), while an unlisted full tone is more likely a
  slip.  A phrase "disagreement" is often no disagreement at all: the stretch need not be a
  word in this sentence (中试 in 在行动中试着).

Usage: ``python scripts/check_everyday.py [--strict] [--quiet] [PATH]``
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pinyinize import Lexicon
from pinyinize.scan import is_han
from pinyinize.spell import is_reading, parse_marked

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "tests" / "data" / "everyday" / "everyday.tsv"
HEADER = "id\tkind\tsentence\treadings"
_ID = re.compile(r"^e\d{4}$")
_ERHUA_GLUED = re.compile(r"^(?!er\d)\w+r\d$")  # huar1: the set writes 儿 as its own er5
LONGEST_PHRASE = 8


@dataclass(frozen=True)
class Row:
    """One line of the set: alternatives per Han character, in order."""

    line: int
    id: str
    kind: str
    sentence: str
    readings: tuple[tuple[str, ...], ...]

    def han(self) -> list[tuple[int, str]]:
        """(offset in the sentence, character) of each Han character."""
        return [(index, char) for index, char in enumerate(self.sentence) if is_han(char)]


@dataclass(frozen=True)
class Disagreement:
    source: str  # "lexicon", "pypinyin-char", "pypinyin-phrase"
    kind: str  # "neutral", "sandhi" or "full": see classify()
    row: str
    item: str  # the character or word
    ours: str
    theirs: str

    def line(self) -> str:
        return f"{self.row} {self.source} {self.item}: ours {self.ours}, listed {self.theirs}"


def read_rows(path: Path, errors: list[str]) -> list[Row]:
    """Parse the file, appending every format error found to ``errors``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != HEADER:
        errors.append(f"line 1: header must be {HEADER!r}")
    rows: list[Row] = []
    seen: dict[str, str] = {}
    for number, text in enumerate(lines[1:], start=2):
        row = parse_row(number, text, len(rows) + 1, errors)
        if row is None:
            continue
        if row.sentence in seen:
            errors.append(f"{row.id}: same sentence as {seen[row.sentence]}")
        seen.setdefault(row.sentence, row.id)
        rows.append(row)
    return rows


def parse_row(number: int, text: str, expected: int, errors: list[str]) -> Row | None:
    fields = text.split("\t")
    if len(fields) != 4:
        errors.append(f"line {number}: {len(fields)} tab-separated fields, want 4")
        return None
    row_id, kind, sentence, written = fields
    where = row_id or f"line {number}"
    if not _ID.match(row_id) or int(row_id[1:]) != expected:
        errors.append(f"line {number}: id {row_id!r}, want e{expected:04d}")
    if not kind or kind.split() != [kind]:
        errors.append(f"{where}: kind must be one word, got {kind!r}")
    if sentence != sentence.strip() or not sentence:
        errors.append(f"{where}: empty sentence or blanks around it")
    readings = tuple(tuple(token.split("|")) for token in written.split(" "))
    for alternatives in readings:
        errors.extend(f"{where}: {problem}" for problem in spelling_problems(alternatives))
    han_count = sum(map(is_han, sentence))
    if len(readings) != han_count:
        errors.append(f"{where}: {len(readings)} readings for {han_count} Han characters")
    return Row(number, row_id, kind, sentence, readings)


def spelling_problems(alternatives: Sequence[str]) -> Iterator[str]:
    if len(set(alternatives)) != len(alternatives):
        yield f"an alternative is written twice in {'|'.join(alternatives)}"
    for reading in alternatives:
        if not is_reading(reading):
            yield f"not a numbered syllable: {reading!r}"
        elif _ERHUA_GLUED.match(reading):
            yield f"erhua glued to the syllable in {reading!r}; write 儿 as er5"


# --- dictionary checks ---------------------------------------------------------------------


def toneless(reading: str) -> str:
    return reading[:-1]


SEVERITY = ("agree", "neutral", "sandhi", "full")
CITATION = {"一": "yi1", "不": "bu4"}  # the set writes them without tone sandhi


def classify(char: str, ours: Sequence[str], listed: frozenset[str]) -> str:
    """How our alternatives for ``char`` stand against a source's ``listed`` readings.

    ``agree``: one of ours is listed.  ``neutral``: ours is a neutral tone of a listed
    syllable (the sources mark few lexical neutral tones).  ``sandhi``: ours is the citation
    tone of 一/不 where the source writes the changed tone.  ``full``: anything else, the
    case that most needs a second look.
    """
    if set(ours) & listed:
        return "agree"
    syllables = {toneless(reading) for reading in listed}
    if all(r.endswith("5") and toneless(r) in syllables for r in ours):
        return "neutral"
    if CITATION.get(char) in ours and syllables == {toneless(CITATION[char])}:
        return "sandhi"
    return "full"


@cache
def pypinyin_char_readings(char: str) -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(_numbered(pinyin_dict.get(ord(char), "").split(",")))


def _numbered(marked: Sequence[str]) -> Iterator[str]:
    for syllable in marked:
        try:
            yield parse_marked(syllable)
        except ValueError:
            continue


def char_disagreements(row: Row, lexicon: Lexicon) -> Iterator[Disagreement]:
    """Each reading of ours that a source does not list for the character."""
    sources: dict[str, Callable[[str], frozenset[str]]] = {
        "lexicon": lambda char: frozenset(lexicon.candidates(char)),
        "pypinyin-char": pypinyin_char_readings,
    }
    for (_, char), alternatives in zip(row.han(), row.readings, strict=False):
        for source, listed_for in sources.items():
            listed = listed_for(char)
            for reading in alternatives:
                if reading not in listed:
                    theirs = ",".join(sorted(listed)) or "(nothing)"
                    kind = classify(char, (reading,), listed)
                    yield Disagreement(source, kind, row.id, char, reading, theirs)


def phrase_disagreements(row: Row) -> Iterator[Disagreement]:
    """Each stretch of Han text that pypinyin lists as a phrase and we read otherwise."""
    from pypinyin.phrases_dict import phrases_dict

    han = row.han()
    for start in range(len(han)):
        for end in range(start + 2, min(len(han), start + LONGEST_PHRASE) + 1):
            span = han[start:end]
            if span[-1][0] - span[0][0] != end - start - 1:
                break  # punctuation in between: not one stretch of text
            word = "".join(char for _, char in span)
            entry = phrases_dict.get(word)
            if entry is None:
                continue
            listed = [frozenset(_numbered(options)) for options in entry]
            ours = row.readings[start:end]
            if all(set(mine) & theirs for mine, theirs in zip(ours, listed, strict=True)):
                continue
            kinds = [
                classify(char, mine, theirs)
                for (_, char), mine, theirs in zip(span, ours, listed, strict=True)
            ]
            kind = max(kinds, key=SEVERITY.index)
            written = " ".join("|".join(mine) for mine in ours)
            theirs_written = " ".join("|".join(sorted(options)) for options in listed)
            yield Disagreement("pypinyin-phrase", kind, row.id, word, written, theirs_written)


def summary(disagreements: Sequence[Disagreement]) -> str:
    """Counts per source and kind, then each distinct (source, item, ours) with its rows."""
    counts = Counter((item.source, item.kind) for item in disagreements)
    lines = [f"{source} {kind}: {count}" for (source, kind), count in sorted(counts.items())]
    grouped: dict[tuple[str, str, str, str, str], list[str]] = {}
    for item in disagreements:
        key = (item.kind, item.source, item.item, item.ours, item.theirs)
        grouped.setdefault(key, []).append(item.row)
    for (kind, source, word, ours, theirs), rows in sorted(grouped.items()):
        tag = kind.upper() if kind == "full" else kind
        shown = ",".join(rows[:6]) + (",..." if len(rows) > 6 else "")
        lines.append(f"  [{tag}] {source} {word}: ours {ours}, listed {theirs} ({shown})")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 on any dictionary disagreement too"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only the counts, not each disagreement"
    )
    parser.add_argument(
        "--format-only", action="store_true", help="skip the dictionary checks (no pypinyin)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    errors: list[str] = []
    rows = read_rows(args.path, errors)
    for error in errors:
        print(f"ERROR {error}")
    readings = sum(len(row.readings) for row in rows)
    print(f"{len(rows)} sentences, {readings} readings, {len(errors)} format errors")
    if errors or args.format_only:
        return 1 if errors else 0
    lexicon = Lexicon.default()
    found: list[Disagreement] = []
    for row in rows:
        found.extend(char_disagreements(row, lexicon))
        found.extend(phrase_disagreements(row))
    text = summary(found)
    if args.quiet:  # the count lines only; the listed items are indented
        text = "\n".join(line for line in text.splitlines() if not line.startswith(" "))
    print(text)
    return 1 if args.strict and found else 0


if __name__ == "__main__":
    sys.exit(main())
