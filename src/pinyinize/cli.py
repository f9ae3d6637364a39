"""Command line: a thin layer over one Annotator.

Expected errors (a missing file, input that is not UTF-8, a bad user dictionary) print one
line on stderr and exit with status 1; usage errors exit with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import click

from pinyinize.batch import CHUNK_SIZE, BatchSettings, dask_engine, detect_input_format, run_batch
from pinyinize.check import Problem, repair
from pinyinize.check import check as find_problems
from pinyinize.errors import InputError, PinyinizeError
from pinyinize.formats import (
    DOCUMENT_TYPES,
    DocumentOptions,
    annotate_document,
    detect,
    strip_document,
)
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
  pinyinize annotate page.html -o page.zh.html      # ruby over the text of the page
  pinyinize annotate book.epub -o book.pinyin.epub
  pinyinize annotate --input-format vtt -f ruby < talk.vtt > talk.pinyin.vtt
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
    for name, data in _raw_inputs(files):
        yield name, _decode(data, name)


def _raw_inputs(files: tuple[str, ...]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) for each input file, or standard input when there is none."""
    if not files or files == ("-",):
        yield "<stdin>", sys.stdin.buffer.read()
        return
    for name in files:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise InputError(f"{name}: {error.strerror or error}") from None
        yield name, data


def _open_output(output: str | None) -> BinaryIO:
    if output is None or output == "-":
        return sys.stdout.buffer
    try:
        return open(output, "wb")
    except OSError as error:
        raise InputError(f"{output}: {error.strerror or error}") from None


def _run(work: Iterator[str | bytes], output: str | None) -> None:
    """Write each piece of output as it is produced; turn expected errors into one line."""
    try:
        stream = _open_output(output)
        try:
            for piece in work:
                stream.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
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


mode_option = click.option(
    "--mode",
    type=click.Choice([m.value for m in Mode]),
    default=Mode.DICTIONARY.value,
    show_default=True,
    help="Citation tones (dictionary), 一/不 changes and erhua (textbook), or speech (spoken).",
)
per_character_option = click.option(
    "--per-character", is_flag=True, help="Ruby: one reading over each character."
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


input_format_option = click.option(
    "--input-format",
    type=click.Choice(["auto", *DOCUMENT_TYPES]),
    default="auto",
    show_default=True,
    help="Document type: by the file name's suffix (auto; text for stdin), or this one.",
)


@main.command(epilog=ANNOTATE_EXAMPLES)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice([f.value for f in Format]),
    default=None,
    help="inline 银行(yínháng), HTML ruby, JSON tokens, or the pinyin alone "
    "[default: ruby for HTML and EPUB, inline for the others].",
)
@input_format_option
@tones_option
@mode_option
@per_character_option
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
    format_: str | None,
    input_format: str,
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
    options = DocumentOptions(
        Format(format_) if format_ else None,
        Tones(tones),
        Mode(mode),
        per_character,
        orthography,
        select,
        force,
    )

    def work() -> Iterator[str | bytes]:
        annotator = Annotator(user_dict=user_dict, select=select)
        for name, data in _raw_inputs(files):
            kind = _document_type(name, input_format)
            if kind != "text":
                yield _transform(name, annotate_document, data, annotator, options, kind)
                continue
            text = _decode(data, name)
            text_format = (options.format or Format.INLINE).value
            if not force:
                _refuse_annotated(annotator, name, text)
            annotated = annotator.annotate(
                text,
                format=text_format,
                tones=tones,
                mode=mode,
                per_character=per_character,
                orthography=orthography,
                force=True,  # the whole text was checked above
            )
            yield annotated + "\n" if text_format == Format.JSON.value else annotated

    _run(work(), output)


def _document_type(name: str, input_format: str) -> str:
    return detect(None if name == "<stdin>" else name) if input_format == "auto" else input_format


def _transform(
    name: str,
    transform: Callable[..., bytes],
    data: bytes,
    annotator: Annotator,
    options: DocumentOptions,
    kind: str,
) -> bytes:
    """Annotate or strip a document, putting the file name in front of expected errors."""
    try:
        return transform(data, annotator, options, kind=kind)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


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
    default=None,
    help="The format the annotations were written in "
    "[default: ruby for HTML and EPUB, inline for the others].",
)
@input_format_option
@click.option(
    "--user-dict",
    type=click.Path(dir_okay=False),
    help="The user dictionary used to annotate, if any.",
)
@output_option
def strip(
    files: tuple[str, ...],
    format_: str | None,
    input_format: str,
    user_dict: str | None,
    output: str | None,
) -> None:
    """Remove pinyin annotations written by `pinyinize annotate`, giving back the text."""
    options = DocumentOptions(Format(format_) if format_ else None)

    def work() -> Iterator[str | bytes]:
        annotator = Annotator(user_dict=user_dict)
        for name, data in _raw_inputs(files):
            kind = _document_type(name, input_format)
            if kind != "text":
                yield _transform(name, strip_document, data, annotator, options, kind)
                continue
            text = _decode(data, name)
            text_format = (options.format or Format.INLINE).value
            if text_format == Format.JSON.value:
                for line in text.splitlines():
                    if line.strip():
                        yield annotator.strip(line, format=text_format)
            else:
                yield annotator.strip(text, format=text_format)

    _run(work(), output)


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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--max-body",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(1),
    help="Largest request body, in bytes (413 above it).",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Seconds of work one request may take (503 after it).",
)
def serve(host: str, port: int, max_body: int, timeout: float) -> None:
    """Serve the JSON API (/api, /openapi.json) and the web page (/) over one Annotator."""
    try:
        from pinyinize.server import Limits
        from pinyinize.server import serve as run_server
    except ImportError as error:
        raise click.ClickException(
            f"the web service needs the serve extra: pip install 'pinyinize[serve]' ({error})"
        ) from None
    run_server(host, port, Limits(max_body_bytes=max_body, timeout=timeout))


BATCH_EXAMPLES = """
\b
Examples:
  pinyinize batch corpus.jsonl -o annotated.jsonl --errors bad.jsonl
      adds "annotated" to each record; rerun after an interruption to resume
  pinyinize batch --field sentence --replace --tones numbers corpus.jsonl -o out.jsonl
  pinyinize batch sentences.txt -o annotated.txt --jobs 4
  pinyinize batch corpus.jsonl -o out.jsonl --engine dask --scheduler tcp://head:8786
"""


def _selection_text(value: str) -> str:
    _selection(value)  # validate now, in the parent, before any worker starts
    return value


@main.command(epilog=BATCH_EXAMPLES)
@click.argument("input_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Output file.")
@click.option(
    "--input-format",
    type=click.Choice(["auto", "jsonl", "text"]),
    default="auto",
    show_default=True,
    help="JSON Lines or one text per line; auto: jsonl for .jsonl/.ndjson/.json, else text.",
)
@click.option("--field", default="text", show_default=True, help="JSON Lines: the text field.")
@click.option(
    "--output-field",
    default="annotated",
    show_default=True,
    help="JSON Lines: the field the annotation is added as.",
)
@click.option("--replace", is_flag=True, help="JSON Lines: write the annotation over the text.")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False),
    help="Report bad records here (JSON Lines: line, reason) instead of on stderr.",
)
@click.option("-j", "--jobs", type=click.IntRange(1), help="Worker processes [default: all cores].")
@click.option(
    "--chunk-size",
    type=click.IntRange(1),
    default=CHUNK_SIZE,
    show_default=True,
    help="Records per task.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="A process pool here, or Dask (a local cluster, or --scheduler).",
)
@click.option("--scheduler", help="Dask: address of a running scheduler (tcp://host:8786).")
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice([f.value for f in Format]),
    default=Format.INLINE.value,
    show_default=True,
    help="How each text is annotated (as for annotate).",
)
@tones_option
@mode_option
@per_character_option
@click.option(
    "--annotate",
    "select",
    default="all",
    callback=lambda _context, _parameter, value: _selection_text(value),
    show_default=True,
    help="Which words (as for annotate).",
)
@click.option("--orthography", is_flag=True, help="GB/T 16159-2012 word spelling.")
@click.option("--user-dict", type=click.Path(dir_okay=False), help="TSV of word<TAB>pinyin.")
@click.option("--force", is_flag=True, help="Annotate records that already carry pinyin.")
@click.option("--restart", is_flag=True, help="Start afresh, not from an interrupted run.")
def batch(
    input_file: str,
    output: str,
    input_format: str,
    field: str,
    output_field: str,
    replace: bool,
    errors_path: str | None,
    jobs: int | None,
    chunk_size: int,
    engine: str,
    scheduler: str | None,
    format_: str,
    tones: str,
    mode: str,
    per_character: bool,
    select: str,
    orthography: bool,
    user_dict: str | None,
    force: bool,
    restart: bool,
) -> None:
    """Annotate a corpus, one record per line, in order, on all cores.

    Each good record gives one output line; bad ones (invalid JSON or UTF-8, no such field,
    not a string, already annotated) are reported with their line numbers and skipped.  An
    interrupted run leaves OUTPUT.progress: run the same command again to resume it.
    """
    settings = BatchSettings(
        detect_input_format(input_file) if input_format == "auto" else input_format,
        field,
        None if replace else output_field,
        format_,
        tones,
        mode,
        per_character,
        orthography,
        select,
        force,
        user_dict,
    )
    interactive = sys.stderr.isatty()
    try:
        Annotator(user_dict=user_dict, select=select)  # a bad dictionary fails here, once
        cluster = dask_engine(scheduler, workers=jobs) if engine == "dask" else None
        report = run_batch(
            input_file,
            output,
            settings,
            errors_path=errors_path,
            jobs=jobs,
            chunk_size=chunk_size,
            engine=cluster,
            progress_bar=interactive,
            on_error=None if errors_path else _report_bad_record(input_file),
            restart=restart,
        )
    except PinyinizeError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; run the same command again to resume") from None
    except (OSError, TimeoutError, RuntimeError) as error:  # the engine could not start or run
        raise click.ClickException(f"{engine} engine: {error}") from None
    if interactive:
        rate = (report.lines - report.resumed_at) / max(report.seconds, 1e-9)
        click.echo(
            f"{report.records} records, {report.errors} bad, in {report.seconds:.1f} s "
            f"({rate:.0f} lines/s)",
            err=True,
        )


def _report_bad_record(name: str) -> Callable[[int, str], None]:
    def report(line: int, reason: str) -> None:
        click.echo(f"{name}:{line}: {reason}", err=True)

    return report


if __name__ == "__main__":
    main()
