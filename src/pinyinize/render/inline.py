"""Inline format: each word followed by its pinyin in parentheses, 银行(yínháng)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pinyinize.render.words import pieces
from pinyinize.types import Document

if TYPE_CHECKING:
    from pinyinize.render import RenderOptions


def render_inline(document: Document, options: RenderOptions) -> str:
    return "".join(
        piece.text if piece.pinyin is None else f"{piece.text}({piece.pinyin})"
        for piece in pieces(document, options.tones, options.orthography)
    )
