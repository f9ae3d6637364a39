"""Invariants on arbitrary text: annotating a document never fails with anything but an
InputError, and stripping gives back the original bytes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinyinize.errors import InputError
from pinyinize.formats import annotate_document, strip_document
from pinyinize.options import AnnotationOptions
from pinyinize.render import Format

# Han characters mixed with the characters that mean something to the formats.
ALPHABET = st.sampled_from(
    [*"银行长大了你好两岸重 \n\r\t<>&;\"'`*_[]()!#-:/.a=,{}\\你", "-->", "```", "\r\n"]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)

CASES = [
    ("html", Format.RUBY),
    ("html", Format.INLINE),
    ("markdown", Format.INLINE),
    ("srt", Format.INLINE),
    ("vtt", Format.RUBY),
]


PREFIXES = {
    "srt": "1\n00:00:01,000 --> 00:00:02,000\n",
    "vtt": "WEBVTT\n\n1\n00:01.000 --> 00:02.000\n",
}
EXAMPLES = 40
# Most texts reach the round trip; the rest are refused as already annotated (InputError).
# Fewer than this many round trips would mean the property was barely tested.
REACHED_FLOOR = 30


@pytest.mark.parametrize(("kind", "format"), CASES)
def test_strip_inverts_annotate_on_any_text(annotator, kind, format):
    options = AnnotationOptions(format=format)
    reached = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=TEXT)
    def round_trip(text: str) -> None:
        data = (PREFIXES.get(kind, "") + text).encode()
        try:
            output = annotate_document(data, annotator, options, kind=kind)
        except InputError:
            return  # already annotated inline: refused, as documented
        assert strip_document(output, annotator, options, kind=kind) == data
        reached.append(text)

    round_trip()
    assert len(reached) >= REACHED_FLOOR, f"only {len(reached)} examples reached the assert"
