"""The worker processes that do all of the service's CPU work, with a deadline that stops it.

Why processes: a thread cannot be stopped, and a thread running Python code holds the GIL
that the event loop needs to answer anyone else, so a request that ran long kept working
after its 503 and delayed ``/api/health`` by seconds.  Here the event loop only moves bytes:
it hands a request's raw body to an idle worker, which parses it, does the work and writes
the JSON response; a worker that runs past the deadline is killed and replaced.

Workers are forked from a fork server that has already loaded the lexicon and the model
(``pinyinize.server._preload``), so they start in milliseconds and share those pages.  A
custom ``annotator_factory`` (any picklable callable, such as a class) is called in each
worker instead.  A worker exits when the pipe to the service closes, so none outlives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from pinyinize.pipeline import Annotator

__all__ = ["RequestTimeout", "WorkerFailed", "WorkerPool", "WorkerSettings"]

AnnotatorFactory = Callable[[], Annotator]
Reply = tuple[int, bytes]  # HTTP status, JSON body
_READY = "ready"
_START_TIMEOUT = 120.0  # seconds a new worker may take to load its Annotator


class RequestTimeout(Exception):
    """The work for one request ran past the time limit (its worker was stopped)."""


class WorkerFailed(Exception):
    """A worker died while it worked on a request (killed from outside, out of memory)."""


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What a worker needs to know besides its Annotator."""

    max_response_bytes: int
    user_dict_bytes: int


def _serve(conn: Connection, factory: AnnotatorFactory | None, settings: WorkerSettings) -> None:
    """A worker's life: build the Annotator, then answer requests until the pipe closes."""
    from pinyinize.server.api import handle
    from pinyinize.server.service import Service

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the service, which stops us
    service = Service(_annotator(factory), settings.user_dict_bytes)
    conn.send(_READY)
    while True:
        try:
            endpoint, payload = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(handle(service, endpoint, payload, settings.max_response_bytes))


def _annotator(factory: AnnotatorFactory | None) -> Annotator:
    if factory is not None:
        return factory()
    # Imported by the fork server already (then this is free), or loaded here when it could
    # not preload it.
    from pinyinize.server._preload import ANNOTATOR

    return ANNOTATOR


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool:
    """``size`` worker processes; ``run`` gives a request to an idle one, within ``timeout``."""

    def __init__(
        self,
        size: int,
        timeout: float,
        settings: WorkerSettings,
        annotator_factory: AnnotatorFactory | None = None,
    ) -> None:
        self.size = size
        self.timeout = timeout
        self.settings = settings
        self._factory = annotator_factory
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pinyinize.server._preload"])
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._starting: set[asyncio.Task[None]] = set()
        self._closed = False

    def pids(self) -> list[int]:
        """The process ids of the workers (for tests and measurements)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    async def start(self) -> None:
        """Start the workers and wait until they are ready (done by the first ``run`` too)."""
        if self._idle is None:
            self._idle = asyncio.Queue()
            await asyncio.gather(*(self._add_worker() for _ in range(self.size)))

    async def run(self, endpoint: str, payload: bytes | dict[str, Any]) -> Reply:
        """The reply of an idle worker to one request; RequestTimeout past the deadline."""
        await self.start()
        assert self._idle is not None
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except asyncio.TimeoutError:
            raise RequestTimeout(
                f"every worker stayed busy for {self.timeout:g} s (the service is overloaded)"
            ) from None
        try:
            worker.conn.send((endpoint, payload))
            reply: Reply = await asyncio.wait_for(self._receive(worker), self.timeout)
        except asyncio.TimeoutError:
            self._replace(worker)
            raise RequestTimeout(f"the request took longer than {self.timeout:g} s") from None
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerFailed("the worker stopped while it worked on the request") from None
        except BaseException:  # cancelled: the worker may be half-way through the request
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return reply

    def close(self) -> None:
        """Stop every worker (they would also exit on their own once the pipes close)."""
        self._closed = True
        for task in self._starting:
            task.cancel()
        for worker in list(self._workers):
            self._stop(worker)

    async def _add_worker(self) -> None:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(child_end, self._factory, self.settings),
            name="pinyinize-worker",
            daemon=True,
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._workers.add(worker)
        try:
            ready = await asyncio.wait_for(self._receive(worker), _START_TIMEOUT)
        except (asyncio.TimeoutError, EOFError, OSError):
            self._stop(worker)
            raise WorkerFailed("a worker did not start") from None
        if ready != _READY:
            self._stop(worker)
            raise WorkerFailed(f"a worker did not start: {ready!r}")
        assert self._idle is not None
        self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._add_worker())
            self._starting.add(task)
            task.add_done_callback(self._starting.discard)

    def _stop(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        with contextlib.suppress(ValueError, OSError, RuntimeError):  # closed, or no loop
            asyncio.get_running_loop().remove_reader(worker.conn.fileno())
        worker.process.kill()
        worker.conn.close()
        worker.process.join(1.0)  # SIGKILL cannot be refused: this takes milliseconds

    async def _receive(self, worker: _Worker) -> Any:
        """The next message from ``worker``, read once it is there (the loop never waits)."""
        loop = asyncio.get_running_loop()
        arrived: asyncio.Future[None] = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            if not arrived.done():
                arrived.set_result(None)

        loop.add_reader(fd, readable)
        try:
            await arrived
        finally:
            loop.remove_reader(fd)
        return worker.conn.recv()
