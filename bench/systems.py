"""The systems compared by the benchmark, each behind the same small interface.

Every system turns a batch of sentences into one reading per character (``None`` where it
gives none), in pinyinize's numbered form, and says how long the conversion itself took.
Load time (dictionaries, models, module import) is measured apart and excluded from chars/s,
because it is paid once per process and would otherwise swamp short data sets.

Peers are used with their default options: the point is what a user gets out of the box.
Their output is only *re-spelled* here (``u:``/``ü`` -> ``v``, tone 0 -> 5); any output that
does not line up one-to-one with the input characters raises instead of being guessed at.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

BENCH_DIR = Path(__file__).resolve().parent
WARM_UP = "他还了书，银行行长说了算。"

Readings = list[str | None]


class SystemUnavailable(RuntimeError):
    """The system cannot run here (e.g. node or pinyin-pro missing); the harness skips it."""


class AlignmentError(RuntimeError):
    """A system's output does not have exactly one entry per input character."""


@dataclass(frozen=True)
class Run:
    """Readings for a batch of sentences and the seconds spent converting them."""

    readings: list[Readings]
    seconds: float


def normalise(reading: str | None) -> str | None:
    """Re-spell a peer's numbered reading the way pinyinize writes it (``lv4``, ``le5``)."""
    if not reading:
        return None
    text = reading.strip().lower().replace("u:", "v").replace("ü", "v")
    if not text:
        return None
    if text[-1] == "0":
        return text[:-1] + "5"
    return text if text[-1].isdigit() else text + "5"


def check_alignment(name: str, text: str, readings: Sequence[object]) -> None:
    if len(readings) != len(text):
        raise AlignmentError(f"{name}: {len(readings)} readings for {len(text)} chars: {text!r}")


class System:
    """Base class: ``load`` once (returns seconds), then ``convert`` any number of batches."""

    name: ClassVar[str] = ""

    def __init__(self) -> None:
        self._load_seconds: float | None = None

    @property
    def load_seconds(self) -> float:
        if self._load_seconds is None:
            start = time.perf_counter()
            self._load()
            self._load_seconds = time.perf_counter() - start
        return self._load_seconds

    def version(self) -> str:
        return metadata.version(self.name)

    def convert(self, texts: Sequence[str], convention: str = "dictionary") -> Run:
        """Convert a batch; the timer covers only the system's own calls.  ``convention`` is
        the pinyinize mode of the data's labels: peers write their own, whatever it says."""
        _ = self.load_seconds
        convert_one = self._converter_for(convention)
        start = time.perf_counter()
        raw = [convert_one(text) for text in texts]
        seconds = time.perf_counter() - start
        readings = [self._respell(text, output) for text, output in zip(texts, raw, strict=True)]
        return Run(readings, seconds)

    def _load(self) -> None:
        raise NotImplementedError

    def _converter(self) -> Callable[[str], Any]:
        raise NotImplementedError

    def _converter_for(self, convention: str) -> Callable[[str], Any]:
        return self._converter()

    def _respell(self, text: str, output: Any) -> Readings:
        check_alignment(self.name, text, output)
        return [normalise(reading) for reading in output]


class Pinyinize(System):
    """pinyinize's public ``readings()``; the first call loads the lexicon, so it is load."""

    name = "pinyinize"

    def _load(self) -> None:
        import pinyinize

        pinyinize.readings(WARM_UP)

    def _converter(self) -> Callable[[str], Any]:
        import pinyinize

        return pinyinize.readings

    def _converter_for(self, convention: str) -> Callable[[str], Any]:
        """``readings`` in the mode that writes the data's convention."""
        import pinyinize

        return functools.partial(pinyinize.readings, mode=convention)

    def _respell(self, text: str, output: Any) -> Readings:
        check_alignment(self.name, text, output)
        return list(output)  # already numbered readings with v and 5


class Pypinyin(System):
    """pypinyin's ``pinyin()`` with its phrase dictionary and segmentation (its defaults).

    pypinyin hands each run of characters it has no reading for to ``errors`` as one string;
    answering with one empty string per character keeps the output one entry per character.
    (``None`` instead crashes pypinyin 0.55 on rare Han characters it lacks, e.g. 䤈.)
    """

    name = "pypinyin"

    def _load(self) -> None:
        self._converter()(WARM_UP)

    def _converter(self) -> Callable[[str], Any]:
        from pypinyin import Style, pinyin

        def convert(text: str) -> Any:
            return pinyin(
                text,
                style=Style.TONE3,
                neutral_tone_with_five=True,
                errors=lambda chars: [""] * len(chars),
            )

        return convert

    def _respell(self, text: str, output: Any) -> Readings:
        check_alignment(self.name, text, output)
        return [normalise(choices[0]) for choices in output]


class G2pM(System):
    """g2pM (kakaobrain): CC-CEDICT for monophones, a numpy BiLSTM for polyphones.

    ``char_split=True`` returns its internal list with one entry per character; the default
    ``char_split=False`` glues runs of non-Han characters together and loses the alignment.
    Characters it has no reading for come back unchanged (one character long), which is
    never a reading, so they map to ``None``.
    """

    name = "g2pM"
    _model: Any = None

    def version(self) -> str:
        return metadata.version("g2pm")

    def _load(self) -> None:
        from g2pM import G2pM as Model

        self._model = Model()
        self._model(WARM_UP, char_split=True, tone=True)

    def _converter(self) -> Callable[[str], Any]:
        model = self._model

        def convert(text: str) -> Any:
            return model(text, char_split=True, tone=True)

        return convert

    def _respell(self, text: str, output: Any) -> Readings:
        check_alignment(self.name, text, output)
        return [None if len(item) <= 1 else normalise(item) for item in output]


class PinyinPro(System):
    """pinyin-pro (JavaScript) through ``node bench/pinyin_pro.mjs``, one process per batch.

    The node script times its own conversion loop after a warm-up call, so chars/s here is
    comparable with the in-process Python systems; module load is reported as load time.
    """

    name = "pinyin-pro"
    script = BENCH_DIR / "pinyin_pro.mjs"
    module_dir = BENCH_DIR / "node_modules" / "pinyin-pro"

    def __init__(self) -> None:
        super().__init__()
        self._version = "?"
        self._module_load: float | None = None

    @classmethod
    def node(cls) -> str:
        """Path of node, or raise SystemUnavailable saying what to install."""
        node = shutil.which("node")
        if node is None:
            raise SystemUnavailable("pinyin-pro skipped: node is not installed")
        if not cls.module_dir.is_dir():
            raise SystemUnavailable("pinyin-pro skipped: run `npm install --prefix bench` first")
        return node

    def version(self) -> str:
        return self._version

    @property
    def load_seconds(self) -> float:
        self.node()
        return self._module_load if self._module_load is not None else 0.0

    def convert(self, texts: Sequence[str], convention: str = "dictionary") -> Run:
        payload = "".join(json.dumps(text, ensure_ascii=False) + "\n" for text in texts)
        completed = subprocess.run(
            [self.node(), str(self.script)],
            input=payload,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"pinyin-pro failed: {completed.stderr.strip()[-2000:]}")
        *lines, last = completed.stdout.splitlines()
        meta = json.loads(last)["meta"]
        self._version = meta["version"]
        if self._module_load is None:
            self._module_load = float(meta["load_seconds"])
        outputs = [json.loads(line) for line in lines]
        if len(outputs) != len(texts):
            raise AlignmentError(f"pinyin-pro answered {len(outputs)} of {len(texts)} sentences")
        readings = [
            self._respell(text, output) for text, output in zip(texts, outputs, strict=True)
        ]
        return Run(readings, float(meta["seconds"]))


SYSTEMS: dict[str, type[System]] = {
    system.name: system for system in (Pinyinize, Pypinyin, PinyinPro, G2pM)
}

__all__ = [
    "SYSTEMS",
    "AlignmentError",
    "G2pM",
    "PinyinPro",
    "Pinyinize",
    "Pypinyin",
    "Run",
    "System",
    "SystemUnavailable",
    "normalise",
]
