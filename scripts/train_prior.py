"""Count how often each polyphonic character takes each reading in labelled data.

The counts order a character's candidates for the frequency prior (``FrequencyPrior``),
which decides only where the lexicon cannot.  Data (../shared/data/cpp, Apache-2.0, from
the g2pM project): CPP train labels, matched to their characters by
``train.char.reconstructed.tsv`` (lines marked ambiguous are skipped), and CPP dev
sentences with their labels.  CPP test is never read.

Output: ``src/pinyinize/data/prior.tsv`` (``char<TAB>reading:count ...``, sorted).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from pinyinize.spell import parse_marked

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "pinyinize" / "data" / "prior.tsv"
HEADER = "# pinyinize-prior 1: char<TAB>reading:count ... (CPP train labels + CPP dev)"


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def train_label_counts(cpp: Path) -> dict[str, Counter[str]]:
    """Reading counts per character from the CPP train labels (no train sentences exist)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    chars = read_lines(cpp / "train.char.reconstructed.tsv")
    for char_line, label in zip(chars, read_lines(cpp / "train.lb"), strict=True):
        char, status = char_line.split("\t")
        if status == "ok":
            counts[char][parse_marked(label)] += 1
    return counts


def count_readings(cpp: Path) -> dict[str, Counter[str]]:
    """The train label counts plus the CPP dev labels."""
    counts = train_label_counts(cpp)
    for sentence, label in zip(
        read_lines(cpp / "dev.sent"), read_lines(cpp / "dev.lb"), strict=True
    ):
        counts[sentence[sentence.index("▁") + 1]][parse_marked(label)] += 1
    return counts


def render(counts: dict[str, Counter[str]]) -> str:
    rows = [HEADER]
    for char in sorted(counts):
        items = sorted(counts[char].items(), key=lambda item: (-item[1], item[0]))
        rows.append(char + "\t" + " ".join(f"{reading}:{count}" for reading, count in items))
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "cpp")
    parser.add_argument("--check", action="store_true", help="fail if the committed prior is stale")
    args = parser.parse_args()
    text = render(count_readings(args.data))
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print("stale prior: run scripts/train_prior.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({text.count(chr(10)) - 1} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
