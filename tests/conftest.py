"""Shared fixtures: one Annotator for the whole run (the lexicon loads once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinyinize import Annotator

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "sample.txt"


@pytest.fixture(scope="session")
def annotator() -> Annotator:
    return Annotator()


def shared_file(relative: str) -> Path:
    """A file from ../shared, or skip the test when the checkout has no shared/ beside it."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def marked_items(split: str) -> list[tuple[str, int, str]]:
    """(sentence, target index, gold reading) of a ../shared set in CPP's format: the target
    wrapped in U+2581 in ``split``.sent, its reading (ü written u:) in ``split``.lb."""
    sentences = shared_file(f"{split}.sent").read_text(encoding="utf-8").splitlines()
    labels = shared_file(f"{split}.lb").read_text(encoding="utf-8").splitlines()
    return [
        (sentence.replace("▁", ""), sentence.index("▁"), label.replace("u:", "v"))
        for sentence, label in zip(sentences, labels, strict=True)
    ]


def accuracy(annotator: Annotator, items: list[tuple[str, int, str]]) -> tuple[int, int]:
    """(right, total) of ``annotator.readings`` at the targets of ``items``."""
    right = sum(annotator.readings(text)[index] == gold for text, index, gold in items)
    return right, len(items)
