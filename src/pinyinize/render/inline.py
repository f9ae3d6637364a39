"""Inline format: each word followed by its pinyin in parentheses, 银行(yínháng)."""

from __future__ import annotations

from pinyinize.options import RenderOptions
from pinyinize.render.pieces import pieces
from pinyinize.types import Document


def render_inline(document: Document, options: RenderOptions) -> str:
    return "".join(
        piece.text if piece.pinyin is None else f"{piece.text}({piece.pinyin})"
        for piece in pieces(document, options.tones, options.orthography)
    )
