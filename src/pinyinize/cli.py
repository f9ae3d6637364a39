"""Command line: a thin layer over one Annotator.

Expected errors (a missing file, input that is not UTF-8, a bad user dictionary) print one
line on stderr and exit with status 1; usage errors exit with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import click

from pinyinize.check import Problem, repair
from pinyinize.check import check as find_problems
from pinyinize.errors import InputError, PinyinizeError
from pinyinize.pipeline import Annotator
from pinyinize.render import Format
from pinyinize.select import Selection, parse_selection
from pinyinize.spell import Tones
from pinyinize.tones import Mode

__all__ = ["main"]

ANNOTATE_EXAMPLES = """
\b
Examples:
  echo '银行行长到了' | pinyinize annotate
      银行(yínháng)行长(hángzhǎng)到(dào)了(le)
  pinyinize annotate --format ruby article.txt -o article.html
  pinyinize annotate --tones numbers --format pinyin < text.txt
      yin2hang2 hang2zhang3 dao4 le5
  echo '一个孩子不是你好' | pinyinize annotate --mode spoken --tones numbers -f pinyin
      yi2ge4 hai2zi5 bu2shi4 ni2hao3
  pinyinize annotate --user-dict names.tsv chapter1.txt chapter2.txt
  pinyinize annotate --format json text.txt | jq '.tokens[0]'
"""

CHECK_EXAMPLES = """
\b
Examples:
  pinyinize check article.txt
      article.txt:16:123: apostrophe: (liǎngàn): ... needs an apostrophe: liǎng'àn
  pinyinize check --json article.txt | jq '.problems[].kind'
  pinyinize check --fix article.txt -o fixed.txt   # then `pinyinize check fixed.txt` is clean
"""

STRIP_EXAMPLES = """
\b
Examples:
  pinyinize annotate text.txt | pinyinize strip        # gives back text.txt exactly
  pinyinize strip --format ruby annotated.html
"""


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def _inputs(files: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(name, text) for each input file, or standard input when there is none."""
    if not files or files == ("-",):
        yield "<stdin>", _decode(sys.stdin.buffer.read(), "<stdin>")
        return
    for name in files:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise InputError(f"{name}: {error.strerror or error}") from None
        yield name, _decode(data, name)


def _open_output(output: str | None) -> BinaryIO:
    if output is None or output == "-":
        return sys.stdout.buffer
    try:
        return open(output, "wb")
    except OSError as error:
        raise InputError(f"{output}: {error.strerror or error}") from None


def _run(work: Iterator[str], output: str | None) -> None:
    """Write each piece of output as it is produced; turn expected errors into one line."""
    try:
        stream = _open_output(output)
        try:
            for piece in work:
                stream.write(piece.encode("utf-8"))
        finally:
            stream.flush()
            if stream is not sys.stdout.buffer:
                stream.close()
    except PinyinizeError as error:
        raise click.ClickException(str(error)) from None


tones_option = click.option(
    "--tones",
    type=click.Choice([t.value for t in Tones]),
    default=Tones.MARKS.value,
    show_default=True,
    help="Tone marks (hǎo), tone numbers (hao3) or none (hao).",
)


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write here instead of stdout.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pinyinize")
def main() -> None:
    """Annotate Chinese text with correct Hanyu Pinyin."""


@main.command(epilog=ANNOTATE_EXAMPLES)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice([f.value for f in Format]),
    default=Format.INLINE.value,
    show_default=True,
    help="inline 银行(yínháng), HTML ruby, JSON tokens, or the pinyin alone.",
)
@tones_option
@click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.DICTIONARY.value,
    show_default=True,
    help="Citation tones (dictionary), 一/不 changes and erhua (textbook), or speech (spoken).",
)
@click.option("--per-character", is_flag=True, help="Ruby: one reading over each character.")
@click.option(
    "--annotate",
    "select",
    default="all",
    callback=lambda _context, _parameter, value: _selection(value),
    show_default=True,
    help="Which words: all, polyphones, level:N (above HSK N), chars:N, rare, first; "
    "combine with commas (level:4,first).",
)
@click.option(
    "--orthography",
    is_flag=True,
    help="GB/T 16159-2012 word spelling: capitals for names and sentence starts (Zhāng Huá).",
)
@click.option(
    "--user-dict",
    type=click.Path(dir_okay=False),
    help="TSV of word<TAB>pinyin whose readings win over everything else.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Annotate even if the text already has inline pinyin annotations.",
)
@output_option
def annotate(
    files: tuple[str, ...],
    format_: str,
    tones: str,
    mode: str,
    per_character: bool,
    orthography: bool,
    select: Selection,
    user_dict: str | None,
    force: bool,
    output: str | None,
) -> None:
    """Annotate FILES (or standard input) with pinyin.

    Text that already carries inline annotations (好(hǎo)) is refused unless --force: a second
    pass would double them, as in 精神(jīngshén)(jīngshén).  Strip them first.
    """

    def work() -> Iterator[str]:
        annotator = Annotator(user_dict=user_dict, select=select)
        for name, text in _inputs(files):
            if not force:
                _refuse_annotated(annotator, name, text)
            annotated = annotator.annotate(
                text,
                format=format_,
                tones=tones,
                mode=mode,
                per_character=per_character,
                orthography=orthography,
                force=True,  # the whole text was checked above
            )
            yield annotated + "\n" if format_ == Format.JSON.value else annotated

    _run(work(), output)


def _selection(value: str) -> Selection:
    try:
        return parse_selection(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _refuse_annotated(annotator: Annotator, name: str, text: str) -> None:
    try:
        annotator.refuse_annotated(text)
    except InputError as error:
        raise InputError(f"{name}:{error}; run `pinyinize strip` or pass --force") from None


@main.command(epilog=STRIP_EXAMPLES)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice([Format.INLINE.value, Format.RUBY.value, Format.JSON.value]),
    default=Format.INLINE.value,
    show_default=True,
    help="The format the annotations were written in.",
)
@click.option(
    "--user-dict",
    type=click.Path(dir_okay=False),
    help="The user dictionary used to annotate, if any.",
)
@output_option
def strip(files: tuple[str, ...], format_: str, user_dict: str | None, output: str | None) -> None:
    """Remove pinyin annotations written by `pinyinize annotate`, giving back the text."""

    def work() -> Iterator[str]:
        annotator = Annotator(user_dict=user_dict)
        for _, text in _inputs(files):
            if format_ == Format.JSON.value:
                for line in text.splitlines():
                    if line.strip():
                        yield annotator.strip(line, format=format_)
            else:
                yield annotator.strip(text, format=format_)

    _run(work(), output)


if __name__ == "__main__":
    main()


@main.command(epilog=CHECK_EXAMPLES)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Report as JSON (one object per file).")
@click.option("--fix", is_flag=True, help="Write the text with every problem fixed instead.")
@click.option(
    "--user-dict", type=click.Path(dir_okay=False), help="Readings that win, as for annotate."
)
@output_option
def check(
    files: tuple[str, ...], as_json: bool, fix: bool, user_dict: str | None, output: str | None
) -> None:
    """Check the pinyin annotations already in FILES (inline 词(cí) and HTML ruby).

    Reports wrong readings, spans that are not words, doubled and misplaced annotations,
    syllable counts that do not match and missing apostrophes, each with its line, column
    and a fix.  Exits with 1 when it finds a problem (0 with --fix, which writes the fixed
    text and reports on stderr).
    """
    found = 0

    def work() -> Iterator[str]:
        nonlocal found
        annotator = Annotator(user_dict=user_dict)
        for name, text in _inputs(files):
            problems = find_problems(annotator, text)
            found += len(problems)
            if fix:
                if problems:
                    click.echo(f"{name}: fixed {len(problems)} problem(s)", err=True)
                yield repair(annotator, text)
            elif as_json:
                report = {"file": name, "problems": [p.as_dict() for p in problems]}
                yield json.dumps(report, ensure_ascii=False) + "\n"
            else:
                yield "".join(f"{name}:{_describe(problem)}\n" for problem in problems)

    _run(work(), output)
    if found and not fix:
        sys.exit(1)


def _describe(problem: Problem) -> str:
    fix = problem.suggestion or "remove it"
    return (
        f"{problem.line}:{problem.column}: {problem.kind}: {problem.found}: {problem.message}; "
        f"fix: {fix}"
    )
