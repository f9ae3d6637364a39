"""Measure one Python system in this (fresh) process; bench/speed.py runs it as a subprocess.

Usage: ``python bench/speed_probe.py SYSTEM TEXT_FILE LINES_FILE REPEATS`` prints one JSON
object; ``python bench/speed_probe.py SYSTEM --startup`` imports, makes the first call and
exits (``speed.py`` times that whole process: start-up as a CLI user feels it).

Why a separate file: import time is only honest in a process that has imported nothing the
library might share (json, re, numpy, ...).  So this module imports just ``sys`` and ``time``
before the timed import, and everything else afterwards.

Measured, in order:

* ``import_s``      the library's import statement;
* ``first_call_s``  the first conversion of a short sentence, which is where pinyinize loads
  its lexicon and g2pM builds its model (pypinyin loads its dictionaries at import);
* ``max_rss_kib``   peak resident memory right after that first call (``ru_maxrss``);
* ``lines_s``       best of REPEATS passes over LINES_FILE calling once per line;
* ``text_s``        best of REPEATS passes over TEXT_FILE (about 1M characters) as one string;
* ``rss_after_text_kib``  peak resident memory after those passes.

g2pM is a sentence model (one LSTM pass over its input), so for it "the whole file" is also
fed line by line and ``text_s`` is left out.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

Converter = Callable[[str], Any]
SAMPLE = "他还了书，银行行长说了算。"


def import_pinyinize() -> Converter:
    import pinyinize

    return pinyinize.readings


def import_pypinyin() -> Converter:
    from pypinyin import Style, pinyin

    def convert(text: str) -> Any:
        return pinyin(
            text,
            style=Style.TONE3,
            neutral_tone_with_five=True,
            errors=lambda chars: [""] * len(chars),
        )

    return convert


def import_g2pm() -> Converter:
    from g2pM import G2pM

    models: list[Any] = []

    def convert(text: str) -> Any:
        if not models:  # the model is built on first use, like pinyinize's lexicon
            models.append(G2pM())
        return [models[0](line, char_split=True, tone=True) for line in text.split("\n")]

    return convert


IMPORTERS: dict[str, Callable[[], Converter]] = {
    "pinyinize": import_pinyinize,
    "pypinyin": import_pypinyin,
    "g2pM": import_g2pm,
}


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """Seconds of the fastest of ``repeats`` runs: the least disturbed by the machine."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def rss_kib() -> int:
    """Peak resident memory of this process so far (``ru_maxrss``, KiB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    name = sys.argv[1]
    start = time.perf_counter()
    convert = IMPORTERS[name]()
    imported = time.perf_counter()
    convert(SAMPLE)
    first = time.perf_counter()
    if sys.argv[2] == "--startup":  # speed.py times this whole process from outside
        return
    text_path, lines_path, repeats = sys.argv[2], sys.argv[3], int(sys.argv[4])

    import json

    after_load = rss_kib()
    with open(text_path, encoding="utf-8") as handle:
        text = handle.read()
    with open(lines_path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    lines_s = best_of(repeats, lambda: [convert(line) for line in lines])
    text_s = None if name == "g2pM" else best_of(repeats, lambda: convert(text))
    result: dict[str, float | int | None] = {
        "import_s": imported - start,
        "first_call_s": first - imported,
        "max_rss_kib": after_load,
        "text_chars": len(text),
        "text_s": text_s,
        "rss_after_text_kib": rss_kib(),
        "lines_chars": sum(map(len, lines)) + len(lines) - 1,
        "lines_s": lines_s,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
