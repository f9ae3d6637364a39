"""`pinyinize batch`: order, bad records, resuming after an interruption, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from contextlib import nullcontext
from pathlib import Path

import pytest
from click.testing import CliRunner

from pinyinize.batch import (
    BatchSettings,
    Chunk,
    annotate_chunk,
    dask_engine,
    detect_input_format,
    run_batch,
)
from pinyinize.cli import main
from pinyinize.errors import InputError
from pinyinize.options import AnnotationOptions, Tones

SENTENCES = [
    "两岸的银行行长长大了。",
    "他还了书，还在看书。",
    "我们一个孩子不是你好",
    "Hello, 世界 2024",
    "",
    "重庆的重要问题",
]
BAD = [
    (b"{not json\n", "invalid JSON"),
    (b'{"id": 9}\n', "no field 'text'"),
    (b'{"text": 42}\n', "field 'text' is int, not a string"),
    ('{"text": "好(hǎo)"}\n'.encode(), "already annotated"),
    (b"[1, 2]\n", "not a JSON object but list"),
    (b'{"text": "\xff"}\n', "not UTF-8"),
]


def write_corpus(path: Path, count: int, bad_every: int = 0) -> list[int]:
    """A JSON Lines corpus; returns the line numbers of the bad records."""
    bad_lines = []
    with open(path, "wb") as stream:
        for number in range(1, count + 1):
            if bad_every and number % bad_every == 0:
                stream.write(BAD[(number // bad_every) % len(BAD)][0])
                bad_lines.append(number)
            else:
                text = SENTENCES[(number - 1) % len(SENTENCES)] + f"第{number}"
                record = {"id": number, "text": text}
                stream.write((json.dumps(record, ensure_ascii=False) + "\n").encode())
    return bad_lines


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_records_in_order_with_an_added_field(tmp_path):
    corpus, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_corpus(corpus, 40)
    report = run_batch(corpus, output, BatchSettings(), jobs=1, chunk_size=7)
    records = read_jsonl(output)
    assert [r["id"] for r in records] == list(range(1, 41))
    assert records[0]["annotated"].startswith("两岸(liǎng'àn)的(de)银行(yínháng)")
    assert records[0]["text"] == "两岸的银行行长长大了。第1"
    assert (report.records, report.errors, report.lines) == (40, 0, 40)
    assert not (tmp_path / "out.jsonl.progress").exists()


def test_replace_and_another_field(tmp_path):
    corpus, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    corpus.write_text('{"sentence": "银行", "n": 1}\n', encoding="utf-8")
    settings = BatchSettings(
        field="sentence", output_field=None, options=AnnotationOptions(tones=Tones.NUMBERS)
    )
    run_batch(corpus, output, settings, jobs=1)
    assert read_jsonl(output) == [{"sentence": "银行(yin2hang2)", "n": 1}]


def test_bad_records_go_to_the_side_file_and_never_stop_the_run(tmp_path):
    corpus, output, errors = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "e.jsonl"
    bad_lines = write_corpus(corpus, 60, bad_every=5)
    report = run_batch(corpus, output, BatchSettings(), errors_path=errors, jobs=1, chunk_size=8)
    reported = read_jsonl(errors)
    assert [r["line"] for r in reported] == bad_lines
    for record in reported:
        expected = BAD[(record["line"] // 5) % len(BAD)][1]
        assert expected in record["reason"]
    good = [r["id"] for r in read_jsonl(output)]
    assert good == [n for n in range(1, 61) if n not in bad_lines]
    assert (report.records, report.errors) == (48, 12)


def test_plain_text_corpus_keeps_blank_lines(tmp_path):
    corpus, output = tmp_path / "in.txt", tmp_path / "out.txt"
    corpus.write_text("银行\n\n行长\r\n你好(nǐhǎo)\nHi", encoding="utf-8")
    settings = BatchSettings(input_format="text")
    report = run_batch(corpus, output, settings, jobs=1)
    assert output.read_text(encoding="utf-8") == "银行(yínháng)\n\n行长(hángzhǎng)\nHi\n"
    assert report.errors == 1


class Interrupted(Exception):
    pass


class FailingEngine:
    """Runs chunks in process and is interrupted before chunk number ``stop``."""

    def __init__(self, stop: int) -> None:
        self.stop, self.count = stop, 0

    def submit(self, fn, *args):
        self.count += 1
        if self.count == self.stop:
            raise KeyboardInterrupt
        future = Future()
        future.set_result(fn(*args))
        return future


def test_resume_after_an_interruption_and_a_torn_line(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 100, bad_every=9)
    expected, expected_errors = tmp_path / "expected.jsonl", tmp_path / "expected.errors"
    run_batch(corpus, expected, BatchSettings(), errors_path=expected_errors, jobs=1)

    output, errors = tmp_path / "out.jsonl", tmp_path / "out.errors"
    with pytest.raises(KeyboardInterrupt):
        run_batch(
            corpus, output, BatchSettings(), errors_path=errors, jobs=1, chunk_size=10,
            engine=nullcontext(FailingEngine(stop=5)),
        )  # fmt: skip
    progress = json.loads((tmp_path / "out.jsonl.progress").read_text())
    assert progress["lines"] == 10  # four chunks in flight: the first written, 2-4 lost
    # a crash after writing but before the checkpoint: a torn, unrecorded last line in the
    # partial output the run builds (the output itself is only replaced at the end)
    assert not output.exists()
    with open(tmp_path / "out.jsonl.partial", "ab") as stream:
        stream.write(b'{"id": 41, "text": "torn')
    report = run_batch(corpus, output, BatchSettings(), errors_path=errors, jobs=1, chunk_size=10)
    assert report.resumed_at == progress["lines"]
    assert output.read_bytes() == expected.read_bytes()
    assert errors.read_bytes() == expected_errors.read_bytes()
    assert not (tmp_path / "out.jsonl.progress").exists()


def test_progress_file_of_another_run_is_refused(tmp_path):
    corpus, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_corpus(corpus, 30)
    with pytest.raises(KeyboardInterrupt):
        run_batch(
            corpus, output, BatchSettings(), jobs=1, chunk_size=10,
            engine=nullcontext(FailingEngine(stop=1)),
        )  # fmt: skip
    with pytest.raises(InputError, match="another input or other settings"):
        run_batch(
            corpus, output, BatchSettings(options=AnnotationOptions(tones=Tones.NUMBERS)), jobs=1
        )


def test_resume_after_the_process_is_killed(tmp_path):
    """A real crash: SIGKILL the CLI mid-run, run it again, every record exactly once."""
    corpus, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_corpus(corpus, 6000, bad_every=50)
    expected = tmp_path / "expected.jsonl"
    run_batch(corpus, expected, BatchSettings(), jobs=1, chunk_size=500)
    command = [
        str(Path(sys.executable).with_name("pinyinize")), "batch", str(corpus), "-o",
        str(output), "--jobs", "1", "--chunk-size", "20", "--errors", str(tmp_path / "e"),
        "--allow-errors",
    ]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    progress = tmp_path / "out.jsonl.progress"
    deadline = time.monotonic() + 20
    while not progress.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    assert output.read_bytes() == expected.read_bytes()
    assert len((tmp_path / "e").read_text().splitlines()) == 6000 // 50


def test_all_cores_give_the_same_output(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 300, bad_every=11)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch(corpus, one, BatchSettings(), jobs=1, chunk_size=50)
    run_batch(corpus, two, BatchSettings(), jobs=2, chunk_size=50)
    assert one.read_bytes() == two.read_bytes()


def test_dask_local_cluster_keeps_order(tmp_path):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 300, bad_every=13)
    local, dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    run_batch(corpus, local, BatchSettings(), jobs=1)
    engine = dask_engine(workers=2, processes=False, timeout=30)
    report = run_batch(corpus, dask, BatchSettings(), jobs=2, chunk_size=20, engine=engine)
    assert dask.read_bytes() == local.read_bytes()
    assert report.errors == 300 // 13


def test_a_chunk_reports_line_numbers():
    settings = BatchSettings(input_format="text")
    result = annotate_chunk(settings, Chunk(10, (b"\xe9\x93\xb6\n", b"\xff\n")))
    assert result.output == ["银(yín)\n"]
    assert result.errors == [(11, "not UTF-8 (byte 0xff at 0)")]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.JSON", "jsonl"), ("a.txt", "text")],
)
def test_detect_input_format(name, kind):
    assert detect_input_format(name) == kind


# --- CLI ---------------------------------------------------------------------------------


def test_cli_batch_with_errors_on_stderr(tmp_path):
    corpus, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_corpus(corpus, 20, bad_every=10)
    result = CliRunner().invoke(main, ["batch", str(corpus), "-o", str(output), "-j", "1"])
    assert result.exit_code == 3, result.output  # records failed
    assert len(read_jsonl(output)) == 18
    assert result.stderr.splitlines() == [
        f"{corpus}:10: no field 'text'",
        f"{corpus}:20: field 'text' is int, not a string",
        f"{corpus}: 2 record(s) failed; exit status 3 (--allow-errors: 0)",
    ]


def test_cli_batch_text_with_errors_file(tmp_path):
    corpus, output, errors = tmp_path / "in.txt", tmp_path / "out.txt", tmp_path / "bad.jsonl"
    corpus.write_text("银行\n好(hǎo)\n", encoding="utf-8")
    args = ["batch", str(corpus), "-o", str(output), "-j", "1", "--errors", str(errors)]
    result = CliRunner().invoke(main, [*args, "--tones", "numbers", "--allow-errors"])
    assert result.exit_code == 0 and result.stderr == ""
    assert output.read_text(encoding="utf-8") == "银行(yin2hang2)\n"
    assert read_jsonl(errors)[0]["line"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl"], "missing.jsonl: No such file or directory"),
        (["--annotate", "level:99"], "unknown selection"),
    ],
)
def test_cli_batch_errors_are_one_line(tmp_path, args, message):
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 3)
    args = [str(tmp_path / args[0])] if args[0].endswith(".jsonl") else [str(corpus), *args]
    result = CliRunner().invoke(main, ["batch", *args, "-o", str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code in (1, 2)
    assert message in result.stderr and "Traceback" not in result.output
