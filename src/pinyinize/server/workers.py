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
import collections
import contextlib
import multiprocessing
import multiprocessing.context
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from pinyinize.pipeline import Annotator

if TYPE_CHECKING:
    from pinyinize.server.service import Service

__all__ = ["RequestTimeout", "WorkerFailed", "WorkerPool", "WorkerSettings"]

AnnotatorFactory = Callable[[], Annotator]
Reply = tuple[int, bytes]  # HTTP status, JSON body
# What a worker does with one request: (its Service, endpoint, raw body or query) -> reply.
# Given by the service (pinyinize.server.api.handle), so that this module knows no routes.
Handler = Callable[["Service", str, "bytes | dict[str, Any]"], Reply]
_READY = "ready"
_START_TIMEOUT = 120.0  # seconds a new worker may take to load its Annotator
# Bodies larger than this are written to and read from a worker on a thread: a socket
# buffer holds less than a 1 MB request, and the event loop must not wait for the worker
# to drain it.  Smaller ones fit in the buffer and go at once.
_LARGE = 64 * 1024


class RequestTimeout(Exception):
    """The work for one request ran past the time limit (its worker was stopped)."""


class WorkerFailed(Exception):
    """A worker died while it worked on a request (killed from outside, out of memory)."""


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What a worker needs to know besides its Annotator."""

    max_response_bytes: int
    user_dict_bytes: int


def _serve(
    conn: Connection,
    factory: AnnotatorFactory | None,
    settings: WorkerSettings,
    handle: Handler,
) -> None:
    """A worker's life: build the Annotator, then answer requests until the pipe closes."""
    from pinyinize.server.service import Service

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the service, which stops us
    service = Service(_annotator(factory), settings.user_dict_bytes, settings.max_response_bytes)
    conn.send(_READY)
    while True:
        try:
            endpoint, payload = conn.recv()
        except (EOFError, OSError):
            return
        status, content = handle(service, endpoint, payload)
        # The size first, so that the service can read a large body off its event loop.
        conn.send((status, len(content)))
        conn.send_bytes(content)


def _annotator(factory: AnnotatorFactory | None) -> Annotator:
    if factory is not None:
        return factory()
    # Imported by the fork server already (then this is free), or loaded here when it could
    # not preload it.
    from pinyinize.server._preload import ANNOTATOR

    return ANNOTATOR


@dataclass(eq=False)
class _Job:
    """One request on its way: waiting for a worker, then sent to one."""

    endpoint: str
    payload: bytes | dict[str, Any]
    reply: asyncio.Future[Reply]
    sent: bool = False
    waited: asyncio.TimerHandle | None = None  # how long it may wait for a worker
    timer: asyncio.TimerHandle | None = None  # its deadline, once a worker works on it


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: asyncio.Future[None]
    jobs: collections.deque[_Job] = field(default_factory=collections.deque)  # sent, in order
    on_thread: bool = False  # a thread writes to it or reads from it: leave it alone


class WorkerPool:
    """``size`` worker processes; ``run`` gives a request to one, within ``timeout`` seconds.

    Each worker is sent up to ``DEPTH`` requests at once: the next one waits in its pipe, so
    a worker goes on to it at once instead of waiting for the event loop to be scheduled
    (on a busy machine, that wait was most of a small request's latency).  A request's
    deadline starts when its worker begins it; one that overruns has its worker killed, and
    the requests queued behind it go to another worker.  Requests that find every worker
    full wait in arrival order, at most ``timeout`` seconds too.
    """

    DEPTH = 2

    def __init__(
        self,
        size: int,
        timeout: float,
        settings: WorkerSettings,
        handler: Handler,
        annotator_factory: AnnotatorFactory | None = None,
    ) -> None:
        self.size = size
        self._handler = handler
        self.timeout = timeout
        self.settings = settings
        self._factory = annotator_factory
        self._context = _context()
        self._started = False
        self._queue: collections.deque[_Job] = collections.deque()  # oldest first
        self._workers: list[_Worker] = []
        self._closed = False

    def pids(self) -> list[int]:
        """The process ids of the workers (for tests and measurements)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    async def start(self) -> None:
        """Start the workers and wait until they are ready (done by the first ``run`` too)."""
        if not self._started:
            self._started = True
            workers = [self._add_worker() for _ in range(self.size)]
            try:
                await asyncio.wait_for(asyncio.gather(*(w.ready for w in workers)), _START_TIMEOUT)
            except (asyncio.TimeoutError, EOFError, OSError):
                raise WorkerFailed("the workers did not start") from None

    async def run(self, endpoint: str, payload: bytes | dict[str, Any]) -> Reply:
        """A worker's reply to one request; RequestTimeout past the deadline."""
        await self.start()
        loop = asyncio.get_running_loop()
        job = _Job(endpoint, payload, loop.create_future())
        self._queue.append(job)
        self._dispatch()
        self._wait(job)
        try:
            return await job.reply  # (cancelled: it is dropped from the queue, or its worker
        finally:  # finishes it or is stopped at the deadline all the same)
            if job.waited is not None:
                job.waited.cancel()

    def close(self) -> None:
        """Stop every worker (they would also exit on their own once the pipes close)."""
        self._closed = True
        for worker in list(self._workers):
            self._stop(worker)

    def _add_worker(self) -> _Worker:
        loop = asyncio.get_running_loop()
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(child_end, self._factory, self.settings, self._handler),
            name="pinyinize-worker",
            daemon=True,
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end, loop.create_future())
        worker.ready.add_done_callback(_retrieve)  # a failed start is reported by start()
        self._workers.append(worker)
        # One reader per worker for its whole life: no epoll changes per request.
        loop.add_reader(parent_end.fileno(), self._readable, worker)
        return worker

    def _dispatch(self) -> None:
        """Send waiting requests to the ready workers with the fewest requests in hand.

        A large request goes only to a worker with nothing to do, which reads it at once.
        """
        while self._queue:
            job = self._queue[0]
            if job.reply.done():  # its client went away, or it waited too long
                self._queue.popleft()
                continue
            large = isinstance(job.payload, bytes) and len(job.payload) > _LARGE
            free = [
                w
                for w in self._workers
                if w.ready.done() and not w.on_thread and len(w.jobs) < (1 if large else self.DEPTH)
            ]
            if not free:
                return
            worker = min(free, key=lambda w: len(w.jobs))
            self._queue.popleft()
            if large:
                self._send_on_thread(worker, job)
            else:
                try:
                    worker.conn.send((job.endpoint, job.payload))
                except OSError:  # the worker died: the request goes to another one
                    self._queue.appendleft(job)
                    self._failed(worker, WorkerFailed("the worker stopped"))
                    continue
            job.sent = True
            worker.jobs.append(job)
            if len(worker.jobs) == 1:
                self._begin(worker)

    def _send_on_thread(self, worker: _Worker, job: _Job) -> None:
        worker.on_thread = True
        loop = asyncio.get_running_loop()
        sending = loop.run_in_executor(None, worker.conn.send, (job.endpoint, job.payload))
        sending.add_done_callback(lambda done: self._sent(worker, done))

    def _sent(self, worker: _Worker, sending: asyncio.Future[None]) -> None:
        worker.on_thread = False
        if worker not in self._workers:  # stopped meanwhile
            return
        if sending.exception() is not None:
            self._failed(worker, WorkerFailed("the worker stopped"))
            return
        self._dispatch()

    def _begin(self, worker: _Worker) -> None:
        """The worker starts on its first request: its deadline runs from now."""
        job = worker.jobs[0]
        loop = asyncio.get_running_loop()
        job.timer = loop.call_later(self.timeout, self._overran, worker, job)

    def _readable(self, worker: _Worker) -> None:
        """A message from ``worker`` is there: its readiness, or the status and size of a
        reply, whose body is read here when small and on a thread when large."""
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._failed(worker, WorkerFailed("the worker stopped while it worked"))
            return
        if not worker.ready.done():
            if message == _READY:
                worker.ready.set_result(None)
            else:
                worker.ready.set_exception(WorkerFailed(f"a worker did not start: {message!r}"))
            self._dispatch()
            return
        if not worker.jobs:  # a reply to nothing: it no longer follows the protocol
            self._failed(worker, WorkerFailed(f"a worker sent {message!r} unasked"))
            return
        status, size = message
        job = worker.jobs.popleft()
        if job.timer is not None:  # the work is done: only bytes are left to move
            job.timer.cancel()
        if worker.jobs:
            self._begin(worker)
        if size > _LARGE:
            self._receive_on_thread(worker, job, status)
            return
        try:
            body = worker.conn.recv_bytes()
        except (EOFError, OSError):
            self._failed(worker, WorkerFailed("the worker stopped while it answered"))
            return
        self._answer(job, status, body)
        self._dispatch()

    def _receive_on_thread(self, worker: _Worker, job: _Job, status: int) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(worker.conn.fileno())
        worker.on_thread = True
        receiving = loop.run_in_executor(None, worker.conn.recv_bytes)
        receiving.add_done_callback(lambda done: self._received(worker, job, status, done))

    def _received(
        self, worker: _Worker, job: _Job, status: int, done: asyncio.Future[bytes]
    ) -> None:
        worker.on_thread = False
        if worker not in self._workers:  # stopped meanwhile
            return
        if done.exception() is not None:
            stopped = WorkerFailed("the worker stopped while it answered")
            if not job.reply.done():
                job.reply.set_exception(stopped)
            self._failed(worker, stopped)
            return
        asyncio.get_running_loop().add_reader(worker.conn.fileno(), self._readable, worker)
        self._answer(job, status, done.result())
        self._dispatch()

    @staticmethod
    def _answer(job: _Job, status: int, body: bytes) -> None:
        if not job.reply.done():
            job.reply.set_result((status, body))

    def _overran(self, worker: _Worker, job: _Job) -> None:
        message = f"the request took longer than {self.timeout:g} s"
        self._failed(worker, RequestTimeout(message))

    def _wait(self, job: _Job) -> None:
        """Bound the time ``job`` may wait for a worker, from now."""
        if job.waited is not None:
            job.waited.cancel()
        if not job.sent:
            loop = asyncio.get_running_loop()
            job.waited = loop.call_later(self.timeout, self._waited_too_long, job)

    def _waited_too_long(self, job: _Job) -> None:
        if not job.sent and not job.reply.done():  # _dispatch drops it from the queue
            job.reply.set_exception(
                RequestTimeout(
                    f"every worker stayed busy for {self.timeout:g} s (the service is overloaded)"
                )
            )

    def _failed(self, worker: _Worker, error: Exception) -> None:
        """``worker`` overran or died: its request fails, the ones behind it go elsewhere."""
        if not worker.ready.done():  # it never started: replacing it would fail the same way
            worker.ready.set_exception(WorkerFailed("a worker did not start"))
            self._stop(worker)
            return
        if worker.jobs:
            job = worker.jobs.popleft()
            if not job.reply.done():
                job.reply.set_exception(error)
        for waiting in reversed(worker.jobs):  # first in line again, and a fresh wait
            waiting.sent = False
            self._queue.appendleft(waiting)
            self._wait(waiting)
        worker.jobs.clear()
        self._replace(worker)
        self._dispatch()

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        if not self._closed:
            self._add_worker()  # it takes requests once it says it is ready

    def _stop(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
        with contextlib.suppress(ValueError, OSError, RuntimeError):  # closed, or no loop
            asyncio.get_running_loop().remove_reader(worker.conn.fileno())
        worker.process.kill()
        worker.conn.close()
        worker.process.join(1.0)  # SIGKILL cannot be refused: this takes milliseconds


def _context() -> multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext:
    """A fork server with the Annotator preloaded; spawn where there is none (Windows),
    and then each worker loads its own."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pinyinize.server._preload"])
    return context


def _retrieve(future: asyncio.Future[None]) -> None:
    """Mark a failed start as seen (start() reports it; a replacement's is only logged)."""
    if not future.cancelled():
        future.exception()
