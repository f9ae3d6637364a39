"""Command line: a thin layer over one Annotator.

Exit status:

  0    done
  1    an expected error, printed as one line on stderr: an input that cannot be read
       (missing, unreadable, a folder, not in the --encoding, UTF-8 by default; the
       --user-dict file too), text that cannot be processed (already annotated, a bad
       document or user dictionary), an output that cannot be written (a full disk, no
       permission); `check` found problems
  2    a usage error: an unknown option or a bad value, an output that is one of the
       inputs (-o a.txt for a.txt; pass --in-place to rewrite inputs), --in-place with -o
       or standard input, `batch --errors` that is the output or the input
  3    `batch`: some records failed (each reported); --allow-errors makes that 0
  141  standard output was closed before the end (`pinyinize annotate big.txt | head`):
       the command stops quietly, as a tool that SIGPIPE ends does (128 + 13)

The -o file of annotate, strip and check is written atomically (see pinyinize.files): a
failed or killed run leaves the old file as it was, never an empty or partial one;
--in-place rewrites each input the same way.

Encodings: inputs are UTF-8 unless --encoding names another (gb18030, gbk, big5, utf-16
with its byte order mark, or any codec Python knows); outputs are UTF-8 unless
--output-encoding says otherwise, so that an annotated GBK file is read everywhere.  EPUB
files are zips and always UTF-8 inside: the options do not apply to them.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import functools
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any, BinaryIO

import click

from pinyinize._build import build_name
from pinyinize.batch import CHUNK_SIZE, BatchSettings, dask_engine, detect_input_format, run_batch
from pinyinize.check import Problem, repair
from pinyinize.check import check as find_problems
from pinyinize.errors import InputError, OutputError, PinyinizeError, SameFileError
from pinyinize.files import (
    STANDARD_STREAM,
    STDIN_NAME,
    check_readable,
    input_size,
    is_standard_stream,
    open_input,
    output_stream,
    read_inputs,
    refuse_same_file,
    write_atomically,
)
from pinyinize.formats import DOCUMENT_TYPES, annotate_document, detect, strip_document
from pinyinize.formats.decode import decode
from pinyinize.options import AnnotationOptions, Format, Mode, Selection, Tones, parse_selection
from pinyinize.pipeline import Annotator, split_into_chunks

__all__ = ["main"]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BAD_RECORDS = 3  # batch: some records failed
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a tool that SIGPIPE ended

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
  pinyinize annotate --in-place chapter*.txt         # rewrites each file (atomically)
"""

CHECK_EXAMPLES = """
\b
Examples:
  pinyinize check article.txt
      article.txt:16:123: apostrophe: (liǎngàn): ... needs an apostrophe: liǎng'àn
  pinyinize check --json article.txt | jq '.problems[].kind'
  pinyinize check --fix article.txt -o fixed.txt   # then `pinyinize check fixed.txt` is clean
  pinyinize check --fix --in-place article.txt
"""

STRIP_EXAMPLES = """
\b
Examples:
  pinyinize annotate text.txt | pinyinize strip        # gives back text.txt exactly
  pinyinize strip --format ruby annotated.html
"""

Process = Callable[[str, bytes], str | bytes]
"""Turns one input (its name and bytes) into its output."""


class UsageError(click.ClickException):
    """A command line that cannot be carried out as given: one line, exit status 2."""

    exit_code = EXIT_USAGE


UTF_8 = "utf-8"


def _decode(data: bytes, name: str, encoding: str = UTF_8) -> str:
    """The text of one input, read in ``encoding``; the error names the first bad byte and,
    for UTF-8, the option that reads other encodings."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _not_in_encoding(name, encoding, data[error.start], error.start) from None


def _not_in_encoding(name: str, encoding: str, byte: int, offset: int) -> InputError:
    where = f"byte 0x{byte:02x} at offset {offset}"
    if codecs.lookup(encoding).name == UTF_8:
        return InputError(
            f"{name}: not UTF-8 text ({where}); if it is GB18030, GBK, Big5 or UTF-16, "
            "say so with --encoding (e.g. --encoding gb18030)"
        )
    return InputError(f"{name}: not {encoding} text ({where})")


def _as_utf8(data: bytes, name: str, encoding: str) -> bytes:
    """An input in UTF-8, as the document formats read it (UTF-8 input is kept as is, once
    checked, so that its error suggests --encoding)."""
    text = _decode(data, name, encoding)
    return data if codecs.lookup(encoding).name == UTF_8 else text.encode(UTF_8)


def _text_input(data: bytes, name: str, kind: str, encoding: str) -> bytes:
    """``data`` in UTF-8 unless it is a zip (EPUB), which has its own encoding inside."""
    return data if kind == "epub" else _as_utf8(data, name, encoding)


def _encoding(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}") from None
    return value


def _encoding_option(name: str, help: str) -> Callable[[Any], Any]:
    return click.option(name, default=UTF_8, show_default=True, callback=_encoding, help=help)


encoding_option = _encoding_option(
    "--encoding",
    "Encoding of the inputs: gb18030, gbk, big5, utf-16 (with its byte order mark)...",
)
output_encoding_option = _encoding_option(
    "--output-encoding",
    "Encoding of the output (UTF-8 whatever the input's encoding, unless given).",
)


def _encoder(encoding: str) -> Callable[[str | bytes], bytes]:
    """Turns the results written to one output into its bytes in ``encoding`` (results in
    bytes are UTF-8).  One incremental encoder per output: UTF-16 gets one byte order mark."""
    keep_bytes = codecs.lookup(encoding).name == UTF_8
    encoder = codecs.getincrementalencoder(encoding)()

    def encode(piece: str | bytes) -> bytes:
        if isinstance(piece, bytes):
            if keep_bytes:
                return piece
            piece = piece.decode(UTF_8)
        try:
            return encoder.encode(piece)
        except UnicodeEncodeError as error:
            raise OutputError(
                f"{piece[error.start]!r} cannot be written in {encoding}; "
                "choose another --output-encoding"
            ) from None

    return encode


@contextlib.contextmanager
def _one_line_errors(output: str | None = None) -> Iterator[None]:
    """Expected errors as one line and their exit status; a closed stdout ends quietly."""
    try:
        yield
    except BrokenPipeError:
        _abandon_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except SameFileError as error:
        raise UsageError(str(error)) from None
    except PinyinizeError as error:
        if isinstance(error, OutputError) and is_standard_stream(output):
            _abandon_stdout()
        raise click.ClickException(str(error)) from None


def _abandon_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit cannot fail a second time
    (with a traceback) on what is left in its buffer."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: not a real file (tests)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _refuse_lost_files(files: tuple[str, ...], output: str | None, in_place: bool) -> None:
    """Refuse a command line whose output would overwrite one of its inputs."""
    if in_place:
        if output is not None:
            raise UsageError("--in-place rewrites each input file; it cannot go with -o")
        if not files or any(is_standard_stream(name) for name in files):
            raise UsageError("--in-place needs input files, not standard input")
        return
    inputs = [(name, "the input") for name in files]
    refuse_same_file(output, inputs, hint="; pass --in-place to rewrite inputs")


def _write_outputs(
    make_process: Callable[[], Process], files: tuple[str, ...], io: FileSettings
) -> None:
    """Process each input into the output, or with ``io.in_place`` back into its own file.

    The output file is replaced only after every input was read and processed; in place,
    each file is replaced on its own, and only when its content changes.
    """
    with _one_line_errors(io.output):
        _refuse_lost_files(files, io.output, io.in_place)
        process = make_process()
        encode = _encoder(io.output_encoding)
        if io.in_place:
            for name, data in read_inputs(files):
                result = encode(process(name, data))
                if result != data:
                    write_atomically(name, result)
            return
        with output_stream(io.output) as write:
            for name, data in read_inputs(files):
                write(encode(process(name, data)))


def _annotator(user_dict: str | None) -> Annotator:
    """The one Annotator of a command; a --user-dict that cannot be read is named as such."""
    if user_dict is not None:
        check_readable(user_dict)
    return Annotator(user_dict=user_dict)


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write here instead of stdout (replaced only when the run succeeds).",
)
in_place_option = click.option(
    "--in-place",
    is_flag=True,
    help="Rewrite each input file with its result (atomically) instead of writing an output.",
)
# No readable/dir_okay checks by click: the command reads each input itself and reports a
# missing, unreadable or folder input alike (one line, exit status 1).
files_argument = click.argument("files", nargs=-1, type=click.Path(readable=False, allow_dash=True))


def user_dict_option(help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--user-dict, read by the command itself (so that a bad one is reported as an input)."""
    return click.option("--user-dict", type=click.Path(readable=False), help=help)


def _selection(_context: click.Context, _parameter: click.Parameter, value: str) -> Selection:
    try:
        return parse_selection(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _choice_option(name: str, default: Enum, help: str) -> Callable[[Any], Any]:
    """An option whose values are those of ``default``'s enum."""
    choices = click.Choice([member.value for member in type(default)])
    return click.option(name, type=choices, default=default.value, show_default=True, help=help)


# How to annotate, the same for `annotate` and `batch`: each command gets them as one
# AnnotationOptions, `options` (see annotation_options).
_ANNOTATION_OPTIONS = (
    click.option(
        "-f",
        "--format",
        type=click.Choice([f.value for f in Format]),
        default=None,
        help="inline 银行(yínháng), HTML ruby, JSON tokens, or the pinyin alone "
        "[default: ruby for HTML and EPUB, inline for the others].",
    ),
    _choice_option(
        "--tones",
        Tones.MARKS,
        "Tone marks (hǎo), tone numbers (hao3), none (hao), zhuyin (ㄏㄠˇ) or "
        "initials-finals (h ao3, phones for speech synthesis).",
    ),
    _choice_option(
        "--mode",
        Mode.DICTIONARY,
        "Citation and lexical neutral tones (dictionary), 一/不 changes and erhua (textbook), "
        "speech (spoken), or citation tones alone, as polyphone corpora label them (citation).",
    ),
    click.option(
        "--per-character",
        is_flag=True,
        help="Ruby: each character its own <ruby> (by default a word is one <ruby> with a "
        "syllable over each character); other formats: ignored, with a warning.",
    ),
    click.option(
        "--fragment",
        is_flag=True,
        help="Ruby from plain text: the HTML fragment alone, not a whole styled document "
        "(other formats: ignored, with a warning).",
    ),
    click.option(
        "--annotate",
        "select",
        default="all",
        callback=_selection,  # parsed once, here: a bad selection is a usage error
        show_default=True,
        help="Which words: all, polyphones, level:N (above HSK N), chars:N, rare, first; "
        "combine with commas (level:4,first).",
    ),
    click.option(
        "--orthography",
        is_flag=True,
        help="GB/T 16159-2012 word spelling: capitals for names and sentence starts (Zhāng Huá).",
    ),
    click.option(
        "--force",
        is_flag=True,
        help="Annotate even text that already has inline pinyin annotations.",
    ),
    click.option(
        "--numbers",
        is_flag=True,
        help="Read numbers, dates, times, units and symbols as spoken Chinese: "
        "12.5%(bǎi fēn zhī shí'èr diǎn wǔ), 2024年 èr líng èr sì nián.",
    ),
)
_ANNOTATION_FIELDS = (
    "format",
    "tones",
    "mode",
    "per_character",
    "fragment",
    "select",
    "orthography",
    "force",
    "numbers",
)


def annotation_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the options that say how to annotate to ``command``, which gets them as one
    AnnotationOptions in its ``options`` argument."""

    @functools.wraps(command)
    def with_options(**values: Any) -> None:
        given = {name: values.pop(name) for name in _ANNOTATION_FIELDS}
        command(options=AnnotationOptions.parse(**given), **values)

    for option in reversed(_ANNOTATION_OPTIONS):
        with_options = option(with_options)
    return with_options


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pinyinize", message=f"%(prog)s %(version)s ({build_name()})")
def main() -> None:
    """Annotate Chinese text with correct Hanyu Pinyin."""


@dataclasses.dataclass(frozen=True, slots=True)
class FileSettings:
    """Where a command reads and writes: the options :func:`file_options` adds."""

    user_dict: str | None
    encoding: str
    output_encoding: str
    output: str | None
    in_place: bool


def file_options(user_dict_help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The options of a command that reads files and writes one output (or rewrites them
    in place): the user dictionary, the encodings, -o and --in-place; the command gets them
    as one FileSettings in its ``io`` argument."""

    def add(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def with_files(**values: Any) -> None:
            fields = [field.name for field in dataclasses.fields(FileSettings)]
            command(io=FileSettings(**{name: values.pop(name) for name in fields}), **values)

        decorated: Callable[..., None] = with_files
        for option in (
            in_place_option,
            output_option,
            output_encoding_option,
            encoding_option,
            user_dict_option(user_dict_help),
        ):
            decorated = option(decorated)
        return decorated

    return add


input_format_option = click.option(
    "--input-format",
    type=click.Choice(["auto", *DOCUMENT_TYPES]),
    default="auto",
    show_default=True,
    help="Document type: by the file name's suffix (auto; text for stdin), or this one.",
)


@main.command(epilog=ANNOTATE_EXAMPLES)
@files_argument
@annotation_options
@input_format_option
@file_options("TSV of word<TAB>pinyin whose readings win over everything else.")
def annotate(
    files: tuple[str, ...],
    options: AnnotationOptions,
    input_format: str,
    io: FileSettings,
) -> None:
    """Annotate FILES (or standard input) with pinyin.

    Text that already carries inline annotations (好(hǎo)) is refused unless --force: a second
    pass would double them, as in 精神(jīngshén)(jīngshén).  Strip them first.
    """

    def make_process() -> Process:
        annotator = _annotator(io.user_dict)
        warned: set[str] = set()

        def process(name: str, data: bytes) -> bytes:
            kind = _document_type(name, input_format)
            _warn_unused_options(options, kind, warned)
            data = _text_input(data, name, kind, io.encoding)
            checked = options
            if kind == "text" and not options.force:
                # Plain text says where it is annotated as file:line:column, with a hint.
                _refuse_annotated(annotator, name, _decode(data, name))
                checked = options.replace(force=True)
            if _shows_progress(kind, checked, len(data)):
                return _annotate_with_progress(name, data, annotator, checked)
            return _transform(name, annotate_document, data, annotator, checked, kind)

        return process

    _write_outputs(make_process, files, io)


def _shows_progress(kind: str, options: AnnotationOptions, size: int) -> bool:
    """Whether annotate draws a progress bar: large plain text on a terminal, in the formats
    that are the text's pieces written one after another (inline, pinyin)."""
    pieced = options.format in (None, Format.INLINE, Format.PINYIN)
    return kind == "text" and pieced and size >= PROGRESS_BYTES and sys.stderr.isatty()


def _annotate_with_progress(
    name: str, data: bytes, annotator: Annotator, options: AnnotationOptions
) -> bytes:
    """What annotating the text document gives, a piece at a time as Annotator.annotate
    takes it (the same pieces, one ``seen`` set), with a progress bar in characters."""
    try:
        text = decode(data)  # with the document size limit, as the text format reads it
    except InputError as error:
        raise InputError(f"{name}: {error}") from None
    seen: set[str] = set()
    written: list[str] = []
    with _progress(name, len(text), unit="char") as advance:
        for piece in split_into_chunks(text):
            written.append(annotator.annotate(piece, options, seen=seen))
            advance(len(piece))
    return "".join(written).encode(UTF_8)


def _warn_unused_options(options: AnnotationOptions, kind: str, warned: set[str]) -> None:
    """Say so on stderr when an option given does nothing for this output (once a run)."""
    format = options.format or DOCUMENT_TYPES[kind].formats[0]
    if options.per_character and format is not Format.RUBY:
        _warn(f"--per-character only applies to ruby; ignored with {format.value}", warned)
    if options.fragment and (format is not Format.RUBY or kind != "text"):
        _warn("--fragment only applies to ruby made from plain text; ignored", warned)
    if options.orthography and format is Format.JSON:
        _warn("--orthography writes words; JSON gives syllables: ignored", warned)


def _warn(message: str, warned: set[str]) -> None:
    if message not in warned:
        warned.add(message)
        click.echo(f"pinyinize: warning: {message}", err=True)


def _document_type(name: str, input_format: str) -> str:
    return detect(None if name == STDIN_NAME else name) if input_format == "auto" else input_format


def _transform(
    name: str,
    transform: Callable[..., bytes],
    data: bytes,
    annotator: Annotator,
    options: AnnotationOptions,
    kind: str,
) -> bytes:
    """Annotate or strip a document, putting the file name in front of expected errors."""
    try:
        return transform(data, annotator, options, kind=kind)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def _refuse_annotated(annotator: Annotator, name: str, text: str) -> None:
    try:
        annotator.refuse_annotated(text)
    except InputError as error:
        raise InputError(f"{name}:{error}; run `pinyinize strip` or pass --force") from None


@main.command(epilog=STRIP_EXAMPLES)
@files_argument
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
@file_options("The user dictionary used to annotate, if any.")
def strip(
    files: tuple[str, ...],
    format_: str | None,
    input_format: str,
    io: FileSettings,
) -> None:
    """Remove pinyin annotations written by `pinyinize annotate`, giving back the text.

    An HTML file made by `annotate --format ruby` from text is recognised and gives back
    that text.  A file with no annotations to strip is written unchanged, with a note on
    stderr (the exit status stays 0: stripping is safe to repeat).
    """
    options = AnnotationOptions(format=Format(format_) if format_ else None)
    inline = format_ in (None, Format.INLINE.value)
    if not io.in_place and inline and _all_text(files, input_format):
        _stream_strip(files, io)
        return

    def make_process() -> Process:
        annotator = _annotator(io.user_dict)

        def process(name: str, data: bytes) -> bytes:
            kind = _document_type(name, input_format)
            data = _text_input(data, name, kind, io.encoding)
            stripped = _transform(name, strip_document, data, annotator, options, kind)
            if stripped == data and kind == "html" and format_ is None:
                stripped = _strip_text_ruby(name, data, annotator)
            if stripped == data:
                click.echo(f"{name}: no pinyin annotations found; nothing stripped", err=True)
            return stripped

        return process

    _write_outputs(make_process, files, io)


def _all_text(files: tuple[str, ...], input_format: str) -> bool:
    names = [STDIN_NAME if is_standard_stream(name) else name for name in files or ("-",)]
    return all(_document_type(name, input_format) == "text" for name in names)


# Inline annotations never span a line break, so text is stripped a block of whole lines at
# a time: memory stays the same whatever the size of the input.
_STREAM_BLOCK = 1 << 20
# Inputs at least this large get a progress bar on a terminal.
PROGRESS_BYTES = 4 << 20


def _stream_strip(files: tuple[str, ...], io: FileSettings) -> None:
    """`strip` of inline annotations in plain text, one block of lines at a time."""
    with _one_line_errors(io.output):
        _refuse_lost_files(files, io.output, False)
        annotator = _annotator(io.user_dict)
        encode = _encoder(io.output_encoding)
        with output_stream(io.output) as write:
            for name in files or (STANDARD_STREAM,):
                shown = STDIN_NAME if is_standard_stream(name) else name
                with open_input(name) as stream:
                    changed = _strip_stream(shown, stream, annotator, io.encoding, write, encode)
                if not changed:
                    click.echo(f"{shown}: no pinyin annotations found; nothing stripped", err=True)


def _strip_stream(
    name: str,
    stream: BinaryIO,
    annotator: Annotator,
    encoding: str,
    write: Callable[[bytes], None],
    encode: Callable[[str | bytes], bytes],
) -> bool:
    """Strip one input into ``write``; whether anything was stripped."""
    decoder = codecs.getincrementaldecoder(encoding)()
    changed = False
    pending: list[str] = []  # text after the last safe cut (joined once: no quadratic copies)
    read = 0
    with _progress(name, input_size(stream)) as advance:
        while True:
            block = _read_block(name, stream)
            held = len(decoder.getstate()[0])  # bytes of a character cut by the last block
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                offset = read - held + error.start
                raise _not_in_encoding(name, encoding, error.object[error.start], offset) from None
            read += len(block)
            cut = len(text) if not block else _last_safe_cut(text)
            if cut or not block:
                piece = "".join([*pending, text[:cut]])
                pending = [text[cut:]]
                stripped = annotator.strip(piece)
                changed = changed or stripped != piece
                write(encode(stripped))
            else:
                pending.append(text)
            advance(len(block))
            if not block:
                return changed


# Where plain text may be cut for strip: after a line break, or after Chinese punctuation,
# which no annotation holds and no annotation follows (both need a character with a reading
# before them).
_SAFE_CUTS = "\n\r。，！？；：、"


def _last_safe_cut(text: str) -> int:
    """The end of the last safe cut in ``text``; 0 when there is none."""
    return max(text.rfind(char) for char in _SAFE_CUTS) + 1


def _read_block(name: str, stream: BinaryIO) -> bytes:
    try:
        return stream.read(_STREAM_BLOCK)
    except OSError as error:
        raise InputError(f"{name}: {error.strerror or error}") from None


@contextlib.contextmanager
def _progress(name: str, size: int | None, unit: str = "B") -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for a large input when stderr is a terminal (tqdm, from the
    batch extra; without it, or otherwise, nothing is shown)."""
    if size is None or size < PROGRESS_BYTES or not sys.stderr.isatty():
        yield lambda _count: None
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield lambda _count: None
        return
    with tqdm(total=size, unit=unit, unit_scale=True, desc=name, leave=False) as bar:
        yield bar.update


def _strip_text_ruby(name: str, data: bytes, annotator: Annotator) -> bytes:
    """An HTML file with none of the marked ruby that annotating a page writes may be one
    that `annotate --format ruby` made from plain text (bare ``<ruby>`` groups): strip it as
    that text when every ruby group in it has that shape.  Other pages are left as they are."""
    page = data.decode(UTF_8)
    groups = len(_TEXT_RUBY.findall(page))
    if not groups or groups != page.lower().count("<ruby"):  # someone else's ruby too
        return data
    ruby = AnnotationOptions(format=Format.RUBY)
    return _transform(name, strip_document, data, annotator, ruby, "text")


# A group as the ruby renderer writes it for text: a bare <ruby>, then base texts and their
# readings (with or without <rp> fallbacks).
_TEXT_RUBY = re.compile(
    r"<ruby>(?:<rb>)?[^<]+(?:</rb>)?(?:<rp>[^<]*</rp>)?<rt>[^<]*</rt>", re.IGNORECASE
)


@main.command(epilog=CHECK_EXAMPLES)
@files_argument
@click.option("--json", "as_json", is_flag=True, help="Report as JSON (one object per file).")
@click.option("--fix", is_flag=True, help="Write the text with every problem fixed instead.")
@file_options("Readings that win, as for annotate.")
def check(
    files: tuple[str, ...],
    as_json: bool,
    fix: bool,
    io: FileSettings,
) -> None:
    """Check the pinyin annotations already in FILES (inline 词(cí) and HTML ruby).

    Reports wrong readings, spans that are not words, doubled and misplaced annotations,
    syllable counts that do not match and missing apostrophes, each with its line, column
    and a fix.  Exits with 1 when it finds a problem (0 with --fix, which writes the fixed
    text and reports on stderr; --fix --in-place rewrites each file).
    """
    if io.in_place and not fix:
        raise UsageError("--in-place needs --fix (check rewrites files only to fix them)")
    found = 0

    def make_process() -> Process:
        annotator = _annotator(io.user_dict)

        def process(name: str, data: bytes) -> str:
            nonlocal found
            text = _decode(data, name, io.encoding)
            problems = find_problems(annotator, text)
            found += len(problems)
            if fix:
                if problems:
                    click.echo(f"{name}: fixed {len(problems)} problem(s)", err=True)
                return repair(annotator, text)
            if as_json:
                report = {"file": name, "problems": [p.as_dict() for p in problems]}
                return json.dumps(report, ensure_ascii=False) + "\n"
            return "".join(f"{name}:{_describe(problem)}\n" for problem in problems)

        return process

    _write_outputs(make_process, files, io)
    if found and not fix:
        sys.exit(1)


def _describe(problem: Problem) -> str:
    fix = problem.suggestion or "remove it"
    return (
        f"{problem.line}:{problem.column}: {problem.kind}: {problem.found}: {problem.message}; "
        f"fix: {fix}"
    )


def _byte_limit_option(name: str, default: int, what: str) -> Callable[[Any], Any]:
    return click.option(
        name,
        default=default,
        show_default=True,
        type=click.IntRange(1),
        help=f"Largest {what}, in bytes (413 above it).",
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@_byte_limit_option("--max-body", 1_000_000, "request body")
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Seconds of work one request may take (503 after it; its worker is replaced).",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Worker processes that do the annotating [default: one per core, 2 to 4].",
)
@_byte_limit_option("--max-response", 10_000_000, "response body")
def serve(
    host: str, port: int, max_body: int, timeout: float, workers: int | None, max_response: int
) -> None:
    """Serve the JSON API (/api, /openapi.json) and the web page (/) from worker processes
    that share one loaded lexicon and model."""
    try:
        from pinyinize.server import Limits
        from pinyinize.server import serve as run_server
    except ImportError as error:
        raise click.ClickException(
            f"the web service needs the serve extra: pip install 'pinyinize[serve]' ({error})"
        ) from None
    limits = Limits(max_body_bytes=max_body, timeout=timeout, max_response_bytes=max_response)
    if workers is not None:
        limits = dataclasses.replace(limits, workers=workers)
    run_server(host, port, limits)


BATCH_EXAMPLES = """
\b
Examples:
  pinyinize batch corpus.jsonl -o annotated.jsonl --errors bad.jsonl
      adds "annotated" to each record; rerun after an interruption to resume
  pinyinize batch --field sentence --replace --tones numbers corpus.jsonl -o out.jsonl
  pinyinize batch sentences.txt -o annotated.txt --jobs 4
  pinyinize batch corpus.jsonl -o out.jsonl --engine dask --scheduler tcp://head:8786
  cat sentences.txt | pinyinize batch - -o - > annotated.txt
"""


@main.command(epilog=BATCH_EXAMPLES)
@click.argument("input_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Output file (-: standard output).",
)
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
@annotation_options
@user_dict_option("TSV of word<TAB>pinyin.")
@click.option("--restart", is_flag=True, help="Start afresh, not from an interrupted run.")
@click.option(
    "--allow-errors",
    is_flag=True,
    help=f"Exit with 0 even when records failed (else {EXIT_BAD_RECORDS}).",
)
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
    options: AnnotationOptions,
    user_dict: str | None,
    restart: bool,
    allow_errors: bool,
) -> None:
    """Annotate a corpus, one record per line, in order, on all cores.

    Each good record gives one output line; bad ones (invalid JSON or UTF-8, no such field,
    not a string, already annotated) are reported with their line numbers and skipped, and
    the run then exits with 3 (unless --allow-errors).  An interrupted run leaves
    OUTPUT.progress: run the same command again to resume it.  INPUT_FILE - reads standard
    input and -o - writes standard output (the output once the run is complete; such a run
    cannot be resumed).
    """
    with _one_line_errors(output):
        refuse_same_file(output, [(input_file, "the input")])
        others = [(input_file, "the input"), (output, "the output")]
        refuse_same_file(errors_path, others, role="the --errors file")
    input_name = STDIN_NAME if is_standard_stream(input_file) else input_file
    _warn_unused_options(options, "text", set())
    settings = BatchSettings(
        detect_input_format(None if is_standard_stream(input_file) else input_file)
        if input_format == "auto"
        else input_format,
        field,
        None if replace else output_field,
        options,
        user_dict,
    )
    interactive = sys.stderr.isatty()
    try:
        _annotator(user_dict)  # a bad dictionary fails here, once
        cluster = dask_engine(scheduler, workers=jobs) if engine == "dask" else None
        with _batch_files(input_file, output) as (input_path, output_path):
            report = run_batch(
                input_path,
                output_path,
                settings,
                errors_path=errors_path,
                jobs=jobs,
                chunk_size=chunk_size,
                engine=cluster,
                progress_bar=interactive,
                on_error=None if errors_path else _report_bad_record(input_name),
                restart=restart,
            )
    except BrokenPipeError:
        _abandon_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
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
    if report.errors and not allow_errors:
        click.echo(
            f"{input_name}: {report.errors} record(s) failed; exit status {EXIT_BAD_RECORDS} "
            "(--allow-errors: 0)",
            err=True,
        )
        sys.exit(EXIT_BAD_RECORDS)


@contextlib.contextmanager
def _batch_files(input_file: str, output: str) -> Iterator[tuple[str, str]]:
    """Real files for a batch run, which reads its input twice and builds its output beside
    the target: standard input is copied into a scratch folder first, and an output to
    standard output is built there and copied out once the run is complete."""
    if not (is_standard_stream(input_file) or is_standard_stream(output)):
        yield input_file, output
        return
    with tempfile.TemporaryDirectory(prefix="pinyinize-batch-") as scratch:
        input_path, output_path = input_file, output
        if is_standard_stream(input_file):
            input_path = os.path.join(scratch, "input")
            with open(input_path, "wb") as copy:
                shutil.copyfileobj(sys.stdin.buffer, copy)
        if is_standard_stream(output):
            output_path = os.path.join(scratch, "output")
        yield input_path, output_path
        if is_standard_stream(output):
            with open(output_path, "rb") as result:
                shutil.copyfileobj(result, sys.stdout.buffer)
            sys.stdout.buffer.flush()


def _report_bad_record(name: str) -> Callable[[int, str], None]:
    def report(line: int, reason: str) -> None:
        click.echo(f"{name}:{line}: {reason}", err=True)

    return report


if __name__ == "__main__":
    main()
