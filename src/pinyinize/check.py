"""Check and repair text that is already annotated (inline ``词(cí)`` or HTML ruby).

Each annotation is aligned to the characters it covers, then compared with what the
pipeline says of the same text.  Problems, each with a position and a suggested fix:

* ``reading``: a syllable the lexicon contradicts (行 in 银行 is háng), or one its character
  never has;
* ``boundary``: the annotated span is not a word (云旦曲吉是(qūjíshì) glues a name's end to 是);
* ``doubled``: the same annotation twice (精神(jīngshén)(jīngshén));
* ``misplaced``: an annotation that covers characters another one already covers
  (世界(shìjiè)纪录(shìjièjìlù));
* ``syllables``: more syllables than characters before the annotation;
* ``apostrophe``: a syllable starting with a, o or e run into the one before (两岸(liǎngàn)
  reads liǎn'gàn).

Parentheses that are not pinyin (``认证机构(WRCA)``, ``(2021-2040)``), and list markers
after a number that no number's reading holds (``图5(a)``), are text.  The readings
of numbers that annotate writes with ``numbers`` (``12.5%(bǎi fēn zhī shí'èr diǎn wǔ)``) are
recognised and left alone.  Repair applies
the suggested fixes and leaves every other character as it was.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from pinyinize.annotations import (
    RUBY_BLOCK,
    RUBY_PAIR,
    find_classified_groups,
    strip_ruby,
)
from pinyinize.pipeline import Annotator
from pinyinize.scan import HAN_RANGES, is_han, refuse_lone_surrogates
from pinyinize.spell import Tones, parse_marked, spell, spell_word, split_word
from pinyinize.tone_rules import Mode
from pinyinize.types import Document, Source, Token

__all__ = ["Problem", "check", "repair"]

_HAN_RUN = re.compile(f"[{HAN_RANGES}]+")
# Aligning an annotation tries each span that it could read, so it costs the square of its
# length, and recursion as deep as its syllables: longer ones (a word of some 40 syllables)
# are reported as unaligned.
_ALIGNABLE_LETTERS = 200
_AUTHORITATIVE = frozenset({Source.USER, Source.WORD})


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect: where it is, what it is, and the text that should replace ``found``."""

    kind: str
    line: int
    column: int
    start: int  # offsets into the checked text of the stretch a fix replaces
    end: int
    found: str
    message: str
    suggestion: str

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "line": self.line,
            "column": self.column,
            "found": self.found,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class _Annotation:
    """An inline annotation: the group's offsets in the text and in the stripped text."""

    group_start: int
    group_end: int
    written: str
    plain_end: int  # where the group sat in the stripped text
    follows_group: bool  # directly after another annotation: 精神(jīngshén)(jīngshén)
    full_width: bool = False  # in （…）: a fix keeps the writer's parentheses

    def enclosed(self, written: str) -> str:
        """``written`` in the parentheses this annotation was written in."""
        return f"（{written}）" if self.full_width else f"({written})"


def check(annotator: Annotator, text: str) -> list[Problem]:
    """Every problem with the inline and ruby annotations in ``text``."""
    refuse_lone_surrogates(text)
    problems = list(_check_inline(annotator, text))
    problems.extend(_check_ruby(annotator, text))
    return sorted(problems, key=lambda problem: problem.start)


def repair(annotator: Annotator, text: str) -> str:
    """``text`` with every suggested fix applied; overlapping fixes keep the first."""
    parts = []
    position = 0
    for problem in check(annotator, text):
        if problem.start < position:
            continue
        parts.append(text[position : problem.start])
        parts.append(problem.suggestion)
        position = problem.end
    parts.append(text[position:])
    return "".join(parts)


# Inline annotations ---------------------------------------------------------------------


def _is_pinyin(written: str) -> bool:
    # A text has a few thousand distinct words; long ones are not kept (nor much text).
    return _is_pinyin_cached(written) if len(written) <= 64 else split_word(written) is not None


@functools.lru_cache(maxsize=65536)
def _is_pinyin_cached(written: str) -> bool:
    return split_word(written) is not None


def _find_inline(annotator: Annotator, text: str) -> tuple[str, list[_Annotation]]:
    """The text without its pinyin groups, and where each group was."""
    plain: list[str] = []
    annotations: list[_Annotation] = []
    position = 0
    plain_length = 0
    previous_end = -1
    groups = find_classified_groups(text, is_han, _is_pinyin, annotator.reads_number)
    for match, reads_number in groups:
        start = match.start()
        follows_group = start == previous_end
        plain.append(text[position:start])
        plain_length += start - position
        # A number's reading (annotate with numbers: 12.5%(bǎi fēn zhī shí'èr diǎn wǔ)) is
        # taken out of the plain text but not checked: the lexicon has no entry to check
        # it against.
        if reads_number:
            position = previous_end = match.end()
            continue
        annotations.append(
            _Annotation(
                start,
                match.end(),
                match.group("written"),
                plain_length,
                follows_group,
                full_width=match.group("ascii") is None,
            )
        )
        position = previous_end = match.end()
    plain.append(text[position:])
    return "".join(plain), annotations


def _check_inline(annotator: Annotator, text: str) -> Iterator[Problem]:
    plain, annotations = _find_inline(annotator, text)
    if not annotations:
        return
    analysis = _Analysis(annotator, plain)
    lines = _Lines(text)
    covered_until = -1
    for number, annotation in enumerate(annotations):
        where = lines.at(annotation.group_start)
        group = text[annotation.group_start : annotation.group_end]
        if annotation.follows_group:
            previous = annotations[number - 1]
            kind = "doubled" if previous.written == annotation.written else "misplaced"
            yield where.problem(
                kind,
                annotation.group_start,
                annotation.group_end,
                group,
                f"a second annotation {group} right after {previous.written!r}",
                "",
            )
            continue
        run_start = analysis.han_run_start(annotation.plain_end)
        fit = analysis.fit(annotation.written, run_start, annotation.plain_end)
        if fit is None:
            yield from _unaligned(analysis, where, annotation, run_start)
            continue
        span_start, syllables = fit
        if span_start < covered_until:
            yield from _misplaced(text, annotations, number, lines)
        covered_until = annotation.plain_end
        yield from _span_problems(analysis, lines, annotation, span_start, syllables, text)


def _misplaced(
    text: str, annotations: list[_Annotation], number: int, lines: _Lines
) -> Iterator[Problem]:
    """An annotation whose span takes in an earlier annotated word: the earlier one goes."""
    earlier = annotations[number - 1]
    group = text[earlier.group_start : earlier.group_end]
    later = annotations[number].written
    yield lines.at(earlier.group_start).problem(
        "misplaced",
        earlier.group_start,
        earlier.group_end,
        group,
        f"{group} is inside the span that ({later}) annotates; ({later}) belongs to the whole word",
        "",
    )


def _unaligned(
    analysis: _Analysis, where: _Place, annotation: _Annotation, run_start: int
) -> Iterator[Problem]:
    """No span of the characters before the group reads as written."""
    syllables = split_word(annotation.written) or []
    count = len(syllables)
    available = annotation.plain_end - run_start
    group_text = annotation.enclosed(annotation.written)
    if count > available:
        message = f"{count} syllables but only {available} characters before {group_text}"
        kind = "syllables"
    else:
        message = f"{group_text} does not read as the characters before it"
        kind = "reading"
    start = max(run_start, annotation.plain_end - max(count, 1))
    yield where.problem(
        kind,
        annotation.group_start,
        annotation.group_end,
        group_text,
        message,
        analysis.annotation_for(start, annotation.plain_end, tones=_style_of(annotation.written)),
        covered=analysis.plain[start : annotation.plain_end],
    )


def _span_problems(
    analysis: _Analysis,
    lines: _Lines,
    annotation: _Annotation,
    span_start: int,
    syllables: list[tuple[str, str]],
    text: str,
) -> Iterator[Problem]:
    span = analysis.plain[span_start : annotation.plain_end]
    group_text = text[annotation.group_start : annotation.group_end]
    style = _style_of(annotation.written)
    where = lines.at(annotation.group_start)
    if not analysis.is_word_span(span_start, annotation.plain_end):
        replacement = analysis.annotation_for(span_start, annotation.plain_end, style, syllables)
        yield lines.at(annotation.group_start - len(span)).problem(
            "boundary",
            annotation.group_start - len(span),
            annotation.group_end,
            span + group_text,
            f"{span} is not a word ({analysis.words_in(span_start, annotation.plain_end)})",
            replacement,
            covered="",
        )
        return
    toneless = _is_toneless(annotation.written)
    wrong = analysis.wrong_readings(span_start, _spoken(syllables), toneless)
    if wrong:
        readings = [
            analysis.best_reading(span_start + i, reading)
            for i, (_, reading) in enumerate(syllables)
        ]
        right = _written(readings, style)
        detail = ", ".join(
            f"{char} is {spell(ours)} here, not {spell(theirs)}" for char, theirs, ours in wrong
        )
        yield where.problem(
            "reading",
            annotation.group_start,
            annotation.group_end,
            group_text,
            detail,
            annotation.enclosed(right),
        )
        return
    expected = _written([reading for _, reading in syllables], style)
    if _needs_apostrophe(syllables):
        yield where.problem(
            "apostrophe",
            annotation.group_start,
            annotation.group_end,
            group_text,
            f"a syllable starting with a, o or e needs an apostrophe: {expected}",
            annotation.enclosed(expected),
        )


# Ruby annotations -----------------------------------------------------------------------


def _check_ruby(annotator: Annotator, text: str) -> Iterator[Problem]:
    """Ruby readings, each checked against the pipeline's view of the whole stripped text:
    a reading depends on the words around its base, not on the base alone."""
    pairs = [
        (block.start(1) + pair.start(1), block.start(1) + pair.start(2), pair[1], pair[2])
        for block in RUBY_BLOCK.finditer(text)
        for pair in RUBY_PAIR.finditer(block.group(1))
        if pair[1] and all(map(is_han, pair[1])) and split_word(pair[2].strip()) is not None
    ]
    if not pairs:
        return
    plain = strip_ruby(text)
    analysis = _Analysis(annotator, plain)
    lines = _Lines(text)
    cursor = 0
    for base_start, start, base, raw in pairs:
        # Stripping only removes and shortens, so the base sits in the plain text no later
        # than in the text: the search never runs past that.
        offset = plain.find(base, cursor, base_start + len(base))
        if offset < 0:
            continue
        cursor = offset + len(base)
        yield from _ruby_problems(analysis, lines.at(start), start, offset, base, raw)


def _ruby_problems(
    analysis: _Analysis, where: _Place, start: int, offset: int, base: str, raw: str
) -> Iterator[Problem]:
    written = raw.strip()
    end = offset + len(base)
    style = _style_of(written)
    fit = analysis.fit(written, offset, end)
    if fit is None or fit[0] != offset:
        right = analysis.written_for(offset, end, style)
        message = f"{written!r} does not read as {base}"
        yield where.problem("syllables", start, start + len(raw), written, message, right)
        return
    syllables = fit[1]
    wrong = analysis.wrong_readings(offset, _spoken(syllables), _is_toneless(written))
    if wrong or _needs_apostrophe(syllables):
        right = analysis.written_for(offset, end, style)
        kind = "reading" if wrong else "apostrophe"
        message = f"{base} is written {right}"
        yield where.problem(kind, start, start + len(raw), written, message, right)


# Shared helpers -------------------------------------------------------------------------


class _Lines:
    """Where each line of a text starts, to name the line and column of any offset."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def at(self, offset: int) -> _Place:
        line = bisect.bisect_right(self.starts, offset)
        return _Place(line, offset - self.starts[line - 1] + 1)


@dataclass(frozen=True, slots=True)
class _Place:
    """Line and column (1-based) of an offset, for messages."""

    line: int
    column: int

    def problem(
        self,
        kind: str,
        start: int,
        end: int,
        found: str,
        message: str,
        suggestion: str,
        covered: str | None = None,
    ) -> Problem:
        # A suggestion that re-annotates the characters before the group replaces them too.
        if covered:
            start -= len(covered)
            found = covered + found
        return Problem(kind, self.line, self.column, start, end, found, message, suggestion)


class _Analysis:
    """The pipeline's view of the plain text: tokens, and readings in every mode."""

    def __init__(self, annotator: Annotator, plain: str) -> None:
        self.plain = plain
        self.annotator = annotator
        document = annotator.analyze(plain)
        # Indexed again and again: built once, not on each access to the table.
        self.tokens: tuple[Token, ...] = tuple(document.tokens)
        self.token_starts = [token.start for token in self.tokens]
        self.han_runs = [match.span() for match in _HAN_RUN.finditer(plain)]
        self.readings = _readings_by_offset(document)
        # Annotations may carry the changed tones of any mode (一个 yí gè, 你好 ní hǎo).
        self.variants: dict[int, set[str]] = {}
        for mode in (Mode.TEXTBOOK, Mode.SPOKEN):
            for offset, (reading, _, _) in _readings_by_offset(
                annotator.analyze(plain, mode=mode)
            ).items():
                self.variants.setdefault(offset, set()).add(reading)

    def han_run_start(self, end: int) -> int:
        """Where the run of Han characters that ends at ``end`` starts (``end`` if none)."""
        index = bisect.bisect_left(self.han_runs, (end + 1,)) - 1
        if index >= 0 and self.han_runs[index][0] < end <= self.han_runs[index][1]:
            return self.han_runs[index][0]
        return end

    def fit(
        self, written: str, run_start: int, end: int
    ) -> tuple[int, list[tuple[str, str]]] | None:
        """The span ending at ``end`` that ``written`` reads, with its syllables (written
        form, numbered reading), preferring the longest span that fits."""
        letters = unicodedata.normalize("NFC", written.strip())
        if len(letters) > _ALIGNABLE_LETTERS:
            return None
        # Every character takes a letter at least (an erhua 儿 shares its syllable's r), so
        # no span longer than twice the letters can fit.
        first = max(run_start, end - 2 * len(letters))
        splitter = _Splitter(letters, self.plain, end, self.candidates_at(first, end), first)
        for start in range(first, end):
            syllables = splitter.split(start)
            if syllables is not None:
                return start, syllables
        return None

    def candidates_at(self, start: int, end: int) -> list[set[str]]:
        """The toneless readings each character of ``start:end`` may be written with."""
        return [
            {c[:-1] for c in self._candidates(offset)}
            | {r[:-1] for r in self.variants.get(offset, ())}
            for offset in range(start, end)
        ]

    def tokens_between(self, start: int, end: int) -> Iterator[Token]:
        """The tokens that overlap ``start:end``, in order."""
        index = max(bisect.bisect_right(self.token_starts, start) - 1, 0)
        while index < len(self.tokens) and self.tokens[index].start < end:
            token = self.tokens[index]
            if token.end > start:
                yield token
            index += 1

    def _candidates(self, offset: int) -> tuple[str, ...]:
        entry = self.readings.get(offset)
        return entry[2] if entry else ()

    def is_word_span(self, start: int, end: int) -> bool:
        """A token, a lexicon word, or whole tokens that are not three or more lone characters."""
        covering = list(self.tokens_between(start, end))
        if any(t.start == start and t.end == end for t in covering):
            return True
        if self.plain[start:end] in self.annotator.lexicon:
            return True
        cuts_a_word = covering[0].start < start or covering[-1].end > end
        lone_characters = all(t.end - t.start == 1 for t in covering) and end - start >= 3
        return not cuts_a_word and not lone_characters

    def words_in(self, start: int, end: int) -> str:
        return "/".join(t.text for t in self.tokens_between(start, end))

    def wrong_readings(
        self, start: int, readings: list[str | None], toneless: bool = False
    ) -> list[tuple[str, str, str]]:
        """(char, written reading, our reading) where the lexicon or the character says no.
        ``toneless``: the annotation writes no tones, so only the letters are compared;
        ``None``: an erhua 儿 written as the r of the syllable before, nothing to compare."""
        wrong = []
        for index, reading in enumerate(readings):
            offset = start + index
            if reading is None:
                continue
            ours, source, candidates = self.readings.get(offset, (None, None, ()))
            accepted = {ours, *self.variants.get(offset, ())}
            if toneless:
                reading, accepted = reading[:-1], {r[:-1] for r in accepted if r}
            if ours is None or reading in accepted:
                continue
            if toneless:
                wrong.append((self.plain[offset], reading + "5", ours))
                continue
            known = reading in candidates or reading[:-1] + "5" in candidates
            if source in _AUTHORITATIVE or not (known or reading[-1] == "5"):
                wrong.append((self.plain[offset], reading, ours))
        return wrong

    def best_reading(self, offset: int, written: str) -> str:
        ours, source, _ = self.readings.get(offset, (written, None, ()))
        return ours if source in _AUTHORITATIVE or ours is None else written

    def annotation_for(
        self,
        start: int,
        end: int,
        tones: Tones,
        syllables: list[tuple[str, str]] | None = None,
    ) -> str:
        """``start:end`` of the plain text annotated word by word, keeping the annotator's
        readings (``syllables``) where they fit and the lexicon does not contradict them."""
        parts = []
        for token in self.tokens_between(start, end):
            lo, hi = max(token.start, start), min(token.end, end)
            if lo >= hi:
                continue
            readings = []
            for offset in range(lo, hi):
                theirs = syllables[offset - start][1] if syllables else None
                ours = self.readings.get(offset, (None, None, ()))[0]
                readings.append(self.best_reading(offset, theirs) if theirs else ours)
            word = self.plain[lo:hi]
            if all(readings):
                parts.append(f"{word}({_written(readings, tones)})")  # type: ignore[arg-type]
            else:
                parts.append(word)
        return "".join(parts)

    def written_for(self, start: int, end: int, tones: Tones) -> str:
        readings = [self.readings.get(offset, (None, None, ()))[0] for offset in range(start, end)]
        return _written([r for r in readings if r], tones)


def _readings_by_offset(
    document: Document,
) -> dict[int, tuple[str, Source | None, tuple[str, ...]]]:
    table = {}
    for token in document.tokens:
        for syllable in token.syllables:
            if syllable.reading:
                table[syllable.offset] = (syllable.reading, syllable.source, syllable.candidates)
    return table


def _spoken(syllables: list[tuple[str, str]]) -> list[str | None]:
    """The written readings, None for an erhua 儿 (written as an r, no syllable of its own)."""
    return [reading if piece else None for piece, reading in syllables]


class _Splitter:
    """Splits written letters into one syllable per character of a span of the plain text
    that ends at ``end`` (an erhua syllable covers its 儿 too), each a reading the character
    can have.  Spans that start further left share their tails, so what a tail gives is
    remembered: trying every start costs the letters times the characters, not more."""

    def __init__(
        self, letters: str, plain: str, end: int, candidates: list[set[str]], first: int
    ) -> None:
        self.letters = letters
        self.plain = plain
        self.end = end
        self.candidates = candidates  # of the characters from ``first`` to ``end``
        self.first = first
        self.tails: dict[tuple[int, int], list[tuple[str, str]] | None] = {}
        self.syllables: dict[int, list[tuple[int, str]]] = {}

    def split(self, start: int) -> list[tuple[str, str]] | None:
        return self._walk(0, start)

    def _walk(self, position: int, offset: int) -> list[tuple[str, str]] | None:
        key = (position, offset)
        if key not in self.tails:
            self.tails[key] = self._split_tail(position, offset)
        return self.tails[key]

    def _split_tail(self, position: int, offset: int) -> list[tuple[str, str]] | None:
        letters = self.letters
        if offset == self.end:
            return [] if position == len(letters) else None
        for stop, reading in self._syllables_at(position):
            body = reading[:-1]
            next_is_er = offset + 1 < self.end and self.plain[offset + 1] == "儿"
            erhua = body.endswith("r") and body != "er" and next_is_er
            if erhua:  # 点儿 written diǎnr: 点 is dian, and 儿 the neutral er
                body, reading = body[:-1], body[:-1] + reading[-1]
            if body not in self.candidates[offset - self.first]:
                continue
            rest = self._walk(stop, offset + (2 if erhua else 1))
            if rest is not None:
                pieces = [(letters[position:stop], reading)]
                return pieces + ([("", "er5")] if erhua else []) + rest
        return None

    def _syllables_at(self, position: int) -> list[tuple[int, str]]:
        """(end, reading) of each syllable the letters from ``position`` can start with,
        longest first."""
        if position not in self.syllables:
            found = []
            for stop in range(min(len(self.letters), position + 8), position, -1):
                reading = _reading_of(self.letters[position:stop].strip("'’- "))
                if reading is not None:
                    found.append((stop, reading))
            self.syllables[position] = found
        return self.syllables[position]


@functools.lru_cache(maxsize=65536)  # the same few thousand pieces come back in every word
def _reading_of(piece: str) -> str | None:
    """The numbered reading of one written syllable, or None when it is not one."""
    try:
        return parse_marked(piece)
    except ValueError:
        return None


_SEPARATORS = ("'", "’", "-", " ")


def _needs_apostrophe(syllables: list[tuple[str, str]]) -> bool:
    """A syllable that starts with a, o or e follows another with nothing between them."""
    for (previous, _), (piece, _) in itertools.pairwise(syllables):
        if (
            not piece
            or not previous
            or previous.endswith(_SEPARATORS)
            or piece.startswith(_SEPARATORS)
        ):
            continue
        starts_with_vowel = unicodedata.normalize("NFD", piece)[0].lower() in "aoe"
        if starts_with_vowel and not previous[-1].isdigit():  # tone digits already separate
            return True
    return False


def _style_of(written: str) -> Tones:
    if any(char.isdigit() for char in written):
        return Tones.NUMBERS
    return Tones.NONE if _is_toneless(written) else Tones.MARKS


def _is_toneless(written: str) -> bool:
    """No tone marks and no tone digits (a marked word of neutral syllables reads the same)."""
    decomposed = unicodedata.normalize("NFD", written)
    return not any(char.isdigit() or char in "\u0304\u0301\u030c\u0300" for char in decomposed)


def _written(readings: list[str], tones: Tones) -> str:
    return spell_word(readings, tones)
