"""Batch: annotate a corpus (JSON Lines or one text per line), record by record, in order.

Records go to worker processes in chunks, one Annotator per process (built on the first
chunk a process gets, then reused), and come back in order: the output has one line per
good input record, in input order.  Bad records (invalid JSON or UTF-8, no such field, a
field that is not a string, text that is already annotated) are reported with their line
numbers and never stop the run.

**Resuming.**  After each chunk the output and the error report are flushed and fsynced,
then a small progress file (``OUTPUT.progress``) is replaced atomically with the number of
input lines done and the sizes the two files had then.  A run that finds it truncates both
files to those sizes (dropping a torn last line, or lines written after the last
checkpoint) and goes on from the next input line: every record ends up in the output
exactly once.  The progress file is removed when the run completes.

Engines: ``local`` (a process pool, default) and ``dask`` (:func:`dask_engine`, a local
cluster or a real one); both only need ``submit(function, *args) -> future``, so they share
everything else here.  Dask is imported only when asked for.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from pinyinize.errors import InputError, PinyinizeError
from pinyinize.pipeline import Annotator

__all__ = [
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


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """What every worker needs to annotate a record (small and picklable)."""

    input_format: str = "jsonl"  # "jsonl" or "text"
    field: str = "text"  # JSON Lines: the field holding the text
    output_field: str | None = "annotated"  # None: replace the text field
    format: str = "inline"
    tones: str = "marks"
    mode: str = "dictionary"
    per_character: bool = False
    orthography: bool = False
    select: str = "all"
    force: bool = False
    user_dict: str | None = None

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


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

_ANNOTATORS: dict[tuple[str | None, str], Annotator] = {}
_ANNOTATORS_LOCK = threading.Lock()


def _annotator(settings: BatchSettings) -> Annotator:
    """This process's Annotator for these settings: built once, then reused."""
    key = (settings.user_dict, settings.select)
    with _ANNOTATORS_LOCK:
        if key not in _ANNOTATORS:
            annotator = Annotator(user_dict=settings.user_dict, select=settings.select)
            annotator.annotate("银行")  # load the lexicon now, not inside a timed record
            _ANNOTATORS[key] = annotator
        return _ANNOTATORS[key]


def annotate_chunk(settings: BatchSettings, chunk: Chunk) -> ChunkResult:
    """Annotate the records of a chunk (runs in a worker)."""
    annotator = _annotator(settings)
    result = ChunkResult(lines=len(chunk.lines))
    for number, line in enumerate(chunk.lines, chunk.first_line):
        try:
            written = _annotate_line(annotator, settings, line)
        except (InputError, _BadRecord) as error:
            result.errors.append((number, str(error)))
        except PinyinizeError as error:
            result.errors.append((number, f"{type(error).__name__}: {error}"))
        else:
            if written is not None:
                result.output.append(written + "\n")
    return result


class _BadRecord(Exception):
    pass


def _annotate_line(annotator: Annotator, settings: BatchSettings, line: bytes) -> str | None:
    """The output line for an input line (None for a blank line, which is no record)."""
    try:
        text = line.rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError as error:
        raise _BadRecord(f"not UTF-8 (byte 0x{line[error.start]:02x} at {error.start})") from None
    if settings.input_format == "text":
        return _annotate_text(annotator, settings, text)
    if not text.strip():
        return None
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
    record[settings.output_field or settings.field] = _annotate_text(annotator, settings, value)
    return json.dumps(record, ensure_ascii=False)


def _annotate_text(annotator: Annotator, settings: BatchSettings, text: str) -> str:
    try:
        return annotator.annotate(
            text,
            format=settings.format,
            tones=settings.tones,
            mode=settings.mode,
            per_character=settings.per_character,
            orthography=settings.orthography,
            force=settings.force,
        )
    except InputError as error:
        raise _BadRecord(str(error)) from None


# --- reading and ordering ----------------------------------------------------------------


def detect_input_format(name: str | None) -> str:
    """``jsonl`` for .jsonl/.ndjson/.json files, else ``text``."""
    suffix = Path(name or "").suffix.lower()
    return "jsonl" if suffix in {".jsonl", ".ndjson", ".json"} else "text"


def _chunks(stream: BinaryIO, skip: int, size: int) -> Iterator[Chunk]:
    number = 0
    for _ in range(skip):
        if not stream.readline():
            return
        number += 1
    lines: list[bytes] = []
    for line in stream:
        lines.append(line)
        if len(lines) == size:
            yield Chunk(number + 1, tuple(lines))
            number += len(lines)
            lines = []
    if lines:
        yield Chunk(number + 1, tuple(lines))


def ordered(
    submitter: Submitter, settings: BatchSettings, chunks: Iterable[Chunk], window: int
) -> Iterator[ChunkResult]:
    """Results in input order, with at most ``window`` chunks in flight (memory stays flat)."""
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(submitter.submit(annotate_chunk, settings, chunk))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _InProcess:
    """The one-job engine: no pool, no pickling."""

    def submit(self, fn: Callable[..., ChunkResult], /, *args: Any) -> Future[ChunkResult]:
        future: Future[ChunkResult] = Future()
        future.set_result(fn(*args))
        return future


# --- writing and resuming ----------------------------------------------------------------


@dataclass(slots=True)
class _Progress:
    input: str
    settings: str
    lines: int = 0
    output_bytes: int = 0
    errors_bytes: int = 0


def _progress_path(output: Path) -> Path:
    return output.with_name(output.name + ".progress")


def _load_progress(path: Path, input_name: str, settings: BatchSettings) -> _Progress:
    fresh = _Progress(input_name, settings.fingerprint())
    if not path.exists():
        return fresh
    try:
        progress = _Progress(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as error:
        raise InputError(f"{path}: unreadable progress file ({error}); delete it") from None
    if (progress.input, progress.settings) != (fresh.input, fresh.settings):
        raise InputError(
            f"{path}: an unfinished run with another input or other settings; rerun it as it "
            "was, or delete the progress file to start again"
        )
    return progress


def _save_progress(path: Path, progress: _Progress) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(asdict(progress)), encoding="utf-8")
    os.replace(temporary, path)


def _open_at(stack: ExitStack, path: Path | None, size: int) -> BinaryIO | None:
    """Open for appending after truncating to ``size`` (what the last checkpoint saw)."""
    if path is None:
        return None
    try:
        stream = stack.enter_context(open(path, "ab"))  # noqa: SIM115 - the stack closes it
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None
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


def _local_engine(jobs: int) -> AbstractContextManager[Submitter]:
    if jobs <= 1:
        return nullcontext(_InProcess())
    return ProcessPoolExecutor(max_workers=jobs)


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
) -> BatchReport:
    """Annotate ``input_path`` into ``output_path``, resuming an interrupted run.

    ``engine`` is a context manager giving a :class:`Submitter` (a process pool of
    ``jobs`` workers, all cores by default, when None); with ``errors_path`` each bad record
    is written there as a JSON line ``{"line": N, "reason": "..."}``, and passed to
    ``on_error(line, reason)`` when given.
    """
    started = time.perf_counter()
    input_file, output = Path(input_path), Path(output_path)
    if output.exists() and input_file.exists() and output.samefile(input_file):
        raise InputError(f"{output}: the output would overwrite the input")
    jobs = jobs or os.cpu_count() or 1
    progress_file = _progress_path(output)
    progress = _load_progress(progress_file, str(input_file.resolve()), settings)
    report = BatchReport(resumed_at=progress.lines, lines=progress.lines)
    with ExitStack() as stack:
        try:
            source = stack.enter_context(open(input_file, "rb"))
        except OSError as error:
            raise InputError(f"{input_file}: {error.strerror or error}") from None
        out = _open_at(stack, output, progress.output_bytes)
        errors = _open_at(stack, Path(errors_path) if errors_path else None, progress.errors_bytes)
        assert out is not None
        _save_progress(progress_file, progress)  # resumable (and checked) from the start
        submitter = stack.enter_context(engine or _local_engine(jobs))
        bar = _bar(progress_bar, _count_lines(input_file), progress.lines)
        chunks = _chunks(source, progress.lines, chunk_size)
        for result in ordered(submitter, settings, chunks, window=max(2, jobs * 4)):
            _write(out, errors, result)
            if on_error is not None:
                for line, reason in result.errors:
                    on_error(line, reason)
            progress.lines += result.lines
            progress.output_bytes, progress.errors_bytes = _sync(out), _sync(errors)
            _save_progress(progress_file, progress)
            report.records += len(result.output)
            report.errors += len(result.errors)
            report.lines = progress.lines
            bar.update(result.lines)
        bar.close()
    progress_file.unlink(missing_ok=True)
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
