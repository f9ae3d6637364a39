"""Inside Markdown prose: the spans that are never annotated, found in linear time.

Kept are code spans, inline HTML and autolinks (``<...>``), image alt text and link and
image destinations and titles (``](url "title")``), reference labels (``][label]``) and
backslash escapes.  A code span closes at the next backtick run of the same length, as
CommonMark says; the runs are listed by length once, so finding the closing one is a
binary search, not a rescan (a backreferencing regex took cubic time on a line of
backticks).  Every other construct ends at the next of a few characters; those are
looked up through :class:`_NextOf`, which answers a run of failed attempts (``![![![…``)
from one search.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

__all__ = ["kept_spans"]

# Where a kept construct may start.
_OPENERS = re.compile(r"[`<!\]\\]")
_BACKTICKS = re.compile(r"`+")
_INLINE_HTML = re.compile(r"<[^<>\n]*>")
_SPACES = re.compile(r"\s*")
_DESTINATION_PART = re.compile(r"[^()\s]*")
_NESTED_PARENTHESES = re.compile(r"\([^()\s]*\)")
_TITLE_CLOSINGS = {'"': '"', "'": "'", "(": ")"}


class _NextOf:
    """The first index at or after a position that holds one of ``characters`` (the
    length of the text when none does).  The last answer is kept: it holds for every
    position between the one asked and the one found."""

    def __init__(self, text: str, characters: str) -> None:
        self.text = text
        self.pattern = re.compile(f"[{re.escape(characters)}]")
        self.asked = self.found = -1

    def __call__(self, position: int) -> int:
        if not self.asked <= position <= self.found:
            match = self.pattern.search(self.text, position)
            self.asked, self.found = position, match.start() if match else len(self.text)
        return self.found


class _Scanner:
    def __init__(self, text: str, ours: re.Pattern[str] | None) -> None:
        self.text = text
        self.ours = ours
        self.closing_bracket = _NextOf(text, "]\n")
        self.closing_angle = _NextOf(text, ">\n")
        self.title_ends = {opener: _NextOf(text, opener + closing)
                           for opener, closing in _TITLE_CLOSINGS.items()}  # fmt: skip
        self.backtick_runs: dict[int, list[int]] = {}
        for run in _BACKTICKS.finditer(text):
            self.backtick_runs.setdefault(len(run.group()), []).append(run.start())

    def spans(self) -> Iterator[tuple[int, int]]:
        position = 0
        while opener := _OPENERS.search(self.text, position):
            start = opener.start()
            end, kept = self._construct_at(start)
            if kept:
                yield start, end
            position = end

    def _construct_at(self, start: int) -> tuple[int, bool]:
        """Where the construct that may start at ``start`` ends, and whether it is kept;
        when nothing is kept there, where to look next."""
        text = self.text
        char = text[start]
        if char == "`":
            return self._code_span(start)
        if char == "<":
            if self.ours is not None and (group := self.ours.match(text, start)):
                return group.end(), False  # our own ruby: text, like the text around it
            html = _INLINE_HTML.match(text, start)
            return (html.end(), True) if html else (start + 1, False)
        if char == "!" and text.startswith("![", start):
            close = self.closing_bracket(start + 2)
            if close < len(text) and text[close] == "]":
                return self._destination(close) or close + 1, True
        elif char == "]":
            if text.startswith("](", start) and (end := self._destination(start)):
                return end, True
            if text.startswith("][", start):
                close = self.closing_bracket(start + 2)
                if close < len(text) and text[close] == "]":
                    return close + 1, True
        elif char == "\\" and start + 1 < len(text) and text[start + 1] != "\n":
            return start + 2, True
        return start + 1, False

    def _code_span(self, start: int) -> tuple[int, bool]:
        run = _BACKTICKS.match(self.text, start)
        length = len(run.group()) if run else 1
        runs = self.backtick_runs.get(length, [])
        index = bisect_left(runs, start + length)
        if index < len(runs):
            return runs[index] + length, True
        return start + length, False  # no closing run: the backticks are text

    def _destination(self, bracket: int) -> int | None:
        """The end of ``](destination "title")`` at ``bracket``, or None."""
        text = self.text
        position = _end_of(_SPACES, text, bracket + 2)
        if text.startswith("<", position):
            close = self.closing_angle(position + 1)
            if close >= len(text) or text[close] != ">":
                return None
            position = close + 1
        else:
            position = _end_of(_DESTINATION_PART, text, position)
            while nested := _NESTED_PARENTHESES.match(text, position):
                position = _end_of(_DESTINATION_PART, text, nested.end())
        position = self._title(position)
        position = _end_of(_SPACES, text, position)
        return position + 1 if text.startswith(")", position) else None

    def _title(self, position: int) -> int:
        """Past a title after spaces at ``position``; ``position`` when there is none."""
        text = self.text
        start = _end_of(_SPACES, text, position)
        opener = text[start : start + 1]
        if start == position or opener not in _TITLE_CLOSINGS:
            return position
        close = self.title_ends[opener](start + 1)
        if close < len(text) and text[close] == _TITLE_CLOSINGS[opener]:
            return close + 1
        return position


def _end_of(pattern: re.Pattern[str], text: str, position: int) -> int:
    match = pattern.match(text, position)
    return match.end() if match else position


def kept_spans(prose: str, ours: re.Pattern[str] | None = None) -> Iterator[tuple[int, int]]:
    """The (start, end) spans of ``prose`` that stay as they are, in order; a match of
    ``ours`` (our own ruby markup) is text, not inline HTML."""
    return _Scanner(prose, ours).spans()
