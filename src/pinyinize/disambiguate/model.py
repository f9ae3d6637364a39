"""The context model at run time: a small log-linear scorer over a character's own candidates.

``ContextModel`` finds the syllables it decides, builds their hashed context features and
scores every candidate with the packaged weights; the features themselves (what is built,
how it is hashed, which weight a key reads) are the contract in
``pinyinize.disambiguate.features``, which ``scripts/train_model.py`` calls too.  The argmax
is taken over the syllable's ``candidates`` only, so the model can never produce a reading
the character does not have.

Weights are trained by ``scripts/train_model.py`` and stored as ``data/model.npz`` (the small
arrays, loaded with ``allow_pickle=False``), ``data/model.weights.npy`` (the hash table,
memory-mapped) and a ``data/model.json`` manifest that records the feature configuration and
both files' sha256.  Inference is plain numpy: features are gathered per
target in Python and hashed, crossed and scored in one vectorised pass per document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pinyinize.disambiguate.base import Disambiguator, SyllableDisambiguator
from pinyinize.disambiguate.features import (
    FEATURE_VERSION,
    CharClasses,
    PriorFeatures,
    Target,
    bucket,
    document_keys,
    find_work,
    prior_shares,
)
from pinyinize.disambiguate.prior import FrequencyPrior
from pinyinize.errors import DataError
from pinyinize.lexicon import Lexicon
from pinyinize.types import Document, Source, Token

__all__ = [
    "FORMAT_VERSION",
    "ContextModel",
    "Weights",
    "load_weights",
    "sha256_file",
    "table_path",
]

_new = tuple.__new__  # builds a named tuple from all its fields, skipping its Python __new__
FORMAT_VERSION = 3  # of the npz + npy + json that scripts/train_model.py writes


class ContextModel(Disambiguator):
    """Decide polyphones from their context with the packaged log-linear model.

    Which syllables it decides (defaults from the manifest, set by the training script):

    * open polyphones (the lexicon could not decide) of the characters the training labels
      show with several readings; with ``all_open=True``, every open polyphone.  The others
      go to ``fallback`` (the frequency prior), which is all the model could do for them:
      it has no weights of their own;
    * with ``decide_words=True``, also polyphones whose reading a lexicon word gave, for the
      characters whose word readings the training sentences contradicted; the word's
      reading is then one of the features;
    * except the characters on which, over all the training text, it (almost) never changed
      what the lexicon and the prior say (的): scoring them would only cost time.

    A ``fallback`` that decides syllable by syllable (``SyllableDisambiguator``, such as the
    prior) is applied in the same pass over the document as the model's own choices.

    User readings and single-candidate characters are never touched.  Syllables the model
    changes or decides get ``Source.MODEL``.
    """

    def __init__(
        self,
        *,
        lexicon: Lexicon | None = None,
        weights_path: str | Path | None = None,
        decide_words: bool | None = None,
        all_open: bool | None = None,
        fallback: Disambiguator | None = None,
    ) -> None:
        self._given_lexicon = lexicon
        self._weights_path = Path(weights_path) if weights_path is not None else None
        self._decide_words = decide_words
        self._all_open = all_open
        self._fallback = fallback or FrequencyPrior()

    @classmethod
    def default(cls) -> ContextModel:
        """The packaged model (weights are read on the first call and cached per process)."""
        return cls()

    @classmethod
    def from_file(cls, path: str | Path, *, lexicon: Lexicon | None = None) -> ContextModel:
        """A model from ``path`` (an ``.npz``, with its ``.json`` manifest beside it)."""
        model = cls(lexicon=lexicon, weights_path=path)
        model.weights  # noqa: B018 -- fail now, not on the first document
        return model

    @cached_property
    def lexicon(self) -> Lexicon:
        """The lexicon given, or the packaged one."""
        return Lexicon.default() if self._given_lexicon is None else self._given_lexicon

    @cached_property
    def weights(self) -> Weights:
        """Read on first use (the packaged ones once per process); a failed read is retried."""
        if self._weights_path is None:
            return _default_weights()
        return load_weights(self._weights_path)

    def __call__(self, document: Document) -> Document:
        weights = self.weights
        decide_words = weights.decide_words if self._decide_words is None else self._decide_words
        all_open = weights.all_open if self._all_open is None else self._all_open
        text = self.lexicon.simplify(document.text)
        targets, rest = find_work(
            document,
            text,
            open_chars=None if all_open else weights.open_chars,
            word_chars=weights.word_chars if decide_words else frozenset(),
        )
        choices = self.choose(document, text, targets) if targets else []
        fallback = self._fallback
        if isinstance(fallback, SyllableDisambiguator):  # its choices go in the same pass
            return _apply(document, targets, choices, rest, fallback)
        return fallback(_apply(document, targets, choices, [], None))

    def choose(self, document: Document, text: str, targets: Sequence[Target]) -> list[str]:
        """The best candidate of each target, scored in one vectorised pass."""
        weights = self.weights
        keys, owners, slots = document_keys(
            document, text, targets, self.lexicon, weights.prior, weights.classes
        )
        table = weights.table[bucket(keys, weights.bits)]
        scores = np.bincount(owners, weights=table, minlength=len(targets) * slots).tolist()
        choices = []
        for i, target in enumerate(targets):
            start = i * slots
            best = max(range(len(target.candidates)), key=lambda k: scores[start + k])
            choices.append(target.candidates[best])  # the first of equal scores
        return choices


def _apply(
    document: Document,
    targets: Sequence[Target],
    choices: Sequence[str],
    rest: Sequence[tuple[int, int]],
    fallback: SyllableDisambiguator | None,
) -> Document:
    """Write the model's choices (and the fallback's for the ``rest``) into a new document;
    only changed or newly decided syllables move."""
    by_token: dict[int, dict[int, tuple[str, Source]]] = {}
    for target, choice in zip(targets, choices, strict=True):
        if choice != target.reading:
            by_token.setdefault(target.token, {})[target.syllable] = (choice, Source.MODEL)
    if fallback is not None:
        tokens = document.tokens
        for t, s in rest:
            syllable = tokens[t].syllables[s]
            by_token.setdefault(t, {})[s] = (fallback.choose(syllable), fallback.source)
    if not by_token:
        return document
    changed = list(document.tokens)
    for t, chosen in by_token.items():
        syllables = list(changed[t].syllables)
        for s, (reading, source) in chosen.items():
            syllables[s] = syllables[s].decided(reading, source)
        token = changed[t]
        # All seven fields, as Token.with_syllables would fill them but without the Python
        # __new__ of a named tuple (the model changes a token in most sentences).
        changed[t] = _new(Token, (*token[:5], tuple(syllables), token[6]))
    return Document(document.text, tuple(changed))


@dataclass(frozen=True, slots=True)
class Weights:
    """A model's weight table, the character tables its features read, and its scope."""

    table: np.ndarray  # float16 as stored (half the memory; bincount sums in float64), 2**bits
    bits: int
    prior: PriorFeatures  # from each character's reading counts in the training labels
    classes: CharClasses  # distributional classes of characters
    open_chars: frozenset[str]  # characters the training labels show with several readings
    word_chars: frozenset[str]  # characters whose word readings the training data contradicted
    decide_words: bool
    all_open: bool
    manifest: Mapping[str, Any]


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes (what the manifest records of its npz)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_weights(path: str | Path) -> Weights:
    """Read and check an npz + json pair; any problem is a :class:`DataError`."""
    path = Path(path)
    manifest_path = path.with_suffix(".json")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        digest = sha256_file(path)
        bits = int(manifest["features"]["hash_bits"])
        decide_words, all_open = bool(manifest["decide_words"]), bool(manifest["all_open"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataError(f"cannot read model {path} / {manifest_path.name}: {error}") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise DataError(f"{manifest_path}: model format {manifest.get('format')!r} unsupported")
    if manifest.get("features", {}).get("version") != FEATURE_VERSION:
        raise DataError(f"{manifest_path}: trained with other features; retrain the model")
    if manifest.get("sha256") != digest:
        raise DataError(f"{path}: sha256 {digest} does not match its manifest (corrupted?)")
    try:
        table = _mapped_table(table_path(path))
        with np.load(path, allow_pickle=False) as arrays:
            prior = _read_prior(
                arrays["prior_chars"], arrays["prior_readings"], arrays["prior_counts"]
            )
            classes = CharClasses(
                arrays["class_code_points"], arrays["class_fine"], arrays["class_coarse"]
            )
            open_chars = frozenset(arrays["open_chars"].tolist())
            word_chars = frozenset(arrays["word_chars"].tolist())
    except (OSError, ValueError, KeyError) as error:
        raise DataError(f"cannot read model weights {path}: {error}") from error
    if table.shape != (2**bits,):
        raise DataError(f"{path}: weight table shape {table.shape}, expected ({2**bits},)")
    return Weights(
        table,
        bits,
        PriorFeatures(prior),
        classes,
        open_chars,
        word_chars,
        decide_words,
        all_open,
        manifest,
    )


def table_path(path: Path) -> Path:
    """Where the weight table of the model at ``path`` (``model.npz``) is stored:
    ``model.weights.npy`` beside it."""
    return path.with_name(f"{path.stem}.weights.npy")


def _mapped_table(path: Path) -> np.ndarray:
    """The weight table, memory-mapped read-only: nothing is read or copied at load, a call
    touches only the pages of the buckets it scores, and every process (batch and server
    workers) shares one copy in the page cache.  In an npz it would be decompressed into
    each process's own memory (8 MiB, 40 ms).  Its sha256 is in the manifest, checked by the
    test suite rather than here: hashing would read all of it at every start."""
    table = np.load(path, mmap_mode="r", allow_pickle=False)
    if table.dtype != np.float16:
        raise ValueError(f"weight table dtype {table.dtype}, expected float16")
    return np.asarray(table)  # a plain ndarray view of the map (numpy's memmap subclass is slower)


def _read_prior(
    chars: np.ndarray, readings: np.ndarray, counts: np.ndarray
) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, int]] = {}
    for char, reading, count in zip(
        chars.tolist(), readings.tolist(), counts.tolist(), strict=True
    ):
        totals.setdefault(char, {})[reading] = int(count)
    return prior_shares(totals)


@lru_cache(maxsize=1)
def _default_weights() -> Weights:
    with resources.as_file(resources.files("pinyinize") / "data" / "model.npz") as path:
        return load_weights(path)
