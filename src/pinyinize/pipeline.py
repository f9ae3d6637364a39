"""The Annotator: builds the pipeline once and runs text through it.

scan → segment → look up → disambiguate → [numbers] → tone rules (per mode) → select →
spell + render.  The numbers stage (:mod:`pinyinize.numbers`) runs only when asked
(``numbers=True``): it reads digits and symbols in the non-Han tokens as spoken Chinese.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pinyinize.annotations import (
    CharReadings,
    NumberReadings,
    find_inline_annotations,
    strip_inline,
    strip_json,
    strip_ruby,
)
from pinyinize.disambiguate import Disambiguator
from pinyinize.errors import InputError
from pinyinize.lexicon import Lexicon
from pinyinize.lookup import LookUp
from pinyinize.options import AnnotationOptions, Format, Mode, Tones
from pinyinize.render import render
from pinyinize.render.pieces import Piece, pieces
from pinyinize.scan import HAN_RANGES, refuse_lone_surrogates, scan
from pinyinize.segment import Segmenter
from pinyinize.select import Selector
from pinyinize.spell import spell_into
from pinyinize.token_table import TokenTableBuilder, TokenValues
from pinyinize.tone_rules import ToneRules
from pinyinize.types import Document
from pinyinize.userdict import read_user_dictionary, spellings_written

if TYPE_CHECKING:
    from pinyinize.numbers import NumberReader

__all__ = ["Annotator", "Stage", "split_into_chunks"]

Stage = Callable[[Document], Document]
# User words must beat any segmentation the lexicon prefers, so they count as very frequent.
_USER_WORD_FREQUENCY = 10**9
_DEFAULTS = AnnotationOptions()


# Long input is analysed a piece at a time so that memory stays flat: pieces end at line
# breaks, else after sentence punctuation, else after any other non-Han character.  A piece
# is never cut inside a Han run shorter than the limit, so words are never cut.  Pieces of a
# few thousand characters keep the objects alive at once few enough that the garbage
# collector's full passes stay cheap (half the collection time of 10,000-character pieces on
# a long text); the model then sees a sentence end where a piece ends, which changed 2 of
# 322,374 readings of CPP test as one text.
CHUNK_LIMIT = 2_000
_BREAKS = (re.compile(r"\n"), re.compile(r"[。！？；!?;…]"), re.compile(rf"[^{HAN_RANGES}]"))


def split_into_chunks(text: str, limit: int = CHUNK_LIMIT) -> Iterator[str]:
    """Cut ``text`` into pieces of about ``limit`` characters that join back into ``text``."""
    start = 0
    while len(text) - start > limit:
        end = _break_before(text, start, start + limit)
        yield text[start:end]
        start = end
    if start < len(text) or not text:
        yield text[start:]


def _break_before(text: str, start: int, stop: int) -> int:
    for pattern in _BREAKS:
        last = None
        for last in pattern.finditer(text, start, stop):  # noqa: B007 - we want the last one
            pass
        if last is not None and last.end() > start:
            return last.end()
    return stop  # a Han run longer than the limit: cut it (only its segmentation can suffer)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector waits while a piece is analysed and its tokens read.

    The stages build thousands of tokens and syllables (named tuples, which it always
    tracks) that live until the next stage has copied them, and the last stage's until the
    caller has read them: collections in the middle of a piece walked them again and again
    and moved them into the old generation, whose full collections took a sixth of a long
    text's time; and a collection just after the stages, while the caller still held the
    piece's tokens, walked them all once more (a twentieth of the time).  Once the caller
    has read them they are gone (freed by reference counting), and the collection that
    follows finds little to walk.  The stages make no reference cycles, so nothing waits
    for a collector meanwhile."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:  # as it was: a caller that turned it off keeps it off
            gc.enable()


def _require_text(text: object) -> None:
    """The one check at every entrance: a str, and one that holds only characters."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    refuse_lone_surrogates(text)


def _default_disambiguator(lexicon: Lexicon) -> Disambiguator:
    from pinyinize.disambiguate.model import ContextModel  # imports numpy: only when used

    return ContextModel(lexicon=lexicon)  # the frequency prior decides what it does not


class Annotator:
    """Loads the lexicon and builds the stages on first use; reuse one instance.

    ``user_dict`` is a TSV path or a ``{word: pinyin}`` mapping whose readings win over
    everything else; ``disambiguator`` replaces the context model (for example with
    ``FrequencyPrior()``).  How to annotate is given per call (:class:`AnnotationOptions`).
    """

    def __init__(
        self,
        *,
        lexicon: Lexicon | None = None,
        user_dict: str | Path | Mapping[str, str] | None = None,
        disambiguator: Disambiguator | None = None,
    ) -> None:
        # The user dictionary is read now so that its errors surface at construction.
        self._user_words = read_user_dictionary(user_dict) if user_dict is not None else {}
        self._set_user_spellings(getattr(self._user_words, "spellings", {}))
        # Characters a user word reads: looked up for every group that strip considers.
        self._user_chars = frozenset("".join(self._user_words))
        self._lexicon = lexicon
        self._disambiguator = disambiguator
        self._stages: dict[str, Stage] | None = None
        self._number_reader: NumberReader | None = None
        # Built on first use, and handed on by with_user_words (the syllables of numbers
        # depend on the lexicon only): so a plain attribute, not a cached_property like
        # _reads_char, which depends on this annotator's user words.
        self._number_readings: NumberReadings | None = None
        self._tone_rules = {mode: ToneRules(mode, lexicon) for mode in Mode}
        # The distinct strings and tuples that analyze()'s token tables index, kept for all.
        self._token_values = TokenValues()

    def with_user_words(self, words: Mapping[str, tuple[str, ...]]) -> Annotator:
        """An Annotator that also knows ``words`` (as :func:`read_user_dictionary` gives them).

        It shares this one's lexicon and disambiguator (the model); only its
        segmenter and look-up are its own, so it is cheap to build (the server builds one
        per request that carries a user dictionary).  Other replaced stages are not shared.
        """
        derived = Annotator(lexicon=self.lexicon)
        derived._number_readings = self._number_readings  # the same lexicon's
        derived._token_values = self._token_values
        derived._user_words = {**self._user_words, **words}
        derived._set_user_spellings(
            {
                **{w: s for w, s in self._user_spellings.items() if w not in words},
                **getattr(words, "spellings", {}),
            }
        )
        derived._user_chars = frozenset("".join(derived._user_words))
        derived._stages = derived._build_stages(self.stages["disambiguate"])
        return derived

    def _set_user_spellings(self, spellings: Mapping[str, str]) -> None:
        """The user's own spellings of words (see :class:`UserDictionary`), and every way
        annotate writes them, which strip must take as annotations."""
        self._user_spellings = dict(spellings)
        self._spellings_written = spellings_written(spellings)

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon.default()
        return self._lexicon

    @property
    def stages(self) -> dict[str, Stage]:
        """The named stages, in order (built on first use)."""
        if self._stages is None:
            disambiguate = self._disambiguator or _default_disambiguator(self.lexicon)
            self._stages = self._build_stages(disambiguate)
        return self._stages

    def _build_stages(self, disambiguate: Stage) -> dict[str, Stage]:
        extra = {word: _USER_WORD_FREQUENCY for word in self._user_words}
        return {
            "scan": lambda document: scan(document.text),
            "segment": Segmenter(self.lexicon, extra),
            "look_up": LookUp(self.lexicon, self._user_words),
            "disambiguate": disambiguate,
        }

    @property
    def number_reader(self) -> NumberReader:
        """The numbers stage, run after the others when ``numbers`` is asked for."""
        if self._number_reader is None:
            from pinyinize.numbers import NumberReader  # its patterns: only when asked for

            lexicon = self.lexicon
            self._number_reader = NumberReader(lexicon.word_readings, lexicon.candidates)
        return self._number_reader

    def reads_number(self, written: str) -> bool:
        """Whether ``written``, a group right after a number (``5(wǔ)``), can be a number's
        reading: whether each of its syllables, whatever its tone, is one the numbers stage
        can say (see :class:`pinyinize.annotations.NumberReadings`).  Strip, the "already
        annotated" refusal and check ask this, so that ``图5(a)`` and ``条款3(e)`` are text."""
        if self._number_readings is None:
            self._number_readings = NumberReadings(self._number_syllables())
        return self._number_readings(written)

    def _number_syllables(self) -> set[str]:
        """The toneless syllables of the words that spoken numbers are made of, as the
        lexicon reads them (every reading of each character, and the word's own reading):
        what the numbers stage can write, in any mode."""
        from pinyinize.numbers import spoken_words  # only once a group follows a number

        readings: set[str] = set()
        for word in spoken_words():
            readings.update(self.lexicon.word_readings(word) or ())
            for char in word:
                readings.update(self.lexicon.candidates(char))
        return {reading[:-1] for reading in readings}

    def replace_stage(self, name: str, stage: Stage) -> None:
        """Swap one stage for another callable ``Document -> Document``."""
        if name not in self.stages:
            raise KeyError(f"no stage {name!r}; stages: {list(self.stages)}")
        self.stages[name] = stage

    def analyze(
        self, text: str, *, mode: Mode | str = Mode.DICTIONARY, numbers: bool = False
    ) -> Document:
        """Run the pipeline and return the document with every token's readings.

        ``mode`` chooses the reading convention (see :mod:`pinyinize.tone_rules`): citation and
        lexical neutral tones (``dictionary``), 一/不 changes and erhua (``textbook``), all of
        speech (``spoken``), or citation tones without lexical neutral tones (``citation``).
        With ``numbers``, digits and symbols are read too (see :mod:`pinyinize.numbers`).
        """
        _require_text(text)
        tone_rules = self._tone_rules[Mode(mode)]
        # Piece by piece, like readings(): each piece's intermediates (features, candidate
        # lattices, the stages' copies of the tokens) are freed before the next one, so only
        # the final tokens grow with the text, and those in columns (a TokenTable: a few
        # dozen bytes a token, where named tuples took hundreds).  Pieces end at sentence
        # ends, so the tone rules still see whole phrases.
        table = TokenTableBuilder(text, self._token_values)
        by = 0  # where the piece starts in the text
        for piece in split_into_chunks(text):
            with _collector_paused():
                table.extend(self._analyze_piece(piece, tone_rules, numbers).tokens, by)
            by += len(piece)
        return self._with_user_spellings(Document(text, table.build()))

    def _analyze_piece(self, text: str, tone_rules: ToneRules, numbers: bool = False) -> Document:
        """One piece through the stages; callers run it under ``_collector_paused``."""
        document = Document(text)
        for name, stage in self.stages.items():
            document = stage(document)
            if not isinstance(document, Document):
                kind = type(document).__name__
                raise TypeError(f"stage {name!r} returned {kind}, not Document")
        if numbers:
            document = self.number_reader(document)
        return tone_rules(document)

    def _with_user_spellings(self, document: Document) -> Document:
        """The document with the user's own spellings of words, for the renderers."""
        if not self._user_spellings:
            return document
        return document._replace(spellings=self._user_spellings)

    def readings(
        self,
        text: str,
        *,
        tones: Tones | str = Tones.NUMBERS,
        mode: Mode | str = Mode.DICTIONARY,
        numbers: bool = False,
    ) -> list[str | None]:
        """One entry per input character: its reading, or None when it is not read as Han
        (or is an erhua 儿 merged into the syllable before it in textbook and spoken modes).

        With ``numbers``, a number read digit by digit gives each of its characters its own
        syllable (2024 → er4 ling2 er4 si4); any other number puts its whole reading, the
        syllables separated by spaces, on its first character and None on the others
        (12.5% → "bai3 fen1 zhi1 shi2 er4 dian3 wu3", None, None, None, None).
        """
        _require_text(text)  # here too: offsets in errors count from the start of the text
        style = Tones(tones)
        result: list[str | None] = []
        tone_rules = self._tone_rules[Mode(mode)]
        for chunk in split_into_chunks(text):
            readings: list[str | None] = [None] * len(chunk)
            with _collector_paused():
                spell_into(readings, self._analyze_piece(chunk, tone_rules, numbers).tokens, style)
            result.extend(readings)
        return result

    def annotate(
        self,
        text: str,
        options: AnnotationOptions | None = None,
        *,
        seen: set[str] | None = None,
        **overrides: Any,
    ) -> str:
        """Annotate ``text`` as ``options`` say (see :class:`AnnotationOptions`), with
        ``overrides`` by field name: ``annotate(text, format="ruby", select="level:4")``.

        The format is inline, ruby, json or pinyin (inline when None).  Inline annotation of
        text that is already annotated raises InputError unless ``force``: see
        :meth:`refuse_annotated`.  ``seen`` carries the words annotated so far across calls,
        so that the selection's ``first`` means the first occurrence in a whole document
        given a piece at a time (HTML text nodes, subtitle cues); a fresh set when None.
        """
        _require_text(text)
        options = (options or _DEFAULTS).replace(**overrides)
        kind = options.format or Format.INLINE
        if kind is Format.INLINE and not options.force:
            self.refuse_annotated(text)
        select = Selector(self.lexicon, options.selection)
        rendering = options.render_options
        words_seen = set() if seen is None else seen  # for the selection's `first`

        def written(piece: str) -> str:
            analysed = self.analyze(piece, mode=options.mode, numbers=options.numbers)
            document = select(analysed, words_seen)
            return render(document, kind, rendering)

        if kind is Format.JSON:  # one document: offsets count from the start of the text
            return written(text)
        return "".join(map(written, split_into_chunks(text)))

    def pieces(
        self, text: str, options: AnnotationOptions | None = None, **overrides: Any
    ) -> list[Piece]:
        """The words and bare stretches of ``text`` with the pinyin written over each, in
        order, as the renderers see them (one document: nothing is refused, format and
        ``force`` do not matter)."""
        options = (options or _DEFAULTS).replace(**overrides)
        document = self.analyze(text, mode=options.mode, numbers=options.numbers)
        selected = Selector(self.lexicon, options.selection)(document, set())
        return list(pieces(selected, options.tones, options.orthography))

    def strip(self, text: str, *, format: Format | str = Format.INLINE) -> str:
        """Remove pinyin annotations (ours or another tool's, doubled ones included) and give
        back the plain text: ``strip(annotate(x)) == x`` for any ``x`` that annotate takes."""
        _require_text(text)
        kind = Format(format)
        if kind is Format.RUBY:
            return strip_ruby(text)
        if kind is Format.JSON:
            original = strip_json(text)
            refuse_lone_surrogates(original)  # a JSON escape can hold one: annotate never wrote it
            return original
        if kind is Format.INLINE:
            return strip_inline(
                text,
                self._has_reading,
                self._spellings_written,
                self.reads_number,
                self._reads_char,
            )
        raise InputError("the pinyin format drops the text; it cannot be stripped")

    def find_annotations(self, text: str) -> list[tuple[int, str]]:
        """Offsets and texts of inline pinyin annotations already in ``text`` (``好(hǎo)``)."""
        _require_text(text)
        found = find_inline_annotations(
            text, self._has_reading, self._spellings_written, self.reads_number, self._reads_char
        )
        return [(m.start(), m.group()) for m in found]

    def refuse_annotated(self, text: str) -> None:
        """Raise InputError when ``text`` already has inline pinyin annotations.

        Annotating it again would double them (the seed article's 精神(jīngshén)(jīngshén)),
        and stripping could no longer tell its annotations from ours.
        """
        found = self.find_annotations(text)
        if found:
            offset, annotation = found[0]
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            raise InputError(
                f"{line}:{column}: already annotated ({text[offset - 1]}{annotation}, "
                f"{len(found)} in all); strip the annotations first, or force"
            )

    def _has_reading(self, char: str) -> bool:
        return char in self._user_chars or bool(self.lexicon.candidates(char))

    @functools.cached_property
    def _reads_char(self) -> CharReadings:
        """Which groups can annotate a character (a list marker after one is text)."""
        return CharReadings(self._readings_of_char)

    def _readings_of_char(self, char: str) -> tuple[str, ...]:
        # A character a user word reads may be read as the user wrote it: no check.
        return () if char in self._user_chars else self.lexicon.candidates(char)
