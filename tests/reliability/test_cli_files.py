"""The command line never loses a file: issue 11, items 1, 2, 14 and the minor CLI ones.

Outputs are replaced atomically and only by a run that succeeds; an output that is one of
the inputs is refused (exit 2) unless --in-place; output, input and pipe errors are one line
with a documented exit status.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pinyinize import files
from pinyinize.cli import EXIT_BROKEN_PIPE, EXIT_USAGE, main

TEXT = "银行行长到了。\n"
ANNOTATED = "银行(yínháng)行长(hángzhǎng)到(dào)了(le)。\n"
PAGE = "<html><body><p>银行行长</p></body></html>\n"
COMMAND = [sys.executable, "-m", "pinyinize.cli"]


def invoke(*args: str, data: bytes = b"") -> Result:
    return CliRunner().invoke(main, list(args), input=data)


def one_line_error(result: Result, status: int, message: str) -> None:
    assert result.exit_code == status, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.output


def leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic write left behind."""
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


# --- item 1: -o onto an input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "content", "name"),
    [
        (["annotate"], TEXT, "a.txt"),
        (["strip"], ANNOTATED, "a.txt"),
        (["check", "--fix"], ANNOTATED, "a.txt"),
        (["check"], ANNOTATED, "a.txt"),
        (["annotate"], PAGE, "page.html"),
        (["strip"], PAGE, "page.html"),
    ],
)
def test_output_onto_the_input_is_refused(tmp_path, command, content, name):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = invoke(*command, str(source), "-o", str(source))
    one_line_error(result, EXIT_USAGE, "the output is the same file as the input")
    assert source.read_text(encoding="utf-8") == content


def test_output_that_links_to_the_input_is_refused(tmp_path, text_file):
    symlink, hard_link = tmp_path / "link.txt", tmp_path / "hard.txt"
    symlink.symlink_to(text_file)
    os.link(text_file, hard_link)
    for output in (symlink, hard_link):
        result = invoke("annotate", str(text_file), "-o", str(output))
        one_line_error(result, EXIT_USAGE, f"the same file as the input {text_file}")
    # also an output given by another spelling of the input's path
    other_spelling = tmp_path / "sub" / ".." / "a.txt"
    (tmp_path / "sub").mkdir()
    one_line_error(invoke("annotate", str(text_file), "-o", str(other_spelling)), 2, "same")
    assert text_file.read_text(encoding="utf-8") == TEXT


def test_output_onto_one_of_several_inputs_is_refused(tmp_path, text_file):
    other = tmp_path / "b.txt"
    other.write_text(TEXT, encoding="utf-8")
    result = invoke("annotate", str(other), str(text_file), "-o", str(text_file))
    assert result.exit_code == EXIT_USAGE
    assert text_file.read_text(encoding="utf-8") == TEXT


@pytest.mark.parametrize(
    ("data", "args", "message"),
    [
        (b"ok\xff", [], "not UTF-8 text"),
        ("精神(jīngshén)很好".encode(), [], "already annotated"),
        (TEXT.encode(), ["--user-dict", "missing.tsv"], "No such file or directory"),
    ],
)
def test_a_failed_run_keeps_the_old_output(tmp_path, data, args, message):
    source, output = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_bytes(data)
    output.write_text("old output\n", encoding="utf-8")
    result = invoke("annotate", *args, str(source), "-o", str(output))
    one_line_error(result, 1, message)
    assert output.read_text(encoding="utf-8") == "old output\n"
    assert leftovers(tmp_path) == []


def test_output_is_replaced_whole_and_keeps_its_permissions(tmp_path, text_file):
    output = tmp_path / "out.txt"
    output.write_text("a much longer old output than the new one\n" * 20, encoding="utf-8")
    output.chmod(0o640)
    assert invoke("annotate", str(text_file), "-o", str(output)).exit_code == 0
    assert output.read_text(encoding="utf-8") == ANNOTATED
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_new_output_gets_the_permissions_open_would_give(tmp_path, text_file):
    umask = os.umask(0o027)
    try:
        output = tmp_path / "new.txt"
        assert invoke("annotate", str(text_file), "-o", str(output)).exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(output.stat().st_mode) == 0o640


def test_an_output_symlink_is_followed_and_stays_a_link(tmp_path, text_file):
    target, link = tmp_path / "target.txt", tmp_path / "link.txt"
    target.write_text("old\n", encoding="utf-8")
    link.symlink_to(target)
    assert invoke("annotate", str(text_file), "-o", str(link)).exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == ANNOTATED


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_output_keeps_its_owner(tmp_path, text_file):
    output = tmp_path / "out.txt"
    output.write_text("old\n", encoding="utf-8")
    os.chown(output, 65534, 65534)
    assert invoke("annotate", str(text_file), "-o", str(output)).exit_code == 0
    assert (output.stat().st_uid, output.stat().st_gid) == (65534, 65534)


def test_a_fifo_output_is_written_not_replaced(tmp_path, text_file):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = invoke("annotate", str(text_file), "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0 and received == [ANNOTATED.encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_write_that_fails_keeps_the_old_output(tmp_path, text_file, monkeypatch):
    output = tmp_path / "out.txt"
    output.write_text("old output\n", encoding="utf-8")

    def full_disk(_handle: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full_disk)
    result = invoke("annotate", str(text_file), "-o", str(output))
    one_line_error(result, 1, f"{output}: No space left on device")
    assert output.read_text(encoding="utf-8") == "old output\n"
    assert leftovers(tmp_path) == []


# --- --in-place ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "before", "after"),
    [
        (["annotate"], TEXT, ANNOTATED),
        (["strip"], ANNOTATED, TEXT),
        (["check", "--fix"], "两岸(liǎngàn)\n", "两岸(liǎng'àn)\n"),
    ],
)
def test_in_place_rewrites_each_input(tmp_path, command, before, after):
    first, second = tmp_path / "1.txt", tmp_path / "2.txt"
    for path in (first, second):
        path.write_text(before, encoding="utf-8")
    first.chmod(0o600)
    result = invoke(*command, "--in-place", str(first), str(second))
    assert result.exit_code == 0 and result.stdout == ""
    assert [p.read_text(encoding="utf-8") for p in (first, second)] == [after, after]
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["annotate", "--in-place", "{file}", "-o", "{out}"], "cannot go with -o"),
        (["annotate", "--in-place"], "not standard input"),
        (["strip", "--in-place", "-"], "not standard input"),
        (["check", "--in-place", "{file}"], "--in-place needs --fix"),
    ],
)
def test_in_place_misuse_is_a_usage_error(tmp_path, text_file, args, message):
    args = [arg.format(file=text_file, out=tmp_path / "out.txt") for arg in args]
    one_line_error(invoke(*args, data=TEXT.encode()), EXIT_USAGE, message)
    assert text_file.read_text(encoding="utf-8") == TEXT


# --- item 2: kill -9 in the middle of a run -----------------------------------------------


def test_kill_9_mid_run_leaves_the_old_output(tmp_path):
    """The first input's output is written, the second (large) input is being annotated:
    the process is killed there.  The old output must be intact, not empty or partial."""
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    # The first output is larger than the writer's buffer, so that it reaches the disk.
    small.write_text(TEXT * 2_000, encoding="utf-8")
    large.write_text(TEXT * 50_000, encoding="utf-8")  # 1 MB: seconds of work
    output = tmp_path / "out.txt"
    old = "the old output, which must survive\n" * 1000
    output.write_text(old, encoding="utf-8")
    command = [*COMMAND, "annotate", str(small), str(large), "-o", str(output)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _output_started(tmp_path, output, old):
            time.sleep(0.02)
        assert process.poll() is None, "the run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert output.read_text(encoding="utf-8") == old


def _output_started(folder: Path, output: Path, old: str) -> bool:
    """Some of the new output was written: to a temporary file, or over the old output."""
    temporaries = [folder / name for name in leftovers(folder)]
    return any(path.stat().st_size > 0 for path in temporaries) or output.stat().st_size != len(
        old.encode()
    )


# --- item 14: a full disk, and other outputs that cannot be written ------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_device_is_one_line(text_file):
    result = invoke("annotate", str(text_file), "-o", "/dev/full")
    one_line_error(result, 1, "/dev/full: No space left on device")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_stdout_is_one_line(text_file):
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [*COMMAND, "annotate", str(text_file)], stdout=full, stderr=subprocess.PIPE
        )
    assert result.returncode == 1
    assert result.stderr.decode() == "Error: <stdout>: No space left on device\n"


def test_output_in_a_missing_folder_is_one_line(tmp_path, text_file):
    output = tmp_path / "no" / "such" / "folder.txt"
    result = invoke("annotate", str(text_file), "-o", str(output))
    one_line_error(result, 1, f"{output}: No such file or directory")


# --- minor items --------------------------------------------------------------------------


def test_missing_and_unreadable_inputs_have_one_exit_status(tmp_path):
    missing = invoke("annotate", str(tmp_path / "missing.txt"))
    one_line_error(missing, 1, "missing.txt: No such file or directory")
    folder = invoke("annotate", str(tmp_path))  # a folder cannot be read as a file
    one_line_error(folder, 1, f"{tmp_path}: Is a directory")
    one_line_error(invoke("strip", str(tmp_path)), 1, "Is a directory")
    one_line_error(invoke("check", str(tmp_path)), 1, "Is a directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_input_is_exit_1(text_file):
    text_file.chmod(0)
    one_line_error(invoke("annotate", str(text_file)), 1, "Permission denied")


def test_unreadable_input_is_exit_1_as_any_user(text_file, monkeypatch):
    """The same, where the tests run as root: access() and reading both say no."""
    real_access, real_read = os.access, Path.read_bytes

    def access(path: object, mode: int, **kwargs: object) -> bool:
        return False if str(path) == str(text_file) else real_access(path, mode, **kwargs)

    def read_bytes(path: Path) -> bytes:
        if path == text_file:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_read(path)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    one_line_error(invoke("annotate", str(text_file)), 1, f"{text_file}: Permission denied")


@pytest.mark.parametrize("command", ["annotate", "strip", "check", "batch"])
def test_missing_user_dictionary_is_named_as_missing(tmp_path, text_file, command):
    missing = tmp_path / "names.tsv"
    args = [command, "--user-dict", str(missing), str(text_file)]
    if command == "batch":
        args += ["-o", str(tmp_path / "out.txt"), "-j", "1"]
    result = invoke(*args)
    one_line_error(result, 1, f"{missing}: No such file or directory")
    assert "line 0" not in result.stderr


def test_strip_json_text_must_be_a_string():
    result = invoke("strip", "-f", "json", data=json.dumps({"text": 5}).encode())
    one_line_error(result, 1, "text must be a string")
    assert result.stdout == ""


def test_a_closed_stdout_ends_quietly_with_141(text_file):
    """`pinyinize annotate big.txt | head -1`: the reader is gone before the output is."""
    reader, writer = os.pipe()
    os.close(reader)  # closed before anything is written: every write is a broken pipe
    try:
        result = subprocess.run(
            [*COMMAND, "annotate", str(text_file)], stdout=writer, stderr=subprocess.PIPE
        )
    finally:
        os.close(writer)
    assert result.returncode == EXIT_BROKEN_PIPE
    assert result.stderr == b""


def test_a_reader_that_leaves_early_ends_the_run_with_141(tmp_path):
    """`pinyinize annotate big.txt | head -c 1`: the reader takes a byte of a large output
    and leaves; the rest of the output must not vanish silently with status 0."""
    source = tmp_path / "big.txt"
    source.write_text(TEXT * 3_000, encoding="utf-8")  # about 200 KB of output
    process = subprocess.Popen(
        [*COMMAND, "annotate", str(source)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        assert process.stdout.read(1)
        process.stdout.close()
        stderr = process.stderr.read()
    assert process.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert stderr == b""


# --- batch: its files must be three different files ----------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"text": "银行"}\n{"text": "行长"}\n', encoding="utf-8")
    return path


def test_batch_errors_file_that_is_the_output_is_refused(tmp_path, corpus):
    output = tmp_path / "out.jsonl"
    result = invoke("batch", str(corpus), "-o", str(output), "--errors", str(output), "-j", "1")
    one_line_error(result, EXIT_USAGE, f"the --errors file is the same file as the output {output}")
    assert not output.exists()


def test_batch_errors_file_that_is_the_input_is_refused(tmp_path, corpus):
    output, errors = tmp_path / "out.jsonl", tmp_path / "link.jsonl"
    errors.symlink_to(corpus)
    before = corpus.read_bytes()
    result = invoke("batch", str(corpus), "-o", str(output), "--errors", str(errors), "-j", "1")
    one_line_error(result, EXIT_USAGE, f"the --errors file is the same file as the input {corpus}")
    assert corpus.read_bytes() == before


def test_batch_output_that_is_the_input_is_refused(tmp_path, corpus):
    link = tmp_path / "link.jsonl"
    link.symlink_to(corpus)
    before = corpus.read_bytes()
    result = invoke("batch", str(corpus), "-o", str(link), "-j", "1")
    one_line_error(result, EXIT_USAGE, f"the output is the same file as the input {corpus}")
    assert corpus.read_bytes() == before
