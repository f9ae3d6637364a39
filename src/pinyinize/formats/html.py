"""HTML and XHTML: annotate text nodes only, splice them back into the page unchanged.

We tokenize with the standard library's :class:`html.parser.HTMLParser`: it is lenient
(broken pages do not stop it), needs no dependency, and ``getpos()`` gives the source
position of every event, so the page is never re-serialised: only the source spans of text
nodes are replaced, and every other byte (attributes, comments, doctype, entity spelling,
self-closing tags of XHTML) stays as it was.  A tree builder (lxml, html5lib, BeautifulSoup)
would normalise the markup on output.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from pinyinize.formats._runs import DocumentOptions, Session, line_and_column
from pinyinize.formats.decode import decode
from pinyinize.pipeline import Annotator
from pinyinize.render import Format

__all__ = ["STYLESHEET", "annotate_document", "annotate_html", "strip_document", "strip_html"]

# Text in these is code, already annotated, or not rendered as text.
SKIPPED = frozenset(
    {"script", "style", "ruby", "code", "pre", "kbd", "samp", "textarea", "svg", "math",
     "template", "noscript", "iframe", "object"}
)  # fmt: skip
# These hold text only: markup written into them would show as text.
TEXT_ONLY = frozenset({"title", "option"})
STYLESHEET = (
    '<style data-pinyinize="">ruby.pinyinize{ruby-position:over}'
    "ruby.pinyinize rt{font-size:0.6em}</style>"
)


@dataclass
class _Event:
    kind: str  # "data", "start", "end", "startend", "other"
    tag: str
    offset: int
    data: str = ""


class _Recorder(HTMLParser):
    """Records each parser event with its source offset."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.events: list[_Event] = []
        self._line_starts = [0]
        for index, char in enumerate(self.source):
            if char == "\n":
                self._line_starts.append(index + 1)

    def _add(self, kind: str, tag: str = "", data: str = "") -> None:
        line, column = self.getpos()
        self.events.append(_Event(kind, tag, self._line_starts[line - 1] + column, data))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("startend", tag)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("data", data=data)

    def handle_comment(self, data: str) -> None:
        self._add("other")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


def _events(source: str) -> list[_Event]:
    recorder = _Recorder(source)
    recorder.feed(source)
    recorder.close()
    return recorder.events


def text_nodes(source: str, skipped: frozenset[str] = SKIPPED) -> Iterator[tuple[int, int]]:
    """Source spans ``(start, end)`` of the text nodes outside ``skipped`` elements.

    A span is given only when its unescaped source is exactly the text the parser read, so
    a page the parser misreads is left as it is rather than damaged.
    """
    events = _events(source)
    open_elements: Counter[str] = Counter()
    index = 0
    while index < len(events):
        event = events[index]
        if event.kind == "data":
            end_index = index
            while end_index + 1 < len(events) and events[end_index + 1].kind == "data":
                end_index += 1
            end = events[end_index + 1].offset if end_index + 1 < len(events) else len(source)
            text = "".join(e.data for e in events[index : end_index + 1])
            if not +open_elements and html.unescape(source[event.offset : end]) == text:
                yield event.offset, end
            index = end_index + 1
            continue
        if event.kind == "start" and event.tag in skipped:
            open_elements[event.tag] += 1
        elif event.kind == "end" and open_elements[event.tag] > 0:
            open_elements[event.tag] -= 1
        index += 1


def _head_end(source: str) -> int | None:
    for event in _events(source):
        if event.kind == "end" and event.tag == "head":
            return event.offset
    return None


def annotate_html(source: str, session: Session) -> str:
    """Annotate the text nodes of a page; with ruby, add the stylesheet to <head> once."""
    skipped = SKIPPED | TEXT_ONLY if session.format is Format.RUBY else SKIPPED
    parts: list[str] = []
    position = 0
    for start, end in text_nodes(source, skipped):
        parts.append(source[position:start])
        parts.append(session.annotate(source[start:end], _locator(source, start)))
        position = end
    parts.append(source[position:])
    annotated = "".join(parts)
    if session.format is Format.RUBY and STYLESHEET not in annotated:
        head_end = _head_end(annotated)
        if head_end is not None:
            annotated = annotated[:head_end] + STYLESHEET + annotated[head_end:]
    return annotated


def strip_html(source: str, session: Session) -> str:
    """Remove the annotations and stylesheet that :func:`annotate_html` added."""
    if session.format is Format.RUBY:
        return session.strip(source.replace(STYLESHEET, "", 1))
    parts: list[str] = []
    position = 0
    for start, end in text_nodes(source):
        parts.append(source[position:start])
        parts.append(session.strip(source[start:end]))
        position = end
    parts.append(source[position:])
    return "".join(parts)


def _locator(source: str, start: int) -> Callable[[int], str]:
    def where(offset: int) -> str:
        line, column = line_and_column(source, start + offset)
        return f"{line}:{column}: "

    return where


def annotate_document(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.RUBY)
    return annotate_html(decode(data), session).encode("utf-8")


def strip_document(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.RUBY)
    return strip_html(decode(data), session).encode("utf-8")
