"""pinyinize: annotate Chinese text with correct Hanyu Pinyin.

>>> import pinyinize
>>> pinyinize.readings("我还没有还钱")
['wo3', 'hai2', 'mei2', 'you3', 'huan2', 'qian2']
>>> pinyinize.annotate("银行")
'银行(yínháng)'

Importing the package loads no data; the first call does.
"""

from __future__ import annotations

import functools
import typing

from pinyinize.disambiguate import Disambiguator, FrequencyPrior
from pinyinize.errors import DataError, InputError, PinyinizeError, UserDictionaryError
from pinyinize.lexicon import Lexicon
from pinyinize.options import AnnotationOptions, Format, Mode, RenderOptions, Selection, Tones
from pinyinize.pipeline import Annotator
from pinyinize.types import Document, Source, Syllable, Token

__all__ = [
    "AnnotationOptions",
    "Annotator",
    "ContextModel",
    "DataError",
    "Disambiguator",
    "Document",
    "Format",
    "FrequencyPrior",
    "InputError",
    "Lexicon",
    "Mode",
    "PinyinizeError",
    "RenderOptions",
    "Selection",
    "Source",
    "Syllable",
    "Token",
    "Tones",
    "UserDictionaryError",
    "annotate",
    "readings",
    "strip",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # ContextModel imports numpy: resolved on first use so `import pinyinize` stays fast.
    if name == "ContextModel":
        from pinyinize.disambiguate.model import ContextModel

        return ContextModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=1)
def _default_annotator() -> Annotator:
    return Annotator()


def readings(
    text: str,
    *,
    tones: Tones | str = Tones.NUMBERS,
    mode: Mode | str = Mode.DICTIONARY,
    numbers: bool = False,
) -> list[str | None]:
    """One entry per character of ``text``: its reading (``"huan2"``), or None if not Han.

    With ``numbers``, digits and symbols are read too (see :meth:`Annotator.readings`)."""
    return _default_annotator().readings(text, tones=tones, mode=mode, numbers=numbers)


def annotate(text: str, options: AnnotationOptions | None = None, **overrides: typing.Any) -> str:
    """Annotate ``text``: ``inline`` (银行(yínháng)), ``ruby``, ``json`` or ``pinyin``.

    ``options`` (an :class:`AnnotationOptions`) and ``overrides`` by field name say how:
    ``annotate(text, format="ruby", tones="numbers", select="level:4", force=True)``.
    """
    return _default_annotator().annotate(text, options, **overrides)


def strip(text: str, *, format: Format | str = Format.INLINE) -> str:
    """Remove annotations that :func:`annotate` wrote, giving back its input exactly."""
    return _default_annotator().strip(text, format=format)
