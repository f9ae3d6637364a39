"""Plain text: the whole text is annotated, as ``pinyinize annotate`` always did.

A JSON annotation is one line ending with a newline, so that files annotated one after
another make JSON Lines; stripping takes each non-blank line as one JSON annotation.

Ruby gives a complete HTML document (unless ``fragment``): a head with our stylesheet, then
the text with every line that is not blank in a ``<p>`` of its own.  A line is the unit
because Chinese plain text usually writes one paragraph per line, with or without blank
lines between; a blank-line rule would run such a file into one paragraph.  Line breaks
and blank lines stay as they were between the paragraphs, and the ruby renderer escapes
all text (no ``<`` of the text survives), so :func:`strip_standalone` gives back every
byte: it drops the head and the tail, the ``<p>`` tags, and the ruby.
"""

from __future__ import annotations

import re
from html import escape

from pinyinize.annotations import strip_ruby
from pinyinize.errors import InputError
from pinyinize.formats.decode import decode
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator
from pinyinize.render.ruby import ruby_css

__all__ = [
    "DOCUMENT_CSS",
    "annotate_document",
    "is_standalone",
    "standalone",
    "strip_document",
    "strip_standalone",
]

# A page to read and to print: a serif face (楷体 where the reader picks it), lines high
# enough for the pinyin over them, no more than about 40 characters a line on screen.
DOCUMENT_CSS = (
    "body{margin:2rem auto;max-width:42em;padding:0 1rem;font-size:1.5rem;line-height:2.4;"
    "font-family:'Noto Serif CJK SC','Source Han Serif SC','Songti SC',SimSun,serif;"
    "color:#111;background:#fff}p{margin:0 0 .5em}"
    "@media print{body{margin:0;max-width:none;padding:0}}" + ruby_css("ruby")
)
_HEAD = (
    '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="generator" content="pinyinize text">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
)
_STYLE = f'<style data-pinyinize="">{DOCUMENT_CSS}</style>\n</head>\n<body>\n'
_TAIL = "</body>\n</html>\n"
_STANDALONE = re.compile(
    re.escape(_HEAD) + r"<title>[^<\n]*</title>\n" + re.escape(_STYLE) + "(.*)" + re.escape(_TAIL),
    re.DOTALL,
)
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
_PARAGRAPH_TAG = re.compile(r"</?p>")
_TITLE_LENGTH = 60
_BLANK = " \t\f\v"  # what makes a line blank; an ideographic space (　) is text


def annotate_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    text = decode(data)
    annotated = annotator.annotate(text, options)
    if options.format is Format.JSON:
        annotated += "\n"
    elif options.format is Format.RUBY and not options.fragment:
        annotated = standalone(annotated, title=_title(text))
    return annotated.encode("utf-8")


def strip_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    if is_standalone(data):
        return strip_standalone(data)
    text = decode(data)
    format = options.format or Format.INLINE
    if format is not Format.JSON:
        return annotator.strip(text, format=format).encode("utf-8")
    documents = (line for line in text.splitlines() if line.strip())
    return "".join(annotator.strip(line, format=format) for line in documents).encode("utf-8")


def standalone(fragment: str, title: str) -> str:
    """A ruby fragment of a whole text as an HTML document, each line not blank a ``<p>``."""
    parts = _LINE_BREAK.split(fragment)  # lines at even places, their breaks between
    for index in range(0, len(parts), 2):
        if parts[index].strip(_BLANK):
            parts[index] = f"<p>{parts[index]}</p>"
    return f"{_HEAD}<title>{escape(title)}</title>\n{_STYLE}{''.join(parts)}{_TAIL}"


def is_standalone(data: bytes) -> bool:
    """True when ``data`` starts as :func:`standalone` writes a document."""
    return data.startswith(_HEAD.encode("utf-8"))


def strip_standalone(data: bytes) -> bytes:
    """The text a :func:`standalone` document was made from, byte for byte."""
    match = _STANDALONE.fullmatch(decode(data))
    if match is None:
        raise InputError("not a pinyinize text document: its head or tail was changed")
    return strip_ruby(_PARAGRAPH_TAG.sub("", match.group(1))).encode("utf-8")


def _title(text: str) -> str:
    """The first line that is not blank, shortened (the document's name in a tab)."""
    for line in text.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= _TITLE_LENGTH else line[: _TITLE_LENGTH - 1] + "…"
    return "pinyin"
