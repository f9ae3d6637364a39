"""What the renderers share: the format names and the options every renderer reads.

The ground floor of ``render/``: it imports nothing from the package, so the renderers and
the registry in ``render/__init__.py`` can all import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pinyinize.spell import Tones

__all__ = ["Format", "RenderOptions"]


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
