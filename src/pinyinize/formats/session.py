"""Annotating runs of text inside a document, a piece at a time, with one ``first`` set.

Documents hand us their text as it is written in the source (``银行&amp;你好``), not as a
reader sees it.  Entity references and the characters markup gives a meaning to
(``& < > " '``) are kept exactly as they are and only the text between them is annotated,
so that the ruby renderer never has to escape anything and stripping gives back the source
bytes.  No Han character is ever next to one of them inside a word, so no word is cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from pinyinize.annotations import marked_ruby_group, ruby_base_texts
from pinyinize.errors import InputError
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator
from pinyinize.scan import HAN_RANGES

__all__ = [
    "Session",
    "change_between",
    "change_spans",
    "has_han",
    "line_and_column",
]

HAN = re.compile(f"[{HAN_RANGES}]")
_SPECIAL = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|[&<>\"']")
RUBY_CLASS = "pinyinize"


def change_spans(text: str, spans: Iterable[tuple[int, int]], change: Callable[[str], str]) -> str:
    """``text`` with each (start, end) span, in order and not overlapping, passed through
    ``change``; everything between the spans is kept as it is."""
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        parts.append(change(text[start:end]))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def change_between(pattern: re.Pattern[str], text: str, change: Callable[[str], str]) -> str:
    """``text`` with the runs between matches of ``pattern`` passed through ``change``; the
    matches are kept as they are."""
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(change(text[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(change(text[position:]))
    return "".join(parts)


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class Session:
    """Annotates the runs of one document: one Annotator, one set of options and one
    ``seen`` set, so that ``first`` means first in the document, not in the text node.

    ``ruby_opening`` marks the ruby we write, so that strip can tell it from ruby that was
    already there; ``parentheses`` False drops the <rp> fallbacks (WebVTT has no <rp>).
    With the ruby format, :attr:`ours` matches one group exactly as we write it: a
    format's region finder reads such a group as part of the text around it (so that
    annotate and strip see the same regions) and only those groups are ever stripped.
    """

    def __init__(
        self,
        annotator: Annotator,
        options: AnnotationOptions,
        format: Format,
        *,
        ruby_opening: str = f'<ruby class="{RUBY_CLASS}">',
        parentheses: bool = True,
    ) -> None:
        self.annotator = annotator
        self.options = options
        self.format = format
        # Each run is checked for annotations as a whole in annotate(), then written a
        # stretch at a time in the document's format.
        self._per_stretch = options.replace(format=format, force=True)
        self.ruby_opening = ruby_opening
        self.parentheses = parentheses
        self.ours: re.Pattern[str] | None = (
            marked_ruby_group(ruby_opening, parentheses) if format is Format.RUBY else None
        )
        self.seen: set[str] = set()

    def annotate(self, raw: str, where: Callable[[int], str] | None = None) -> str:
        """Annotate a run of source text; ``where(offset)`` names a place for errors.

        Text that already holds annotations like ours is refused unless ``force``: strip
        could not tell them from the ones we add.  Forced, our ruby groups stay as they are.
        """
        if not has_han(raw):
            return raw
        if not self.options.force:
            self._refuse_annotated(raw, where)
        if self.ours is not None:
            return change_between(self.ours, raw, self._annotate_between_specials)
        return self._annotate_between_specials(raw)

    def strip(self, raw: str) -> str:
        """Remove what :meth:`annotate` added to a run of source text."""
        if not has_han(raw):
            # annotate leaves such a run as it is, so strip must too: a group after its
            # digits (8000(hao3)) is the source's own text, not a number's reading of ours
            return raw
        if self.ours is not None:
            return self.ours.sub(self._base_texts, raw)
        return self.annotator.strip(raw, format=Format.INLINE)

    def _base_texts(self, group: re.Match[str]) -> str:
        inner = group.group()[len(self.ruby_opening) : -len("</ruby>")]
        return ruby_base_texts(inner)

    def _annotate_between_specials(self, raw: str) -> str:
        return change_between(_SPECIAL, raw, self._annotate_plain)

    def _annotate_plain(self, text: str) -> str:
        if not has_han(text):
            return text
        annotated = self.annotator.annotate(text, self._per_stretch, seen=self.seen)
        if self.format is Format.RUBY:
            annotated = annotated.replace("<ruby>", self.ruby_opening)
            if not self.parentheses:
                annotated = annotated.replace("<rp>(</rp>", "").replace("<rp>)</rp>", "")
        return annotated

    def _refuse_annotated(self, raw: str, where: Callable[[int], str] | None) -> None:
        if self.ours is not None:
            group = self.ours.search(raw)
            if group is None:
                return
            offset, annotation = group.start(), group.group()
        else:
            found = self.annotator.find_annotations(raw)
            if not found:
                return
            offset, annotation = found[0]
            annotation = raw[offset - 1] + annotation
        place = where(offset) if where else ""
        raise InputError(
            f"{place}already annotated ({annotation}); strip the annotations first, or force"
        )
