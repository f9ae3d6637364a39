"""SubRip (SRT) and WebVTT subtitles: annotate cue text, keep everything else.

Both are blocks separated by blank lines.  In a cue, the line with ``-->`` holds the
timings (and WebVTT's cue settings); the lines after it are the cue text, annotated as one
run so that multi-line cues keep their line breaks.  Cue numbers and identifiers, the
WEBVTT header and NOTE, STYLE and REGION blocks are left as they are, and so is markup in
cue text (``<i>``, ``<c.yellow>``, ``<v Roger>``, timestamps, SRT's ``{\\an8}``); text
inside an existing ``<ruby>`` is not annotated again.  WebVTT knows ``<ruby>``/``<rt>`` but
not ``<rp>``, so its ruby has no parentheses and is marked with the class
``<ruby.pinyinize>``; SRT players know no ruby at all, so SRT is annotated inline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pinyinize.formats.decode import decode
from pinyinize.formats.session import Session, change_spans
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator

__all__ = ["annotate_srt", "annotate_vtt", "cue_texts", "strip_srt", "strip_vtt", "text_regions"]

_BLANK = re.compile(r"(?:\r?\n){2,}")
_LINE = re.compile(r".*?(?:\r?\n|$)")
_MARKUP = re.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
_VTT_UNTOUCHED = ("WEBVTT", "NOTE", "STYLE", "REGION")
VTT_RUBY = "<ruby.pinyinize>"


def cue_texts(text: str, *, webvtt: bool) -> Iterator[tuple[int, int]]:
    """Source spans of the cue text of each cue: the lines after its timing line."""
    position = 0
    for separator in [*_BLANK.finditer(text), None]:
        end = separator.start() if separator else len(text)
        block = text[position:end]
        if not (webvtt and block.lstrip("\ufeff").startswith(_VTT_UNTOUCHED)):
            offset = 0
            for line in _LINE.finditer(block):
                offset = line.end()
                if "-->" in line.group() or not line.group():
                    break
            if "-->" in block[:offset] and offset < len(block):
                yield position + offset, end
        position = separator.end() if separator else len(text)


def text_regions(text: str, session: Session, *, webvtt: bool) -> Iterator[tuple[int, int]]:
    """The spans of ``text`` that annotate may change and strip looks at: the cue text
    between markup, outside any ruby that was there before (our own ruby groups count as
    text)."""
    for cue_start, cue_end in cue_texts(text, webvtt=webvtt):
        yield from _cue_regions(text, cue_start, cue_end, session.ours)


def _cue_regions(
    text: str, start: int, end: int, ours: re.Pattern[str] | None
) -> Iterator[tuple[int, int]]:
    region_start = position = start
    ruby_depth = 0
    while (tag := _MARKUP.search(text, position, end)) is not None:
        if ours is not None and (group := ours.match(text, tag.start(), end)):
            position = group.end()  # our own ruby: part of the text region
            continue
        if ruby_depth == 0 and region_start < tag.start():
            yield region_start, tag.start()
        name = tag.group()[1:].split(".")[0].split(" ")[0].rstrip(">")
        if name == "ruby":
            ruby_depth += 1
        elif name == "/ruby" and ruby_depth:
            ruby_depth -= 1
        region_start = position = tag.end()
    if ruby_depth == 0 and region_start < end:
        yield region_start, end


def _session(annotator: Annotator, options: AnnotationOptions, webvtt: bool) -> Session:
    format = options.format or Format.INLINE
    if webvtt:
        return Session(annotator, options, format, ruby_opening=VTT_RUBY, parentheses=False)
    return Session(annotator, options, format)


def _annotate(data: bytes, annotator: Annotator, options: AnnotationOptions, webvtt: bool) -> bytes:
    session = _session(annotator, options, webvtt)
    text = decode(data)
    regions = text_regions(text, session, webvtt=webvtt)
    return change_spans(text, regions, session.annotate).encode("utf-8")


def _strip(data: bytes, annotator: Annotator, options: AnnotationOptions, webvtt: bool) -> bytes:
    session = _session(annotator, options, webvtt)
    text = decode(data)
    return change_spans(text, text_regions(text, session, webvtt=webvtt), session.strip).encode(
        "utf-8"
    )


def annotate_srt(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    return _annotate(data, annotator, options, webvtt=False)


def strip_srt(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    return _strip(data, annotator, options, webvtt=False)


def annotate_vtt(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    return _annotate(data, annotator, options, webvtt=True)


def strip_vtt(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    return _strip(data, annotator, options, webvtt=True)
