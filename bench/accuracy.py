"""Accuracy and throughput of pinyinize and its peers on the same items, in one run.

Why: a claim such as "better than pypinyin" means little unless every system reads the same
sentences, is scored at the same characters, and is timed the same way.  This script does
that for pinyinize, pypinyin, pinyin-pro (JavaScript, through node) and g2pM and prints one
Markdown table: system, data set, accuracy, items, chars/s.

Data sets (defaults, paths relative to the repository root, ``../shared`` movable with
``--shared``):

* ``cpp-test``  ../shared/data/cpp/test.sent (+ test.lb): CPP benchmark test split.
* ``g2pl-dev``  ../shared/data/g2pl/dev.sent (+ dev.lb): g2pL dev split, 114 characters.
* ``seed``      ../shared/samples/seed-article.txt: the characters of the words that the seed
  article annotates inline, gold = the annotation (rules in ``evalsets.read_annotated_text``:
  an annotation of n syllables covers the n Han characters right before its parenthesis;
  non-pinyin groups such as ``(WRCA)`` are text; annotations that do not say which
  characters they read are skipped; systems read the whole line with annotations removed).

``--set NAME=PATH`` replaces the defaults (repeat it for several sets): a ``.sent`` file is a
marked pair with its ``.lb`` beside it, any other file is inline-annotated text.

Conventions: the polyphone corpora (CPP, g2pL, any marked pair) label citation tones (衣服's
服 fu2), the seed article and the everyday set write lexical neutral tones (衣服 yīfu), so
pinyinize reads each set in the mode that writes its convention (``citation`` or
``dictionary``; ``--pinyinize-mode`` forces one for every set); the ``mode`` column says
which.  Peers are scored as they are (they write citation tones).

Scoring: each item is one character; a system is right when its reading there, re-spelled to
pinyinize's numbered form (``lv4``, tone 5 = neutral), equals the gold. No reading counts as
wrong. "sentences" is the share of sentences with every item right (for the marked-pair
sets, one item a sentence, it equals the accuracy). chars/s is the total length of the
sentences given to the system divided by the seconds its conversion calls took, with
one-time loading (lexicon, model, module import) excluded and reported on its own line.
pinyin-pro runs as one node process per data set and times itself, so node's start-up is
excluded too.

Example: ``python bench/accuracy.py --limit 500 --systems pinyinize pypinyin``
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalsets import EvalSet, read_set
from systems import SYSTEMS, System, SystemUnavailable

from pinyinize import Mode

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SETS = {
    "cpp-test": "data/cpp/test.sent",
    "g2pl-dev": "data/g2pl/dev.sent",
    "seed": "samples/seed-article.txt",
}
# Sets kept in this repository (paths relative to its root), run with the defaults above.
# everyday is the development set; heldout was written before the fixes it measures and is
# only scored, never used to choose a fix.
REPO_SETS = {
    "everyday": "tests/data/everyday/everyday.tsv",
    "heldout": "tests/data/everyday/heldout.tsv",
}

ErrorKey = tuple[str, str, str]  # (char, gold, predicted)
SystemInfo = dict[str, tuple[float, str]]  # name -> (set-up seconds, version)


@dataclass
class Result:
    """One system on one data set."""

    system: str
    evalset: str
    mode: str | None  # the pinyinize mode it was read in; None for a peer (its own)
    correct: int
    items: int
    chars: int
    seconds: float
    errors: Counter[ErrorKey] = field(default_factory=Counter)
    sentences: int = 0
    sentences_correct: int = 0  # sentences with every scored character right

    @property
    def accuracy(self) -> float:
        return self.correct / self.items if self.items else 0.0

    @property
    def sentence_accuracy(self) -> float:
        return self.sentences_correct / self.sentences if self.sentences else 0.0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds > 0 else float("inf")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="data set to use instead of the defaults; repeatable",
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="where the default data sets live (default: ../shared from the repo root)",
    )
    parser.add_argument("--limit", type=int, help="first N items of each set")
    parser.add_argument(
        "--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS), metavar="SYSTEM"
    )
    parser.add_argument(
        "--pinyinize-mode",
        choices=[mode.value for mode in Mode],
        help="read every set in this pinyinize mode (default: the mode of each set's labels: "
        "citation for the polyphone corpora, dictionary for the others)",
    )
    parser.add_argument("--output", type=Path, help="also write the report here (Markdown)")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="list the N commonest errors"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        metavar="N",
        help="time every system on every set N times, in turn; chars/s is the best round "
        "(the output of each round is the same; only the timing varies with the machine's load)",
    )
    return parser.parse_args(argv)


def set_paths(args: argparse.Namespace) -> dict[str, Path]:
    """Name -> path of every set to run, from ``--set`` or else the defaults."""
    if not args.sets:
        shared = {name: args.shared / relative for name, relative in DEFAULT_SETS.items()}
        return shared | {name: REPO / relative for name, relative in REPO_SETS.items()}
    paths = {}
    for spec in args.sets:
        name, separator, path = spec.partition("=")
        if not separator or not name or not path:
            raise SystemExit(f"--set wants NAME=PATH, got {spec!r}")
        paths[name] = Path(path)
    return paths


def load_sets(paths: dict[str, Path], limit: int | None, mode: str | None = None) -> list[EvalSet]:
    """The sets, each with its labels' convention, or ``mode`` for every one when given."""
    sets = []
    for name, path in paths.items():
        needed = [path, path.with_suffix(".lb")] if path.suffix == ".sent" else [path]
        for missing in (file for file in needed if not file.is_file()):
            raise SystemExit(f"data set {name}: no such file {missing}")
        evalset = read_set(name, path).head(limit)
        if mode is not None:
            evalset = dataclasses.replace(evalset, convention=mode)
        for note in dict.fromkeys(evalset.notes):  # the seed repeats its body: say it once
            print(f"[{name}] {note}", file=sys.stderr)
        sets.append(evalset)
    return sets


def evaluate(system: System, evalset: EvalSet, seconds: float | None = None) -> Result:
    """Run one system over one set and score it at the target characters; ``seconds``, when
    given, is the time to report (the best of several rounds) instead of this run's."""
    run = system.convert([sentence.text for sentence in evalset.sentences], evalset.convention)
    time_taken = run.seconds if seconds is None else min(seconds, run.seconds)
    mode = evalset.convention if system.name == "pinyinize" else None
    result = Result(system.name, evalset.name, mode, 0, evalset.items, evalset.chars, time_taken)
    result.sentences = len(evalset.sentences)
    for sentence, readings in zip(evalset.sentences, run.readings, strict=True):
        wrong = 0
        for target in sentence.targets:
            predicted = readings[target.index]
            if target.accepts(predicted):
                result.correct += 1
            else:
                wrong += 1
                key = (sentence.text[target.index], target.written, predicted or "-")
                result.errors[key] += 1
        result.sentences_correct += wrong == 0
    return result


def run_systems(
    names: Sequence[str], sets: Sequence[EvalSet], rounds: int = 1
) -> tuple[list[Result], SystemInfo]:
    """Every available system on every set; returns results and per-system load/version.

    With ``rounds`` > 1 the systems take turns, set by set, for ``rounds - 1`` timing rounds
    before the scored one, and each keeps its fastest time: a burst of load on a shared
    machine then slows one round of one system, not the ratio between systems.
    """
    systems: dict[str, System] = {}
    info: SystemInfo = {}
    for name in names:
        system = SYSTEMS[name]()
        try:
            _ = system.load_seconds
        except SystemUnavailable as reason:
            print(reason, file=sys.stderr)
            continue
        systems[name] = system
    fastest: dict[tuple[str, str], float] = {}
    for _ in range(rounds - 1):
        for evalset in sets:
            texts = [sentence.text for sentence in evalset.sentences]
            for name, system in systems.items():
                seconds = system.convert(texts, evalset.convention).seconds
                key = (name, evalset.name)
                fastest[key] = min(seconds, fastest.get(key, seconds))
    results = []
    for name, system in systems.items():
        for evalset in sets:
            print(f"running {name} on {evalset.name} ...", file=sys.stderr)
            results.append(evaluate(system, evalset, fastest.get((name, evalset.name))))
        info[name] = (system.load_seconds, system.version())  # some learn these as they run
    return results, info


def table(results: Sequence[Result]) -> str:
    lines = [
        "| system | data set | mode | accuracy | items | sentences | chars/s |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        lines.append(
            f"| {result.system} | {result.evalset} | {result.mode or 'own'} | "
            f"{result.accuracy:.2%} | "
            f"{result.items:,} | {result.sentence_accuracy:.2%} | "
            f"{result.chars_per_second:,.0f} |"
        )
    return "\n".join(lines)


def throughput_ratios(results: Sequence[Result]) -> str:
    """pinyinize chars/s over pypinyin chars/s, per data set."""
    by_key = {(result.system, result.evalset): result for result in results}
    parts = []
    for result in results:
        if result.system != "pinyinize":
            continue
        peer = by_key.get(("pypinyin", result.evalset))
        if peer is not None:
            ratio = result.chars_per_second / peer.chars_per_second
            parts.append(f"{result.evalset} {ratio:.2f}x")
    return "Throughput pinyinize / pypinyin: " + (", ".join(parts) or "n/a (need both systems)")


def load_line(info: SystemInfo) -> str:
    """Set-up paid once per process; fresh-process import and first call are in speed.py."""
    parts = [f"{name} {seconds:.2f} s" for name, (seconds, _) in info.items()]
    return (
        "One-time set-up, excluded from chars/s (first call or model/module load; Python"
        " imports the harness already made are not in it, see speed.py): " + ", ".join(parts)
    )


def versions_line(info: SystemInfo) -> str:
    return "Versions: " + ", ".join(f"{name} {version}" for name, (_, version) in info.items())


def error_listing(results: Sequence[Result], top: int) -> str:
    """The commonest (char, gold, predicted) errors of each system on each set."""
    blocks = []
    for result in results:
        rows = [
            f"| {char} | {gold} | {predicted} | {count} |"
            for (char, gold, predicted), count in result.errors.most_common(top)
        ]
        header = f"Top errors of {result.system} on {result.evalset}"
        if not rows:
            blocks.append(f"{header}: none")
            continue
        blocks.append(
            f"{header}:\n\n| char | gold | predicted | count |\n| --- | --- | --- | ---: |\n"
            + "\n".join(rows)
        )
    return "\n\n".join(blocks)


def report(results: Sequence[Result], info: SystemInfo, errors: int) -> str:
    parts = [table(results), throughput_ratios(results), load_line(info), versions_line(info)]
    if errors:
        parts.append(error_listing(results, errors))
    return "\n\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sets = load_sets(set_paths(args), args.limit, args.pinyinize_mode)
    results, info = run_systems(args.systems, sets, args.rounds)
    text = report(results, info, args.errors)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
