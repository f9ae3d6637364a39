"""Strip: remove the annotations pinyinize wrote and give back the input exactly."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from html import unescape

from pinyinize.errors import InputError
from pinyinize.spell import is_spelled_word

__all__ = ["find_inline_annotations", "strip_inline", "strip_json", "strip_ruby"]

# A parenthesised group of at most 80 characters with no nested parentheses or line breaks.
_GROUP = re.compile(r"\(([^()\r\n]{1,80})\)")
# Ruby markup: the ruby and rb/rtc containers go, rt and rp go with their text.
_RUBY_MARKUP = re.compile(r"</?(?:ruby|rb|rtc)>|<rp>[^<]*</rp>|<rt>[^<]*</rt>")


def find_inline_annotations(
    text: str, has_reading: Callable[[str], bool]
) -> Iterator[re.Match[str]]:
    """``(pinyin)`` groups that directly follow a character that has a reading, or another
    such group (doubled annotations: 精神(jīngshén)(jīngshén))."""
    previous_end = -1
    for match in _GROUP.finditer(text):
        start = match.start()
        follows = start == previous_end or (start and has_reading(text[start - 1]))
        if follows and is_spelled_word(match.group(1)):
            previous_end = match.end()
            yield match


def strip_inline(text: str, has_reading: Callable[[str], bool]) -> str:
    """Remove ``(pinyin)`` groups that directly follow a character that has a reading, and
    any that are doubled after them.  Other parentheses (``机构(WRCA)``) stay."""
    parts = []
    position = 0
    for match in find_inline_annotations(text, has_reading):
        parts.append(text[position : match.start()])
        position = match.end()
    parts.append(text[position:])
    return "".join(parts)


def strip_ruby(text: str) -> str:
    """Remove <ruby>, <rt> and <rp> markup and unescape what the ruby renderer escaped."""
    return unescape(_RUBY_MARKUP.sub("", text))


def strip_json(text: str) -> str:
    """The original text of a JSON annotation."""
    try:
        original = json.loads(text)["text"]
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"not a pinyinize JSON annotation: {error}") from error
    if not isinstance(original, str):
        raise InputError("not a pinyinize JSON annotation: its text must be a string")
    return original
