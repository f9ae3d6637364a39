"""The ASGI application: the JSON API under /api, the web page at /, worker processes.

The event loop serves the page, the health check and the bytes of each request; the work
runs in a pool of worker processes, each with its own Annotator (see ``workers``).

Errors are JSON objects with an ``error`` message and the status says whose fault it is:
400 for input the library refuses (already annotated, not UTF-8, a bad user dictionary),
413 for a body or a response over its size limit, 422 for a request that does not match the
API (bad JSON, unknown option, wrong type), 503 when the work runs past the time limit (its
worker is stopped and replaced) or every worker stays busy that long.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

import pinyinize
from pinyinize.errors import PinyinizeError
from pinyinize.pipeline import Annotator
from pinyinize.server.api import describe, handle, router
from pinyinize.server.limits import GuardMiddleware
from pinyinize.server.workers import (
    AnnotatorFactory,
    RequestTimeout,
    WorkerFailed,
    WorkerPool,
    WorkerSettings,
)

__all__ = ["Limits", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"


def _default_workers() -> int:
    """One per core, at least two (so that one long request never holds up all others) and
    at most four (each holds what it has touched of a ~200 MB Annotator)."""
    return min(4, max(2, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may cost (body, response, seconds of work) and how many workers.

    ``user_dict_bytes`` bounds the parsed user dictionaries each worker keeps.
    """

    max_body_bytes: int = 1_000_000  # about 330,000 Han characters of JSON
    timeout: float = 10.0
    workers: int = field(default_factory=_default_workers)
    max_response_bytes: int = 10_000_000  # format json writes ~180 bytes per Han character
    user_dict_bytes: int = 8_000_000


def create_app(
    annotator_factory: AnnotatorFactory | None = None, limits: Limits | None = None
) -> FastAPI:
    """The application; its workers start with it (or with the first request).

    ``annotator_factory`` builds each worker's Annotator (a picklable callable such as a
    class); by default the workers share one already loaded default Annotator.  As in any
    program that starts processes, a script that serves the app starts it under
    ``if __name__ == "__main__":`` (the workers import the main module).
    """
    if isinstance(annotator_factory, Annotator):
        raise TypeError("pass a factory such as a class, not an Annotator: workers build their own")
    limits = limits or Limits()
    settings = WorkerSettings(limits.max_response_bytes, limits.user_dict_bytes)
    pool = WorkerPool(limits.workers, limits.timeout, settings, handle, annotator_factory)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await pool.start()  # the lexicon and the model are loaded before serving
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

    @app.exception_handler(WorkerFailed)
    async def failed(_request: Request, error: WorkerFailed) -> JSONResponse:
        response = _error(503, f"{error}; try again")
        response.headers["retry-after"] = "1"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [describe(item) for item in error.errors()]
        return _error(422, "; ".join(problems), problems=problems)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        return _error(error.status_code, str(error.detail), detail=error.detail)
