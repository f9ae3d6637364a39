"""Disambiguation stage: choose a reading where the lexicon could not decide.

A disambiguator takes a :class:`~pinyinize.types.Document` whose undecided syllables have
``reading=None`` and returns one where each of them holds one of its own candidates.  The
stage is replaceable: pass any :class:`Disambiguator` to ``Annotator(disambiguator=...)``.
"""

from __future__ import annotations

from pinyinize.disambiguate.base import Disambiguator
from pinyinize.disambiguate.prior import FrequencyPrior

__all__ = ["Disambiguator", "FrequencyPrior"]
