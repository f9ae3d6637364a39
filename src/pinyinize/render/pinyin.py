"""Pinyin format: the pinyin alone, words separated by spaces, other text kept as it is."""

from __future__ import annotations

from pinyinize.options import RenderOptions
from pinyinize.render.pieces import pieces
from pinyinize.types import Document


def render_pinyin(document: Document, options: RenderOptions) -> str:
    """Words become pinyin; a space separates a word from a neighbouring word or alphanumeric
    text (我用Python写 → wǒ yòng Python xiě), so that the result reads as words."""
    parts: list[str] = []
    previous_is_word = False
    for piece in pieces(document, options.tones, options.orthography):
        is_word = piece.pinyin is not None
        text = piece.pinyin if piece.pinyin is not None else piece.text
        if parts and _needs_space(parts[-1], text, is_word, previous_is_word):
            parts.append(" ")
        parts.append(text)
        previous_is_word = is_word
    return "".join(parts)


def _needs_space(before: str, text: str, is_word: bool, previous_is_word: bool) -> bool:
    """Between two words always; between a word and other text only where letters or digits
    would otherwise run into the pinyin."""
    if is_word and previous_is_word:
        return True
    return (is_word or previous_is_word) and before[-1:].isalnum() and text[:1].isalnum()
