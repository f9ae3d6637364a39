"""Batch reliability (issue 11): one bad record never stops a run, workers die with their
parent, a resume refuses an input that changed, nothing reported done is ever lost."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pinyinize.batch import MAX_NESTING, BatchSettings, dask_engine, run_batch
from pinyinize.cli import main
from pinyinize.errors import InputError

SURROGATE = b'{"text": "\\u884c\\ud800"}\n'  # 行 and a lone surrogate, as JSON escapes


def good(number: int) -> bytes:
    return json.dumps({"id": number, "text": f"银行{number}"}).encode() + b"\n"


def nested(depth: int) -> bytes:
    return b'{"text": "\\u94f6\\u884c", "deep": ' + b"[" * depth + b"]" * depth + b"}\n"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(corpus: Path, tmp_path: Path, **options: Any) -> tuple[list[dict[str, Any]], list[dict]]:
    output, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    run_batch(corpus, output, BatchSettings(), errors_path=errors, **options)
    return read_jsonl(output), read_jsonl(errors)


# --- item 4: one bad record never stops the run --------------------------------------------

# (line, what its reason must say: a regular expression, since the library's own message for
# a lone surrogate, from the InputError it is gaining, may name it as "surrogate" or "D800")
HOSTILE = [
    (SURROGATE, r"(?i)surrogate|d800"),
    (b"[" * 100_000 + b"\n", f"nested deeper than {MAX_NESTING}"),
    (b'{"text": "\\u94f6", "a": ' + b"{" * 50_000 + b"\n", f"nested deeper than {MAX_NESTING}"),
    (nested(MAX_NESTING + 1), f"nested deeper than {MAX_NESTING}"),
]


@pytest.mark.parametrize(("line", "reason"), HOSTILE, ids=["surrogate", "[", "{", "limit+1"])
def test_a_hostile_record_is_reported_and_the_run_goes_on(tmp_path, line, reason):
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(good(1) + line + good(3))
    output, errors = run(corpus, tmp_path, jobs=1)
    assert [record["id"] for record in output] == [1, 3]
    assert len(errors) == 1 and errors[0]["line"] == 2
    assert re.search(reason, errors[0]["reason"]) and "\n" not in errors[0]["reason"]


def test_nesting_up_to_the_limit_and_brackets_inside_strings_are_fine(tmp_path):
    brackets = {"text": "银行" + "[{" * 3000, "note": 'a \\" ]]] "[[[' * 500}
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(nested(MAX_NESTING - 1) + json.dumps(brackets).encode() + b"\n")
    output, errors = run(corpus, tmp_path, jobs=1)
    assert errors == []
    assert output[0]["annotated"] == "银行(yínháng)"
    assert output[1]["annotated"].startswith("银行(yínháng)[{")
    assert output[1]["note"] == brackets["note"]


def test_a_lone_surrogate_outside_the_text_field_is_kept_as_written(tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(b'{"id": "\\udc80", "text": "\\u94f6\\u884c"}\n')
    output, errors = run(corpus, tmp_path, jobs=1)
    assert errors == []
    assert output == [{"id": "\udc80", "text": "银行", "annotated": "银行(yínháng)"}]


def test_nesting_depth_scan_is_linear(tmp_path):
    """The pre-scan that keeps json.loads from recursing: doubling the line at most doubles
    its time (an unterminated string with escaped quotes must not be rescanned)."""

    def seconds(size: int) -> float:
        line = b'{"text": "' + b'\\"[' * size + b"\n" + b"[" * size + b"\n"
        corpus = tmp_path / f"in{size}.jsonl"
        corpus.write_bytes(line)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            run_batch(corpus, tmp_path / "o", BatchSettings(), errors_path=tmp_path / "e", jobs=1)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = seconds(100_000), seconds(200_000)
    assert large < 3 * small, (small, large)


def test_bad_records_are_the_same_with_the_dask_engine(tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(b"".join([good(1), *(line for line, _ in HOSTILE), good(6)]))
    expected = run(corpus, tmp_path, jobs=1)
    engine = dask_engine(workers=2, processes=False, timeout=30)
    assert run(corpus, tmp_path, jobs=2, chunk_size=2, engine=engine) == expected
    assert [error["line"] for error in expected[1]] == [2, 3, 4, 5]


def test_a_utf8_bom_does_not_cost_the_first_record(tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(b"\xef\xbb\xbf" + good(1) + good(2))
    output, errors = run(corpus, tmp_path, jobs=1)
    assert (errors, [record["id"] for record in output]) == ([], [1, 2])


def test_a_utf8_bom_is_not_part_of_a_plain_text_record(tmp_path):
    corpus, output = tmp_path / "in.txt", tmp_path / "out.txt"
    corpus.write_bytes("\ufeff银行\n行\n".encode())
    run_batch(corpus, output, BatchSettings(input_format="text"), jobs=1)
    assert output.read_text(encoding="utf-8") == "银行(yínháng)\n行(xíng)\n"


# --- resuming: the input must be the one the interrupted run read ---------------------------


class InterruptedEngine:
    """Runs chunks in this process; interrupted (like ^C) when chunk ``stop`` is submitted
    (with one job four chunks are in flight: only the first is written by then)."""

    def __init__(self, stop: int) -> None:
        self.stop, self.count = stop, 0

    def submit(self, fn: Any, /, *args: Any) -> Future[Any]:
        self.count += 1
        if self.count == self.stop:
            raise KeyboardInterrupt
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future


def interrupted_run(tmp_path: Path, records: int = 60) -> tuple[Path, Path]:
    corpus, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    corpus.write_bytes(b"".join(good(number) for number in range(1, records + 1)))
    with pytest.raises(KeyboardInterrupt):
        run_batch(
            corpus, output, BatchSettings(), jobs=1, chunk_size=10,
            engine=nullcontext(InterruptedEngine(stop=5)),
        )  # fmt: skip
    assert json.loads((tmp_path / "out.jsonl.progress").read_text())["lines"] == 10
    return corpus, output


def test_a_resume_refuses_an_input_changed_in_the_part_done(tmp_path):
    corpus, output = interrupted_run(tmp_path)
    data = corpus.read_bytes()
    corpus.write_bytes(data.replace(b"\\u94f6\\u884c5", b"\\u94f6\\u884c6", 1))  # same size
    with pytest.raises(InputError, match=r"changed since the interrupted run.*start afresh"):
        run_batch(corpus, output, BatchSettings(), jobs=1)


def test_a_resume_refuses_an_input_that_grew_or_shrank(tmp_path):
    corpus, output = interrupted_run(tmp_path)
    corpus.write_bytes(corpus.read_bytes() + good(61))
    with pytest.raises(InputError, match="changed since the interrupted run"):
        run_batch(corpus, output, BatchSettings(), jobs=1)


def test_restart_starts_afresh_after_the_input_changed(tmp_path):
    corpus, output = interrupted_run(tmp_path)
    corpus.write_bytes(b"".join(good(number) for number in range(100, 105)))
    report = run_batch(corpus, output, BatchSettings(), jobs=1, restart=True)
    assert (report.resumed_at, report.records) == (0, 5)
    assert [record["id"] for record in read_jsonl(output)] == list(range(100, 105))


def test_a_resume_refuses_an_output_shorter_than_the_checkpoint(tmp_path):
    """Truncating to the checkpoint would pad a shortened output with NUL bytes."""
    corpus, output = interrupted_run(tmp_path)
    (tmp_path / "out.jsonl.partial").write_bytes(b"")  # where the run builds its output
    with pytest.raises(InputError, match=r"shorter than.*start afresh"):
        run_batch(corpus, output, BatchSettings(), jobs=1)


@pytest.mark.parametrize("target", ["errors", "progress"])
def test_the_errors_file_is_never_the_input(tmp_path, target):
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(good(1) + b"{bad\n")
    before = corpus.read_bytes()
    if target == "progress":  # the input is named like the output's progress file
        corpus = corpus.rename(tmp_path / "out.jsonl.progress")
        errors = None
    else:
        errors = corpus
    with pytest.raises(InputError, match="input"):
        run_batch(corpus, tmp_path / "out.jsonl", BatchSettings(), errors_path=errors, jobs=1)
    assert corpus.read_bytes() == before


def test_the_errors_file_is_never_the_output(tmp_path):
    corpus, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    corpus.write_bytes(good(1))
    with pytest.raises(InputError, match="same file"):
        run_batch(corpus, output, BatchSettings(), errors_path=output, jobs=1)


# --- item 13: workers die with their parent --------------------------------------------------


def descendants_of(root: int) -> set[int]:
    """Live processes below ``root`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and alive(pid := int(entry.name)):
            fields = _stat_fields(pid)
            if fields:
                children.setdefault(int(fields[1]), []).append(pid)
    found, unseen = set(), [root]
    while unseen:
        for child in children.get(unseen.pop(), []):
            found.add(child)
            unseen.append(child)
    return found


def alive(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")  # a zombie is dead


def _stat_fields(pid: int) -> list[str] | None:
    """State, parent pid, ... of a process (after its name, which may hold spaces)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()


def survivors_of_a_kill(command: list[str], output: Path, processes: int) -> list[int]:
    """Start ``command``; once ``processes`` processes run below it and ``output`` (the
    partial file a run builds) has its first records, the workers are working: kill it with
    SIGKILL; the processes that were below it and still live 5 s later (they are killed
    then)."""
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(below := descendants_of(process.pid)) < processes or not _grown(output):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in below if alive(pid)]
    for pid in survivors:  # clean up after a failure
        os.kill(pid, signal.SIGKILL)
    return survivors


def _grown(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def large_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "in.jsonl"  # long enough to be still running when killed
    corpus.write_bytes(b"".join(good(number) for number in range(1, 40_001)))
    return corpus


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@needs_proc
def test_cli_batch_workers_die_when_it_is_killed(tmp_path):
    command = [
        str(Path(sys.executable).with_name("pinyinize")), "batch", str(large_corpus(tmp_path)),
        "-o", str(tmp_path / "out.jsonl"), "-j", "2", "--chunk-size", "50",
    ]  # fmt: skip
    assert survivors_of_a_kill(command, tmp_path / "out.jsonl.partial", processes=2) == []


@needs_proc
def test_forkserver_workers_die_when_the_batch_process_is_killed(tmp_path):
    """Under forkserver (Python 3.14's default) the workers are the fork server's children,
    and it outlives them (it waits for every process holding its pipe, workers included)."""
    script = (
        "import multiprocessing, sys\n"
        "from pinyinize.batch import BatchSettings, run_batch\n"
        "if __name__ == '__main__':\n"
        "    multiprocessing.set_start_method('forkserver')\n"
        "    run_batch(sys.argv[1], sys.argv[2], BatchSettings(), jobs=2, chunk_size=50)\n"
    )
    command = [sys.executable, "-c", script, str(large_corpus(tmp_path)), str(tmp_path / "o")]
    # the fork server, its resource tracker and 2 workers
    assert survivors_of_a_kill(command, tmp_path / "o.partial", processes=4) == []


def test_cli_restart_after_the_input_changed(tmp_path):
    corpus, output = interrupted_run(tmp_path)
    corpus.write_bytes(good(7))
    command = ["batch", str(corpus), "-o", str(output), "-j", "1"]
    refused = CliRunner().invoke(main, command)
    assert refused.exit_code == 1 and "--restart" in refused.stderr
    assert "Traceback" not in refused.output
    restarted = CliRunner().invoke(main, [*command, "--restart"])
    assert restarted.exit_code == 0, restarted.output
    assert read_jsonl(output) == [{"id": 7, "text": "银行7", "annotated": "银行(yínháng)7"}]


def test_an_interrupted_or_failed_run_leaves_the_existing_output_as_it_was(tmp_path):
    """The output is built beside its target and renamed over it only at the end."""
    output, errors = tmp_path / "out.jsonl", tmp_path / "out.errors"
    output.write_bytes(b"an earlier run's output\n")
    errors.write_bytes(b"an earlier run's errors\n")
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(b"".join(good(number) for number in range(1, 61)) + b"{bad\n")
    with pytest.raises(KeyboardInterrupt):
        run_batch(
            corpus, output, BatchSettings(), errors_path=errors, jobs=1, chunk_size=10,
            engine=nullcontext(InterruptedEngine(stop=5)),
        )  # fmt: skip
    assert output.read_bytes() == b"an earlier run's output\n"
    assert errors.read_bytes() == b"an earlier run's errors\n"
    output.chmod(0o640)
    report = run_batch(corpus, output, BatchSettings(), errors_path=errors, jobs=1, chunk_size=10)
    assert (report.resumed_at, report.lines, report.errors) == (10, 61, 1)
    assert len(output.read_bytes().splitlines()) == 60
    assert b'"line": 61' in errors.read_bytes()
    assert output.stat().st_mode & 0o777 == 0o640  # the replaced output keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.errors", "out.jsonl"]
