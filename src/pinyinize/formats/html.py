"""HTML and XHTML: annotate text nodes only, splice them back into the page unchanged.

Pages are read once by a linear tokenizer (:mod:`pinyinize.formats._html_tokens`) that gives
the source span of every token, so the page is never re-serialised: only the source spans of
text nodes are replaced, and every other byte (attributes, comments, doctype, entity
spelling, self-closing tags of XHTML) stays as it was.  A tree builder (lxml, html5lib,
BeautifulSoup) would normalise the markup on output.  :func:`text_regions` is the one place
that decides which text is ours to change; annotate and strip both use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from pinyinize.formats import text
from pinyinize.formats._html_tokens import Kind, tokenize
from pinyinize.formats.decode import decode
from pinyinize.formats.session import Session, line_and_column
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator
from pinyinize.render.ruby import ruby_css

__all__ = [
    "STYLESHEET",
    "Regions",
    "annotate_document",
    "annotate_html",
    "strip_document",
    "strip_html",
    "text_regions",
]

# Text in these is code, already annotated, or not rendered as text.
SKIPPED = frozenset(
    {"script", "style", "ruby", "code", "pre", "kbd", "samp", "textarea", "svg", "math",
     "template", "noscript", "iframe", "object", "xmp", "noembed", "noframes", "plaintext"}
)  # fmt: skip
# These hold text only: markup written into them would show as text.
TEXT_ONLY = frozenset({"title", "option"})
STYLESHEET = f'<style data-pinyinize="">{ruby_css("ruby.pinyinize")}</style>'
# The stylesheet that ruby over whole words came with: strip still takes it away.
LEGACY_STYLESHEETS = (
    '<style data-pinyinize="">ruby.pinyinize{ruby-position:over}'
    "ruby.pinyinize rt{font-size:0.6em}</style>",
)


@dataclass(frozen=True, slots=True)
class Regions:
    """What one read of a page finds: the source spans of the text we may change, and
    where the first ``</head>`` starts (None when there is none)."""

    text: list[tuple[int, int]]
    head_end: int | None


def text_regions(source: str, session: Session) -> Regions:
    """The text nodes outside skipped elements (with ruby, outside <title> and <option>
    too), our own ruby groups read as part of their text; and where ``</head>`` is."""
    skipped = SKIPPED | TEXT_ONLY if session.format is Format.RUBY else SKIPPED
    open_skipped: Counter[str] = Counter()
    spans: list[tuple[int, int]] = []
    head_end = None
    for token in tokenize(source, session.ours):
        if token.kind is Kind.TEXT:
            if not +open_skipped:
                spans.append((token.start, token.end))
        elif token.kind is Kind.START:
            if token.name in skipped and not token.self_closing:
                open_skipped[token.name] += 1
        elif token.kind is Kind.END:
            if open_skipped[token.name] > 0:
                open_skipped[token.name] -= 1
            if token.name == "head" and head_end is None:
                head_end = token.start
    return Regions(spans, head_end)


def annotate_html(source: str, session: Session) -> str:
    """Annotate the text nodes of a page; with ruby, add the stylesheet before </head>.

    The stylesheet goes in even when the page has it already (unless forced), so that
    strip, which takes away the copy just before </head>, gives the page back.
    """
    regions = text_regions(source, session)
    edits = [
        (start, end, session.annotate(source[start:end], _locator(source, start)))
        for start, end in regions.text
    ]
    head_end = _stylesheet_place(session, regions)
    if head_end is not None and not (session.options.force and _has_stylesheet(source, head_end)):
        edits.append((head_end, head_end, STYLESHEET))
    return _replace(source, edits)


def strip_html(source: str, session: Session) -> str:
    """Remove the annotations and stylesheet that :func:`annotate_html` added."""
    regions = text_regions(source, session)
    edits = [(start, end, session.strip(source[start:end])) for start, end in regions.text]
    head_end = _stylesheet_place(session, regions)
    stylesheet = _stylesheet_before(source, head_end) if head_end is not None else None
    if head_end is not None and stylesheet is not None:
        edits.append((head_end - len(stylesheet), head_end, ""))
    return _replace(source, edits)


def _stylesheet_place(session: Session, regions: Regions) -> int | None:
    """Where the ruby stylesheet goes: just before </head> (None: no ruby or no head)."""
    return regions.head_end if session.format is Format.RUBY else None


def _has_stylesheet(source: str, head_end: int) -> bool:
    return _stylesheet_before(source, head_end) is not None


def _stylesheet_before(source: str, head_end: int) -> str | None:
    """Our stylesheet (this one or an older one) if it ends just before </head>."""
    for stylesheet in (STYLESHEET, *LEGACY_STYLESHEETS):
        start = head_end - len(stylesheet)
        if start >= 0 and source.startswith(stylesheet, start):
            return stylesheet
    return None


def _replace(source: str, edits: list[tuple[int, int, str]]) -> str:
    """``source`` with each (start, end) span replaced by its text; spans do not overlap."""
    parts: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits, key=lambda edit: edit[:2]):
        parts.append(source[position:start])
        parts.append(replacement)
        position = end
    parts.append(source[position:])
    return "".join(parts)


def _locator(source: str, start: int) -> Callable[[int], str]:
    def where(offset: int) -> str:
        line, column = line_and_column(source, start + offset)
        return f"{line}:{column}: "

    return where


def annotate_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.RUBY)
    return annotate_html(decode(data), session).encode("utf-8")


def strip_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    if text.is_standalone(data):  # a text annotated as a whole document: the text back
        return text.strip_standalone(data)
    session = Session(annotator, options, options.format or Format.RUBY)
    return strip_html(decode(data), session).encode("utf-8")
