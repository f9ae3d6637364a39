"""Markdown: annotate prose, keep code, URLs, HTML and front matter as they are.

Blocks come from markdown-it-py (the CommonMark reference parser's Python port, kept by the
executablebooks project): its block tokens carry ``map``, the source lines they cover, so
prose is annotated in the source itself and nothing is re-rendered.  Only lines of blocks
with inline content (paragraphs, headings, table cells, list items) are touched; fenced and
indented code, HTML blocks and link reference definitions are in no such block.  Inside
prose, a small scanner keeps code spans, inline HTML and autolinks (``<...>``), link and
image destinations and titles (``](url "title")``), reference labels and image alt text
unchanged.  YAML (``---``) and TOML (``+++``) front matter is cut off before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pinyinize.errors import InputError
from pinyinize.formats._markdown_inline import kept_spans
from pinyinize.formats.decode import decode
from pinyinize.formats.session import Session, change_spans
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator

__all__ = [
    "annotate_document",
    "front_matter_end",
    "prose_lines",
    "strip_document",
    "text_regions",
]

# Lines as markdown-it counts them: it ends a line at \r\n, \r or \n.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_FRONT_MATTER = {"---": ("---", "..."), "+++": ("+++",)}


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, line break included."""
    return [(match.start(), match.end()) for match in _LINE.finditer(text)]


def front_matter_end(text: str) -> int:
    """Where YAML or TOML front matter ends (0 when there is none)."""
    lines = _lines(text)
    if not lines:
        return 0
    opening = text[slice(*lines[0])].rstrip("\r\n")
    closings = _FRONT_MATTER.get(opening)
    if closings is None:
        return 0
    for start, end in lines[1:]:
        if text[start:end].rstrip("\r\n") in closings:
            return end
    return 0


def prose_lines(text: str) -> Iterator[tuple[int, int]]:
    """Line ranges ``[first, last)`` of the blocks with inline content."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise InputError(
            "Markdown needs markdown-it-py: pip install 'pinyinize[documents]'"
        ) from None
    # Only the block structure is needed: the inline rules (emphasis, links) would cost a
    # second pass over all prose, and time super-linear in some hostile lines.
    parser = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
    covered: set[int] = set()
    for token in parser.parse(text):
        if token.type == "inline" and token.map:
            first, last = token.map
            if not covered.intersection(range(first, last)):
                covered.update(range(first, last))
                yield first, last


def _prose_spans(body: str) -> Iterator[tuple[int, int]]:
    """Source spans of the prose blocks of ``body`` (the text after any front matter)."""
    lines = _lines(body)
    for first, last in prose_lines(body):
        if first >= len(lines):  # markdown-it saw a line we did not: leave it alone
            continue
        yield lines[first][0], lines[min(last, len(lines)) - 1][1]


def text_regions(text: str, session: Session) -> Iterator[tuple[int, int]]:
    """The spans of ``text`` that annotate may change and strip looks at: the prose
    outside front matter, code spans, inline HTML, URLs and escapes (our own ruby groups
    count as prose)."""
    body_start = front_matter_end(text)
    body = text[body_start:]
    for prose_start, prose_end in _prose_spans(body):
        prose = body[prose_start:prose_end]
        position = 0
        for kept_start, kept_end in [*kept_spans(prose, session.ours), (len(prose), len(prose))]:
            if position < kept_start:
                offset = body_start + prose_start
                yield offset + position, offset + kept_start
            position = kept_end


def annotate_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.INLINE)
    text = decode(data)
    return change_spans(text, text_regions(text, session), session.annotate).encode("utf-8")


def strip_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.INLINE)
    text = decode(data)
    return change_spans(text, text_regions(text, session), session.strip).encode("utf-8")
