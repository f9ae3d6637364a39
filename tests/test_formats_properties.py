"""Invariants on arbitrary text: annotating a document never fails with anything but an
InputError, and stripping gives back the original bytes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinyinize.errors import InputError
from pinyinize.formats import DocumentOptions, annotate_document, strip_document
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


@pytest.mark.parametrize(("kind", "format"), CASES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_strip_inverts_annotate_on_any_text(annotator, kind, format, text):
    prefix = {
        "srt": "1\n00:00:01,000 --> 00:00:02,000\n",
        "vtt": "WEBVTT\n\n1\n00:01.000 --> 00:02.000\n",
    }
    data = (prefix.get(kind, "") + text).encode()
    options = DocumentOptions(format=format)
    try:
        output = annotate_document(data, annotator, options, kind=kind)
    except InputError:
        return  # already annotated inline: refused, as documented
    assert strip_document(output, annotator, options, kind=kind) == data
