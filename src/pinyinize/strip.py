"""Strip: remove the annotations pinyinize wrote and give back the input exactly.

What counts as an annotation is :mod:`pinyinize.annotations`'s to say; this module keeps
the names the rest of the package imports.
"""

from __future__ import annotations

import json

from pinyinize.annotations import find_inline_annotations, strip_inline, strip_ruby
from pinyinize.errors import InputError

__all__ = ["find_inline_annotations", "strip_inline", "strip_json", "strip_ruby"]


def strip_json(text: str) -> str:
    """The original text of a JSON annotation."""
    try:
        original = json.loads(text)["text"]
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"not a pinyinize JSON annotation: {error}") from error
    if not isinstance(original, str):
        raise InputError("not a pinyinize JSON annotation: its text must be a string")
    return original
