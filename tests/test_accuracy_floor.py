"""An accuracy floor on a slice of CPP test; the full comparison with peers is bench/accuracy.py."""

from __future__ import annotations

from conftest import accuracy, marked_items

# Every 10th CPP test item (1,026 items across the 623 characters).  The whole set scores
# 97.25% with the context model (95.0% with the prior alone); the floor leaves room for
# noise, not for regressions.
FLOOR = 0.96


def test_cpp_test_slice_floor(annotator):
    right, total = accuracy(annotator, marked_items("data/cpp/test")[::10])
    assert right / total >= FLOOR, f"{right}/{total}"
