"""Scan stage: split text into runs of Han characters and runs of everything else."""

from __future__ import annotations

import re

from pinyinize.errors import InputError
from pinyinize.types import Document, Token

__all__ = ["HAN_RANGES", "is_han", "refuse_lone_surrogates", "scan"]

# CJK Unified Ideographs and extensions A-H, compatibility ideographs and 〇 (líng): the
# characters that can carry a Mandarin reading.  Radicals, strokes and punctuation cannot.
HAN_RANGES = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\U00030000-\U000323af"
)
_HAN_RUN = re.compile(f"[{HAN_RANGES}]+")
_HAN_CHAR = re.compile(f"[{HAN_RANGES}]")
_new = tuple.__new__
# Half of a UTF-16 pair on its own: Python strings can hold one (from surrogateescape or a
# JSON "\ud800"), but it is not a character, and UTF-8 (the model's hashing) cannot encode it.
# Written with chr(): mypyc (setup.py) cannot compile a string literal that holds one.
_LONE_SURROGATE = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")


def is_han(char: str) -> bool:
    return bool(_HAN_CHAR.fullmatch(char))


def refuse_lone_surrogates(text: str) -> None:
    """Raise InputError when ``text`` holds a lone surrogate, naming its offset."""
    match = _LONE_SURROGATE.search(text)
    if match is not None:
        raise InputError(
            f"offset {match.start()}: lone surrogate U+{ord(match.group()):04X} is not a "
            "character; the text is not valid Unicode"
        )


def scan(text: str) -> Document:
    """Cover ``text`` with alternating Han and non-Han tokens (not yet segmented)."""
    # Tokens are built from all seven fields with tuple.__new__, as Token(...) would fill them
    # but without its Python-level __new__: there is one or two per clause of the text.
    tokens = []
    position = 0
    for match in _HAN_RUN.finditer(text):
        start, end = match.span()
        if start > position:
            tokens.append(
                _new(Token, (text[position:start], position, start, False, None, (), True))
            )
        tokens.append(_new(Token, (match.group(), start, end, True, None, (), True)))
        position = end
    if position < len(text):
        tokens.append(_new(Token, (text[position:], position, len(text), False, None, (), True)))
    return Document(text, tuple(tokens))
