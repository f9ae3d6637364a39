"""Render stage: turn an analysed document into text, by format name (a registry)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from pinyinize.spell import Tones
from pinyinize.types import Document

__all__ = ["RENDERERS", "Format", "RenderOptions", "Renderer", "register_renderer", "render"]


class Format(str, Enum):
    INLINE = "inline"  # 银行(yínháng)
    RUBY = "ruby"  # <ruby>银行<rp>(</rp><rt>yínháng</rt><rp>)</rp></ruby>
    JSON = "json"  # tokens with offsets, readings, candidates and sources
    PINYIN = "pinyin"  # the pinyin alone: yínháng


@dataclass(frozen=True, slots=True)
class RenderOptions:
    tones: Tones = Tones.MARKS
    per_character: bool = False  # ruby: one <rt> per character instead of per word
    orthography: bool = False  # GB/T 16159-2012: capitals, names and suffixes apart


Renderer = Callable[[Document, RenderOptions], str]
RENDERERS: dict[str, Renderer] = {}


def register_renderer(name: str, renderer: Renderer) -> None:
    """Add (or replace) the renderer for a format name."""
    RENDERERS[name] = renderer


def render(document: Document, format: Format | str, options: RenderOptions) -> str:
    key = format.value if isinstance(format, Format) else format
    try:
        renderer = RENDERERS[key]
    except KeyError:
        raise ValueError(f"unknown format {key!r}; known: {sorted(RENDERERS)}") from None
    return renderer(document, options)


def _register_builtins() -> None:
    from pinyinize.render import inline, json, pinyin, ruby

    register_renderer(Format.INLINE.value, inline.render_inline)
    register_renderer(Format.RUBY.value, ruby.render_ruby)
    register_renderer(Format.JSON.value, json.render_json)
    register_renderer(Format.PINYIN.value, pinyin.render_pinyin)


_register_builtins()
