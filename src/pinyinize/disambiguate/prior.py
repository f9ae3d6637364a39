"""The frequency prior: a character's most frequent reading, whatever the context.

Counts come from labelled polyphone data (``data/prior.tsv``, built by
``scripts/train_prior.py``); characters it does not list keep the lexicon's order, which is
by spoken-corpus frequency (Unihan kHanyuPinlu) and then by dictionary order.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pinyinize.disambiguate.base import SyllableDisambiguator
from pinyinize.errors import DataError
from pinyinize.types import Syllable

__all__ = ["FrequencyPrior", "read_prior"]

PRIOR_HEADER = "# pinyinize-prior 1"
ReadingCounts = Mapping[str, Mapping[str, int]]


class FrequencyPrior(SyllableDisambiguator):
    """Choose the candidate seen most often; ties and unseen characters keep lexicon order."""

    def __init__(self, counts: ReadingCounts | None = None) -> None:
        self._counts = counts
        self._choices: dict[tuple[str, tuple[str, ...]], str] = {}  # the same few thousand keys

    @property
    def counts(self) -> ReadingCounts:
        if self._counts is None:
            self._counts = _default_counts()
        return self._counts

    def choose(self, syllable: Syllable) -> str:
        key = (syllable.char, syllable.candidates)
        choice = self._choices.get(key)
        if choice is None:
            seen = self.counts.get(syllable.char, {})
            ranked = enumerate(syllable.candidates)
            choice = max(ranked, key=lambda item: (seen.get(item[1], 0), -item[0]))[1]
            self._choices[key] = choice
        return choice


def read_prior(path: Path) -> dict[str, dict[str, int]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0].startswith(PRIOR_HEADER):
            raise DataError(f"{path}: not a pinyinize prior table (bad header)")
        table = {}
        for line in lines[1:]:
            char, items = line.split("\t")
            table[char] = {
                reading: int(count) for reading, count in (i.rsplit(":", 1) for i in items.split())
            }
        return table
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read prior table {path}: {error}") from error


@lru_cache(maxsize=1)
def _default_counts() -> dict[str, dict[str, int]]:
    with resources.as_file(resources.files("pinyinize") / "data" / "prior.tsv") as path:
        return read_prior(path)
