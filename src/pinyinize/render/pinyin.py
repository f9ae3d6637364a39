"""Pinyin format: the pinyin alone, words separated by spaces, other text kept as it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pinyinize.render.words import pieces
from pinyinize.types import Document

if TYPE_CHECKING:
    from pinyinize.render import RenderOptions


def render_pinyin(document: Document, options: RenderOptions) -> str:
    parts: list[str] = []
    previous_was_word = False
    for piece in pieces(document, options.tones):
        if piece.pinyin is None:
            parts.append(piece.text)
            previous_was_word = False
        else:
            if previous_was_word:
                parts.append(" ")
            parts.append(piece.pinyin)
            previous_was_word = True
    return "".join(parts)
