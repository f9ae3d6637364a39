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
