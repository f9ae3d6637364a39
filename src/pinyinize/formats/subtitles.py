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
from collections.abc import Callable, Iterator

from pinyinize.formats._runs import DocumentOptions, Session, change_spans
from pinyinize.formats.decode import decode
from pinyinize.pipeline import Annotator
from pinyinize.render import Format

__all__ = ["annotate_srt", "annotate_vtt", "cue_texts", "strip_srt", "strip_vtt"]

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


def _annotate_cue(cue: str, session: Session) -> str:
    """Annotate the text between markup; leave text inside an existing ruby alone."""
    parts: list[str] = []
    position = 0
    ruby_depth = 0
    for tag in _MARKUP.finditer(cue):
        between = cue[position : tag.start()]
        parts.append(session.annotate(between) if ruby_depth == 0 else between)
        parts.append(tag.group())
        name = tag.group()[1:].split(".")[0].split(" ")[0].rstrip(">")
        if name == "ruby":
            ruby_depth += 1
        elif name == "/ruby" and ruby_depth:
            ruby_depth -= 1
        position = tag.end()
    tail = cue[position:]
    parts.append(session.annotate(tail) if ruby_depth == 0 else tail)
    return "".join(parts)


def _transform(text: str, webvtt: bool, change: Callable[[str], str]) -> str:
    return change_spans(text, cue_texts(text, webvtt=webvtt), change)


def _session(annotator: Annotator, options: DocumentOptions, webvtt: bool) -> Session:
    format = options.format or Format.INLINE
    if webvtt:
        return Session(annotator, options, format, ruby_opening=VTT_RUBY, parentheses=False)
    return Session(annotator, options, format)


def annotate_srt(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    session = _session(annotator, options, webvtt=False)
    text = decode(data)
    return _transform(text, False, lambda cue: _annotate_cue(cue, session)).encode("utf-8")


def strip_srt(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    session = _session(annotator, options, webvtt=False)
    return _transform(decode(data), False, session.strip).encode("utf-8")


def annotate_vtt(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    session = _session(annotator, options, webvtt=True)
    text = decode(data)
    return _transform(text, True, lambda cue: _annotate_cue(cue, session)).encode("utf-8")


def strip_vtt(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    session = _session(annotator, options, webvtt=True)
    return _transform(decode(data), True, session.strip).encode("utf-8")
