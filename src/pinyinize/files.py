"""Reading a command's inputs and writing its outputs without ever losing a file.

A regular output file is written atomically: into a temporary file in the target's folder,
flushed to disk, then renamed over the target, so a crash, a ``kill -9``, a full disk or a
failed run leaves either the old file or the complete new one.  The target keeps its
permission bits (a new one gets the usual ``0o666`` less the umask) and, where the user may
give them, its owner and group.  An output that is a symlink is followed, so the link stays
and its file is replaced.  A rename gives the target a new inode: other hard links to it
keep the old content, as with ``sed -i``; and the folder must be writable, not only the file.
A run killed with ``kill -9`` leaves its temporary file (``.NAME.XXXXXXXX.tmp``) behind.

Outputs that are not regular files (a terminal, a pipe, a FIFO, ``/dev/full``) cannot be
replaced; they are written directly.  Every ``OSError`` becomes an :class:`OutputError` or
:class:`InputError` naming the file, so that the command line can print one line.

(No library here: ``atomicwrites``, the usual one, is archived; the standard library's
``tempfile`` and ``os.replace`` do the job in a few lines.)
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pinyinize.errors import InputError, OutputError, SameFileError

__all__ = [
    "STANDARD_STREAM",
    "STDIN_NAME",
    "STDOUT_NAME",
    "Write",
    "check_readable",
    "input_size",
    "is_standard_stream",
    "open_input",
    "output_stream",
    "publish",
    "read_input",
    "read_inputs",
    "refuse_same_file",
    "same_file",
    "write_atomically",
]

Write = Callable[[bytes], None]
"""Writes bytes to an output; an OSError becomes OutputError (BrokenPipeError stays itself)."""

STANDARD_STREAM = "-"
"""The file name that means standard input (for inputs) or standard output (for outputs)."""

STDIN_NAME = "<stdin>"
STDOUT_NAME = "<stdout>"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def is_standard_stream(name: str | None) -> bool:
    return name is None or name == STANDARD_STREAM


def read_input(name: str) -> bytes:
    """The bytes of one input file (``-``: standard input); InputError when it cannot be read."""
    if is_standard_stream(name):
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"{name}: {_reason(error)}") from None


@contextlib.contextmanager
def open_input(name: str) -> Iterator[BinaryIO]:
    """One input file (``-``: standard input) to read a block at a time; InputError when it
    cannot be opened."""
    if is_standard_stream(name):
        yield sys.stdin.buffer
        return
    try:
        stream = open(name, "rb")  # noqa: SIM115 (closed below, its errors named)
    except OSError as error:
        raise InputError(f"{name}: {_reason(error)}") from None
    with stream:
        yield stream


def input_size(stream: BinaryIO) -> int | None:
    """The size of a regular file being read, None for a pipe or a terminal."""
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError):  # ValueError: no real file (tests)
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def read_inputs(files: tuple[str, ...]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) for each input file, one at a time, or standard input when there is none."""
    if not files or files == (STANDARD_STREAM,):
        yield STDIN_NAME, read_input(STANDARD_STREAM)
        return
    for name in files:
        yield name, read_input(name)


def check_readable(name: str) -> None:
    """Raise InputError (``names.tsv: No such file or directory``) unless ``name`` can be read."""
    try:
        with open(name, "rb"):
            pass
    except OSError as error:
        raise InputError(f"{name}: {_reason(error)}") from None


def same_file(first: str, second: str) -> bool:
    """Whether two names are one file: the same inode (hard links, symlinks), or, for files
    that do not exist yet, the same path once symlinks and ``..`` are resolved."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(first) == os.path.realpath(second)


def refuse_same_file(
    target: str | None,
    others: Iterable[tuple[str, str]],
    role: str = "the output",
    hint: str = "",
) -> None:
    """Raise SameFileError when the file ``target`` (the command's ``role``) is one of
    ``others`` ((name, role) pairs), which writing it would destroy.

    Standard streams (``-``, None) are never the same file as anything."""
    if is_standard_stream(target):
        return
    assert target is not None
    for other, other_role in others:
        if not is_standard_stream(other) and same_file(target, other):
            raise SameFileError(f"{target}: {role} is the same file as {other_role} {other}{hint}")


@contextlib.contextmanager
def output_stream(target: str | None) -> Iterator[Write]:
    """A writer for a command's output, committed only when the block succeeds.

    None or ``-``: standard output.  A regular file (or a new one): a temporary file beside
    it, renamed over it at the end; removed instead when the block raises.  Anything else
    (a device, a FIFO): the file itself.
    """
    if is_standard_stream(target):
        yield _writer(sys.stdout.buffer, STDOUT_NAME)
        _flush(sys.stdout.buffer, STDOUT_NAME)
        return
    assert target is not None
    real = os.path.realpath(target)  # replace the file a symlink points to, not the link
    existing = _stat(target, real)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with _opened(target, real) as stream:
            yield _writer(stream, target)
            _flush(stream, target)
        return
    with _atomic(target, real, existing) as stream:
        yield _writer(stream, target)


def write_atomically(target: str, data: bytes) -> None:
    """Replace ``target`` with ``data`` (see :func:`output_stream`)."""
    with output_stream(target) as write:
        write(data)


def publish(written: str | Path, target: str | Path) -> None:
    """Put a finished file (already flushed to disk, in the target's folder) in the target's
    place in one rename, with the target's permission bits and owner where it had some: for
    outputs that are built over several runs, such as a resumable batch's."""
    name, path = str(target), os.path.realpath(target)
    existing = _stat(name, path)
    if existing is not None:
        with contextlib.suppress(OSError):
            os.chown(written, existing.st_uid, existing.st_gid)
    try:
        os.chmod(written, _mode(existing))
        os.replace(written, path)
    except OSError as error:
        raise OutputError(f"{name}: {_reason(error)}") from None
    _sync_folder(os.path.dirname(path))


def _writer(stream: BinaryIO, name: str) -> Write:
    def write(data: bytes) -> None:
        remaining = memoryview(data)
        try:
            while remaining:
                # A pipe whose reader leaves mid-write takes part of a large write and
                # CPython's buffered writer returns the short count instead of raising:
                # write the rest, and the next write raises BrokenPipeError.
                written = stream.write(remaining)
                if not written:
                    raise OSError(errno.EIO, "the output took nothing")
                remaining = remaining[written:]
        except BrokenPipeError:
            raise  # the reader went away: not an error to report, the caller stops quietly
        except OSError as error:
            raise OutputError(f"{name}: {_reason(error)}") from None

    return write


def _flush(stream: BinaryIO, name: str) -> None:
    try:
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(f"{name}: {_reason(error)}") from None


def _stat(name: str, path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError(f"{name}: {_reason(error)}") from None


@contextlib.contextmanager
def _opened(name: str, path: str) -> Iterator[BinaryIO]:
    """A device or FIFO, written in place: nothing to make atomic."""
    try:
        stream = open(path, "wb")  # noqa: SIM115 (closed below, its errors named)
    except OSError as error:
        raise OutputError(f"{name}: {_reason(error)}") from None
    try:
        yield stream
    finally:
        with contextlib.suppress(OSError):  # a failed flush was reported already
            stream.close()


@contextlib.contextmanager
def _atomic(name: str, path: str, existing: os.stat_result | None) -> Iterator[BinaryIO]:
    folder, base = os.path.split(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"{name}: {_reason(error)}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            if existing is not None:
                _keep_owner(stream, existing)
            _commit(name, stream, temporary, path, _mode(existing))
    except BaseException:  # the block failed, or the commit did: the target stays as it was
        _remove(temporary)
        raise
    _sync_folder(folder)


def _commit(name: str, stream: BinaryIO, temporary: str, path: str, mode: int) -> None:
    try:
        stream.flush()
        os.fsync(stream.fileno())  # the data is on disk before the name points to it
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError(f"{name}: {_reason(error)}") from None


def _keep_owner(stream: BinaryIO, existing: os.stat_result) -> None:
    """Give the new file the old one's owner and group, where we may (root, or our group)."""
    with contextlib.suppress(OSError):
        os.fchown(stream.fileno(), existing.st_uid, existing.st_gid)


def _mode(existing: os.stat_result | None) -> int:
    """The target's permission bits, or those ``open()`` would give a new file."""
    if existing is not None:
        return stat.S_IMODE(existing.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable; some filesystems cannot open or sync a folder."""
    with contextlib.suppress(OSError):
        handle = os.open(folder or ".", os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
