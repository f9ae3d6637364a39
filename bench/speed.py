"""Start-up cost, memory and steady-state throughput of pinyinize next to its peers.

Why: users feel import time and the first call (a CLI run, a serverless function, a test
suite) as much as throughput, and memory decides whether a worker fits.  Each number is taken
in fresh processes so nothing is cached from an earlier measurement:

* import time and first-call time (the first ``readings()``-style call, including any data
  load), peak RSS right after the first call, and
* throughput on the CPP test sentences (markers removed) joined with newlines into one text:
  once as one string ("text") and once calling per sentence ("lines"), best of
  ``--repeats`` passes.

Every system is measured ``--runs`` times, each in a new process
(``bench/speed_probe.py`` for Python, ``bench/pinyin_pro.mjs --speed`` for pinyin-pro), and
the median of the runs is shown.  The last row gives pinyinize / pypinyin for each column
(below 1 is better for time and memory, above 1 is better for throughput).

Example: ``python bench/speed.py --runs 1 --repeats 1 --systems pinyinize pypinyin``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from systems import PinyinPro, SystemUnavailable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SYSTEM_NAMES = ["pinyinize", "pypinyin", "pinyin-pro", "g2pM"]
DISTRIBUTIONS = {"pinyinize": "pinyinize", "pypinyin": "pypinyin", "g2pM": "g2pm"}
G2PM_NOTE = "g2pM is a sentence model, so it is only called per sentence (no text column)."


@dataclass(frozen=True)
class Measurement:
    """Medians over the runs of one system."""

    system: str
    import_s: float
    first_call_s: float
    max_rss_mib: float
    text_chars_per_s: float | None
    lines_chars_per_s: float

    @property
    def start_up_s(self) -> float:
        """What a one-shot user waits for: some libraries load at import, others on first use."""
        return self.import_s + self.first_call_s


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--text",
        type=Path,
        default=REPO.parent / "shared" / "data" / "cpp" / "test.sent",
        help="sentences to time (.sent markers are removed); default CPP test",
    )
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per system")
    parser.add_argument("--repeats", type=int, default=2, help="timed passes per process")
    parser.add_argument(
        "--systems", nargs="+", choices=SYSTEM_NAMES, default=SYSTEM_NAMES, metavar="SYSTEM"
    )
    parser.add_argument("--output", type=Path, help="also write the report here (Markdown)")
    return parser.parse_args(argv)


def write_text(source: Path, directory: Path) -> Path:
    """The sentences of ``source``, markers removed, joined with newlines, in one file."""
    lines = source.read_text(encoding="utf-8").splitlines()
    path = directory / "text.txt"
    path.write_text("\n".join(line.replace("\u2581", "") for line in lines), encoding="utf-8")
    return path


def probe_command(system: str, text: Path, repeats: int) -> list[str]:
    if system == "pinyin-pro":
        return [PinyinPro.node(), str(PinyinPro.script), "--speed", str(text), str(repeats)]
    return [sys.executable, str(BENCH / "speed_probe.py"), system, str(text), str(repeats)]


def probe(command: Sequence[str]) -> dict:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(system: str, text: Path, runs: int, repeats: int) -> tuple[Measurement, str | None]:
    """Median of ``runs`` fresh-process probes; also returns the version a probe reported."""
    results = []
    for run in range(runs):
        print(f"{system}: run {run + 1}/{runs} ...", file=sys.stderr)
        results.append(probe(probe_command(system, text, repeats)))

    def median(key: str) -> float:
        return statistics.median(float(result[key]) for result in results)

    chars = results[0]["chars"]
    text_s = None if results[0]["text_s"] is None else median("text_s")
    measurement = Measurement(
        system=system,
        import_s=median("import_s"),
        first_call_s=median("first_call_s"),
        max_rss_mib=median("max_rss_kib") / 1024,
        text_chars_per_s=None if text_s is None else chars / text_s,
        lines_chars_per_s=chars / median("lines_s"),
    )
    return measurement, results[0].get("version")


def bare_rss_mib(systems: Sequence[str]) -> str:
    """Peak RSS of an interpreter that imports nothing, to read the RSS column against."""
    code = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    python = int(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    parts = [f"python {python / 1024:.1f} MiB"]
    if "pinyin-pro" in systems:
        node_code = "console.log(process.resourceUsage().maxRSS)"
        node = int(
            subprocess.run(
                [PinyinPro.node(), "-e", node_code], capture_output=True, text=True, check=True
            ).stdout
        )
        parts.append(f"node {node / 1024:.1f} MiB")
    return "Bare interpreter peak RSS: " + ", ".join(parts)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def table(measurements: Sequence[Measurement]) -> str:
    lines = [
        "| system | import ms | first call ms | import + first call ms "
        "| RSS after first call MiB | text chars/s | lines chars/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measurements:
        lines.append(
            f"| {m.system} | {m.import_s * 1000:.1f} | {m.first_call_s * 1000:.1f} "
            f"| {m.start_up_s * 1000:.1f} | {m.max_rss_mib:.1f} | {_rate(m.text_chars_per_s)} "
            f"| {_rate(m.lines_chars_per_s)} |"
        )
    ratio = ratio_row(measurements)
    if ratio:
        lines.append(ratio)
    return "\n".join(lines)


def ratio_row(measurements: Sequence[Measurement]) -> str | None:
    """pinyinize / pypinyin for every column, or None without both."""
    by_name = {m.system: m for m in measurements}
    ours, peer = by_name.get("pinyinize"), by_name.get("pypinyin")
    if ours is None or peer is None:
        return None

    def ratio(a: float | None, b: float | None) -> str:
        return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}x"

    return (
        f"| pinyinize / pypinyin | {ratio(ours.import_s, peer.import_s)} "
        f"| {ratio(ours.first_call_s, peer.first_call_s)} "
        f"| {ratio(ours.start_up_s, peer.start_up_s)} "
        f"| {ratio(ours.max_rss_mib, peer.max_rss_mib)} "
        f"| {ratio(ours.text_chars_per_s, peer.text_chars_per_s)} "
        f"| {ratio(ours.lines_chars_per_s, peer.lines_chars_per_s)} |"
    )


def python_version(system: str) -> str:
    return metadata.version(DISTRIBUTIONS[system])


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.text.is_file():
        raise SystemExit(f"no such file {args.text}")
    systems = list(args.systems)
    if "pinyin-pro" in systems:
        try:
            PinyinPro.node()
        except SystemUnavailable as reason:
            print(reason, file=sys.stderr)
            systems.remove("pinyin-pro")
    measurements = []
    versions = {}
    with tempfile.TemporaryDirectory() as directory:
        text = write_text(args.text, Path(directory))
        for system in systems:
            measurement, version = measure(system, text, args.runs, args.repeats)
            measurements.append(measurement)
            versions[system] = version or python_version(system)
        chars = len(text.read_text(encoding="utf-8"))
    report = "\n\n".join(
        [
            table(measurements),
            f"Text: {args.text.name}, {chars:,} chars; median of {args.runs} fresh processes, "
            f"best of {args.repeats} passes each." + (f" {G2PM_NOTE}" if "g2pM" in systems else ""),
            bare_rss_mib(systems),
            "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()),
        ]
    )
    print(report)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
