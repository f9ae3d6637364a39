"""Batch: annotate a corpus (JSON Lines or one text per line), record by record, in order.

Records go to worker processes in chunks, one Annotator per process (built on the first
chunk a process gets, then reused), and come back in order: the output has one line per
good input record, in input order.  Bad records (invalid JSON or UTF-8, JSON nested deeper
than :data:`MAX_NESTING` levels, no such field, a field that is not a string, text that is
already annotated or that the library refuses, such as a lone surrogate) are reported with
their line numbers and a one-line reason, and never stop the run.  A UTF-8 byte order mark
before the first line is no part of the first record.

**Writing and resuming.**  The output and the error report are built in ``OUTPUT.partial``
and ``ERRORS.partial`` beside them, and each is renamed over its target only when the run
completes, so an existing output stays as it was until then (a failed or killed run never
empties it).  After each chunk both partial files are flushed and fsynced, then a small
progress file (``OUTPUT.progress``) is written, fsynced and put in place atomically, with
the number of input lines done, the sizes the two files had then, and the input's size and
the SHA-256 of its part done.  A run that finds it checks that the input is the same (else
it refuses: ``restart=True`` starts afresh), truncates both partial files to those sizes
(dropping a torn last line, or lines written after the last checkpoint) and goes on from
the next input line: every record ends up in the output exactly once.  At the end the
progress file is removed first (a crash after that only costs a run from the start), then
the partial files take their targets' places.

Pool workers die with the batch process, even when it is killed with ``kill -9``: on Linux
the kernel sends them SIGKILL (``PR_SET_PDEATHSIG``), and a thread in each worker watches
the batch process (other systems, other start methods).

Engines: ``local`` (a process pool, default) and ``dask`` (:func:`dask_engine`, a local
cluster or a real one); both only need ``submit(function, *args) -> future``, so they share
everything else here.  Dask is imported only when asked for.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import (
    AbstractContextManager,
    ExitStack,
    contextmanager,
    nullcontext,
    suppress,
)
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from pinyinize.errors import InputError, PinyinizeError
from pinyinize.files import publish, same_file, write_atomically
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator

__all__ = [
    "MAX_NESTING",
    "BatchReport",
    "BatchSettings",
    "Chunk",
    "ChunkResult",
    "Submitter",
    "annotate_chunk",
    "dask_engine",
    "detect_input_format",
    "run_batch",
]

CHUNK_SIZE = 500  # records per task: big enough to hide the hand-over, small for resuming
MAX_NESTING = 100  # arrays and objects in a JSON record (json.loads recurses once per level)
_BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark: a signature some editors write first


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """What every worker needs to annotate a record (small and picklable): how to annotate
    each text, and where the texts are."""

    input_format: str = "jsonl"  # "jsonl" or "text"
    field: str = "text"  # JSON Lines: the field holding the text
    output_field: str | None = "annotated"  # None: replace the text field
    options: AnnotationOptions = AnnotationOptions()  # noqa: RUF009 - frozen: safe to share
    user_dict: str | None = None

    def fingerprint(self) -> str:
        """The settings that shape the output, as one flat JSON object hashed (the same
        object as before the options had their own value, so that a run interrupted then
        still resumes)."""
        options = self.options
        flat = {
            "input_format": self.input_format,
            "field": self.field,
            "output_field": self.output_field,
            "format": (options.format or Format.INLINE).value,
            "tones": options.tones.value,
            "mode": options.mode.value,
            "per_character": options.per_character,
            "orthography": options.orthography,
            "select": str(options.selection),
            "force": options.force,
            "user_dict": self.user_dict,
        }
        if options.numbers:  # only when set: runs from before the option still resume
            flat["numbers"] = True
        return hashlib.sha256(json.dumps(flat, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Chunk:
    first_line: int  # 1-based line number of lines[0]
    lines: tuple[bytes, ...]


@dataclass(slots=True)
class ChunkResult:
    output: list[str] = field(default_factory=list)  # one line per good record, "\n" ended
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    lines: int = 0


@dataclass(slots=True)
class BatchReport:
    records: int = 0  # written to the output in this run
    errors: int = 0
    lines: int = 0  # input lines done, in all runs
    resumed_at: int = 0  # input lines already done when this run started
    seconds: float = 0.0


class Submitter(Protocol):
    """What an engine offers: ``concurrent.futures.Executor`` and ``dask.distributed.Client``
    both do."""

    def submit(self, fn: Callable[..., ChunkResult], /, *args: Any) -> Any: ...


# --- workers -----------------------------------------------------------------------------

_ANNOTATORS: dict[str | None, Annotator] = {}
_ANNOTATORS_LOCK = threading.Lock()


def _annotator(settings: BatchSettings) -> Annotator:
    """This process's Annotator for these settings' user dictionary: built once, then reused."""
    key = settings.user_dict
    with _ANNOTATORS_LOCK:
        if key not in _ANNOTATORS:
            annotator = Annotator(user_dict=settings.user_dict)
            annotator.annotate("银行")  # load the lexicon now, not inside a timed record
            _ANNOTATORS[key] = annotator
        return _ANNOTATORS[key]


# What one record can raise: bad input, not a bug (ValueError covers UnicodeError, which the
# model raised for lone surrogates before they became an InputError).  Anything else, a
# RecursionError included, is a bug and stops the run.
_RECORD_ERRORS = (PinyinizeError, ValueError)


def annotate_chunk(settings: BatchSettings, chunk: Chunk) -> ChunkResult:
    """Annotate the records of a chunk (runs in a worker)."""
    annotator = _annotator(settings)
    result = ChunkResult(lines=len(chunk.lines))
    for number, line in enumerate(chunk.lines, chunk.first_line):
        if number == 1:
            line = line.removeprefix(_BOM)
        try:
            written = _annotate_line(annotator, settings, line)
        except _RECORD_ERRORS as error:
            result.errors.append((number, _reason(error)))
        else:
            if written is not None:
                result.output.append(written + "\n")
    return result


class _BadRecord(ValueError):
    pass


def _reason(error: Exception) -> str:
    """One line of UTF-8-safe text (a reason may quote a lone surrogate from the record)."""
    plain = isinstance(error, (InputError, _BadRecord))
    reason = " ".join((str(error) if plain else f"{type(error).__name__}: {error}").split())
    return reason.encode("utf-8", "backslashreplace").decode("utf-8")


def _annotate_line(annotator: Annotator, settings: BatchSettings, line: bytes) -> str | None:
    """The output line for an input line (None for a blank line, which is no record)."""
    try:
        text = line.rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError as error:
        raise _BadRecord(f"not UTF-8 (byte 0x{line[error.start]:02x} at {error.start})") from None
    if settings.input_format == "text":
        return annotator.annotate(text, settings.options)
    if not text.strip():
        return None
    if _nested_deeper_than(text, MAX_NESTING):
        raise _BadRecord(f"JSON nested deeper than {MAX_NESTING} levels")
    try:
        record = json.loads(text)
    except ValueError as error:
        raise _BadRecord(f"invalid JSON: {error}") from None
    if not isinstance(record, dict):
        raise _BadRecord(f"not a JSON object but {type(record).__name__}")
    if settings.field not in record:
        raise _BadRecord(f"no field {settings.field!r}")
    value = record[settings.field]
    if not isinstance(value, str):
        raise _BadRecord(f"field {settings.field!r} is {type(value).__name__}, not a string")
    record[settings.output_field or settings.field] = annotator.annotate(value, settings.options)
    return _json_line(record)


def _json_line(record: dict[str, Any]) -> str:
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate in another field: valid as a JSON escape, not as UTF-8.  Written
        # as escapes again, the record reads back as it was.
        return json.dumps(record)
    return line


# A JSON string (to its closing quote, or to the end of the text when it has none, so that
# no character is scanned twice), or a bracket.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


def _nested_deeper_than(text: str, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than ``limit``.

    One pass and no recursion, before ``json.loads`` (which recurses once per level, so that
    100,000 ``[`` raise RecursionError) sees the text.  Brackets inside strings do not
    count; an unmatched ``]`` may lower the count, but ``json.loads`` stops there anyway.
    """
    if text.count("[") + text.count("{") <= limit:
        return False  # nearly every record: too few brackets to nest that deep
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


# --- reading and ordering ----------------------------------------------------------------


def detect_input_format(name: str | None) -> str:
    """``jsonl`` for .jsonl/.ndjson/.json files, else ``text``."""
    suffix = Path(name or "").suffix.lower()
    return "jsonl" if suffix in {".jsonl", ".ndjson", ".json"} else "text"


def _chunks(stream: BinaryIO, first_line: int, size: int) -> Iterator[Chunk]:
    """Chunks of the lines from the stream's position on, the first numbered ``first_line``."""
    lines: list[bytes] = []
    for line in stream:
        lines.append(line)
        if len(lines) == size:
            yield Chunk(first_line, tuple(lines))
            first_line += len(lines)
            lines = []
    if lines:
        yield Chunk(first_line, tuple(lines))


def ordered(
    submitter: Submitter, settings: BatchSettings, chunks: Iterable[Chunk], window: int
) -> Iterator[tuple[Chunk, ChunkResult]]:
    """Each chunk with its result, in input order, with at most ``window`` chunks in flight
    (memory stays flat)."""
    pending: deque[tuple[Chunk, Any]] = deque()
    for chunk in chunks:
        pending.append((chunk, submitter.submit(annotate_chunk, settings, chunk)))
        if len(pending) >= window:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


class _InProcess:
    """The one-job engine: no pool, no pickling."""

    def submit(self, fn: Callable[..., ChunkResult], /, *args: Any) -> Future[ChunkResult]:
        future: Future[ChunkResult] = Future()
        future.set_result(fn(*args))
        return future


def _local_engine(jobs: int) -> AbstractContextManager[Submitter]:
    if jobs <= 1:
        return nullcontext(_InProcess())
    return ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> None:
    """Pool worker initializer: end this worker when the batch process dies, even by kill -9
    (else it waits for work forever, holding its lexicon and model).

    Two ways, as neither covers every case: the kernel's signal kills at once, even a worker
    busy in C code, but comes from the process that forked the worker, which under the
    forkserver start method (Python 3.14's default) is the fork server, and that one lives
    as long as its workers do; a thread waiting on the pipe to the batch process works with
    every start method and system.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    _ask_kernel_to_kill_with_parent()
    threading.Thread(target=_exit_when_gone, args=(parent,), daemon=True).start()


def _ask_kernel_to_kill_with_parent() -> None:
    """On Linux, SIGKILL this process when its parent ends (prctl PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    with suppress(OSError, AttributeError):  # no libc with prctl: the thread does the job
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _exit_when_gone(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # waits on a pipe that closes when the parent dies, however it dies
    os._exit(1)  # (already dead before the kernel was asked: no signal, but this ends it)


# --- writing and resuming ----------------------------------------------------------------

_START_AFRESH = "to start afresh, rerun with --restart (or delete {})"


@dataclass(slots=True)
class _Progress:
    input: str
    settings: str
    input_bytes: int  # the input's size: a resume refuses an input that changed
    done_bytes: int  # the input's part done (its first ``lines`` lines) ...
    done_sha256: str  # ... and the hash of that part
    lines: int
    output_bytes: int
    errors_bytes: int


class _DonePart:
    """The part of the input done: its size and SHA-256, grown chunk by chunk."""

    def __init__(self) -> None:
        self.size = 0
        self._hash = hashlib.sha256()

    def add(self, data: bytes) -> None:
        self.size += len(data)
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _progress_path(output: Path) -> Path:
    return output.with_name(output.name + ".progress")


def _partial_path(target: Path | None) -> Path | None:
    """Where a run builds ``target`` until it completes (see the module docstring)."""
    return None if target is None else target.with_name(target.name + ".partial")


def _refuse_shared_files(files: dict[str, Path | None]) -> None:
    """No two of input, output, errors file and progress file may be one file: opening the
    latter ones truncates them."""
    named = [(role, path) for role, path in files.items() if path is not None]
    for (first_role, first), (second_role, second) in itertools.combinations(named, 2):
        if same_file(str(first), str(second)):
            raise InputError(f"{second}: the {second_role} and the {first_role} are the same file")


def _resume_point(
    source: BinaryIO, path: Path, input_name: str, settings: BatchSettings
) -> tuple[_Progress, _DonePart]:
    """Where this run starts: after the part an interrupted run did, once that part is
    checked to be unchanged (``source`` is left there), else at the start."""
    size, done = os.fstat(source.fileno()).st_size, _DonePart()
    fresh = _Progress(input_name, settings.fingerprint(), size, 0, done.hexdigest(), 0, 0, 0)
    if not path.exists():
        return fresh, done
    progress = _read_progress(path)
    if (progress.input, progress.settings) != (fresh.input, fresh.settings):
        raise InputError(
            f"{path}: an unfinished run with another input or other settings; rerun it as it "
            f"was, or {_START_AFRESH.format(path)}"
        )
    if progress.lines == 0:  # nothing done, nothing to check
        return fresh, done
    if size == progress.input_bytes:
        _read_into(source, progress.done_bytes, done)
    if size != progress.input_bytes or done.hexdigest() != progress.done_sha256:
        why = (
            f"{size} bytes, not {progress.input_bytes}"
            if size != progress.input_bytes
            else f"its first {progress.lines} lines differ"
        )
        raise InputError(
            f"{input_name}: changed since the interrupted run ({why}): resuming would mix "
            f"two inputs; {_START_AFRESH.format(path)}"
        )
    return progress, done


def _read_progress(path: Path) -> _Progress:
    try:
        return _Progress(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise InputError(
            f"{path}: not a progress file this version can read ({error}); "
            + _START_AFRESH.format(path)
        ) from None


def _read_into(source: BinaryIO, size: int, done: _DonePart) -> None:
    while done.size < size and (block := source.read(min(1 << 20, size - done.size))):
        done.add(block)


def _save_progress(path: Path, progress: _Progress) -> None:
    """Replace the progress file atomically; fsynced first, so that after a system crash it
    is the old one or the new one, never an empty one."""
    write_atomically(str(path), json.dumps(asdict(progress)).encode("utf-8"))


def _open_at(stack: ExitStack, path: Path | None, size: int, progress: Path) -> BinaryIO | None:
    """Open for appending after truncating to ``size`` (what the last checkpoint saw)."""
    if path is None:
        return None
    try:
        stream = stack.enter_context(open(path, "ab"))  # noqa: SIM115 - the stack closes it
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None
    found = os.fstat(stream.fileno()).st_size
    if found < size:  # truncating would pad it with NUL bytes where records were
        raise InputError(
            f"{path}: shorter than the interrupted run left it ({found} bytes, not {size}); "
            + _START_AFRESH.format(progress)
        )
    stream.truncate(size)
    stream.seek(size)
    return stream


def _sync(stream: BinaryIO | None) -> int:
    if stream is None:
        return 0
    stream.flush()
    os.fsync(stream.fileno())
    return stream.tell()


def _count_lines(path: Path) -> int | None:
    try:
        with open(path, "rb") as stream:
            return sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))
    except OSError:
        return None


def run_batch(
    input_path: str | Path,
    output_path: str | Path,
    settings: BatchSettings,
    *,
    errors_path: str | Path | None = None,
    jobs: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    engine: AbstractContextManager[Submitter] | None = None,
    progress_bar: bool = False,
    on_error: Callable[[int, str], None] | None = None,
    restart: bool = False,
) -> BatchReport:
    """Annotate ``input_path`` into ``output_path``, resuming an interrupted run.

    ``engine`` is a context manager giving a :class:`Submitter` (a process pool of
    ``jobs`` workers, all cores by default, when None); with ``errors_path`` each bad record
    is written there as a JSON line ``{"line": N, "reason": "..."}``, and passed to
    ``on_error(line, reason)`` when given.  A resume refuses an input that changed since
    the interrupted run; ``restart`` drops what that run left and starts afresh.
    """
    started = time.perf_counter()
    input_file, output = Path(input_path), Path(output_path)
    errors_file = Path(errors_path) if errors_path else None
    progress_file = _progress_path(output)
    partial_output, partial_errors = _partial_path(output), _partial_path(errors_file)
    assert partial_output is not None
    _refuse_shared_files(
        {"input": input_file, "output": output, "errors file": errors_file,
         "progress file": progress_file, "partial output": partial_output,
         "partial errors file": partial_errors}
    )  # fmt: skip
    jobs = jobs or os.cpu_count() or 1
    if restart:
        progress_file.unlink(missing_ok=True)
    with ExitStack() as stack:
        try:
            source = stack.enter_context(open(input_file, "rb"))
        except OSError as error:
            raise InputError(f"{input_file}: {error.strerror or error}") from None
        progress, done = _resume_point(source, progress_file, str(input_file.resolve()), settings)
        out = _open_at(stack, partial_output, progress.output_bytes, progress_file)
        errors = _open_at(stack, partial_errors, progress.errors_bytes, progress_file)
        assert out is not None
        _save_progress(progress_file, progress)  # resumable (and checked) from the start
        report = BatchReport(resumed_at=progress.lines, lines=progress.lines)
        submitter = stack.enter_context(engine or _local_engine(jobs))
        bar = _bar(progress_bar, _count_lines(input_file), progress.lines)
        chunks = _chunks(source, progress.lines + 1, chunk_size)
        for chunk, result in ordered(submitter, settings, chunks, window=max(2, jobs * 4)):
            _write(out, errors, result)
            if on_error is not None:
                for line, reason in result.errors:
                    on_error(line, reason)
            done.add(b"".join(chunk.lines))
            progress.lines += result.lines
            progress.done_bytes, progress.done_sha256 = done.size, done.hexdigest()
            progress.output_bytes, progress.errors_bytes = _sync(out), _sync(errors)
            _save_progress(progress_file, progress)
            report.records += len(result.output)
            report.errors += len(result.errors)
            report.lines = progress.lines
            bar.update(result.lines)
        bar.close()
    progress_file.unlink(missing_ok=True)
    if errors_file is not None and partial_errors is not None:
        publish(partial_errors, errors_file)
    publish(partial_output, output)
    report.seconds = time.perf_counter() - started
    return report


def _write(out: BinaryIO, errors: BinaryIO | None, result: ChunkResult) -> None:
    out.write("".join(result.output).encode("utf-8"))
    if errors is not None:
        for line, reason in result.errors:
            record = {"line": line, "reason": reason}
            errors.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))


def _bar(enabled: bool, total: int | None, initial: int) -> Any:
    """A tqdm bar (rate and ETA) when enabled, else one that does nothing."""
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:  # the batch extra is not installed: no bar, same work
        return _NoBar()

    return tqdm(total=total, initial=initial, unit="rec", unit_scale=True, smoothing=0.1)


class _NoBar:
    def update(self, _count: int) -> None:
        pass

    def close(self) -> None:
        pass


# --- the Dask engine ---------------------------------------------------------------------


@contextmanager
def dask_engine(
    scheduler: str | None = None,
    *,
    workers: int | None = None,
    processes: bool = True,
    timeout: float = 60,
) -> Iterator[Any]:
    """A Dask client: on ``scheduler`` (``tcp://host:8786``), or on a local cluster of
    ``workers`` single-threaded worker processes (threads with ``processes=False``)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "the dask engine needs dask.distributed: pip install 'pinyinize[batch]'"
        ) from None
    if scheduler:
        with Client(scheduler, timeout=timeout) as client:
            yield _Pure(client)
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, timeout=timeout) as client,
    ):
        yield _Pure(client)


class _Pure:
    """Submits every chunk as a new task (chunks with equal content must not share a key)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Any, /, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)
