"""Start-up cost, memory and throughput of pinyinize next to its peers, in one run.

Why: users feel start-up (a CLI run, a serverless function, a test suite) as much as
throughput, and memory decides whether a worker fits.  Every number comes from fresh
processes, so nothing is cached from an earlier measurement:

* start-up: wall time of a whole process that imports the library, converts one sentence
  and exits (median of ``--startup-runs`` processes);
* RSS after load: peak resident memory right after that first call;
* throughput sentence by sentence ("lines": one call per CPP test sentence) and on one long
  text ("text": the CPP test sentences repeated to ``--chars`` characters, one call), best
  of ``--repeats`` passes; then RSS after that long text;
* for pinyinize, the traced peak memory of ``Annotator.analyze()`` and of ``readings()`` on
  the first ``--analyze-chars`` characters (issue 14: analyze must stay within 2× readings).

pinyin-pro is timed with its fastest call, ``pinyin(text, {type: 'array'})``.  The
measurement processes are ``bench/speed_probe.py`` (Python) and ``bench/pinyin_pro.mjs
--speed`` (node); ``--runs`` of them per system, median shown.  Ratio rows give each system /
pypinyin (below 1 is better for time and memory, above 1 for throughput).  The systems run
in rounds, one process of each in turn, and the start-up and throughput ratios are medians
of the ratios within a round: the machine's speed drifts, and a ratio of runs made minutes
apart measures the drift as much as the systems.

Example: ``python bench/speed.py --systems pinyinize pypinyin --chars 200000``
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from systems import PinyinPro, SystemUnavailable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SYSTEM_NAMES = ["pinyinize", "pypinyin", "pinyin-pro", "g2pM"]
# The compiled build (``--compiled DIR``): pinyinize run with DIR first on its path.
COMPILED = "pinyinize-mypyc"
DISTRIBUTIONS = {"pinyinize": "pinyinize", "pypinyin": "pypinyin", "g2pM": "g2pm"}
MODULES = {"pinyinize": "pinyinize", "pypinyin": "pypinyin", "g2pM": "g2pM"}
G2PM_NOTE = "g2pM is a sentence model, so it is only called per sentence (no text column)."
BASELINE = "pypinyin"

# Run in a fresh process: the traced peak of one call, after the lexicon and model are loaded.
PEAK_PROBE = """
import json, sys, tracemalloc
from pinyinize import Annotator
text = open(sys.argv[2], encoding="utf-8").read()
annotator = Annotator()
annotator.readings("他还了书")
tracemalloc.start()
getattr(annotator, sys.argv[1])(text)
print(json.dumps(tracemalloc.get_traced_memory()[1]))
"""


@dataclass(frozen=True)
class Measurement:
    """Medians over the runs of one system, and what each run (round) gave, in order."""

    system: str
    start_up_s: float
    rss_load_mib: float
    rss_text_mib: float
    text_chars: int
    text_chars_per_s: float | None
    lines_chars_per_s: float
    version: str
    start_ups: tuple[float, ...] = ()
    text_rates: tuple[float, ...] = ()
    lines_rates: tuple[float, ...] = ()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--text",
        type=Path,
        default=REPO.parent / "shared" / "data" / "cpp" / "test.sent",
        help="sentences to time (.sent markers are removed); default CPP test",
    )
    parser.add_argument("--chars", type=int, default=1_000_000, help="length of the long text")
    parser.add_argument("--runs", type=int, default=1, help="measuring processes per system")
    parser.add_argument("--startup-runs", type=int, default=5, help="start-up processes")
    parser.add_argument("--repeats", type=int, default=1, help="timed passes per process")
    parser.add_argument(
        "--analyze-chars",
        type=int,
        default=300_000,
        help="text length for the analyze()/readings() peak memory check; 0 skips it",
    )
    parser.add_argument(
        "--systems", nargs="+", choices=SYSTEM_NAMES, default=SYSTEM_NAMES, metavar="SYSTEM"
    )
    parser.add_argument(
        "--compiled",
        type=Path,
        metavar="DIR",
        help="also time the mypyc build unpacked in DIR (scripts/build_compiled.sh DIR) as "
        f"{COMPILED}; the pinyinize row is then whatever build the interpreter imports",
    )
    parser.add_argument("--output", type=Path, help="also write the report here (Markdown)")
    return parser.parse_args(argv)


def write_texts(source: Path, directory: Path, chars: int) -> tuple[Path, Path]:
    """The sentences of ``source`` (markers removed) one per line, and the same text repeated
    and cut to ``chars`` characters: the long text."""
    lines = source.read_text(encoding="utf-8").splitlines()
    sentences = "\n".join(line.replace("\u2581", "") for line in lines)
    copies = -(-chars // (len(sentences) + 1))
    lines_path, text_path = directory / "lines.txt", directory / "text.txt"
    lines_path.write_text(sentences, encoding="utf-8")
    text_path.write_text("\n".join([sentences] * copies)[:chars], encoding="utf-8")
    return text_path, lines_path


def python_probe(system: str, *args: str) -> list[str]:
    probe = "pinyinize" if system == COMPILED else system
    return [sys.executable, str(BENCH / "speed_probe.py"), probe, *args]


def environment(system: str, compiled: Path | None) -> dict[str, str] | None:
    """The compiled build's processes find it first on their path; the others inherit."""
    if system != COMPILED or compiled is None:
        return None
    return {**os.environ, "PYTHONPATH": str(compiled.resolve())}


def probe_command(system: str, text: Path, lines: Path, repeats: int) -> list[str]:
    if system == "pinyin-pro":
        node = [PinyinPro.node(), str(PinyinPro.script)]
        return [*node, "--speed", str(text), str(lines), str(repeats)]
    return python_probe(system, str(text), str(lines), str(repeats))


def startup_command(system: str) -> list[str]:
    if system == "pinyin-pro":
        return [PinyinPro.node(), str(PinyinPro.script), "--startup"]
    return python_probe(system, "--startup")


def run_json(command: Sequence[str], env: dict[str, str] | None = None) -> object:
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def start_up_s(system: str, env: dict[str, str] | None) -> float:
    """Wall time of a process that imports, converts one sentence and exits."""
    start = time.perf_counter()
    subprocess.run(startup_command(system), capture_output=True, check=True, env=env)
    return time.perf_counter() - start


def measure_all(
    systems: Sequence[str], texts: tuple[Path, Path], args: argparse.Namespace
) -> list[Measurement]:
    """Every system, in rounds: each round runs each system once, in turn.

    Why rounds: this machine's speed drifts by a third from minute to minute (a shared
    virtual machine), and timing one system's runs after another's compared the systems at
    different moments.  In rounds, each of a system's runs has a peer's run beside it, and
    the ratios are the medians of those pairs (see ``table``)."""
    envs = {system: environment(system, args.compiled) for system in systems}
    results: dict[str, list[dict[str, Any]]] = {system: [] for system in systems}
    start_ups: dict[str, list[float]] = {system: [] for system in systems}
    for run in range(args.runs):
        for system in systems:
            print(f"{system}: run {run + 1}/{args.runs} ...", file=sys.stderr)
            result = run_json(probe_command(system, *texts, args.repeats), envs[system])
            assert isinstance(result, dict)
            results[system].append(result)
    for _ in range(args.startup_runs):
        for system in systems:
            start_ups[system].append(start_up_s(system, envs[system]))
    return [summary(system, results[system], start_ups[system], envs[system]) for system in systems]


def summary(
    system: str,
    results: Sequence[dict[str, Any]],
    start_ups: Sequence[float],
    env: dict[str, str] | None,
) -> Measurement:
    def median(key: str) -> float:
        return statistics.median(float(result[key]) for result in results)

    first = results[0]
    chars = first["text_chars"]
    has_text = first["text_s"] is not None
    return Measurement(
        system=system,
        start_up_s=statistics.median(start_ups),
        rss_load_mib=median("max_rss_kib") / 1024,
        rss_text_mib=median("rss_after_text_kib") / 1024,
        text_chars=int(first["text_chars"]),
        text_chars_per_s=chars / median("text_s") if has_text else None,
        lines_chars_per_s=first["lines_chars"] / median("lines_s"),
        version=first.get("version") or version(system, env),
        start_ups=tuple(start_ups),
        text_rates=tuple(chars / r["text_s"] for r in results) if has_text else (),
        lines_rates=tuple(first["lines_chars"] / r["lines_s"] for r in results),
    )


def version(system: str, env: dict[str, str] | None) -> str:
    """The system's version; pinyinize's says which build it is (pure Python or mypyc)."""
    if system not in ("pinyinize", COMPILED):
        return metadata.version(DISTRIBUTIONS[system])
    code = (
        "from importlib.metadata import version; from pinyinize._build import build_name; "
        "print(f\"{version('pinyinize')} ({build_name()})\")"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return shown.stdout.strip()


def analyze_peak_line(system: str, text: Path, chars: int, args: argparse.Namespace) -> str:
    """Traced peak of analyze() and readings() on the first ``chars`` characters."""
    piece = text.with_name("analyze.txt")
    piece.write_text(text.read_text(encoding="utf-8")[:chars], encoding="utf-8")
    peaks = {}
    env = environment(system, args.compiled)
    for method in ("analyze", "readings"):
        print(f"{system}: {method}() peak on {chars:,} chars ...", file=sys.stderr)
        peak = run_json([sys.executable, "-c", PEAK_PROBE, method, str(piece)], env)
        assert isinstance(peak, int)
        peaks[method] = peak / 2**20
    ratio = peaks["analyze"] / peaks["readings"]
    return (
        f"{system} peak traced memory on {chars:,} chars (one call, after loading): "
        f"analyze() {peaks['analyze']:.1f} MiB, readings() {peaks['readings']:.1f} MiB, "
        f"ratio {ratio:.2f} (issue 14 asks ≤ 2)."
    )


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def _paired(ours: Sequence[float], theirs: Sequence[float]) -> str:
    """The median of the ratios of runs made in the same round (see ``measure_all``)."""
    if not ours or len(ours) != len(theirs):
        return "—"
    return f"{statistics.median(a / b for a, b in zip(ours, theirs, strict=True)):.2f}x"


def table(measurements: Sequence[Measurement]) -> str:
    chars = measurements[0].text_chars if measurements else 0
    lines = [
        "| system | start-up ms (process + import + first call) | RSS after load MiB "
        f"| RSS after {chars:,} chars MiB | text chars/s | lines chars/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measurements:
        lines.append(
            f"| {m.system} | {m.start_up_s * 1000:.0f} | {m.rss_load_mib:.1f} "
            f"| {m.rss_text_mib:.1f} | {_rate(m.text_chars_per_s)} "
            f"| {_rate(m.lines_chars_per_s)} |"
        )
    peer = next((m for m in measurements if m.system == BASELINE), None)
    for m in measurements if peer else ():
        if m is not peer and peer is not None:
            lines.append(
                f"| {m.system} / {BASELINE} | {_paired(m.start_ups, peer.start_ups)} "
                f"| {_ratio(m.rss_load_mib, peer.rss_load_mib)} "
                f"| {_ratio(m.rss_text_mib, peer.rss_text_mib)} "
                f"| {_paired(m.text_rates, peer.text_rates)} "
                f"| {_paired(m.lines_rates, peer.lines_rates)} |"
            )
    return "\n".join(lines)


def bare_line(systems: Sequence[str]) -> str:
    """Start-up and peak RSS of interpreters that import nothing, to read the table against."""
    commands = {"python": [sys.executable, "-c", "pass"]}
    if "pinyin-pro" in systems:
        commands["node"] = [PinyinPro.node(), "-e", "0"]
    parts = []
    for name, command in commands.items():
        start = time.perf_counter()
        subprocess.run(command, check=True)
        parts.append(f"{name} {(time.perf_counter() - start) * 1000:.0f} ms")
    return "Bare interpreter start-up: " + ", ".join(parts) + "."


def available(systems: Sequence[str]) -> list[str]:
    """The systems installed here; the others are skipped with a message (bench/README.md
    says how to install them)."""
    found = []
    for system in systems:
        try:
            if system == "pinyin-pro":
                PinyinPro.node()
            elif importlib.util.find_spec(MODULES[system]) is None:
                raise SystemUnavailable(f"{system} is not installed: skipped")
        except SystemUnavailable as reason:
            print(reason, file=sys.stderr)
            continue
        found.append(system)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.text.is_file():
        raise SystemExit(f"no such file {args.text}")
    systems = available(args.systems)
    if args.compiled is not None:
        if not (args.compiled / "pinyinize").is_dir():
            raise SystemExit(f"no compiled build in {args.compiled}: scripts/build_compiled.sh")
        systems.insert(systems.index("pinyinize") + 1 if "pinyinize" in systems else 0, COMPILED)
    notes = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        texts = write_texts(args.text, directory, args.chars)
        measurements = measure_all(systems, texts, args)
        for system in ("pinyinize", COMPILED) if args.analyze_chars else ():
            if system in systems:
                notes.append(analyze_peak_line(system, texts[0], args.analyze_chars, args))
    report = "\n\n".join(
        [
            table(measurements),
            f"Text: {args.text.name} sentences ({_rate(lines_chars(args.text))} chars) one "
            f"call per line, and repeated to {args.chars:,} chars for one call; "
            f"median of {args.runs} process(es), best of {args.repeats} pass(es) each; "
            f"start-up median of {args.startup_runs} processes. The systems run in rounds "
            f"(one process of each in turn), and the ratio rows of start-up and throughput "
            f"are medians of the ratios within a round. pinyin-pro: "
            "`pinyin(text, {type: 'array'})`." + (f" {G2PM_NOTE}" if "g2pM" in systems else ""),
            *notes,
            bare_line(systems),
            "Versions: " + ", ".join(f"{m.system} {m.version}" for m in measurements),
        ]
    )
    print(report)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    return 0


def lines_chars(source: Path) -> float:
    return len(source.read_text(encoding="utf-8").replace("\u2581", ""))


if __name__ == "__main__":
    sys.exit(main())
