"""Ruby format: an HTML fragment with <ruby>/<rt> over words and <rp> fallbacks.

All text is HTML-escaped, so input markup is shown, never run.
"""

from __future__ import annotations

from html import escape

from pinyinize.options import RenderOptions
from pinyinize.render.pieces import Piece, pieces
from pinyinize.types import Document


def _annotation(text: str, pinyin: str) -> str:
    return f"{escape(text)}<rp>(</rp><rt>{escape(pinyin)}</rt><rp>)</rp>"


def _ruby(piece: Piece, per_character: bool) -> str:
    if piece.pinyin is None:
        return escape(piece.text)
    if per_character:
        inner = "".join(_annotation(c, s) for c, s in zip(piece.text, piece.syllables, strict=True))
    else:
        inner = _annotation(piece.text, piece.pinyin)
    return f"<ruby>{inner}</ruby>"


def render_ruby(document: Document, options: RenderOptions) -> str:
    return "".join(
        _ruby(piece, options.per_character)
        for piece in pieces(document, options.tones, options.orthography)
    )
