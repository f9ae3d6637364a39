"""Train the context model for polyphones (``pinyinize.disambiguate.model``).

Data (all under ../shared/data, never CPP test):

* CPP dev sentences and labels (``cpp/dev.sent``, ``cpp/dev.lb``) and CPP train labels
  (``cpp/train.lb`` with ``train.char.reconstructed.tsv``, for the reading-count features);
  from the g2pM repository by kakaobrain, Apache-2.0.
* g2pL train and dev (``g2pl/{train,dev}.{sent,lb}``); from whzikaros/g2pL, Apache-2.0.

Each labelled sentence goes through the pipeline up to look-up, so the features are those
the model sees at run time (the same ``document_keys`` of ``pinyinize.disambiguate.features``
builds them).  The model is a multinomial log-linear scorer over each character's own
candidates with hashed features, trained with mini-batch AdaGrad and fixed seeds, so a rerun
gives the same weights.  Its window features also read characters as distributional
classes, clustered here from the neighbours characters have in the lexicon's words and in
the training sentences (no labels used), so that context learnt next to one character
carries over to similar ones.

It reports, with and without the model, the pipeline accuracy of a 5-fold cross-validation
on CPP dev (trained on the other folds plus g2pL) and of g2pL dev (trained on g2pL train
plus CPP dev), then trains on everything and writes ``src/pinyinize/data/model.npz`` and
``model.json``.  ``--test`` also scores CPP test once, through the real pipeline with the
packaged weights (report only; never used for tuning).

    .venv/bin/python scripts/train_model.py            # about 8 min on 2 cores
    .venv/bin/python scripts/train_model.py --recluster  # also remake the character classes
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import train_prior  # beside this script: the same CPP train label counts

from pinyinize.disambiguate.features import (
    FEATURE_VERSION,
    CharClasses,
    PriorFeatures,
    bucket,
    document_keys,
    find_targets,
    prior_shares,
)
from pinyinize.disambiguate.model import FORMAT_VERSION, ContextModel, sha256_file, table_path
from pinyinize.disambiguate.prior import FrequencyPrior
from pinyinize.lexicon import Lexicon
from pinyinize.pipeline import Annotator
from pinyinize.spell import parse_marked
from pinyinize.types import Document

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "pinyinize" / "data" / "model.npz"
SEED = 20240601


@dataclass(frozen=True)
class Config:
    """Training settings (chosen by the cross-validation this script prints)."""

    hash_bits: int = 22
    epochs: int = 8
    # Runs from different seeds (shuffling orders), their weights averaged: a linear model's
    # average scores as the average of the runs, so it costs nothing at run time.  It lowers
    # the variance of the weights of characters with a dozen examples: g2pL dev 98.39% ->
    # 98.45%, CPP dev CV unchanged (97.18%); training takes three times as long.
    seeds: int = 3
    learning_rate: float = 0.05
    l2: float = 1e-6
    batch: int = 64
    decide_words: bool = True
    all_open: bool = False
    class_chars: int = 12000  # characters that get a distributional class
    class_contexts: int = 3000  # neighbours counted for them
    class_dims: int = 100
    fine_classes: int = 512
    coarse_classes: int = 64
    # Characters on whose occurrences in the training sentences the model agrees with the
    # pipeline without it at least this often are left to the lexicon and the prior.
    keep_below_agreement: float = 0.998


@dataclass
class Example:
    """One labelled target after look-up: its features and what the pipeline did there."""

    dataset: str
    char: str
    keys: np.ndarray  # 64-bit (feature, candidate) keys
    owners: np.ndarray  # candidate index of each key
    candidates: tuple[str, ...]
    gold: str
    gold_index: int  # -1 when the gold reading is not a candidate
    open: bool  # the look-up stage left it open
    baseline: str | None  # the reading of the pipeline without the model


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def read_split(folder: Path, name: str) -> list[tuple[str, int, str]]:
    """(raw sentence, target index, numbered gold reading) for each line of a split."""
    rows = []
    sentences = read_lines(folder / f"{name}.sent")
    for sentence, label in zip(sentences, read_lines(folder / f"{name}.lb"), strict=True):
        index = sentence.index("▁")
        rows.append((sentence.replace("▁", ""), index, parse_marked(label)))
    return rows


def train_label_counts(cpp: Path) -> dict[str, dict[str, int]]:
    """Reading counts per character from the CPP train labels (no sentences exist)."""
    return {char: dict(c) for char, c in train_prior.train_label_counts(cpp).items()}


def make_examples(
    rows: Sequence[tuple[str, int, str]],
    dataset: str,
    annotator: Annotator,
    prior: PriorFeatures,
    classes: CharClasses,
) -> list[Example]:
    """Run look-up on each sentence and build the features of its target syllable."""
    stages = annotator.stages
    baseline = FrequencyPrior()
    lexicon = annotator.lexicon
    examples = []
    for text, index, gold in rows:
        document = Document(text)
        for name in ("scan", "segment", "look_up"):
            document = stages[name](document)
        syllable = next(
            (s for t in document.tokens for s in t.syllables if s.offset == index), None
        )
        if syllable is None:
            continue
        simplified = lexicon.simplify(text)
        target = next(
            (
                t
                for t in find_targets(document, simplified, open_chars=None, word_chars=_EVERY_CHAR)
                if document.tokens[t.token].syllables[t.syllable].offset == index
            ),
            None,
        )
        if target is None:  # single candidate or user reading: the model never sees it
            reading = syllable.reading or (syllable.candidates[0] if syllable.candidates else None)
            examples.append(
                Example(
                    dataset,
                    simplified[index],
                    np.zeros(0, np.uint64),
                    np.zeros(0, np.int64),
                    (),
                    gold,
                    -1,
                    False,
                    reading,
                )
            )
            continue
        keys, owners, _ = document_keys(document, simplified, [target], lexicon, prior, classes)
        open_ = syllable.reading is None
        chosen = baseline.choose(syllable) if open_ else syllable.reading
        gold_index = target.candidates.index(gold) if gold in target.candidates else -1
        examples.append(
            Example(
                dataset,
                target.char,
                keys,
                owners,
                target.candidates,
                gold,
                gold_index,
                open_,
                chosen,
            )
        )
    return examples


@dataclass(frozen=True)
class ClassTable:
    """Distributional classes of characters (``CharClasses``), as stored in the npz."""

    code_points: np.ndarray  # uint32
    fine: np.ndarray  # int16
    coarse: np.ndarray  # int16

    def classes(self) -> CharClasses:
        return CharClasses(self.code_points, self.fine, self.coarse)


def char_classes(lexicon: Lexicon, sentences: Sequence[str], config: Config) -> ClassTable:
    """Cluster characters by the characters they stand next to (Brown-cluster style).

    Counts left and right neighbours in the lexicon's words (weighted by log frequency, as a
    stand-in for running text) and in the training sentences; positive PMI over the most
    common neighbours, a randomised SVD, then spherical k-means at two granularities.
    Plain numpy with fixed seeds, but the SVD and k-means go through BLAS, whose kernels
    (chosen per CPU by OpenBLAS) round differently: on another machine about a tenth of the
    fine classes can come out differently.  So the classes are an input of training, kept in
    ``model.npz`` and remade only with ``--recluster`` (see :func:`packaged_classes`).
    """
    pairs: Counter[tuple[str, str]] = Counter()
    for word, frequency in sorted(lexicon.frequencies.items()):
        if len(word) > 1:
            _count_neighbours(pairs, word, math.log1p(frequency) + 1.0)
    for sentence in sentences:
        _count_neighbours(pairs, lexicon.simplify(sentence), 1.0)
    totals: Counter[str] = Counter()
    for (left, right), weight in pairs.items():
        totals[left] += weight
        totals[right] += weight
    ranked = sorted(totals, key=lambda char: (-totals[char], char))
    chars = [c for c in ranked[: config.class_chars] if totals[c] >= 5 and c not in "^$"]
    contexts = ranked[: config.class_contexts]
    embedding = _embed(pairs, chars, contexts, config.class_dims)
    return ClassTable(
        np.array([ord(c) for c in chars], dtype=np.uint32),
        _kmeans(embedding, config.fine_classes).astype(np.int16),
        _kmeans(embedding, config.coarse_classes).astype(np.int16),
    )


def packaged_classes(path: Path) -> ClassTable | None:
    """The class table stored in the packaged model, or None when there is none to reuse."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as arrays:
        if "class_fine" not in arrays.files:
            return None
        return ClassTable(arrays["class_code_points"], arrays["class_fine"], arrays["class_coarse"])


def _count_neighbours(pairs: Counter[tuple[str, str]], text: str, weight: float) -> None:
    text = f"^{text}$"
    for left, right in itertools.pairwise(text):
        pairs[(left, right)] += weight


def _embed(
    pairs: Counter[tuple[str, str]], chars: list[str], contexts: list[str], dims: int
) -> np.ndarray:
    """Unit-length rows: PPMI of (char, left or right neighbour), randomised SVD."""
    row = {c: i for i, c in enumerate(chars)}
    column = {c: i for i, c in enumerate(contexts)}
    n = len(contexts)
    counts = np.zeros((len(chars), 2 * n))
    for (left, right), weight in pairs.items():
        if left in row and right in column:
            counts[row[left], n + column[right]] += weight
        if right in row and left in column:
            counts[row[right], column[left]] += weight
    expected = counts.sum(1, keepdims=True) * counts.sum(0, keepdims=True) / counts.sum()
    ratio = np.divide(counts, expected, out=np.ones_like(counts), where=counts > 0)
    ppmi = np.maximum(np.log(ratio), 0)
    rng = np.random.default_rng(SEED)
    basis = np.linalg.qr(ppmi @ rng.standard_normal((2 * n, dims + 20)))[0]
    for _ in range(2):  # power iterations sharpen the leading directions
        basis = np.linalg.qr(ppmi @ (ppmi.T @ basis))[0]
    u, sigma, _ = np.linalg.svd(basis.T @ ppmi, full_matrices=False)
    vectors = (basis @ u[:, :dims]) * np.sqrt(sigma[:dims])
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def _kmeans(vectors: np.ndarray, k: int, rounds: int = 25) -> np.ndarray:
    """Spherical k-means (cosine), seeded; returns each row's class."""
    rng = np.random.default_rng(SEED + k)
    centres = vectors[rng.choice(len(vectors), k, replace=False)]
    labels = np.zeros(len(vectors), dtype=np.int64)
    for _ in range(rounds):
        labels = np.argmax(vectors @ centres.T, axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, vectors)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        centres = np.where(norms > 0, sums / np.maximum(norms, 1e-9), centres)
    return labels


class _EveryChar:
    """A container that holds every character (to build features for all word polyphones)."""

    def __contains__(self, char: object) -> bool:
        return True


_EVERY_CHAR = _EveryChar()


@dataclass(frozen=True)
class Scope:
    """Which syllables the model decides (see ``ContextModel``)."""

    open_chars: frozenset[str]  # open polyphones of these (all of them with all_open)
    word_chars: frozenset[str]  # word-given polyphones of these (with decide_words)
    all_open: bool
    decide_words: bool

    def decides(self, example: Example) -> bool:
        if not example.candidates:
            return False
        if example.open:
            return self.all_open or example.char in self.open_chars
        return self.decide_words and example.char in self.word_chars


def make_scope(
    prior_counts: dict[str, dict[str, int]],
    examples: Sequence[Example],
    *,
    all_open: bool,
    decide_words: bool,
) -> Scope:
    """Open chars: seen with two or more readings in the training labels.  Word chars: their
    word reading disagreed with the gold label in a training sentence (elsewhere the lexicon
    is right, and re-deciding would only cost time)."""
    readings: dict[str, set[str]] = defaultdict(set)
    for char, counts in prior_counts.items():
        readings[char].update(counts)
    for e in examples:
        readings[e.char].add(e.gold)
    wrong = Counter(
        e.char for e in examples if e.candidates and not e.open and e.baseline != e.gold
    )
    return Scope(
        frozenset(char for char, seen in readings.items() if len(seen) > 1),
        frozenset(wrong),
        all_open,
        decide_words,
    )


class Trainer:
    """Mini-batch AdaGrad on the log-loss of the candidate softmax."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.size = 2**config.hash_bits

    def fit(self, examples: Sequence[Example]) -> np.ndarray:
        """The average of the weights of ``config.seeds`` runs (seeds SEED, SEED + 1, ...)."""
        usable = [e for e in examples if e.gold_index >= 0]
        index = [bucket(e.keys, self.config.hash_bits) for e in usable]
        total = np.zeros(self.size, dtype=np.float64)
        for run in range(self.config.seeds):
            total += self._run(usable, index, np.random.default_rng(SEED + run))
        return (total / self.config.seeds).astype(np.float32)

    def _run(
        self, usable: Sequence[Example], index: Sequence[np.ndarray], rng: np.random.Generator
    ) -> np.ndarray:
        weights = np.zeros(self.size, dtype=np.float64)
        squares = np.full(self.size, 1e-8, dtype=np.float64)
        for _ in range(self.config.epochs):
            order = rng.permutation(len(usable))
            for start in range(0, len(order), self.config.batch):
                batch = order[start : start + self.config.batch]
                self._step([usable[i] for i in batch], [index[i] for i in batch], weights, squares)
        return weights

    def _step(
        self,
        batch: Sequence[Example],
        index: Sequence[np.ndarray],
        weights: np.ndarray,
        squares: np.ndarray,
    ) -> None:
        sizes = np.array([len(e.candidates) for e in batch])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        owners = np.concatenate([e.owners + o for e, o in zip(batch, offsets, strict=True)])
        flat = np.concatenate(index)
        scores = np.bincount(owners, weights=weights[flat], minlength=int(sizes.sum()))
        example_of = np.repeat(np.arange(len(batch)), sizes)
        scores -= np.maximum.reduceat(scores, offsets)[example_of]
        exps = np.exp(scores)
        probabilities = exps / np.add.reduceat(exps, offsets)[example_of]
        probabilities[offsets + np.array([e.gold_index for e in batch])] -= 1.0
        touched, inverse = np.unique(flat, return_inverse=True)
        gradient = np.bincount(inverse, weights=probabilities[owners], minlength=len(touched))
        gradient += self.config.l2 * weights[touched]
        squares[touched] += gradient**2
        weights[touched] -= self.config.learning_rate * gradient / np.sqrt(squares[touched])


def predict(examples: Sequence[Example], weights: np.ndarray, bits: int) -> list[str | None]:
    """The model's choice for each example that has candidates (None for the others)."""
    choices: list[str | None] = []
    for e in examples:
        if not e.candidates:
            choices.append(None)
            continue
        scores = np.bincount(
            e.owners, weights=weights[bucket(e.keys, bits)], minlength=len(e.candidates)
        )
        choices.append(e.candidates[int(np.argmax(scores))])
    return choices


def accuracy(
    examples: Sequence[Example], choices: Sequence[str | None] | None, scopes: Sequence[Scope]
) -> float:
    """Pipeline accuracy at the targets: the model where ``scopes[i]`` has it decide example
    i, the look-up stage or the frequency prior elsewhere."""
    right = 0
    for i, e in enumerate(examples):
        use_model = choices is not None and scopes[i].decides(e)
        right += (choices[i] if use_model else e.baseline) == e.gold
    return right / max(len(examples), 1)


SCOPES = {  # name: (all_open, decide_words)
    "open_known": (False, False),
    "open_all": (True, False),
    "words_known": (False, True),
    "words_all_open": (True, True),
}


def cross_validate(
    data: dict[str, list[Example]], prior_counts: dict[str, dict[str, int]], config: Config
) -> dict[str, float]:
    """CPP dev 5-fold CV (+ all g2pL) and g2pL dev (trained on g2pL train + CPP dev), for
    each choice of the syllables the model decides (``SCOPES``)."""
    cpp_dev, g2pl_train, g2pl_dev = data["cpp_dev"], data["g2pl_train"], data["g2pl_dev"]
    folds = np.random.default_rng(SEED).permutation(len(cpp_dev)) % 5
    trainer = Trainer(config)
    cv_choices: list[str | None] = [None] * len(cpp_dev)
    cv_train: list[list[Example]] = [[] for _ in cpp_dev]
    for k in range(5):
        train = [e for e, f in zip(cpp_dev, folds, strict=True) if f != k] + g2pl_train + g2pl_dev
        weights = trainer.fit(train)
        held = [i for i, f in enumerate(folds) if f == k]
        for i, choice in zip(
            held, predict([cpp_dev[i] for i in held], weights, config.hash_bits), strict=True
        ):
            cv_choices[i] = choice
            cv_train[i] = train
    dev_train = g2pl_train + cpp_dev
    dev_choices = predict(g2pl_dev, trainer.fit(dev_train), config.hash_bits)
    metrics = {}
    for name, (all_open, words) in SCOPES.items():
        fold_scopes = {
            id(train): make_scope(prior_counts, train, all_open=all_open, decide_words=words)
            for train in {id(t): t for t in cv_train}.values()
        }
        cv_scopes = [fold_scopes[id(t)] for t in cv_train]
        metrics[f"cpp_dev_cv_{name}"] = accuracy(cpp_dev, cv_choices, cv_scopes)
        dev_scope = make_scope(prior_counts, dev_train, all_open=all_open, decide_words=words)
        metrics[f"g2pl_dev_{name}"] = accuracy(g2pl_dev, dev_choices, [dev_scope] * len(g2pl_dev))
    return metrics


def write_model(
    weights: np.ndarray,
    config: Config,
    prior_counts: dict[str, dict[str, int]],
    class_table: ClassTable,
    scope: Scope,
    metrics: dict[str, float],
    counts: dict[str, int],
    output: Path = OUTPUT,
) -> None:
    rows = sorted((c, r, n) for c, by in prior_counts.items() for r, n in by.items())
    # The table apart, uncompressed, so that it can be memory-mapped (model.table_path).
    np.save(table_path(output), weights.astype(np.float16), allow_pickle=False)
    np.savez_compressed(
        output,
        prior_chars=np.array([c for c, _, _ in rows]),
        prior_readings=np.array([r for _, r, _ in rows]),
        prior_counts=np.array([n for _, _, n in rows], dtype=np.int32),
        class_code_points=class_table.code_points,
        class_fine=class_table.fine,
        class_coarse=class_table.coarse,
        open_chars=np.array(sorted(scope.open_chars)),
        word_chars=np.array(sorted(scope.word_chars)),
    )
    manifest = {
        "format": FORMAT_VERSION,
        "features": {"version": FEATURE_VERSION, "hash_bits": config.hash_bits},
        "decide_words": config.decide_words,
        "all_open": config.all_open,
        "scope": {
            "open_chars": len(scope.open_chars),
            "word_chars": len(scope.word_chars),
            "why": "open polyphones of chars seen with 2+ readings in the labels; word readings"
            " of chars whose word reading a training sentence contradicted",
        },
        "training": {
            "epochs": config.epochs,
            "seeds": config.seeds,
            "learning_rate": config.learning_rate,
            "l2": config.l2,
            "batch": config.batch,
            "seed": SEED,
        },
        "sha256": sha256_file(output),
        "weights_sha256": sha256_file(table_path(output)),
        "sources": {
            "cpp": {
                "licence": "Apache-2.0",
                "origin": "kakaobrain/g2pM data/ (CPP)",
                "used": ["dev.sent", "dev.lb", "train.lb (reading counts only)"],
            },
            "g2pl": {
                "licence": "Apache-2.0",
                "origin": "whzikaros/g2pL data/",
                "used": ["train.sent", "train.lb", "dev.sent", "dev.lb"],
            },
        },
        "examples": counts,
        "metrics": {k: round(v, 4) for k, v in metrics.items()},
        "date": datetime.date.today().isoformat(),
    }
    output.with_suffix(".json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def prune_scope(
    scope: Scope,
    model_path: Path,
    sentences: Sequence[str],
    lexicon: Lexicon,
    threshold: float,
) -> tuple[Scope, dict[str, int]]:
    """Drop the characters whose every decision barely matters.

    Runs the trained model over every character of the training sentences (not only the
    labelled ones) beside the pipeline without it, and keeps a character in the scope only
    where the two disagree on more than ``1 - threshold`` of its occurrences.  的 is de5 in
    all 60,000 of them: scoring it costs time and changes nothing.  No label is read, so
    this is a measured bound on what the pruning changes, not a fit to the data.
    """
    model = Annotator(lexicon=lexicon, disambiguator=ContextModel.from_file(model_path))
    plain = Annotator(lexicon=lexicon, disambiguator=FrequencyPrior())
    seen: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    for sentence in sentences:
        simplified = lexicon.simplify(sentence)
        pairs = zip(simplified, model.readings(sentence), plain.readings(sentence), strict=True)
        for char, with_model, without in pairs:
            if char in scope.open_chars or char in scope.word_chars:
                seen[char] += 1
                changed[char] += with_model != without
    keep = {char for char in seen if changed[char] > (1 - threshold) * seen[char]}
    pruned = Scope(
        scope.open_chars & keep, scope.word_chars & keep, scope.all_open, scope.decide_words
    )
    dropped = set(seen) - keep
    report = {
        "dropped_chars": len(dropped),
        "their_occurrences": sum(seen[c] for c in dropped),
        "decisions_changed": sum(changed[c] for c in dropped),
        "occurrences": sum(seen.values()),
    }
    return pruned, report


def model_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of the model at ``path``: the npz's and the weight table (``weights``)."""
    with np.load(path, allow_pickle=False) as arrays:
        found = {name: arrays[name] for name in arrays.files}
    table = table_path(path)
    if table.exists():
        found["weights"] = np.load(table, allow_pickle=False)
    return found


def check_weights(*model: Any) -> int:
    """Write the retrained model to a scratch folder and compare its arrays with the packaged
    ones: the committed weights must be what this script makes from the data."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "model.npz"
        write_model(*model, output=fresh)
        new, old = model_arrays(fresh), model_arrays(OUTPUT)
        stale = [
            name
            for name in sorted(set(new) | set(old))
            if name not in new or name not in old or not np.array_equal(new[name], old[name])
        ]
    if stale:
        print(
            f"stale model weights ({', '.join(stale)}): run scripts/train_model.py", file=sys.stderr
        )
        return 1
    print("model weights are up to date")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    parser.add_argument("--test", action="store_true", help="score CPP test once at the end")
    parser.add_argument(
        "--check", action="store_true", help="retrain and fail if the committed weights differ"
    )
    parser.add_argument(
        "--recluster",
        action="store_true",
        help="cluster the characters afresh instead of reusing the packaged classes",
    )
    args = parser.parse_args()

    config = Config()
    started = time.perf_counter()
    annotator = Annotator(lexicon=Lexicon.default())
    prior_counts = train_label_counts(args.data / "cpp")
    prior = PriorFeatures(prior_shares(prior_counts))
    splits = {
        name: read_split(args.data / folder, split)
        for name, folder, split in (
            ("cpp_dev", "cpp", "dev"),
            ("g2pl_train", "g2pl", "train"),
            ("g2pl_dev", "g2pl", "dev"),
        )
    }
    sentences = [text for rows in splits.values() for text, _, _ in rows]
    reused = None if args.recluster else packaged_classes(OUTPUT)
    class_table = reused or char_classes(annotator.lexicon, sentences, config)
    print("classes: " + ("reused from the packaged model" if reused else "clustered afresh"))
    classes = class_table.classes()
    data = {
        name: make_examples(rows, name, annotator, prior, classes) for name, rows in splits.items()
    }
    print(f"features built in {time.perf_counter() - started:.0f} s")
    metrics = {
        "cpp_dev_baseline": accuracy(data["cpp_dev"], None, []),
        "g2pl_dev_baseline": accuracy(data["g2pl_dev"], None, []),
    }
    if not (args.no_cv or args.check):  # the check compares weights only, not the metrics
        metrics.update(cross_validate(data, prior_counts, config))
    for name, value in metrics.items():
        print(f"{name:24} {value:.4f}")
    everything = data["cpp_dev"] + data["g2pl_train"] + data["g2pl_dev"]
    weights = Trainer(config).fit(everything)
    counts = {name: len(examples) for name, examples in data.items()}
    scope = make_scope(
        prior_counts, everything, all_open=config.all_open, decide_words=config.decide_words
    )
    with tempfile.TemporaryDirectory() as scratch:
        unpruned = Path(scratch) / "model.npz"
        write_model(weights, config, prior_counts, class_table, scope, metrics, counts, unpruned)
        scope, pruning = prune_scope(
            scope, unpruned, sentences, annotator.lexicon, config.keep_below_agreement
        )
    print(f"scope: {len(scope.open_chars)} open, {len(scope.word_chars)} word chars; {pruning}")
    metrics.update({f"pruning_{name}": value for name, value in pruning.items()})
    if args.check:
        return check_weights(weights, config, prior_counts, class_table, scope, metrics, counts)
    write_model(weights, config, prior_counts, class_table, scope, metrics, counts)
    print(f"wrote {OUTPUT} in {time.perf_counter() - started:.0f} s")
    if args.test:  # once, at the very end: through the real pipeline and packaged weights
        record_test(score_test(args.data, annotator.lexicon))
    return 0


def score_test(data: Path, lexicon: Lexicon) -> dict[str, float]:
    """CPP test accuracy with the frequency prior alone and with the packaged model, read in
    ``citation`` mode (CPP labels citation tones: 衣服 fu2), as bench/accuracy.py reads it."""
    rows = read_split(data / "cpp", "test")
    plain = Annotator(lexicon=lexicon, disambiguator=FrequencyPrior())
    model = Annotator(lexicon=lexicon, disambiguator=ContextModel.from_file(OUTPUT))
    scores = {}
    for name, pipeline in (("baseline", plain), ("model", model)):
        right = sum(
            pipeline.readings(text, mode="citation")[index] == gold for text, index, gold in rows
        )
        scores[f"cpp_test_{name}"] = round(right / len(rows), 4)
        print(f"cpp_test {name:15} {right / len(rows):.4f}")
    return scores


def record_test(scores: dict[str, float], output: Path = OUTPUT) -> None:
    """Add the CPP test scores to the manifest (the json only: its sha256s are of the npz
    and the table, so the weights stay as checked)."""
    manifest_path = output.with_suffix(".json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["metrics"].update(scores)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    sys.exit(main())
