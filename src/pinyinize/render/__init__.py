"""Render stage: turn an analysed document into text, by format name (a registry)."""

from __future__ import annotations

from collections.abc import Callable

from pinyinize.options import Format, RenderOptions
from pinyinize.render.inline import render_inline
from pinyinize.render.json import render_json
from pinyinize.render.pinyin import render_pinyin
from pinyinize.render.ruby import render_ruby
from pinyinize.types import Document

__all__ = ["RENDERERS", "Format", "RenderOptions", "Renderer", "register_renderer", "render"]


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


register_renderer(Format.INLINE.value, render_inline)
register_renderer(Format.RUBY.value, render_ruby)
register_renderer(Format.JSON.value, render_json)
register_renderer(Format.PINYIN.value, render_pinyin)
