"""The context model: a small log-linear scorer over a character's own candidate readings.

For each syllable it decides, the model builds sparse context features (neighbouring
characters, the segmented word and its part of speech, the words around it, the readings
that lexicon words covering the character give, the character's reading counts) and scores
every candidate ``r`` as the sum of hashed weights of ``(feature, char, r)``, plus a few
features shared by all characters (``the lexicon agrees with r``, ``r is the most frequent
reading``).  The argmax is taken over the syllable's ``candidates`` only, so the model can
never produce a reading the character does not have.

Weights are trained by ``scripts/train_model.py`` and stored as ``data/model.npz`` (loaded
with ``allow_pickle=False``) next to a ``data/model.json`` manifest that records the feature
configuration and the npz's sha256.  Inference is plain numpy, one pass per document.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pinyinize.disambiguate.base import Disambiguator
from pinyinize.disambiguate.prior import FrequencyPrior
from pinyinize.errors import DataError
from pinyinize.lexicon import Lexicon
from pinyinize.types import Document, Source

__all__ = ["ContextModel"]

FORMAT_VERSION = 2
FEATURE_VERSION = 2
# Fibonacci hashing: multiply the 64-bit (feature, candidate) key, keep the top bits.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SHARED = zlib.crc32(b"*shared*")  # the "candidate" of features shared by all characters
_WINDOW = 3  # characters on each side
_MAX_COVER = 4  # longest lexicon word looked up around the character
_PRIOR_BINS = (0.05, 0.2, 0.5, 0.8, 0.95)


@dataclass(frozen=True, slots=True)
class Target:
    """A syllable the model decides: where it is and what the look-up stage left there."""

    token: int  # index into document.tokens
    syllable: int  # index into token.syllables
    char: str  # simplified form, so that traditional text shares the weights
    candidates: tuple[str, ...]  # distinct, in lexicon order
    reading: str | None  # the lexicon word's reading, or None when open


def find_targets(
    document: Document,
    text: str,
    *,
    open_chars: Container[str] | None,
    word_chars: Container[str],
) -> list[Target]:
    """The syllables to decide, given the simplified ``text`` of the document.

    Open polyphones of ``open_chars`` (``None``: of every character) and polyphones of
    ``word_chars`` whose reading a lexicon word gave.  User readings and single-candidate
    characters are never touched.
    """
    targets = []
    for t, token in enumerate(document.tokens):
        for s, syllable in enumerate(token.syllables):
            if syllable.reading is None:
                if open_chars is not None and text[syllable.offset] not in open_chars:
                    continue
            elif syllable.source is not Source.WORD or text[syllable.offset] not in word_chars:
                continue  # user readings, single readings, words the lexicon gets right
            candidates = tuple(dict.fromkeys(syllable.candidates))
            if len(candidates) > 1:
                targets.append(Target(t, s, text[syllable.offset], candidates, syllable.reading))
    return targets


# Context features that are crossed with (char, candidate).  The window columns pack up to
# three symbols around the target (offsets below; ``()`` is the bias), read in one of three
# alphabets: the characters themselves, or their fine or coarse distributional class
# (``CharClasses``), which let what was learnt next to 克 carry over to 斯 or 尔 (both
# transliteration characters).  The token columns come from the segmented words.  Each
# column has its own salt.
_CHAR, _FINE, _COARSE = 0, 1, 2
_WINDOW_COLUMNS: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("bias", _CHAR, ()), ("c-3", _CHAR, (-3,)), ("c-2", _CHAR, (-2,)), ("c-1", _CHAR, (-1,)),
    ("c+1", _CHAR, (1,)), ("c+2", _CHAR, (2,)), ("c+3", _CHAR, (3,)),
    ("b-", _CHAR, (-2, -1)), ("b+", _CHAR, (1, 2)), ("b~", _CHAR, (-1, 1)),
    ("t-", _CHAR, (-3, -2, -1)), ("t+", _CHAR, (1, 2, 3)),
    ("f-2", _FINE, (-2,)), ("f-1", _FINE, (-1,)), ("f+1", _FINE, (1,)), ("f+2", _FINE, (2,)),
    ("fb-", _FINE, (-2, -1)), ("fb+", _FINE, (1, 2)), ("fb~", _FINE, (-1, 1)),
    ("g-1", _COARSE, (-1,)), ("g+1", _COARSE, (1,)), ("gt-", _COARSE, (-3, -2, -1)),
    ("gt+", _COARSE, (1, 2, 3)), ("gt~", _COARSE, (-1, 0, 1)),
)  # fmt: skip
_TOKEN_COLUMNS = (
    "word",
    "word position",
    "pos",
    "lexicon reading",
    "word<",
    "pos<",
    "word>",
    "pos>",
)
_N_COLUMNS = len(_WINDOW_COLUMNS) + len(_TOKEN_COLUMNS)
_COVER_WORD, _COVER_READING = _N_COLUMNS, _N_COLUMNS + 1  # salts of covering-word features
_SPLITMIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
# Where each packed slot reads the padded symbol arrays; unused slots read index 0 (= 0).
_PAD = 1 + _WINDOW  # codes = [0, ^ * _WINDOW, text, $ * _WINDOW]
_SLOT_OFFSET = np.array(
    [[_PAD + k for k in (*ks, *(0,) * (3 - len(ks)))] for _, _, ks in _WINDOW_COLUMNS],
    dtype=np.int64,
)
_SLOT_USED = np.array(
    [[i < len(ks) for i in range(3)] for _, _, ks in _WINDOW_COLUMNS], dtype=np.int64
)
_SLOT_ALPHABET = np.array([alphabet for _, alphabet, _ in _WINDOW_COLUMNS], dtype=np.int64)


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective scramble of 64-bit integers (no Python ``hash``)."""
    values = (values ^ (values >> np.uint64(30))) * _SPLITMIX[0]
    values = (values ^ (values >> np.uint64(27))) * _SPLITMIX[1]
    return values ^ (values >> np.uint64(31))


_SALTS = _mix(np.arange(1, _N_COLUMNS + 3, dtype=np.uint64) * _GOLDEN)


@lru_cache(maxsize=1 << 16)
def _hash(text: str) -> int:
    """A stable 32-bit hash of a string (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(text.encode("utf-8"))


_YES_NO = {name: (_hash(f"{name}=yes"), _hash(f"{name}=no")) for name in ("lr", "cr")}


class PriorFeatures:
    """Per-candidate hashes that depend only on the character, cached per character.

    The candidate's own hash (``char|reading``, what context features are crossed with) and
    shared features: its rank in lexicon order, the size of its share of the character's
    labels, whether it is the most frequent reading.  The shared ones carry over to
    characters with few or no labelled sentences.
    """

    def __init__(self, shares: Mapping[str, Mapping[str, float]]) -> None:
        self.shares = shares
        self._cache: dict[tuple[str, tuple[str, ...]], tuple[list[int], list[list[int]]]] = {}

    def __call__(self, char: str, candidates: tuple[str, ...]) -> tuple[list[int], list[list[int]]]:
        key = (char, candidates)
        if key not in self._cache:
            self._cache[key] = (
                [_hash(f"{char}|{c}") for c in candidates],
                [self._shared(char, c, r) for r, c in enumerate(candidates)],
            )
        return self._cache[key]

    def _shared(self, char: str, candidate: str, rank: int) -> list[int]:
        names = [f"rank={min(rank, 3)}"]
        shares = self.shares.get(char)
        if shares:
            share = shares.get(candidate, 0.0)
            names.append(f"pb={sum(share >= edge for edge in _PRIOR_BINS)}")
            names.append("pt=" + ("yes" if share == max(shares.values()) else "no"))
        else:
            names.append("pb=unseen")
        return [_hash(name) for name in names]


class CharClasses:
    """Two distributional classes of each character (fine and coarse), for window features.

    Built by ``scripts/train_model.py`` from which characters stand next to which in the
    lexicon's words and the training sentences; stored in the model's npz as sorted code
    points with their two class numbers.  Characters without a class fall into a few
    shape classes (digit, Latin letter, text boundary, other), so numbers and codes in the
    text (武康路40弄) still tell the model something.
    """

    _OFFSET = 8  # class numbers below this are shape classes

    def __init__(self, code_points: np.ndarray, fine: np.ndarray, coarse: np.ndarray) -> None:
        order = np.argsort(code_points)
        self.code_points = code_points[order].astype(np.uint64)
        self.fine = fine[order].astype(np.uint64) + np.uint64(self._OFFSET)
        self.coarse = coarse[order].astype(np.uint64) + np.uint64(self._OFFSET)

    def __call__(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The fine and coarse class of each code point (0 stays 0: the unused slot)."""
        if not len(self.code_points):
            shape = _shape_classes(codes)
            return shape, shape
        at = np.minimum(np.searchsorted(self.code_points, codes), len(self.code_points) - 1)
        known = self.code_points[at] == codes
        shape = _shape_classes(codes)
        return np.where(known, self.fine[at], shape), np.where(known, self.coarse[at], shape)


def _shape_classes(codes: np.ndarray) -> np.ndarray:
    digit = ((codes >= 0x30) & (codes <= 0x39)) | ((codes >= 0xFF10) & (codes <= 0xFF19))
    latin = ((codes | np.uint64(0x20)) >= 0x61) & ((codes | np.uint64(0x20)) <= 0x7A)
    shape = np.full(codes.shape, 5, dtype=np.uint64)
    shape[digit], shape[latin] = 1, 2
    shape[codes == 1], shape[codes == 2], shape[codes == 0] = 3, 4, 0
    return shape


def _token_values(document: Document, text: str, targets: Sequence[Target]) -> np.ndarray:
    """The token columns: hashes of the word, its part of speech and those of its neighbours."""
    tokens = document.tokens
    cache: dict[int, tuple[int, int]] = {}

    def word(k: int) -> tuple[int, int]:
        if k not in cache:
            if 0 <= k < len(tokens):
                token = tokens[k]
                surface = text[token.start : token.end] if token.is_han else token.text[:1]
                cache[k] = (_hash(surface), _hash(f"{token.pos}"))
            else:
                cache[k] = (1, 1)  # before the first or after the last token
        return cache[k]

    rows = [
        (
            word(t.token)[0],
            t.syllable * 64 + len(tokens[t.token].syllables),
            word(t.token)[1],
            _hash(t.reading or "-"),
            *word(t.token - 1),
            *word(t.token + 1),
        )
        for t in targets
    ]
    return np.array(rows, dtype=np.uint64).reshape(len(targets), len(_TOKEN_COLUMNS))


@lru_cache(maxsize=1 << 16)
def _word_readings(lexicon: Lexicon, word: str) -> tuple[str, ...] | None:
    entry = lexicon.word(word)
    return entry.readings if entry is not None and entry.readings else None


def _covering(text: str, offset: int, lexicon: Lexicon) -> tuple[list[int], list[int], set[str]]:
    """Lexicon words with readings that cover ``offset``: (word@position, reading) hashes."""
    words, readings, said = [], [], set()
    for length in range(2, _MAX_COVER + 1):
        for start in range(max(0, offset - length + 1), min(offset, len(text) - length) + 1):
            word = text[start : start + length]
            found = _word_readings(lexicon, word)
            if found is not None and len(found) == length:
                reading = found[offset - start]
                said.add(reading)
                words.append(_hash(f"{word}@{offset - start}"))
                readings.append(_hash(reading))
    return words, readings, said


def document_keys(
    document: Document,
    text: str,
    targets: Sequence[Target],
    lexicon: Lexicon,
    prior: PriorFeatures,
    classes: CharClasses,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Build the hashed features of all ``targets`` of a document in one pass.

    ``text`` is the document text in simplified form.  Every context feature is crossed with
    each candidate of its target (as ``feature << 32 | hash("char|candidate")``); the
    candidate-level shared features are not.  Each target has ``slots`` candidate slots
    (the most candidates of any target; padding slots score nothing useful).  Returns the
    64-bit keys, the slot each key scores (``target * slots + rank``), and ``slots``.  The
    training script calls this very function, so training and run-time features cannot drift
    apart.
    """
    tokens = document.tokens
    n = len(targets)
    offsets = [tokens[t.token].syllables[t.syllable].offset for t in targets]
    padded = "\x00" + "\x01" * _WINDOW + text + "\x02" * _WINDOW
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    symbols = np.stack([codes, *classes(codes)])  # (alphabets, padded length)
    where = (np.array(offsets)[:, None, None] + _SLOT_OFFSET) * _SLOT_USED
    slots = symbols[_SLOT_ALPHABET[None, :, None], where]
    packed = (slots[:, :, 0] << np.uint64(42)) | (slots[:, :, 1] << np.uint64(21)) | slots[:, :, 2]
    values = np.concatenate([packed, _token_values(document, text, targets)], axis=1)
    fixed = ((values ^ _SALTS[:_N_COLUMNS]) * _GOLDEN) >> np.uint64(32)  # (targets, columns)
    cover: list[int] = []
    cover_salt: list[int] = []
    cover_target: list[int] = []
    slots = max(len(t.candidates) for t in targets)  # candidate slots per target
    candidates: list[list[int]] = []
    shared: list[int] = []
    shared_owner: list[int] = []
    for i, target in enumerate(targets):
        words, readings, said = _covering(text, offsets[i], lexicon)
        cover += words + readings
        cover_salt += [_COVER_WORD] * len(words) + [_COVER_READING] * len(readings)
        cover_target += [i] * (2 * len(words))
        own, static = prior(target.char, target.candidates)
        for rank, candidate in enumerate(target.candidates):
            hashes = static[rank]
            if target.reading is not None:
                hashes = [*hashes, _YES_NO["lr"][candidate != target.reading]]
            if said:
                hashes = [*hashes, _YES_NO["cr"][candidate not in said]]
            shared += hashes
            shared_owner += [i * slots + rank] * len(hashes)
        candidates.append(own + [0] * (slots - len(own)))  # padding slots are never read
    crossed = np.array(candidates, dtype=np.uint64)  # (targets, slots)
    extra = ((np.array(cover, dtype=np.uint64) ^ _SALTS[cover_salt]) * _GOLDEN) >> np.uint64(32)
    # Cross every context feature with every candidate slot of its target.
    keys = [
        ((fixed << np.uint64(32))[:, :, None] | crossed[:, None, :]).ravel(),
        ((extra << np.uint64(32))[:, None] | crossed[cover_target]).ravel(),
        (np.array(shared, dtype=np.uint64) << np.uint64(32)) | np.uint64(_SHARED),
    ]
    slot = np.arange(n * slots).reshape(n, 1, slots)
    owners = [
        np.broadcast_to(slot, (n, _N_COLUMNS, slots)).ravel(),
        slot[cover_target, 0].ravel(),
        np.array(shared_owner, dtype=np.int64),
    ]
    return np.concatenate(keys), np.concatenate(owners), slots


def bucket(keys: np.ndarray, bits: int) -> np.ndarray:
    """Weight-table index of each key (Fibonacci hashing: multiply, keep the top bits)."""
    return ((keys * _GOLDEN) >> np.uint64(64 - bits)).astype(np.int64)


class ContextModel(Disambiguator):
    """Decide polyphones from their context with the packaged log-linear model.

    Which syllables it decides (defaults from the manifest, chosen by cross-validation):

    * open polyphones (the lexicon could not decide) of the characters the training labels
      show with several readings; with ``all_open=True``, every open polyphone.  The others
      go to ``fallback`` (the frequency prior), which is all the model could do for them:
      it has no weights of their own;
    * with ``decide_words=True``, also polyphones whose reading a lexicon word gave, for the
      characters whose word readings the training sentences contradicted; the word's
      reading is then one of the features.

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
        self._lexicon = lexicon
        self._weights_path = Path(weights_path) if weights_path is not None else None
        self._decide_words = decide_words
        self._all_open = all_open
        self._fallback = fallback or FrequencyPrior()
        self._weights: _Weights | None = None

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

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon.default()
        return self._lexicon

    @property
    def weights(self) -> _Weights:
        if self._weights is None:
            if self._weights_path is None:
                self._weights = _default_weights()
            else:
                self._weights = load_weights(self._weights_path)
        return self._weights

    def __call__(self, document: Document) -> Document:
        weights = self.weights
        decide_words = weights.decide_words if self._decide_words is None else self._decide_words
        all_open = weights.all_open if self._all_open is None else self._all_open
        text = self.lexicon.simplify(document.text)
        targets = find_targets(
            document,
            text,
            open_chars=None if all_open else weights.open_chars,
            word_chars=weights.word_chars if decide_words else frozenset(),
        )
        if targets:
            document = _apply(document, targets, self.choose(document, text, targets))
        return self._fallback(document)

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


def _apply(document: Document, targets: Sequence[Target], choices: Sequence[str]) -> Document:
    """Write the choices into a new document; only changed or newly decided syllables move."""
    by_token: dict[int, dict[int, str]] = {}
    for target, choice in zip(targets, choices, strict=True):
        if choice != target.reading:
            by_token.setdefault(target.token, {})[target.syllable] = choice
    tokens = list(document.tokens)
    for t, chosen in by_token.items():
        syllables = list(tokens[t].syllables)
        for s, reading in chosen.items():
            syllables[s] = syllables[s]._replace(reading=reading, source=Source.MODEL)
        tokens[t] = tokens[t].with_syllables(tuple(syllables))
    return Document(document.text, tuple(tokens))


@dataclass(frozen=True, slots=True)
class _Weights:
    table: np.ndarray  # float32, 2**bits
    bits: int
    prior: PriorFeatures  # from each character's reading counts in the training labels
    classes: CharClasses  # distributional classes of characters
    open_chars: frozenset[str]  # characters the training labels show with several readings
    word_chars: frozenset[str]  # characters whose word readings the training data contradicted
    decide_words: bool
    all_open: bool
    manifest: Mapping[str, Any]


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_weights(path: str | Path) -> _Weights:
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
        with np.load(path, allow_pickle=False) as arrays:
            table = arrays["weights"].astype(np.float32)
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
    return _Weights(
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


def _read_prior(
    chars: np.ndarray, readings: np.ndarray, counts: np.ndarray
) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, int]] = {}
    for char, reading, count in zip(
        chars.tolist(), readings.tolist(), counts.tolist(), strict=True
    ):
        totals.setdefault(char, {})[reading] = int(count)
    return prior_shares(totals)


def prior_shares(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, float]]:
    """Turn reading counts into shares (the model's prior features use shares, not counts)."""
    shares = {}
    for char, by_reading in counts.items():
        total = sum(by_reading.values())
        if total:
            shares[char] = {reading: n / total for reading, n in by_reading.items()}
    return shares


@lru_cache(maxsize=1)
def _default_weights() -> _Weights:
    with resources.as_file(resources.files("pinyinize") / "data" / "model.npz") as path:
        return load_weights(path)
