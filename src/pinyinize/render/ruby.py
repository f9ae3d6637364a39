"""Ruby format: an HTML fragment with <ruby> over words and <rp> fallbacks.

The word is the unit: one ``<ruby>`` per word, and inside it one base character with its
own syllable (``<ruby>银<rp>(</rp><rt>yín</rt><rp>)</rp>行<rp>(</rp><rt>háng</rt><rp>)</rp>
</ruby>``), as W3C's "Requirements for Chinese Text Layout" (clreq) asks of pinyin: each
syllable centred over its character, so that a long reading widens only its own character
and never the spacing of a whole word.  With ``per_character`` each character is its own
``<ruby>``.  A merged erhua 儿 shares its syllable with the character before it (点儿 under
``diǎnr``).  All text is HTML-escaped, so input markup is shown, never run.

:func:`ruby_css` is the stylesheet every standalone output ships with.
"""

from __future__ import annotations

from html import escape

from pinyinize.options import RenderOptions
from pinyinize.render.pieces import Piece, pieces
from pinyinize.types import Document

__all__ = ["render_ruby", "ruby_css"]

# Separators that orthography writes between syllables: per character they go.
_SYLLABLE_SEPARATORS = " -'’"


def ruby_css(ruby: str = "ruby") -> str:
    """The ruby rules for the elements ``ruby`` selects (one line, to splice into a page).

    Pinyin over the base (or under it with the ``pinyin-below`` class on an ancestor),
    centred over its character (ruby-align: center); half the base size, as clreq's
    examples set it; and a little padding on each side of every reading, so that two
    readings never touch even where both are wider than their characters (壮壮 zhuàngzhuang).
    Chromium lets a reading overhang neighbouring characters that have none.
    """
    return (
        f"{ruby}{{ruby-position:over;ruby-align:center}}"
        f".pinyin-below {ruby}{{ruby-position:under}}"
        f"{ruby} rt{{font-size:.5em;line-height:1.2;padding:0 .15em;letter-spacing:0;"
        "font-family:system-ui,'Noto Sans','DejaVu Sans',sans-serif;font-style:normal}"
        f"{ruby} rp{{display:none}}"
    )


def _pair(base: str, syllable: str) -> str:
    return f"{escape(base)}<rp>(</rp><rt>{escape(syllable)}</rt><rp>)</rp>"


def _pairs(piece: Piece) -> list[tuple[str, str]]:
    """(base, syllable) pairs of an annotated piece: one per character, a merged erhua 儿
    joined to the character before it; the whole word under its pinyin when its
    syllables do not line up with its characters."""
    syllables = _as_written(piece.pinyin or "", piece.syllables)
    if len(syllables) != len(piece.text) or not syllables or not syllables[0]:
        return [(piece.text, piece.pinyin or "")]
    pairs: list[tuple[str, str]] = []
    for char, syllable in zip(piece.text, syllables, strict=True):
        if syllable:
            pairs.append((char, syllable))
        else:
            base, previous = pairs[-1]
            pairs[-1] = (base + char, previous)
    return pairs


def _as_written(written: str, syllables: tuple[str, ...]) -> tuple[str, ...]:
    """The syllables as ``written`` spells them (orthography's capitals: Zhāng Huá), or as
    they are when the written word is something else."""
    result: list[str] = []
    position = 0
    for syllable in syllables:
        while position < len(written) and written[position] in _SYLLABLE_SEPARATORS:
            position += 1
        chunk = written[position : position + len(syllable)]
        if chunk.lower() != syllable.lower():
            return syllables
        result.append(chunk)
        position += len(syllable)
    return tuple(result) if position == len(written) else syllables


def _ruby(piece: Piece, per_character: bool) -> str:
    if piece.pinyin is None:
        return escape(piece.text)
    pairs = _pairs(piece)
    if per_character:
        return "".join(f"<ruby>{_pair(base, syllable)}</ruby>" for base, syllable in pairs)
    return "<ruby>" + "".join(_pair(base, syllable) for base, syllable in pairs) + "</ruby>"


def render_ruby(document: Document, options: RenderOptions) -> str:
    return "".join(
        _ruby(piece, options.per_character)
        for piece in pieces(document, options.tones, options.orthography)
    )
