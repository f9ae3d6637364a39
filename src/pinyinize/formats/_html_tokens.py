"""A linear HTML tokenizer that gives the source span of every token.

It follows the coarse states of the WHATWG tokenizer (data, tag open, end tag open, tags
with quoted attribute values, comments, bogus comments, raw text and RCDATA elements) and,
like it, never goes back: each token ends where its scan stopped, and a construct left open
at the end of the input (``<a href="…``, ``<!-- …``) runs to the end, as a browser reads it.
So every page is read in one pass, in time linear in its length.

Why not a library: the pages must come back byte for byte outside the text we annotate, so
we need the source span of each text node.  :mod:`html.parser` gives positions but is
quadratic on unclosed constructs (``<a <a <a …``, ``</</</ …``) in the Python versions we
support; the HTML5 libraries on PyPI build trees (lxml, html5-parser, selectolax) or give
no spans (html5lib) or only a best-effort start (justhtml), and tree building moves text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

__all__ = ["Kind", "Token", "tokenize"]


class Kind(Enum):
    TEXT = "text"
    START = "start"  # a start tag; ``self_closing`` says whether it ended with "/>"
    END = "end"
    OTHER = "other"  # comment, doctype, processing instruction, CDATA, unclosed tag


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    start: int
    end: int
    name: str = ""  # lower-case tag name of START and END tokens
    self_closing: bool = False


# Elements whose content is text up to their end tag (no markup inside), as browsers read
# them with scripting on; RCDATA (title, textarea) differs only in entities, kept as text.
RAW_TEXT = frozenset(
    {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "title", "textarea"}
)
_SPACE = "\t\n\f\r "
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_BETWEEN_ATTRIBUTES = re.compile(r"[\t\n\f\r /]*")
_ATTRIBUTE_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r /=>]*")
_EQUALS = re.compile(r"[\t\n\f\r ]*=[\t\n\f\r ]*")
_UNQUOTED_VALUE = re.compile(r"[^\t\n\f\r >]*")
_COMMENT_END = re.compile(r"--!?>")
_RAW_TEXT_ENDS = {
    name: re.compile(f"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in [*RAW_TEXT, "plaintext"]
}


def tokenize(source: str, ours: re.Pattern[str] | None = None) -> Iterator[Token]:
    """The tokens of ``source``, covering it without gaps; text tokens are maximal.

    A match of ``ours`` at a ``<`` (our own ruby markup) is read as text, so that the text
    regions of an annotated page are the regions of the page it came from.
    """
    length = len(source)
    text_start = position = 0
    while position < length:
        opening = source.find("<", position)
        if opening < 0:
            break
        if ours is not None and (group := ours.match(source, opening)):
            position = group.end()
            continue
        token = _markup(source, opening)
        if token is None:  # a "<" that opens nothing is text
            position = opening + 1
            continue
        if text_start < opening:
            yield Token(Kind.TEXT, text_start, opening)
        yield token
        text_start = position = token.end
        if token.kind is Kind.START and token.name in _RAW_TEXT_ENDS and not token.self_closing:
            position = _raw_text_end(source, token.name, position)
            if text_start < position:
                yield Token(Kind.TEXT, text_start, position)
            text_start = position
    if text_start < length:
        yield Token(Kind.TEXT, text_start, length)


def _raw_text_end(source: str, name: str, start: int) -> int:
    if name == "plaintext":
        return len(source)
    end = _RAW_TEXT_ENDS[name].search(source, start)
    return end.start() if end else len(source)


def _markup(source: str, opening: int) -> Token | None:
    """The token that starts with the "<" at ``opening``, or None when it starts none."""
    following = source[opening + 1 : opening + 2]
    if following.isascii() and following.isalpha():
        return _tag(source, opening, opening + 1, Kind.START)
    if following == "/":
        return _end_tag(source, opening)
    if following == "!":
        return _markup_declaration(source, opening)
    if following == "?":
        return _until(source, opening, ">")
    return None


def _end_tag(source: str, opening: int) -> Token | None:
    following = source[opening + 2 : opening + 3]
    if following.isascii() and following.isalpha():
        return _tag(source, opening, opening + 2, Kind.END)
    if following == ">":  # "</>" is dropped by browsers
        return Token(Kind.OTHER, opening, opening + 3)
    if not following:  # "</" at the very end is text
        return None
    return _until(source, opening, ">")  # a bogus comment


def _markup_declaration(source: str, opening: int) -> Token:
    if source.startswith("<!--", opening):
        if source.startswith(">", opening + 4):  # "<!-->" is an empty comment
            return Token(Kind.OTHER, opening, opening + 5)
        if source.startswith("->", opening + 4):  # so is "<!--->"
            return Token(Kind.OTHER, opening, opening + 6)
        end = _COMMENT_END.search(source, opening + 4)
        return Token(Kind.OTHER, opening, end.end() if end else len(source))
    if source.startswith("<![CDATA[", opening):
        return _until(source, opening, "]]>")
    return _until(source, opening, ">")  # doctype or bogus comment


def _until(source: str, opening: int, closing: str) -> Token:
    """An OTHER token from ``opening`` through ``closing``, or to the end of the input."""
    end = source.find(closing, opening + 1)
    return Token(Kind.OTHER, opening, end + len(closing) if end >= 0 else len(source))


def _tag(source: str, opening: int, name_start: int, kind: Kind) -> Token:
    """A start or end tag with its attributes; an OTHER token to the end of the input when
    the input ends inside it (browsers drop such a tag)."""
    name_end = _skip(_TAG_NAME, source, name_start)
    name = source[name_start:name_end].lower()
    position = name_end
    length = len(source)
    while True:
        gap = _skip(_BETWEEN_ATTRIBUTES, source, position)
        if gap >= length:
            return Token(Kind.OTHER, opening, length)
        if source[gap] == ">":
            self_closing = gap > position and source[gap - 1] == "/"
            return Token(kind, opening, gap + 1, name, self_closing)
        position = _attribute(source, gap)
        if position >= length:
            return Token(Kind.OTHER, opening, length)


def _attribute(source: str, start: int) -> int:
    """Where the attribute that starts at ``start`` ends (its name and any value)."""
    position = _skip(_ATTRIBUTE_NAME, source, start)
    equals = _EQUALS.match(source, position)
    if equals is None:
        return position
    position = equals.end()
    quote = source[position : position + 1]
    if quote in ('"', "'"):
        close = source.find(quote, position + 1)
        return close + 1 if close >= 0 else len(source)
    return _skip(_UNQUOTED_VALUE, source, position)


def _skip(pattern: re.Pattern[str], source: str, position: int) -> int:
    """Where a match of ``pattern`` at ``position`` ends (``position`` when none)."""
    match = pattern.match(source, position)
    return match.end() if match else position
