"""Disambiguation stage: choose a reading where the lexicon could not decide.

A disambiguator takes a :class:`~pinyinize.types.Document` whose undecided syllables have
``reading=None`` and returns one where each of them holds one of its own candidates.  The
stage is replaceable: pass any :class:`Disambiguator` to ``Annotator(disambiguator=...)``.

* :class:`ContextModel` (the default): a small log-linear model over the character's
  context, trained on labelled polyphone data (see ``scripts/train_model.py``);
* :class:`FrequencyPrior`: the character's most frequent reading, whatever the context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pinyinize.disambiguate.base import Disambiguator
from pinyinize.disambiguate.prior import FrequencyPrior

if TYPE_CHECKING:
    from pinyinize.disambiguate.model import ContextModel

__all__ = ["ContextModel", "Disambiguator", "FrequencyPrior"]


def __getattr__(name: str) -> Any:
    # The model module imports numpy; load it on first use so `import pinyinize` stays fast.
    if name == "ContextModel":
        from pinyinize.disambiguate.model import ContextModel

        return ContextModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
