"""Invariants on arbitrary text: offsets, one syllable per Han character, lossless strip."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pinyinize import InputError
from pinyinize.scan import is_han

# Real Chinese with polyphones, pinyin-looking and bracketed text, mixed scripts, emoji,
# control characters and line endings, plus arbitrary Unicode.
FRAGMENTS = st.sampled_from(
    [
        "银行",
        "行长",
        "还",
        "了",
        "着",
        "重",
        "长大",
        "两岸",
        "西安",
        "好(hǎo)",
        "(hǎo)",
        "(WRCA)",
        "(2021-2040)",
        "(",
        ")",
        "()",
        "<ruby>",
        "&amp;",
        "<rt>x</rt>",
        "😀",
        "\r\n",
        "\n",
        "\t",
        "\x00",
        "\x1b[0m",
        " ",
        "abc",
        "ǎ",
        "\ufeff",
        "〇",
        "𠀀",
        "\U0002a6d6",
        "，",
        "。",
        "“",
        "”",
        "'",
        "Zhāng",
        "(yínháng)",
        "5",
        "2",
        "12.5%",
        "见图",
        "(a)",
        "(e)",
        "(o)",
        "(er)",
        "（b）",
    ]
)
TEXT = st.one_of(
    st.lists(FRAGMENTS, max_size=12).map("".join),
    st.text(max_size=40),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=3)), max_size=10).map("".join),
)
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(TEXT)
def test_tokens_cover_the_text_with_increasing_offsets(annotator, text):
    document = annotator.analyze(text)
    position = 0
    for token in document.tokens:
        assert token.start == position < token.end <= len(text)
        assert text[token.start : token.end] == token.text
        position = token.end
    assert position == len(text)


@SETTINGS
@given(TEXT)
def test_one_syllable_per_han_character(annotator, text):
    readings = annotator.readings(text)
    assert len(readings) == len(text)
    for char, reading in zip(text, readings, strict=True):
        if not is_han(char):
            assert reading is None
    document = annotator.analyze(text)
    for token in document.tokens:
        if token.is_han:
            assert [s.char for s in token.syllables] == list(token.text)
            for syllable in token.syllables:
                assert syllable.reading is None or syllable.reading in syllable.candidates


@SETTINGS
@given(TEXT)
def test_already_annotated_text_is_refused_with_a_clear_error(annotator, text):
    if annotator.find_annotations(text):
        with pytest.raises(InputError, match="already annotated"):
            annotator.annotate(text)
    else:
        annotator.annotate(text)


@SETTINGS
@given(TEXT)
def test_strip_gives_back_the_input_exactly(annotator, text):
    assume(not annotator.find_annotations(text))
    assert annotator.strip(annotator.annotate(text)) == text
    assert annotator.strip(annotator.annotate(text, tones="numbers")) == text
    for tones in ["none", "zhuyin", "initials-finals"]:
        assert annotator.strip(annotator.annotate(text, tones=tones)) == text
    for mode in ["textbook", "spoken"]:
        assert annotator.strip(annotator.annotate(text, mode=mode)) == text
    assert annotator.strip(annotator.annotate(text, format="ruby"), format="ruby") == text
    ruby = annotator.annotate(text, format="ruby", per_character=True)
    assert annotator.strip(ruby, format="ruby") == text
    assert annotator.strip(annotator.annotate(text, format="json"), format="json") == text


@SETTINGS
@given(TEXT)
def test_json_tokens_match_the_text(annotator, text):
    data = json.loads(annotator.annotate(text, format="json"))
    assert "".join(token["text"] for token in data["tokens"]) == text
