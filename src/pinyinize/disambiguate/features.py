"""The context model's features: the contract that run time and training share.

For each syllable it decides, the model builds sparse context features (neighbouring
characters and their distributional classes, the segmented word and its part of speech, the
words around it, the readings that lexicon words covering the character give, the
character's reading counts); every candidate ``r`` is scored as the sum of hashed weights of
``(feature, char, r)``, plus a few features shared by all characters (``the lexicon agrees
with r``, ``r is the most frequent reading``).  A character that stands alone as a word
also gets its collocation with its object (他还了三本书: 还书 huán shū; 借的钱早就还了: 还钱),
which counts as one more lexicon word covering it.

This module says which syllables are decided (``find_targets``), how their features are
built and hashed into 64-bit keys (``document_keys``) and which weight-table slot a key
reads (``bucket``).  ``scripts/train_model.py`` and the run-time model
(``pinyinize.disambiguate.model``) both call these very functions, so training and run-time
features cannot drift apart; ``FEATURE_VERSION`` changes whenever they do, and a model
trained with other features is refused.
"""

from __future__ import annotations

import weakref
import zlib
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pinyinize.lexicon import Lexicon
from pinyinize.types import Document, Source, Token

__all__ = [
    "FEATURE_VERSION",
    "CharClasses",
    "PriorFeatures",
    "Target",
    "bucket",
    "document_keys",
    "find_targets",
    "find_work",
    "prior_shares",
]

# Changes with anything that changes the keys document_keys builds: a model trained with
# other features is refused (the manifest records the version it was trained with).
FEATURE_VERSION = 3
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
    return find_work(document, text, open_chars=open_chars, word_chars=word_chars)[0]


def find_work(
    document: Document,
    text: str,
    *,
    open_chars: Container[str] | None,
    word_chars: Container[str],
) -> tuple[list[Target], list[tuple[int, int]]]:
    """``find_targets``, and the (token, syllable) places of the open syllables it leaves
    (outside ``open_chars``, or with one distinct candidate): the fallback decides those."""
    targets = []
    rest = []
    word = Source.WORD
    for t, token in enumerate(document.tokens):
        # Fields by index (1 offset, 2 candidates, 3 reading, 4 source): most syllables are
        # skipped after one or two, quicker than by name or by unpacking all seven.
        for s, syllable in enumerate(token.syllables):
            if syllable[3] is None:
                if open_chars is not None and text[syllable[1]] not in open_chars:
                    if syllable[2]:
                        rest.append((t, s))
                    continue
            elif syllable[4] is not word or text[syllable[1]] not in word_chars:
                continue  # user readings, single readings, words the lexicon gets right
            candidates, reading = syllable[2], syllable[3]
            if len(candidates) > 1:
                distinct = tuple(dict.fromkeys(candidates))
                if len(distinct) > 1:
                    targets.append(Target(t, s, text[syllable[1]], distinct, reading))
                    continue
            if reading is None and candidates:
                rest.append((t, s))
    return targets, rest


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
_COLLOCATION = _N_COLUMNS + 2  # salt of the verb-object collocation feature
_SPLITMIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
# Each window column packs its symbols as s0 << 42 | s1 << 21 | s2: (alphabet, the places of
# s0, s1, s2 in the window of 2 * _WINDOW + 1 characters).  A missing symbol reads the place
# just past the window, which holds 0.
_NO_SYMBOL = 2 * _WINDOW + 1


def _plan(alphabet: int) -> tuple[tuple[int, int, int], ...]:
    """The (s0, s1, s2) places of each column of ``alphabet``, in column order."""
    plan = []
    for _, of, ks in _WINDOW_COLUMNS:
        if of == alphabet:
            first, second, third = [k + _WINDOW for k in ks] + [_NO_SYMBOL] * (3 - len(ks))
            plan.append((first, second, third))
    return tuple(plan)


# The columns are listed alphabet by alphabet, so packing each alphabet's in turn keeps order.
_PLANS = (_plan(_CHAR), _plan(_FINE), _plan(_COARSE))
assert [a for _, a, _ in _WINDOW_COLUMNS] == sorted(a for _, a, _ in _WINDOW_COLUMNS)
_COLUMN_SALTS = list(range(_N_COLUMNS))


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective scramble of 64-bit integers (no Python ``hash``)."""
    values = (values ^ (values >> np.uint64(30))) * _SPLITMIX[0]
    values = (values ^ (values >> np.uint64(27))) * _SPLITMIX[1]
    return values ^ (values >> np.uint64(31))


_SALTS = _mix(np.arange(1, _N_COLUMNS + 4, dtype=np.uint64) * _GOLDEN)


# Caches are plain dicts of strings, ints and tuples of strings, which the garbage collector
# stops tracking; an lru_cache keeps a linked list it would walk in every full collection
# (tens of thousands of nodes, a few ms each time on long texts).  Cleared when full.
_CACHE_LIMIT = 1 << 16
_HASHES: dict[str, int] = {}


def _hash(text: str) -> int:
    """A stable 32-bit hash of a string (CRC-32 of its UTF-8 bytes)."""
    value = _HASHES.get(text)
    if value is None:
        if len(_HASHES) >= _CACHE_LIMIT:
            _HASHES.clear()
        value = _HASHES[text] = zlib.crc32(text.encode("utf-8"))
    return value


_YES_NO = {name: (_hash(f"{name}=yes"), _hash(f"{name}=no")) for name in ("lr", "cr", "vo")}


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
    lexicon's words and the training sentences; stored in the model's npz as code points
    with their two class numbers.  Characters without a class fall into a few shape classes
    (digit, Latin letter, text boundary, other), so numbers and codes in the text (武康路40弄)
    still tell the model something.
    """

    _OFFSET = 8  # class numbers below this are shape classes

    def __init__(self, code_points: np.ndarray, fine: np.ndarray, coarse: np.ndarray) -> None:
        chars = [chr(code) for code in code_points.tolist()]
        self._fine = dict(zip(chars, (c + self._OFFSET for c in fine.tolist()), strict=True))
        self._coarse = dict(zip(chars, (c + self._OFFSET for c in coarse.tolist()), strict=True))
        # The same, as tables indexed by code point (shape classes where there is no class),
        # for ``windows``, which reads the windows of all targets of a document at once.
        size = max(int(code_points.max(initial=0)) + 1, 0x10000)
        self._fine_table = _shape_table(size)
        self._coarse_table = self._fine_table.copy()
        self._fine_table[code_points] = fine.astype(np.uint16) + self._OFFSET
        self._coarse_table[code_points] = coarse.astype(np.uint16) + self._OFFSET

    def window(self, chars: str) -> tuple[list[int], list[int], list[int]]:
        """Code points, fine and coarse classes of ``chars`` (the three alphabets), each
        followed by a 0 (what a column reads where it has no symbol)."""
        fine, coarse = self._fine.get, self._coarse.get
        codes = [*map(ord, chars), 0]
        fines = [fine(char) or _shape_class(char) for char in chars]
        coarses = [coarse(char) or _shape_class(char) for char in chars]
        fines.append(0)
        coarses.append(0)
        return codes, fines, coarses

    def windows(self, codes: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, ...]:
        """``window`` of many places at once: ``codes`` are the code points of a text,
        ``places`` a (targets, width) array of indices into it.  Returns three (targets,
        width + 1) uint64 arrays, the last column 0."""
        window = codes[places]
        beyond = window >= len(self._fine_table)  # past the tables: no class, shape "other"
        inside = np.where(beyond, 0, window)
        fine = np.where(beyond, _OTHER_SHAPE, self._fine_table[inside])
        coarse = np.where(beyond, _OTHER_SHAPE, self._coarse_table[inside])
        pad = np.zeros((len(places), 1), dtype=np.uint64)
        return tuple(
            np.hstack([alphabet.astype(np.uint64), pad]) for alphabet in (window, fine, coarse)
        )


_MARKERS = {"\x00": 0, "\x01": 3, "\x02": 4}  # no symbol, before the text, after it
_OTHER_SHAPE = np.uint64(5)


def _shape_table(size: int) -> np.ndarray:
    """``_shape_class`` of every code point below ``size`` (uint16: classes stay small)."""
    table = np.full(size, _OTHER_SHAPE, dtype=np.uint16)
    for low, high, shape in (("0", "9", 1), ("\uff10", "\uff19", 1), ("a", "z", 2), ("A", "Z", 2)):
        table[ord(low) : ord(high) + 1] = shape
    for marker, shape in _MARKERS.items():
        table[ord(marker)] = shape
    return table


def _shape_class(char: str) -> int:
    if char in _MARKERS:
        return _MARKERS[char]
    if "0" <= char <= "9" or "\uff10" <= char <= "\uff19":
        return 1
    if "a" <= char.lower() <= "z" and char.isascii():
        return 2
    return 5


def _token_values(
    document: Document, text: str, targets: Sequence[Target]
) -> list[tuple[int, ...]]:
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

    return [
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


_WORD_READINGS: weakref.WeakKeyDictionary[Lexicon, dict[str, tuple[str, ...] | None]] = (
    weakref.WeakKeyDictionary()
)


def _word_readings(lexicon: Lexicon, word: str) -> tuple[str, ...] | None:
    cache = _word_cache(lexicon)
    if word not in cache:
        return _fill_word(cache, lexicon, word)
    return cache[word]


def _word_cache(lexicon: Lexicon) -> dict[str, tuple[str, ...] | None]:
    cache = _WORD_READINGS.get(lexicon)
    if cache is None or len(cache) >= _CACHE_LIMIT:
        cache = _WORD_READINGS[lexicon] = {}
    return cache


def _fill_word(
    cache: dict[str, tuple[str, ...] | None], lexicon: Lexicon, word: str
) -> tuple[str, ...] | None:
    found = cache[word] = lexicon.word_readings(word) or None
    return found


_NO_COVER: tuple[list[int], list[int], frozenset[str]] = ([], [], frozenset())


def _covering(
    text: str, offset: int, lexicon: Lexicon
) -> tuple[list[int], list[int], frozenset[str]]:
    """Lexicon words with readings that cover ``offset``: (word@position, reading) hashes,
    and the readings they give (callers must not change the lists: one empty answer is
    shared)."""
    # The longest word each start can begin (from its first two characters): most begin
    # none, and one look-up says so for every length.
    pairs = lexicon.reach_cache.table  # a miss (None) is filled below
    first = max(0, offset - _MAX_COVER + 1)
    spans = []  # (length, start) of the words that may cover offset
    for start in range(first, offset + 1):
        pair = text[start : start + 2]
        reach = pairs.get(pair)
        if reach is None:
            reach = lexicon.reach_cache.fill(pair)
        if reach >= 2:
            longest = min(reach, _MAX_COVER, len(text) - start)
            spans += [(length, start) for length in range(max(2, offset - start + 1), longest + 1)]
    if not spans:
        return _NO_COVER
    spans.sort()  # shortest words first, then by start: the order the weights were trained in
    cache = _word_cache(lexicon)
    words, readings, said = [], [], set()
    for length, start in spans:
        word = text[start : start + length]
        found = cache[word] if word in cache else _fill_word(cache, lexicon, word)
        if found is not None and len(found) == length:
            reading = found[offset - start]
            said.add(reading)
            words.append(_hash(f"{word}@{offset - start}"))
            readings.append(_hash(reading))
    return words, readings, frozenset(said)


# A single-character verb and its object: the object may stand a few words after the verb
# (他还了三本书: 还书) or, where the verb ends its clause, before it (借的钱早就还了: 还钱).  The
# words skipped between them are particles, numbers and measure words (part-of-speech tags of
# jieba's set); the object is the first other word, and only a noun counts (a verb or a
# preposition after 还 makes it the adverb: 还在家, 还要).  Backwards only within the sentence.
_LIGHT_POS = ("u", "m", "q", "y")
_LIGHT_CHARS = frozenset("了过着几")
_NOUN_POS = ("n", "j", "zg")  # jieba tags 车 and 牛 zg
_OBJECT_REACH = 3  # words looked at on each side
_SENTENCE_END = frozenset("。！？!?；;\n")


def _is_light(token: Token) -> bool:
    pos = token.pos or ""
    return pos.startswith(_LIGHT_POS) or all(char in _LIGHT_CHARS for char in token.text)


def _verb_object(
    document: Document, text: str, target: Target, lexicon: Lexicon
) -> tuple[str, str] | None:
    """(verb + object, the verb's reading there) where the target stands alone as a word and
    a lexicon word joins it to its object (还书 huán shū), else None."""
    tokens = document.tokens
    if len(tokens[target.token].syllables) != 1:
        return None
    for index in range(target.token + 1, min(len(tokens), target.token + _OBJECT_REACH + 1)):
        token = tokens[index]
        if not token.is_han:
            break
        if not _is_light(token):
            if not (token.pos or "").startswith(_NOUN_POS):
                return None
            return _collocation(target.char, text[token.start : token.end], lexicon)
    # Nothing follows in the clause but particles: the object, if any, came before the verb.
    for index in range(target.token - 1, max(-1, target.token - 2 * _OBJECT_REACH - 1), -1):
        token = tokens[index]
        if not token.is_han:
            if any(char in _SENTENCE_END for char in token.text):
                break
        elif (token.pos or "").startswith(_NOUN_POS):
            found = _collocation(target.char, text[token.start : token.end], lexicon)
            if found is not None:
                return found
    return None


def _collocation(verb: str, object_: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """The lexicon word of ``verb`` with ``object_`` or with its head (last character)."""
    for noun in dict.fromkeys((object_, object_[-1])):
        readings = _word_readings(lexicon, verb + noun)
        if readings is not None and len(readings) == 1 + len(noun):
            return verb + noun, readings[0]
    return None


def _target_features(
    document: Document,
    text: str,
    target: Target,
    offset: int,
    lexicon: Lexicon,
    prior: PriorFeatures,
) -> tuple[list[int], list[int], list[int], list[list[int]]]:
    """A target's context features besides its fixed columns (covering words, collocation),
    before hashing, with their salts; its candidates' own hashes; and the shared features of
    each candidate, in rank order."""
    words, readings, said = _covering(text, offset, lexicon)
    collocation = _verb_object(document, text, target, lexicon)
    if collocation is not None:  # a verb and its object count as a word covering the verb
        said = said | {collocation[1]}
    values = words + readings
    salts = [_COVER_WORD] * len(words) + [_COVER_READING] * len(readings)
    if collocation is not None:  # the collocation itself, crossed with each candidate
        values.append(_hash(collocation[0]))
        salts.append(_COLLOCATION)
    own, static = prior(target.char, target.candidates)
    reading = target.reading
    ranked = []
    for candidate, cached in zip(target.candidates, static, strict=True):
        hashes = list(cached)  # a copy: the prior's lists are cached
        if reading is not None:
            hashes.append(_LEXICON_SAYS[candidate != reading])
        if said:
            hashes.append(_WORDS_SAY[candidate not in said])
        if collocation is not None:
            hashes.append(_COLLOCATION_SAYS[candidate != collocation[1]])
        ranked.append(hashes)
    return values, salts, own, ranked


_LEXICON_SAYS, _WORDS_SAY, _COLLOCATION_SAYS = _YES_NO["lr"], _YES_NO["cr"], _YES_NO["vo"]


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
    padded = "\x01" * _WINDOW + text + "\x02" * _WINDOW
    slots = max(len(t.candidates) for t in targets)  # candidate slots per target
    token_rows = _token_values(document, text, targets)
    values: list[int] = []  # context features, before hashing
    salts: list[int] = []  # the column of each
    owner: list[int] = []  # the target of each
    candidates: list[list[int]] = []
    shared: list[int] = []
    shared_owner: list[int] = []
    offsets = [tokens[t.token].syllables[t.syllable].offset for t in targets]
    # A few targets (a sentence) are quicker one by one; many (a page) in numpy at once.
    inline = len(targets) < _ARRAYS_FROM
    for i, target in enumerate(targets):
        offset = offsets[i]
        if inline:
            values += _window_values(padded, offset, classes)
            values += token_rows[i]
            salts += _COLUMN_SALTS
            owner += [i] * _N_COLUMNS
        extra, extra_salts, own, ranked = _target_features(
            document, text, target, offset, lexicon, prior
        )
        values += extra
        salts += extra_salts
        owner += [i] * len(extra)
        for rank, hashes in enumerate(ranked):
            shared += hashes
            shared_owner += [i * slots + rank] * len(hashes)
        candidates.append(own + [0] * (slots - len(own)))  # padding slots are never read
    if inline:
        targets_of = np.array(owner, dtype=np.int64)
        salted = np.array(values, dtype=np.uint64) ^ _SALTS[salts]
    else:
        targets_of, salted = _with_fixed_columns(
            _fixed_columns(padded, offsets, token_rows, classes), values, salts, owner
        )
    hashed = (salted * _GOLDEN) >> np.uint64(32)
    # Cross every context feature with every candidate slot of its target.
    crossed = np.array(candidates, dtype=np.uint64)[targets_of]  # (features, slots)
    keys = [
        ((hashed << np.uint64(32))[:, None] | crossed).ravel(),
        (np.array(shared, dtype=np.uint64) << np.uint64(32)) | np.uint64(_SHARED),
    ]
    owners = [
        (targets_of[:, None] * slots + np.arange(slots)).ravel(),
        np.array(shared_owner, dtype=np.int64),
    ]
    return np.concatenate(keys), np.concatenate(owners), slots


_ARRAYS_FROM = 16  # targets in a document from which its window columns are built in numpy


def _window_values(padded: str, offset: int, classes: CharClasses) -> list[int]:
    """The window columns of the character at ``offset`` of the text (``padded`` is the text
    with ``_WINDOW`` markers on each side, so its window starts at ``offset`` there)."""
    codes, fine, coarse = classes.window(padded[offset : offset + 2 * _WINDOW + 1])
    char_plan, fine_plan, coarse_plan = _PLANS
    return [
        *[(codes[p] << 42) | (codes[q] << 21) | codes[r] for p, q, r in char_plan],
        *[(fine[p] << 42) | (fine[q] << 21) | fine[r] for p, q, r in fine_plan],
        *[(coarse[p] << 42) | (coarse[q] << 21) | coarse[r] for p, q, r in coarse_plan],
    ]


# _PLANS as indices into the three alphabets' windows side by side (``_fixed_columns``).
_PLACES = np.array(
    [
        [alphabet * (2 * _WINDOW + 2) + place for place in places]
        for alphabet, plan in enumerate(_PLANS)
        for places in plan
    ]
).T


def _fixed_columns(
    padded: str, offsets: Sequence[int], token_rows: Sequence[tuple[int, ...]], classes: CharClasses
) -> np.ndarray:
    """``_window_values`` and the token columns of every target at once: a (targets,
    _N_COLUMNS) uint64 array."""
    codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    places = np.array(offsets, dtype=np.int64)[:, None] + np.arange(2 * _WINDOW + 1)
    windows = np.hstack(classes.windows(codes, places))
    first, second, third = (windows[:, column] for column in _PLACES)
    window = (first << np.uint64(42)) | (second << np.uint64(21)) | third
    return np.hstack([window, np.array(token_rows, dtype=np.uint64).reshape(len(offsets), -1)])


def _with_fixed_columns(
    fixed: np.ndarray, values: list[int], salts: list[int], owner: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Each target's fixed columns, then its other context features (covering words,
    collocation), salted: the order ``document_keys`` builds one target at a time, in which
    the weights were trained (their sums are taken in that order)."""
    n = len(fixed)
    targets_of = np.concatenate(
        [np.repeat(np.arange(n), _N_COLUMNS), np.array(owner, dtype=np.int64)]
    )
    order = np.argsort(targets_of, kind="stable")
    salted = np.concatenate(
        [
            fixed.ravel() ^ np.tile(_SALTS[:_N_COLUMNS], n),
            np.array(values, dtype=np.uint64) ^ _SALTS[salts],
        ]
    )
    return targets_of[order], salted[order]


def bucket(keys: np.ndarray, bits: int) -> np.ndarray:
    """Weight-table index of each key (Fibonacci hashing: multiply, keep the top bits)."""
    return ((keys * _GOLDEN) >> np.uint64(64 - bits)).astype(np.int64)


def prior_shares(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, float]]:
    """Turn reading counts into shares (the model's prior features use shares, not counts)."""
    shares = {}
    for char, by_reading in counts.items():
        total = sum(by_reading.values())
        if total:
            shares[char] = {reading: n / total for reading, n in by_reading.items()}
    return shares
