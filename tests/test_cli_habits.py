"""CLI habits (issue 15): --encoding and --output-encoding, warnings for options that do
nothing, complete help texts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pinyinize.cli import main
from pinyinize.errors import InputError


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5", "utf-16"])
def test_annotate_reads_the_encoding_given_and_writes_utf8(runner, tmp_path, encoding):
    text = "銀行很好" if encoding == "big5" else "银行很好"
    source = tmp_path / "in.txt"
    source.write_bytes(text.encode(encoding))
    result = runner.invoke(main, ["annotate", "--encoding", encoding, str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8").startswith(text[:2] + "(yínháng)")


def test_output_encoding(runner):
    result = runner.invoke(
        main, ["annotate", "--encoding", "gbk", "--output-encoding", "gb18030"],
        input="银行".encode("gbk"),
    )  # fmt: skip
    assert result.stdout_bytes == "银行(yínháng)".encode("gb18030")


def test_utf16_output_has_one_byte_order_mark_for_several_inputs(runner, tmp_path):
    first, second = tmp_path / "1.txt", tmp_path / "2.txt"
    first.write_text("好", encoding="utf-8")
    second.write_text("好", encoding="utf-8")
    result = runner.invoke(
        main, ["annotate", "--output-encoding", "utf-16", str(first), str(second)]
    )
    assert result.stdout_bytes.decode("utf-16") == "好(hǎo)好(hǎo)"


def test_strip_and_check_take_the_encoding(runner):
    stripped = runner.invoke(
        main, ["strip", "--encoding", "gbk"], input="银行(yínháng)".encode("gbk")
    )
    assert stripped.stdout_bytes == "银行".encode()
    checked = runner.invoke(
        main, ["check", "--encoding", "gbk"], input="银行(yínxíng)".encode("gbk")
    )
    assert checked.exit_code == 1
    assert "yínháng" in checked.stdout


def test_not_utf8_suggests_the_encoding_option(runner):
    result = runner.invoke(main, ["annotate"], input="银行".encode("gbk"))
    assert result.exit_code == 1
    assert "not UTF-8 text" in result.stderr
    assert "--encoding gb18030" in result.stderr


def test_bytes_not_in_the_encoding_given(runner):
    result = runner.invoke(main, ["annotate", "--encoding", "utf-16"], input=b"\x00\xd8a")
    assert result.exit_code == 1
    assert "not utf-16 text" in result.stderr


def test_unknown_encoding_is_a_usage_error(runner):
    result = runner.invoke(main, ["annotate", "--encoding", "klingon"], input=b"")
    assert result.exit_code == 2
    assert "unknown encoding 'klingon'" in result.stderr


def test_per_character_without_ruby_says_it_does_nothing(runner):
    result = runner.invoke(main, ["annotate", "--per-character"], input="你好".encode())
    assert result.exit_code == 0
    assert "--per-character only applies to ruby; ignored with inline" in result.stderr
    quiet = runner.invoke(
        main, ["annotate", "--per-character", "-f", "ruby"], input="你好".encode()
    )
    assert quiet.stderr == ""


def test_tones_help_lists_every_style(runner):
    help_text = " ".join(runner.invoke(main, ["annotate", "--help"]).output.split())
    for style in ("marks", "numbers", "none", "zhuyin", "initials-finals"):
        assert style in help_text


@pytest.mark.parametrize("command", ["annotate", "strip", "check", "batch", "serve"])
def test_every_option_has_help(command):
    for parameter in main.commands[command].params:
        if parameter.param_type_name == "option":
            assert parameter.help, f"{command} {parameter.opts} has no help"


# batch: standard streams and the exit status of a run with bad records ------------------


def test_batch_reads_stdin_and_writes_stdout(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["batch", "-", "-o", "-", "-j", "1"], input="银行\n好\n".encode())
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == "银行(yínháng)\n好(hǎo)\n".encode()
    assert list(tmp_path.iterdir()) == []  # no file named "-", nothing left behind


def test_batch_file_to_stdout(runner, tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"text": "银行"}\n', encoding="utf-8")
    result = runner.invoke(main, ["batch", str(corpus), "-o", "-", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == '{"text": "银行", "annotated": "银行(yínháng)"}\n'.encode()


def test_batch_with_failed_records_exits_3(runner, tmp_path):
    corpus, output = tmp_path / "in.txt", tmp_path / "out.txt"
    corpus.write_text("银行\n好(hǎo)\n", encoding="utf-8")
    result = runner.invoke(main, ["batch", str(corpus), "-o", str(output), "-j", "1"])
    assert result.exit_code == 3
    assert "1 record(s) failed" in result.stderr
    assert output.read_text(encoding="utf-8") == "银行(yínháng)\n"  # the good ones are written
    allowed = runner.invoke(
        main, ["batch", str(corpus), "-o", str(output), "-j", "1", "--allow-errors"]
    )
    assert allowed.exit_code == 0


# selection: whole words -------------------------------------------------------------------


def test_selection_annotates_whole_words(annotator):
    written = annotator.annotate("云絮似棉", select="level:4")
    assert written == "云絮(yúnxù)似棉(mián)"
    assert annotator.strip(written) == "云絮似棉"


def test_a_morpheme_at_the_start_joins_the_word_after_it(annotator):
    assert annotator.annotate("絮似棉", select="level:4").startswith("絮似(xùsì)")


def test_selecting_everything_keeps_the_segmenters_tokens(annotator):
    assert annotator.annotate("云絮") == "云(yún)絮(xù)"


# a user dictionary's own spelling ---------------------------------------------------------

SPELLINGS = {"曾国藩": "Zēng Guófān", "西安": "Xī’ān", "银行": "yin2 hang2"}
TEXT = "曾国藩在西安的银行"


@pytest.fixture(scope="module")
def spelled():
    from pinyinize import Annotator

    return Annotator(user_dict=SPELLINGS)


def test_user_spelling_is_kept_as_written(spelled):
    written = spelled.annotate(TEXT)
    assert (
        written == "曾国藩(Zēng Guófān)在(zài)西安(Xī’ān)的(de)银行(yínháng)"
    )  # numbers: readings
    assert spelled.strip(written) == TEXT


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"orthography": True}, "曾国藩(Zēng Guófān)"),
        ({"tones": "none"}, "曾国藩(Zeng Guofan)"),
        ({"tones": "numbers"}, "曾国藩(zeng1guo2fan1)"),
        (  # ruby: one syllable over each character, the user's capitals kept
            {"format": "ruby", "fragment": True},
            "<ruby>曾<rp>(</rp><rt>Zēng</rt><rp>)</rp>国<rp>(</rp><rt>Guó</rt><rp>)</rp>"
            "藩<rp>(</rp><rt>fān</rt><rp>)</rp></ruby>",
        ),
    ],
)
def test_user_spelling_in_other_styles(spelled, options, expected):
    written = spelled.annotate(TEXT, **options)
    assert written.startswith(expected)
    kind = options.get("format", "inline")
    if kind == "inline":
        assert spelled.strip(written) == TEXT
    else:
        assert spelled.strip(written, format=kind) == TEXT


def test_user_spelling_is_refused_as_already_annotated(spelled):
    with pytest.raises(InputError, match="already annotated"):
        spelled.annotate("曾国藩(Zēng Guófān)来了")


def test_user_spelling_from_the_command_line(runner, tmp_path):
    dictionary = tmp_path / "names.tsv"
    dictionary.write_text("曾国藩\tZēng Guófān\n", encoding="utf-8")
    result = runner.invoke(
        main, ["annotate", "--user-dict", str(dictionary)], input="曾国藩".encode()
    )
    assert result.stdout_bytes == "曾国藩(Zēng Guófān)".encode()


@pytest.mark.parametrize("pinyin", ["yín háng", "yin2 hang2", "yínháng"])
def test_readings_given_syllable_by_syllable_are_written_our_way(pinyin):
    from pinyinize import Annotator

    assert Annotator(user_dict={"银行": pinyin}).annotate("银行") == "银行(yínháng)"


# strip streams ----------------------------------------------------------------------------

LINE = "两岸(liǎng'àn)的(de)银行(yínháng)行长(hángzhǎng)很(hěn)好(hǎo)。\n"


def _strip_peak(runner, tmp_path, lines: int) -> int:
    import tracemalloc

    source = tmp_path / f"in{lines}.txt"
    source.write_text(LINE * lines, encoding="utf-8")
    tracemalloc.start()
    try:
        result = runner.invoke(main, ["strip", str(source), "-o", str(tmp_path / "out.txt")])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "两岸的银行行长很好。\n" * lines
    return peak


def test_strip_memory_does_not_grow_with_the_input(runner, tmp_path, monkeypatch):
    import pinyinize.cli

    monkeypatch.setattr(pinyinize.cli, "_STREAM_BLOCK", 16 << 10)
    _strip_peak(runner, tmp_path, 10)  # warm: the lexicon and the caches
    small, large = _strip_peak(runner, tmp_path, 1500), _strip_peak(runner, tmp_path, 6000)
    assert large < small * 1.5  # four times the input, not four times the memory


def test_strip_stream_keeps_characters_cut_between_blocks(runner, tmp_path, monkeypatch):
    import pinyinize.cli

    monkeypatch.setattr(pinyinize.cli, "_STREAM_BLOCK", 7)  # cuts inside characters and groups
    text = "银行(yínháng)\r\n行长(hángzhǎng)好(hǎo)\n\n最后(zuìhòu)"
    result = runner.invoke(main, ["strip", "--encoding", "gb18030"], input=text.encode("gb18030"))
    assert result.stdout_bytes == "银行\r\n行长好\n\n最后".encode()


def test_strip_stream_names_the_bad_byte_across_blocks(runner, monkeypatch):
    import pinyinize.cli

    monkeypatch.setattr(pinyinize.cli, "_STREAM_BLOCK", 4)
    result = runner.invoke(main, ["strip"], input="好好好".encode() + b"\xff")
    assert result.exit_code == 1
    assert "not UTF-8 text (byte 0xff at offset 9)" in result.stderr


def test_progress_bar_on_a_terminal_for_large_inputs(monkeypatch):
    import io
    import sys

    import pinyinize.cli

    pytest.importorskip("tqdm")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with pinyinize.cli._progress("small.txt", 1000) as advance:
        advance(1000)
    assert terminal.getvalue() == ""
    size = pinyinize.cli.PROGRESS_BYTES
    with pinyinize.cli._progress("big.txt", size) as advance:
        advance(size)
    assert "big.txt" in terminal.getvalue()


def test_annotate_with_a_progress_bar_writes_what_annotate_writes(annotator, monkeypatch):
    import io
    import sys

    import pinyinize.cli
    from pinyinize.options import AnnotationOptions

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(pinyinize.cli, "PROGRESS_BYTES", 1000)
    monkeypatch.setattr(sys, "stderr", Terminal())
    text = "两岸的银行行长很重要。他说：“你好！”\n" * 800
    options = AnnotationOptions.parse(select="level:3,first", force=True)
    assert pinyinize.cli._shows_progress("text", options, len(text.encode()))
    written = pinyinize.cli._annotate_with_progress("t.txt", text.encode(), annotator, options)
    assert written.decode() == annotator.annotate(text, options)
    assert "t.txt" in sys.stderr.getvalue()


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (["annotate", "-f", "json", "--orthography"], "--orthography writes words"),
        (["annotate", "-f", "pinyin", "--per-character"], "ignored with pinyin"),
        (["batch", "-", "-o", "-", "-j", "1", "--per-character"], "ignored with inline"),
    ],
)
def test_options_that_do_nothing_say_so(runner, args, warning):
    result = runner.invoke(main, args, input="你好\n".encode())
    assert result.exit_code == 0, result.output
    assert warning in result.stderr


def test_strip_stream_of_one_long_line_stays_linear(runner, tmp_path, monkeypatch):
    """A file with no line breaks is cut after Chinese punctuation, and text with none at
    all is held without copying it again for every block."""
    import time

    import pinyinize.cli

    monkeypatch.setattr(pinyinize.cli, "_STREAM_BLOCK", 4 << 10)

    def best_time(text: str) -> float:
        source = tmp_path / "line.txt"
        source.write_text(text, encoding="utf-8")
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            result = runner.invoke(main, ["strip", str(source), "-o", str(tmp_path / "o.txt")])
            timings.append(time.perf_counter() - start)
        assert result.exit_code == 0
        return min(timings)

    best_time("银行(yínháng)很好。" * 100)  # warm: the lexicon and the caches
    for unit in ("银行(yínháng)很好。", "银行(yínháng)"):
        small = best_time(unit * 4000)
        assert best_time(unit * 8000) < 3 * small
        assert (tmp_path / "o.txt").read_text(encoding="utf-8") == unit.replace(
            "(yínháng)", ""
        ) * 8000


def test_fragment_flag_gives_the_bare_ruby_and_says_when_it_does_nothing(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("银行\n\n长大了\n", encoding="utf-8")
    runner = CliRunner()
    document = runner.invoke(main, ["annotate", "-f", "ruby", str(source)])
    fragment = runner.invoke(main, ["annotate", "-f", "ruby", "--fragment", str(source)])
    assert document.stdout.startswith("<!DOCTYPE html>")
    assert fragment.stdout.startswith("<ruby>银<rp>(</rp><rt>yín</rt>")
    for result in (document, fragment):
        stripped = runner.invoke(main, ["strip", "-f", "ruby"], input=result.stdout)
        assert stripped.stdout == "银行\n\n长大了\n"
    ignored = runner.invoke(main, ["annotate", "--fragment", str(source)])
    assert ignored.exit_code == 0 and "--fragment only applies" in ignored.stderr
