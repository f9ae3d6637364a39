"""The ASGI application: the JSON API under /api, the web page at /, one shared Annotator.

Errors are JSON objects with an ``error`` message and the status says whose fault it is:
400 for input the library refuses (already annotated, not UTF-8, a bad user dictionary),
413 for a body over the size limit, 422 for a request that does not match the API (unknown
option, wrong type), 503 when the work runs past the time limit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

import pinyinize
from pinyinize.errors import PinyinizeError
from pinyinize.pipeline import Annotator
from pinyinize.server.api import AnnotatorPool, RequestTimeout, router
from pinyinize.server.limits import GuardMiddleware

__all__ = ["Limits", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may cost: body size, seconds of work, worker threads in all."""

    max_body_bytes: int = 1_000_000  # about 330,000 Han characters of JSON
    timeout: float = 10.0
    threads: int = 4


def create_app(annotator: Annotator | None = None, limits: Limits | None = None) -> FastAPI:
    """The application around one Annotator (built now, its data loaded at start-up)."""
    limits = limits or Limits()
    pool = AnnotatorPool(annotator or Annotator(), limits.timeout, limits.threads)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await pool.run(pool.annotator.annotate, "银行")  # load the lexicon before serving
        yield
        pool.close()

    # No /docs or /redoc: they load scripts from a CDN (no network, and the CSP forbids it).
    app = FastAPI(
        title="pinyinize",
        version=pinyinize.__version__,
        description="Annotate Chinese text with Hanyu Pinyin.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pool = pool
    app.include_router(router)
    _add_error_handlers(app)
    _add_page(app)
    app.add_middleware(GuardMiddleware, max_body_bytes=limits.max_body_bytes)
    return app


def _add_page(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def _error(status: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PinyinizeError)
    async def refused(_request: Request, error: PinyinizeError) -> JSONResponse:
        return _error(400, str(error))

    @app.exception_handler(RequestTimeout)
    async def timed_out(_request: Request, error: RequestTimeout) -> JSONResponse:
        response = _error(503, f"{error}; send less text at a time")
        response.headers["retry-after"] = "1"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_describe(item) for item in error.errors()]
        return _error(422, "; ".join(problems), problems=problems)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        return _error(error.status_code, str(error.detail), detail=error.detail)


def _describe(item: dict[str, object]) -> str:
    """``body.tones: Input should be 'marks', ...`` — where, then what."""
    location = item.get("loc", ())
    where = ".".join(str(part) for part in location) if isinstance(location, tuple) else ""
    message = str(item.get("msg", "invalid"))
    if item.get("type") == "extra_forbidden":
        message = "unknown option"
    return f"{where}: {message}" if where else message
