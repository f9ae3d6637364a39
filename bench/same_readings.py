"""Check that a change left every reading as it was: dump, then compare with a saved baseline.

Why: speed work must not change a single reading.  This dumps, for real text (CPP dev and
test sentences, g2pL dev, ``../shared/samples`` and the everyday sentences), what every door
that the hot paths serve gives:

* ``readings()`` in every mode, sentence by sentence;
* ``analyze()`` in the dictionary and citation modes: tokens (text, span, POS) and each
  syllable's reading, source, citation and merged flag;
* ``readings()`` of the CPP dev sentences joined into one long text (the piece splitting),
  and the offsets of its tokens and syllables as ``analyze()`` gives them;
* ``annotate()`` inline and ruby of the samples and the everyday sentences.

Usage::

    python bench/same_readings.py --save      # write the baseline (bench/out/, git-ignored)
    python bench/same_readings.py             # dump again and compare; exit 1 on any change

Not a test: it needs ``../shared`` and takes a minute or two.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from pinyinize import Annotator
from pinyinize.options import Format, Mode
from pinyinize.types import Document

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MARKER = "\u2581"
DEFAULT_BASELINE = BENCH / "out" / "same_readings.baseline.gz"


def sentences(shared: Path) -> dict[str, list[str]]:
    """The texts, by set: one string per sentence (markers removed)."""
    sets: dict[str, list[str]] = {}
    for name, path in [
        ("cpp-dev", shared / "data/cpp/dev.sent"),
        ("cpp-test", shared / "data/cpp/test.sent"),
        ("g2pl-dev", shared / "data/g2pl/dev.sent"),
    ]:
        sets[name] = path.read_text(encoding="utf-8").replace(MARKER, "").splitlines()
    for sample in sorted((shared / "samples").glob("*.txt")):
        sets[f"sample-{sample.stem}"] = sample.read_text(encoding="utf-8").splitlines()
    everyday = (REPO / "tests/data/everyday/everyday.tsv").read_text(encoding="utf-8")
    sets["everyday"] = [line.split("\t")[2] for line in everyday.splitlines()[1:] if line]
    return sets


def _analysis(document: Document) -> str:
    parts = []
    for token in document.tokens:
        if not token.is_han:
            continue
        syllables = ",".join(
            f"{s.reading}|{s.source.value if s.source else '-'}|{s.citation or ''}"
            f"{'|m' if s.merged else ''}"
            for s in token.syllables
        )
        parts.append(f"{token.text}@{token.start}:{token.end}/{token.pos}[{syllables}]")
    return " ".join(parts)


def _readings(values: list[str | None]) -> str:
    return " ".join(value or "_" for value in values)


def dump(shared: Path) -> Iterator[str]:
    """Every line of the dump, labelled so that a difference says where it is."""
    annotator = Annotator()
    sets = sentences(shared)
    for name, lines in sets.items():
        for mode in Mode:
            for number, line in enumerate(lines):
                values = annotator.readings(line, mode=mode)
                yield f"{name}:{number}:readings:{mode.value}\t{_readings(values)}"
        for mode in (Mode.DICTIONARY, Mode.CITATION):
            for number, line in enumerate(lines):
                document = annotator.analyze(line, mode=mode)
                yield f"{name}:{number}:analyze:{mode.value}\t{_analysis(document)}"
    long_text = "\n".join(sets["cpp-dev"])
    for mode in (Mode.DICTIONARY, Mode.CITATION):
        values = annotator.readings(long_text, mode=mode)
        for start in range(0, len(values), 1000):
            block = _readings(values[start : start + 1000])
            yield f"cpp-dev-long:{start}:readings:{mode.value}\t{block}"
    tokens = annotator.analyze(long_text).tokens  # offsets across pieces
    for start in range(0, len(tokens), 500):
        block = " ".join(
            f"{t.start}:{t.end}/" + ",".join(f"{s.offset}={s.reading}" for s in t.syllables)
            for t in tokens[start : start + 500]
        )
        yield f"cpp-dev-long:{start}:analyze:offsets\t{block}"
    render: dict[str, Callable[[str], str]] = {
        "inline": lambda text: annotator.annotate(text, format=Format.INLINE, force=True),
        "ruby": lambda text: annotator.annotate(text, format=Format.RUBY),
    }
    for name in [n for n in sets if n.startswith("sample-")] + ["everyday"]:
        for kind, write in render.items():
            for number, line in enumerate(sets[name]):
                yield f"{name}:{number}:annotate:{kind}\t{write(line)}"


def compare(baseline: Path, current: list[str], show: int) -> int:
    with gzip.open(baseline, "rt", encoding="utf-8") as handle:
        saved = handle.read().split("\n")
    differences = [(old, new) for old, new in zip(saved, current, strict=False) if old != new]
    if len(saved) != len(current):
        print(f"line counts differ: baseline {len(saved)}, now {len(current)}")
    for old, new in differences[:show]:
        print(f"- {old}\n+ {new}")
    print(f"{len(current)} lines, {len(differences)} differences")
    return 1 if differences or len(saved) != len(current) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    parser.add_argument("--save", action="store_true", help="write the baseline instead")
    parser.add_argument("--show", type=int, default=20, help="differences to print")
    args = parser.parse_args(argv)
    current = list(dump(args.shared))
    if args.save:
        args.baseline.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(args.baseline, "wt", encoding="utf-8") as handle:
            handle.write("\n".join(current))
        print(f"saved {len(current)} lines to {args.baseline}")
        return 0
    return compare(args.baseline, current, args.show)


if __name__ == "__main__":
    sys.exit(main())
