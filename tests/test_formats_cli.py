"""`pinyinize annotate` and `pinyinize strip` on whole documents (CliRunner, in process)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_formats import DOCUMENTS, build_epub, check_epub_structure, entries

from pinyinize.cli import main
from pinyinize.formats.html import STYLESHEET


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(DOCUMENTS / name, target)
    return target


@pytest.mark.parametrize(
    ("name", "annotate_args", "strip_args"),
    [
        ("page.html", [], []),
        ("page.html", ["-f", "inline"], ["-f", "inline"]),
        ("talk.srt", [], []),
        ("talk.vtt", ["-f", "ruby"], ["-f", "ruby"]),
        ("notes.md", [], []),
    ],
)
def test_annotate_then_strip_round_trips(runner, tmp_path, name, annotate_args, strip_args):
    source = copy(tmp_path, name)
    output = tmp_path / f"annotated-{name}"
    result = runner.invoke(main, ["annotate", *annotate_args, str(source), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes() != source.read_bytes()
    back = tmp_path / f"back-{name}"
    result = runner.invoke(main, ["strip", *strip_args, str(output), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert back.read_bytes() == source.read_bytes()


def test_html_gets_ruby_by_default(runner, tmp_path):
    result = runner.invoke(main, ["annotate", str(copy(tmp_path, "page.html"))])
    assert result.exit_code == 0
    assert STYLESHEET in result.stdout and '<ruby class="pinyinize">银<rp>' in result.stdout


def test_input_format_for_stdin(runner):
    page = "<p title='银行'>银行</p>"
    result = runner.invoke(main, ["annotate", "--input-format", "html", "-f", "inline"], page)
    assert result.stdout == "<p title='银行'>银行(yínháng)</p>"
    # stdin is plain text unless told otherwise, as before
    assert runner.invoke(main, ["annotate"], page).stdout == (
        "<p title='银行(yínháng)'>银行(yínháng)</p>"
    )


def test_epub_through_the_cli(runner, tmp_path):
    book = tmp_path / "book.epub"
    book.write_bytes(build_epub())
    output = tmp_path / "out.epub"
    assert runner.invoke(main, ["annotate", str(book), "-o", str(output)]).exit_code == 0
    check_epub_structure(output.read_bytes())
    back = tmp_path / "back.epub"
    assert runner.invoke(main, ["strip", str(output), "-o", str(back)]).exit_code == 0
    assert entries(back.read_bytes()) == entries(book.read_bytes())


@pytest.mark.parametrize(
    ("name", "data", "args", "message"),
    [
        ("bad.epub", b"PK\x03\x04 broken", [], "bad.epub: not an EPUB: not a zip file"),
        ("bad.html", b"<p>\xff</p>", [], "bad.html: not UTF-8 text (byte 0xff at offset 3)"),
        ("a.html", b"<p>x</p>", ["-f", "json"], "html documents take the ruby, inline"),
        ("a.srt", b"", ["-f", "ruby"], "srt documents take the inline format(s), not ruby"),
        ("a.html", "<p>好(hǎo)</p>".encode(), ["-f", "inline"], "a.html: 1:5: already annotated"),
    ],
)
def test_bad_documents_give_one_line(runner, tmp_path, name, data, args, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(main, ["annotate", *args, str(path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.output


def test_plain_text_is_unchanged_by_the_new_options(runner):
    result = runner.invoke(main, ["annotate", "--input-format", "text"], "银行")
    assert result.stdout == "银行(yínháng)"
