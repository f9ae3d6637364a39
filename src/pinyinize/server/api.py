"""The JSON API: thin handlers over one shared Annotator.

Annotation runs in a small thread pool with a time limit, so that one slow request neither
blocks the event loop nor holds its client forever.  Requests that carry a user dictionary
(the web page's chosen readings) get an Annotator that shares the loaded lexicon; the few
distinct dictionaries in use are kept, since building the segmenter for one costs ~25 ms.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

import pinyinize
from pinyinize.check import check
from pinyinize.errors import InputError
from pinyinize.pipeline import Annotator
from pinyinize.render import Format
from pinyinize.render.words import pieces
from pinyinize.select import Selector, parse_selection
from pinyinize.spell import Tones, spell, spell_word
from pinyinize.tones import Mode
from pinyinize.types import Syllable

__all__ = ["AnnotatorPool", "RequestTimeout", "router"]

T = TypeVar("T")
MAX_USER_WORDS = 1000
MAX_WORD_LENGTH = 32
MAX_ALTERNATIVES = 24  # readings offered for one word (the product of its characters')


class RequestTimeout(Exception):
    """The work for one request ran past the time limit."""


class AnnotatorPool:
    """The shared Annotator, its variants with user dictionaries, and the worker threads."""

    def __init__(self, annotator: Annotator, timeout: float, threads: int = 4) -> None:
        self.annotator = annotator
        self.timeout = timeout
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="pinyinize")
        self._with_words = functools.lru_cache(maxsize=64)(self._build)

    def for_words(self, user_dict: Mapping[str, str]) -> Annotator:
        """The shared Annotator, or one that also knows ``user_dict`` (built once per dict)."""
        if not user_dict:
            return self.annotator
        return self._with_words(tuple(sorted(user_dict.items())))

    def _build(self, items: tuple[tuple[str, str], ...]) -> Annotator:
        return Annotator(user_dict=dict(items), lexicon=self.annotator.lexicon)

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``function`` on a worker thread; RequestTimeout when it takes too long.

        A thread cannot be killed: one that overruns finishes in the background, and the
        bounded pool makes later requests wait (and time out) rather than pile up threads.
        """
        loop = asyncio.get_running_loop()
        call = functools.partial(function, *args, **kwargs)
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._threads, call), self.timeout)
        except asyncio.TimeoutError:
            raise RequestTimeout(f"the request took longer than {self.timeout:g} s") from None

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)


def _pool(request: Request) -> AnnotatorPool:
    pool: AnnotatorPool = request.app.state.pool
    return pool


Pool = Annotated[AnnotatorPool, Depends(_pool)]


def _no_lone_surrogates(value: str) -> str:
    """JSON can spell half a surrogate pair (\\ud800); such text cannot be answered in UTF-8."""
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise ValueError("text contains a lone surrogate (\\ud800-\\udfff), not Unicode text")
    return value


class _Strict(BaseModel):
    """Unknown fields are errors: a misspelt option must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class StyleOptions(_Strict):
    tones: Tones = Field(Tones.MARKS, description="marks, numbers, none, zhuyin, ...")
    mode: Mode = Field(Mode.DICTIONARY, description="dictionary, textbook or spoken")


class UserWords(_Strict):
    user_dict: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_USER_WORDS,
        description="word → pinyin readings that win over everything else",
        examples=[{"银行": "yínháng"}],
    )


class AnnotateOptions(StyleOptions, UserWords):
    text: str = Field(description="the text to annotate", examples=["两岸的银行行长长大了"])
    per_character: bool = False
    orthography: bool = False
    select: str = Field("all", description="all, polyphones, level:N, chars:N, rare, first")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _no_lone_surrogates(value)

    @field_validator("select")
    @classmethod
    def _select(cls, value: str) -> str:
        parse_selection(value)  # its ValueError names the criterion it does not know
        return value


class AnnotateRequest(AnnotateOptions):
    format: Format = Field(Format.INLINE, description="inline, ruby, json or pinyin")
    force: bool = Field(False, description="annotate inline text that is already annotated")


class AnnotateResponse(BaseModel):
    format: Format
    result: str | dict[str, Any] = Field(description="the output; an object for format json")


class Piece(BaseModel):
    text: str
    start: int = Field(description="offset of the piece in the text, in code points")
    pinyin: str | None = Field(description="the pinyin written over it; null when left bare")
    syllables: list[str] = Field(description="one spelling per character, for per-character")


class PiecesResponse(BaseModel):
    pieces: list[Piece]


class StripRequest(_Strict):
    text: str
    format: Literal["inline", "ruby", "json"] = "inline"

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _no_lone_surrogates(value)


class StripResponse(BaseModel):
    text: str


class CheckRequest(_Strict):
    text: str = Field(examples=["银行(yínxíng)"])

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _no_lone_surrogates(value)


class CheckResponse(BaseModel):
    problems: list[dict[str, Any]]


class ReadingsQuery(StyleOptions):
    word: str = Field(min_length=1, max_length=MAX_WORD_LENGTH, examples=["行长"])
    context: str | None = Field(None, description="the text the word is in")
    start: int | None = Field(None, ge=0, description="the word's offset in context")

    @field_validator("word", "context")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return value if value is None else _no_lone_surrogates(value)


class ReadingsRequest(ReadingsQuery, UserWords):
    pass


class CharacterReadings(BaseModel):
    char: str
    candidates: list[str]


class WordReading(BaseModel):
    pinyin: str
    readings: list[str]


class ReadingsResponse(BaseModel):
    word: str
    start: int
    current: WordReading | None = Field(description="the reading it has in context, in mode")
    candidates: list[WordReading] = Field(
        description="readings to choose from, one citation reading per character: the one "
        "in context first (before the mode's tone rules), then the lexicon's, then others"
    )
    characters: list[CharacterReadings]


class Health(BaseModel):
    status: Literal["ok"]
    version: str


router = APIRouter(prefix="/api")


@router.get("/health")
async def health() -> Health:
    """Answers without touching the Annotator (for load balancers and start-up checks)."""
    return Health(status="ok", version=pinyinize.__version__)


@router.post("/annotate")
async def annotate(body: AnnotateRequest, pool: Pool) -> AnnotateResponse:
    """Annotate text in any format the library has (json comes back as an object)."""
    annotator = await pool.run(pool.for_words, body.user_dict)
    result = await pool.run(
        annotator.annotate,
        body.text,
        format=body.format,
        tones=body.tones,
        mode=body.mode,
        per_character=body.per_character,
        orthography=body.orthography,
        select=body.select,
        force=body.force,
    )
    if body.format is Format.JSON:
        return AnnotateResponse(format=body.format, result=_json_object(result))
    return AnnotateResponse(format=body.format, result=result)


def _json_object(text: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(text)
    return value


@router.post("/pieces")
async def annotate_pieces(body: AnnotateOptions, pool: Pool) -> PiecesResponse:
    """The text cut into words and bare stretches with their offsets: what the page shows."""
    annotator = await pool.run(pool.for_words, body.user_dict)
    return await pool.run(_pieces, annotator, body)


def _pieces(annotator: Annotator, body: AnnotateOptions) -> PiecesResponse:
    # One document (not the chunks annotate uses) so that offsets count from the start.
    document = annotator.analyze(body.text, mode=body.mode)
    document = Selector(annotator.lexicon, parse_selection(body.select))(document, set())
    result: list[Piece] = []
    start = 0
    for piece in pieces(document, body.tones, body.orthography):
        result.append(
            Piece(
                text=piece.text, start=start, pinyin=piece.pinyin, syllables=list(piece.syllables)
            )
        )
        start += len(piece.text)
    return PiecesResponse(pieces=result)


@router.post("/strip")
async def strip(body: StripRequest, pool: Pool) -> StripResponse:
    """Remove pinyin annotations, giving back the plain text."""
    return StripResponse(text=await pool.run(pool.annotator.strip, body.text, format=body.format))


@router.post("/check")
async def check_annotations(body: CheckRequest, pool: Pool) -> CheckResponse:
    """Problems with the annotations already in the text, each with a fix."""
    problems = await pool.run(check, pool.annotator, body.text)
    return CheckResponse(problems=[problem.as_dict() for problem in problems])


@router.get("/readings")
async def readings_get(query: Annotated[ReadingsQuery, Query()], pool: Pool) -> ReadingsResponse:
    """The readings a word has in context and the ones it could have."""
    return await pool.run(_readings, pool.annotator, query)


@router.post("/readings")
async def readings_post(body: ReadingsRequest, pool: Pool) -> ReadingsResponse:
    """The readings a word has in context and the ones it could have."""
    annotator = await pool.run(pool.for_words, body.user_dict)
    return await pool.run(_readings, annotator, body)


def _readings(annotator: Annotator, body: ReadingsQuery) -> ReadingsResponse:
    context = body.context if body.context is not None else body.word
    start = body.start if body.start is not None else context.find(body.word)
    end = start + len(body.word)
    if start < 0 or context[start:end] != body.word:
        where = "in the context" if body.start is None else f"at offset {start} of the context"
        raise InputError(f"the word {body.word!r} is not {where}")
    span = _syllables(annotator, context, start, end, body.mode)
    per_char = [
        s.candidates if s is not None else annotator.lexicon.candidates(char)
        for char, s in zip(body.word, span, strict=True)
    ]
    current = None
    if all(s is not None and s.complete for s in span):
        current = _word_reading([s.reading for s in span if s and s.reading], body.tones)
    # Alternatives are citation readings, one per character, as a user dictionary holds them
    # (the mode's tone rules and erhua apply on top): the dictionary-mode analysis gives them.
    if body.mode is not Mode.DICTIONARY:
        span = _syllables(annotator, context, start, end, Mode.DICTIONARY)
    base = [s.reading if s is not None and s.reading else "" for s in span]
    return ReadingsResponse(
        word=body.word,
        start=start,
        current=current,
        candidates=_alternatives(annotator, body.word, per_char, base, body.tones),
        characters=[
            CharacterReadings(char=char, candidates=[spell(r, body.tones) for r in readings])
            for char, readings in zip(body.word, per_char, strict=True)
        ],
    )


def _syllables(
    annotator: Annotator, context: str, start: int, end: int, mode: Mode
) -> list[Syllable | None]:
    """The syllables of context[start:end] (None for a character that has none)."""
    document = annotator.analyze(context, mode=mode)
    syllables = {s.offset: s for token in document.tokens for s in token.syllables}
    return [syllables.get(offset) for offset in range(start, end)]


def _word_reading(readings: list[str], tones: Tones) -> WordReading:
    return WordReading(pinyin=spell_word(readings, tones), readings=readings)


def _alternatives(
    annotator: Annotator,
    word: str,
    per_char: list[tuple[str, ...]],
    base: list[str],
    tones: Tones,
) -> list[WordReading]:
    """The reading in context, the lexicon's, then that one with one character read otherwise.

    One change at a time keeps the list short and meaningful (every combination of 家庭教育's
    readings is 40 strings, most of them nonsense); a second change is a second pick.
    """
    entry = annotator.lexicon.word(word)
    first = [base] if all(base) else []
    if entry is not None and entry.readings and len(entry.readings) == len(word):
        first.append(list(entry.readings))
    changed = (
        [*base[:i], reading, *base[i + 1 :]]
        for i, readings in enumerate(per_char)
        for reading in readings
    )
    seen: set[tuple[str, ...]] = set()
    result: list[WordReading] = []
    for readings in itertools.chain(first, changed if all(base) else ()):
        if len(result) == MAX_ALTERNATIVES:
            break
        if tuple(readings) not in seen:
            seen.add(tuple(readings))
            result.append(_word_reading(readings, tones))
    return result
