"""The JSON API: request models, the work for each endpoint, and the routes that forward.

The routes run in the service's event loop and only forward: a request's raw body (or its
validated query) goes to a worker process (:mod:`pinyinize.server.workers`), where
:func:`handle` parses and validates it, does the work and writes the JSON reply, whose size
is bounded.  So no CPU-heavy step, parsing a 1 MB body included, ever runs on the loop.
Requests that carry a user dictionary get an Annotator that shares the worker's lexicon and
model (:class:`pinyinize.server.service.Service`).
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

import pinyinize
from pinyinize.alternatives import word_readings
from pinyinize.check import check
from pinyinize.errors import PinyinizeError
from pinyinize.formats import annotate_document
from pinyinize.options import AnnotationOptions, Format, Mode, Tones, parse_selection
from pinyinize.scan import HAN_RANGES
from pinyinize.server.service import Service
from pinyinize.server.workers import Reply, WorkerPool

__all__ = ["annotation_options", "describe", "error_body", "handle", "router"]

MAX_USER_WORDS = 1000
MAX_WORD_LENGTH = 32
# format json writes an object of ~130 bytes or more per Han character (a test holds it to
# this floor), ~200 bytes per character of Chinese text in all.
JSON_BYTES_PER_HAN = 100
_NOT_HAN = re.compile(f"[^{HAN_RANGES}]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def count_han(text: str) -> int:
    return len(_NOT_HAN.sub("", text))


def _no_lone_surrogates(value: str) -> str:
    """JSON can spell half a surrogate pair (\\ud800); such text cannot be answered in UTF-8."""
    if _SURROGATE.search(value):
        raise ValueError("text contains a lone surrogate (\\ud800-\\udfff), not Unicode text")
    return value


class _Strict(BaseModel):
    """Unknown fields are errors: a misspelt option must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class StyleOptions(_Strict):
    tones: Tones = Field(Tones.MARKS, description="marks, numbers, none, zhuyin, ...")
    mode: Mode = Field(Mode.DICTIONARY, description="dictionary, textbook, spoken or citation")


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
    force: bool = Field(False, description="annotate inline text that is already annotated")
    numbers: bool = Field(
        False, description="read numbers, dates, units and symbols: 12.5% bǎi fēn zhī shí'èr…"
    )

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
    fragment: bool = Field(
        True, description="ruby: the fragment alone; false: a whole styled HTML document"
    )


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


# --- the work, in a worker process ----------------------------------------------------------


def annotation_options(body: AnnotateOptions) -> AnnotationOptions:
    """How to annotate, as a request asks (its selection was checked when it was read)."""
    fields = {
        "format",
        "tones",
        "mode",
        "per_character",
        "orthography",
        "select",
        "force",
        "numbers",
    }
    return AnnotationOptions.parse(**body.model_dump(include=fields))


def _annotate(service: Service, body: AnnotateRequest) -> BaseModel | bytes:
    if body.format is Format.JSON:  # refuse at once what could only be refused at the end
        at_least = JSON_BYTES_PER_HAN * count_han(body.text)
        if at_least > service.max_response_bytes:
            raise ResponseTooLarge(at_least, service.max_response_bytes, at_least=True)
    annotator = service.annotator_for(body.user_dict)
    options = annotation_options(body)
    if body.format is Format.RUBY and not body.fragment:
        document = annotate_document(body.text.encode("utf-8"), annotator, options)
        return AnnotateResponse(format=body.format, result=document.decode("utf-8"))
    result = annotator.annotate(body.text, options)
    if body.format is Format.JSON:  # already JSON: spliced in, not parsed again
        return b'{"format":"json","result":' + result.encode("utf-8") + b"}"
    return AnnotateResponse(format=body.format, result=result)


def _pieces(service: Service, body: AnnotateOptions) -> PiecesResponse:
    annotator = service.annotator_for(body.user_dict)
    if not body.force:  # what annotate refuses, the page refuses with the same words
        annotator.refuse_annotated(body.text)
    result: list[Piece] = []
    start = 0
    for piece in annotator.pieces(body.text, annotation_options(body)):
        result.append(
            Piece(
                text=piece.text, start=start, pinyin=piece.pinyin, syllables=list(piece.syllables)
            )
        )
        start += len(piece.text)
    return PiecesResponse(pieces=result)


def _strip(service: Service, body: StripRequest) -> StripResponse:
    return StripResponse(text=service.annotator.strip(body.text, format=body.format))


def _check(service: Service, body: CheckRequest) -> CheckResponse:
    problems = check(service.annotator, body.text)
    return CheckResponse(problems=[problem.as_dict() for problem in problems])


def _readings(service: Service, body: ReadingsRequest) -> ReadingsResponse:
    annotator = service.annotator_for(body.user_dict)
    found = word_readings(
        annotator, body.word, body.context, body.start, tones=body.tones, mode=body.mode
    )
    return ReadingsResponse.model_validate(found, from_attributes=True)


Work = Callable[[Service, Any], "BaseModel | bytes"]
ENDPOINTS: dict[str, tuple[type[BaseModel], Work]] = {
    "annotate": (AnnotateRequest, _annotate),
    "pieces": (AnnotateOptions, _pieces),
    "strip": (StripRequest, _strip),
    "check": (CheckRequest, _check),
    "readings": (ReadingsRequest, _readings),
}


def handle(service: Service, endpoint: str, payload: bytes | dict[str, Any]) -> Reply:
    """The status and JSON body of one request: a raw JSON body, or a query's fields.

    Every refusal is a JSON 4xx: 422 for a request that does not match the API (bad JSON,
    nesting too deep, a wrong type, a huge number, a lone surrogate), 400 for input the
    library refuses, 413 for a reply over the service's ``max_response_bytes``.
    """
    model, work = ENDPOINTS[endpoint]
    where = "query" if isinstance(payload, dict) else "body"
    try:
        if isinstance(payload, dict):
            body = model.model_validate(payload)
        else:  # a UTF-8 byte order mark may start JSON text (RFC 8259): skip it
            body = model.model_validate_json(payload.removeprefix(b"\xef\xbb\xbf"))
        result = work(service, body)
    except ResponseTooLarge as error:
        return 413, error_body(str(error))
    except ValidationError as error:
        problems = [describe(item, where) for item in error.errors(include_url=False)]
        return 422, error_body("; ".join(problems), problems=problems)
    except PinyinizeError as error:
        return 400, error_body(str(error))
    except Exception as error:  # a bug: say so without a traceback to the client
        traceback.print_exc(file=sys.stderr)
        return 500, error_body(f"internal error ({type(error).__name__})")
    content = result if isinstance(result, bytes) else result.model_dump_json().encode("utf-8")
    if len(content) > service.max_response_bytes:
        return 413, error_body(str(ResponseTooLarge(len(content), service.max_response_bytes)))
    return 200, content


class ResponseTooLarge(Exception):
    def __init__(self, size: int, limit: int, at_least: bool = False) -> None:
        super().__init__(
            f"the response would be {'at least ' if at_least else ''}{size} bytes, over the "
            f"limit of {limit}; send less text at a time"
        )


def error_body(message: str, problems: list[str] | None = None) -> bytes:
    error = ErrorResponse(error=message, problems=problems)
    return error.model_dump_json(exclude_none=True).encode("utf-8")


def describe(item: Any, where: str = "") -> str:
    """``body.tones: Input should be 'marks', ...`` — where, then what."""
    location = item.get("loc", ())
    parts = [where, *map(str, location)] if where else [str(part) for part in location]
    path = ".".join(part for part in parts if part)
    message = str(item.get("msg", "invalid"))
    if item.get("type") == "extra_forbidden":
        message = "unknown option"
    elif item.get("type") == "json_invalid" and "escape" in message:
        # The JSON parser's words for "\ud800" (valid JSON, but half a surrogate pair).
        message += " (a \\u escape of a lone surrogate, \\ud800-\\udfff, is not Unicode text)"
    return f"{path}: {message}" if path else message


class ErrorResponse(BaseModel):
    error: str
    problems: list[str] | None = None


# --- the routes, in the event loop ---------------------------------------------------------

router = APIRouter(prefix="/api")


def _documented(model: type[BaseModel]) -> dict[str, Any]:
    """The request body's schema for /openapi.json (the route reads the raw body itself)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return inline(definitions[reference.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    content = {"application/json": {"schema": inline(schema)}}
    return {"requestBody": {"required": True, "content": content}}


async def _forward(request: Request, endpoint: str, payload: bytes | dict[str, Any]) -> Response:
    pool: WorkerPool = request.app.state.pool
    status, content = await pool.run(endpoint, payload)
    return Response(content, status_code=status, media_type="application/json")


@router.get("/health")
async def health() -> Health:
    """Answers without touching the workers (for load balancers and start-up checks)."""
    return Health(status="ok", version=pinyinize.__version__)


@router.post(
    "/annotate", response_model=AnnotateResponse, openapi_extra=_documented(AnnotateRequest)
)
async def annotate(request: Request) -> Response:
    """Annotate text in any format the library has (json comes back as an object)."""
    return await _forward(request, "annotate", await request.body())


@router.post("/pieces", response_model=PiecesResponse, openapi_extra=_documented(AnnotateOptions))
async def annotate_pieces(request: Request) -> Response:
    """The text cut into words and bare stretches with their offsets: what the page shows."""
    return await _forward(request, "pieces", await request.body())


@router.post("/strip", response_model=StripResponse, openapi_extra=_documented(StripRequest))
async def strip(request: Request) -> Response:
    """Remove pinyin annotations, giving back the plain text."""
    return await _forward(request, "strip", await request.body())


@router.post("/check", response_model=CheckResponse, openapi_extra=_documented(CheckRequest))
async def check_annotations(request: Request) -> Response:
    """Problems with the annotations already in the text, each with a fix."""
    return await _forward(request, "check", await request.body())


@router.get("/readings", response_model=ReadingsResponse)
async def readings_get(request: Request, query: Annotated[ReadingsQuery, Query()]) -> Response:
    """The readings a word has in context and the ones it could have."""
    # Validated here as well, so that /openapi.json lists the parameters; a query is small.
    return await _forward(request, "readings", query.model_dump(exclude_unset=True))


@router.post(
    "/readings", response_model=ReadingsResponse, openapi_extra=_documented(ReadingsRequest)
)
async def readings_post(request: Request) -> Response:
    """The readings a word has in context and the ones it could have."""
    return await _forward(request, "readings", await request.body())
