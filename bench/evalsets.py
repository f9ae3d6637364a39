"""Evaluation sets for the benchmark: sentences with gold readings at known character offsets.

Two on-disk formats are understood, so that any new set in either format can be added from
the command line without code changes:

* **Marked pairs** (CPP, g2pL and anything built like them): ``X.sent`` holds one sentence a
  line with exactly one target character wrapped in U+2581 on both sides (``▁了▁``); ``X.lb``
  beside it holds the gold reading on the same line (``le5``; ü written ``u:``).
* **Inline-annotated text** (the seed article): running text in which some words carry a
  ``词(pinyin)`` annotation in tone marks.  How that becomes items is described in
  :func:`read_annotated_text`.
* **Fully read sentences** (``.tsv``, the everyday set in tests/data/everyday): one sentence a
  line with a numbered reading for every Han character; a reading may list accepted
  alternatives (``xi4|xi5``).  Every Han character is an item: :func:`read_everyday`.

Every gold reading is put into pinyinize's numbered form (toneless syllable, ``v`` for ü, tone
digit 1-5 with 5 neutral) so that all systems are compared on one spelling.

Each set also says its labelling *convention*, as the pinyinize mode that writes it: the
polyphone corpora (marked pairs) label citation tones (衣服's 服 fu2, 认识's 识 shi2), so
``citation``; the seed article and the everyday sentences write lexical neutral tones (衣服
yīfu), so ``dictionary``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pinyinize.spell import parse_marked, split_word

MARKER = "\u2581"

# A parenthesised group on one line with nothing nested in it (the seed's annotation shape).
_GROUP = re.compile(r"\(([^()\r\n]{1,80})\)")


@dataclass(frozen=True)
class Target:
    """One scored character: its offset in the sentence and its gold numbered reading.

    ``also`` holds further readings the gold accepts (关系 guān·xì: ``xi4`` or ``xi5``).
    """

    index: int
    gold: str
    also: tuple[str, ...] = ()

    def accepts(self, reading: str | None) -> bool:
        return reading is not None and (reading == self.gold or reading in self.also)

    @property
    def written(self) -> str:
        """The gold as the data set writes it (alternatives joined with ``|``)."""
        return "|".join((self.gold, *self.also))


@dataclass(frozen=True)
class Sentence:
    """A raw sentence (what every system is given) and the characters scored in it."""

    text: str
    targets: tuple[Target, ...]


@dataclass
class EvalSet:
    """A named list of sentences; ``notes`` records what was skipped while building it, and
    ``convention`` the pinyinize mode whose tones its gold labels write."""

    name: str
    sentences: list[Sentence]
    notes: list[str] = field(default_factory=list)
    convention: str = "dictionary"

    @property
    def items(self) -> int:
        return sum(len(sentence.targets) for sentence in self.sentences)

    @property
    def chars(self) -> int:
        return sum(len(sentence.text) for sentence in self.sentences)

    def head(self, limit: int | None) -> EvalSet:
        """The first ``limit`` items (whole sentences, cut so the item count is exact)."""
        if limit is None:
            return self
        kept: list[Sentence] = []
        left = limit
        for sentence in self.sentences:
            if left <= 0:
                break
            targets = sentence.targets[:left]
            kept.append(Sentence(sentence.text, targets))
            left -= len(targets)
        return EvalSet(self.name, kept, list(self.notes), self.convention)


def normalise_gold(label: str) -> str:
    """CPP writes ü as ``u:``; everything else is already numbered pinyin."""
    return label.strip().lower().replace("u:", "v").replace("ü", "v")


def read_marked_pair(name: str, sent_path: Path) -> EvalSet:
    """Read ``X.sent`` and the ``X.lb`` beside it (formats in the module docstring)."""
    lb_path = sent_path.with_suffix(".lb")
    sent_lines = sent_path.read_text(encoding="utf-8").splitlines()
    labels = lb_path.read_text(encoding="utf-8").splitlines()
    if len(sent_lines) != len(labels):
        raise ValueError(f"{sent_path}: {len(sent_lines)} sentences but {len(labels)} labels")
    sentences = [
        _parse_marked_line(line, label, f"{sent_path}:{number}")
        for number, (line, label) in enumerate(zip(sent_lines, labels, strict=True), start=1)
    ]
    return EvalSet(name, sentences, convention="citation")  # CPP, g2pL: citation tones


def _parse_marked_line(line: str, label: str, where: str) -> Sentence:
    index = line.find(MARKER)
    if index < 0 or line.count(MARKER) != 2 or line[index + 2 : index + 3] != MARKER:
        raise ValueError(f"{where}: expected exactly one target wrapped as ▁X▁")
    return Sentence(line.replace(MARKER, ""), (Target(index, normalise_gold(label)),))


def read_annotated_text(name: str, path: Path) -> EvalSet:
    """Build items from a text with inline ``词(pinyin)`` annotations, such as the seed article.

    The seed is real annotator output with known defects (see shared/samples/README.md), so
    the rules are chosen to take a gold reading only where the annotation states it
    unambiguously:

    1. A parenthesised group is an annotation when ``split_word`` parses it as pinyin;
       ``(WRCA)`` or ``(2021-2040)`` are not, and stay in the text.
    2. Every annotation is removed from the line; systems read the whole stripped line.
    3. An annotation of *n* syllables covers the *n* Han characters written immediately before
       its ``(`` in the original line.  If fewer than *n* Han characters come right before it
       (the doubled ``精神(jīngshén)(jīngshén)``, the misplaced ``世界(shìjiè)纪录(shìjièjìlù)``)
       it is skipped: it does not say which characters it reads.
    4. The seed writes words without apostrophes, so ``liǎngàn`` (两岸) splits as ``liǎn gàn``
       as well as ``liǎng àn``, and ``split_word`` (which keeps the first fewest-syllable
       split) returns the wrong one.  So every split into exactly *n* syllables is listed
       (with ``parse_marked``); when there is more than one, only splits in which each
       syllable is a reading that pypinyin's *character* dictionary (``pinyin_dict``, not its
       disambiguation) lists for its character are kept.  An annotation still ambiguous, or
       with no such split, is skipped rather than guessed.
    5. Each covered character is one item, gold = its syllable (``parse_marked`` form).  Spans
       that are not words (``云旦曲吉是(qūjíshì)`` covers 曲吉是) still give correct per-character
       readings, so they are kept.  Repeated page content is kept as it is: every occurrence
       is an item, as a user's input would have it.
    """
    evalset = EvalSet(name, [])
    for line in path.read_text(encoding="utf-8").splitlines():
        sentence = _parse_annotated_line(line, evalset.notes)
        if sentence is not None and sentence.targets:
            evalset.sentences.append(sentence)
    return evalset


def _parse_annotated_line(line: str, notes: list[str]) -> Sentence | None:
    pieces: list[str] = []
    targets: list[Target] = []
    position = 0  # in the original line
    stripped_length = 0  # length of the stripped text built so far
    for match in _GROUP.finditer(line):
        readings = split_word(match.group(1))
        if readings is None:
            continue  # not pinyin: part of the text
        pieces.append(line[position : match.start()])
        stripped_length += match.start() - position
        position = match.end()
        targets.extend(_annotation_targets(line, match, readings, stripped_length, notes))
    if not targets:
        return None
    pieces.append(line[position:])
    return Sentence("".join(pieces), tuple(targets))


def _annotation_targets(
    line: str, match: re.Match[str], readings: list[str], end: int, notes: list[str]
) -> list[Target]:
    """Targets for one annotation; ``end`` is where its word ends in the stripped text."""
    count = len(readings)
    word = _han_run_before(line, match.start())
    shown = line[max(0, match.start() - 16) : match.end()]  # enough context to find it
    if len(word) < count:
        notes.append(f"skipped {shown}: fewer Han characters than syllables right before it")
        return []
    splits = _splits(match.group(1), count)
    if len(splits) > 1:
        splits = {split for split in splits if _listed(word[-count:], split)}
        if len(splits) != 1:
            notes.append(f"skipped {shown}: the syllables can be split more than one way")
            return []
        notes.append(f"resolved {shown} as {' '.join(next(iter(splits)))} by the dictionary")
    readings = list(next(iter(splits)))
    start = end - count
    return [Target(start + offset, reading) for offset, reading in enumerate(readings)]


def _han_run_before(line: str, end: int) -> str:
    start = end
    while start > 0 and is_han(line[start - 1]):
        start -= 1
    return line[start:end]


def is_han(char: str) -> bool:
    """CJK unified ideographs (main block, extensions A-G) and compatibility ideographs."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def _splits(written: str, count: int) -> set[tuple[str, ...]]:
    """Every way to read ``written`` as exactly ``count`` syllables (apostrophes respected)."""
    results: set[tuple[str, ...]] = set()
    chunks = [chunk for chunk in re.split(r"[\s'’\-]+", written.strip()) if chunk]
    for chunk_counts in _compositions(count, len(chunks)):
        per_chunk = [_chunk_splits(chunk, n) for chunk, n in zip(chunks, chunk_counts, strict=True)]
        combined: set[tuple[str, ...]] = {()}
        for options in per_chunk:
            combined = {done + option for done in combined for option in options}
        results |= combined
    return results


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    """Ways to write ``total`` as an ordered sum of ``parts`` positive integers."""
    if parts == 1:
        return [(total,)] if total >= 1 else []
    return [
        (first, *rest)
        for first in range(1, total - parts + 2)
        for rest in _compositions(total - first, parts - 1)
    ]


def _chunk_splits(chunk: str, count: int) -> set[tuple[str, ...]]:
    if count == 1:
        reading = _reading_or_none(chunk)
        return {(reading,)} if reading else set()
    found: set[tuple[str, ...]] = set()
    for cut in range(1, len(chunk)):
        head = _reading_or_none(chunk[:cut])
        if head:
            found |= {(head, *tail) for tail in _chunk_splits(chunk[cut:], count - 1)}
    return found


def _listed(chars: str, split: tuple[str, ...]) -> bool:
    return all(reading in _char_readings(char) for char, reading in zip(chars, split, strict=True))


@cache
def _char_readings(char: str) -> frozenset[str]:
    """Readings pypinyin's character dictionary lists for ``char`` (only to pick a split)."""
    from pypinyin.pinyin_dict import pinyin_dict  # only needed for the seed

    listed = pinyin_dict.get(ord(char), "")
    return frozenset(filter(None, map(_reading_or_none, listed.split(","))))


def _reading_or_none(syllable: str) -> str | None:
    try:
        return parse_marked(syllable)
    except ValueError:
        return None


EVERYDAY_HEADER = "id\tkind\tsentence\treadings"


def read_everyday(name: str, path: Path) -> EvalSet:
    """Read the everyday set's TSV (format in tests/data/everyday/README.md).

    Every Han character of a sentence is one item; its gold is the first reading written,
    and the others after ``|`` are accepted too.  scripts/check_everyday.py checks the file;
    here a line whose reading count does not match its Han characters raises.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != EVERYDAY_HEADER:
        raise ValueError(f"{path}: header must be {EVERYDAY_HEADER!r}")
    evalset = EvalSet(name, [])
    for number, line in enumerate(lines[1:], start=2):
        _, _, text, written = line.split("\t")
        offsets = [index for index, char in enumerate(text) if is_han(char)]
        readings = written.split(" ")
        if len(offsets) != len(readings):
            raise ValueError(f"{path}:{number}: {len(readings)} readings, {len(offsets)} Han")
        targets = []
        for index, reading in zip(offsets, readings, strict=True):
            gold, *also = reading.split("|")
            targets.append(Target(index, gold, tuple(also)))
        evalset.sentences.append(Sentence(text, tuple(targets)))
    return evalset


def read_set(name: str, path: Path) -> EvalSet:
    """Read a set in whichever format its file name says (``.sent`` = marked pair, ``.tsv`` =
    fully read sentences, anything else = inline-annotated text)."""
    if path.suffix == ".sent":
        return read_marked_pair(name, path)
    if path.suffix == ".tsv":
        return read_everyday(name, path)
    return read_annotated_text(name, path)


__all__ = [
    "EvalSet",
    "Sentence",
    "Target",
    "is_han",
    "normalise_gold",
    "read_annotated_text",
    "read_everyday",
    "read_marked_pair",
    "read_set",
]
