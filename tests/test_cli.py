"""The command line, in process (click's CliRunner) and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pinyinize.cli import main

from conftest import EXAMPLE


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, args, data=b""):
    return runner.invoke(main, args, input=data)


def test_annotate_stdin_to_stdout(runner):
    result = invoke(runner, ["annotate"], "银行行长\n".encode())
    assert result.exit_code == 0
    assert result.stdout_bytes == "银行(yínháng)行长(hángzhǎng)\n".encode()


def test_annotate_keeps_line_endings_and_other_bytes(runner):
    text = "好\r\nok 😀\t\x00\r\n\n银行"
    result = invoke(runner, ["annotate"], text.encode())
    assert result.stdout_bytes == "好(hǎo)\r\nok 😀\t\x00\r\n\n银行(yínháng)".encode()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tones", "numbers"], "银行(yin2hang2)"),
        (["--tones", "none"], "银行(yinhang)"),
        (["--format", "pinyin"], "yínháng"),
        (["--mode", "spoken", "--tones", "numbers"], "银行(yin2hang2)"),
        (
            ["-f", "ruby", "--per-character"],
            "<ruby>银<rp>(</rp><rt>yín</rt><rp>)</rp></ruby><ruby>行",
        ),
    ],
)
def test_annotate_options(runner, args, expected):
    result = invoke(runner, ["annotate", *args], "银行".encode())
    assert result.exit_code == 0 and expected in result.stdout


def test_annotate_files_and_output_file(runner, tmp_path):
    out = tmp_path / "out.txt"
    result = invoke(runner, ["annotate", str(EXAMPLE), str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    single = invoke(runner, ["annotate", str(EXAMPLE)]).stdout_bytes
    assert out.read_bytes() == single * 2


def test_json_output_is_one_document_per_file(runner):
    result = invoke(runner, ["annotate", "--format", "json", str(EXAMPLE), str(EXAMPLE)])
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(documents) == 2
    assert documents[0]["text"] == EXAMPLE.read_text(encoding="utf-8")


def test_strip_round_trip(runner):
    original = EXAMPLE.read_bytes()
    for fmt in ["inline", "ruby", "json"]:
        annotated = invoke(runner, ["annotate", "-f", fmt, str(EXAMPLE)]).stdout_bytes
        result = invoke(runner, ["strip", "-f", fmt], annotated)
        assert result.exit_code == 0 and result.stdout_bytes == original, fmt


@pytest.mark.parametrize(
    ("args", "data", "message"),
    [
        (["annotate", "missing.txt"], b"", "missing.txt: No such file or directory"),
        (["annotate"], b"ok\xff\xfe", "<stdin>: not UTF-8 text (byte 0xff at offset 2)"),
        (["strip", "-f", "json"], b"{not json", "not a pinyinize JSON annotation"),
    ],
)
def test_expected_errors_are_one_line(runner, args, data, message):
    result = invoke(runner, args, data)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_already_annotated_text_is_refused_unless_forced(runner):
    text = "第一行\n精神(jīngshén)很好".encode()
    refused = invoke(runner, ["annotate"], text)
    assert refused.exit_code == 1
    assert "<stdin>:2:3: already annotated (神(jīngshén), 1 in all)" in refused.stderr
    forced = invoke(runner, ["annotate", "--force"], text)
    assert forced.exit_code == 0
    assert forced.stdout.endswith("精神(jīngshén)(jīngshén)很(hěn)好(hǎo)")
    # strip removes every pinyin annotation, the doubled one too
    assert invoke(runner, ["strip"], forced.stdout_bytes).stdout == "第一行\n精神很好"
    # Parentheses that are not pinyin are not annotations.
    assert invoke(runner, ["annotate"], "机构(WRCA)".encode()).exit_code == 0


def test_bad_user_dictionary_reports_line_numbers(runner, tmp_path):
    bad = tmp_path / "user.tsv"
    bad.write_text("# names\n银行\tyín háng\n张三 zhang san\n行长\tabc\n", encoding="utf-8")
    result = invoke(runner, ["annotate", "--user-dict", str(bad)], "银行".encode())
    assert result.exit_code == 1
    assert "line 3" in result.stderr and "line 4" in result.stderr and "line 2" not in result.stderr


def test_user_dictionary_file(runner, tmp_path):
    names = tmp_path / "names.tsv"
    names.write_text("曾国藩\tZēng Guófān\n", encoding="utf-8")
    result = invoke(runner, ["annotate", "--user-dict", str(names)], "曾国藩".encode())
    assert result.stdout == "曾国藩(Zēng Guófān)"  # the user's spelling, as written (issue 15)


def test_unknown_option_is_a_usage_error(runner):
    result = invoke(runner, ["annotate", "--format", "pdf"])
    assert result.exit_code == 2 and "Invalid value" in result.stderr


def test_mode_spoken_for_tts(runner):
    args = ["annotate", "--mode", "spoken", "--tones", "numbers", "-f", "pinyin"]
    result = invoke(runner, args, "一个孩子不是你好".encode())
    assert result.stdout == "yi2ge4 hai2zi5 bu2shi4 ni2hao3"


def test_help_shows_examples(runner):
    result = invoke(runner, ["annotate", "--help"])
    assert "Examples:" in result.stdout and "pinyinize annotate --format ruby" in result.stdout


def test_real_process_pipeline():
    command = [sys.executable, "-m", "pinyinize.cli", "annotate"]
    annotated = subprocess.run(command, input="两岸".encode(), capture_output=True, check=True)
    assert annotated.stdout.decode() == "两岸(liǎng'àn)"


def test_serve_passes_its_limits_to_the_server(monkeypatch):
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    import pinyinize.server

    started = {}
    monkeypatch.setattr(
        pinyinize.server, "serve", lambda host, port, limits: started.update(limits=limits)
    )
    command = ["serve", "--port", "0", "--workers", "3", "--max-response", "5000", "--timeout", "2"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    limits = started["limits"]
    assert (limits.workers, limits.max_response_bytes, limits.timeout) == (3, 5000, 2.0)
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    for option in ("--port", "--workers", "--max-response", "--max-body", "--timeout"):
        line = next(line for line in help_text.splitlines() if line.strip().startswith(option))
        assert len(line.split()) > 2, f"{option} has no help"


def test_mode_citation_for_polyphone_corpora(runner):
    args = ["annotate", "--mode", "citation", "--tones", "numbers", "-f", "pinyin"]
    result = invoke(runner, args, "衣服的关系".encode())
    assert result.stdout == "yi1fu2 de5 guan1xi4"
