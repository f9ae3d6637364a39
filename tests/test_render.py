"""Golden files for every format, on the example shipped in the repo.

Regenerate after an intended change with ``PINYINIZE_REGEN_GOLDEN=1 pytest tests/test_render.py``
and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import EXAMPLE

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "inline.txt": {"format": "inline"},
    "inline-numbers.txt": {"format": "inline", "tones": "numbers"},
    "ruby.html": {"format": "ruby"},
    "ruby-per-character.html": {"format": "ruby", "per_character": True},
    "json.json": {"format": "json"},
    "pinyin.txt": {"format": "pinyin"},
    "pinyin-none.txt": {"format": "pinyin", "tones": "none"},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(annotator, name):
    text = EXAMPLE.read_text(encoding="utf-8")
    output = annotator.annotate(text, **CASES[name])
    path = GOLDEN / f"sample.{name}"
    if os.environ.get("PINYINIZE_REGEN_GOLDEN"):
        path.write_bytes(output.encode("utf-8"))
    assert output == path.read_bytes().decode("utf-8")


def test_ruby_escapes_markup(annotator):
    output = annotator.annotate('<img src=x onerror="alert(1)">好&', format="ruby")
    assert "<img" not in output
    assert output.startswith("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<ruby>好")
    assert output.endswith("</ruby>&amp;")


def test_ruby_puts_each_syllable_over_its_character_in_a_word(annotator):
    assert annotator.annotate("银行", format="ruby") == (
        "<ruby>银<rp>(</rp><rt>yín</rt><rp>)</rp>行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby>"
    )


def test_ruby_per_character(annotator):
    assert annotator.annotate("银行", format="ruby", per_character=True) == (
        "<ruby>银<rp>(</rp><rt>yín</rt><rp>)</rp></ruby><ruby>行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby>"
    )


def test_ruby_keeps_the_capitals_of_orthography_per_syllable(annotator):
    output = annotator.annotate("张华", format="ruby", orthography=True)
    assert output == (
        "<ruby>张<rp>(</rp><rt>Zhāng</rt><rp>)</rp>华<rp>(</rp><rt>Huá</rt><rp>)</rp></ruby>"
    )


def test_pinyin_format_spaces_words_and_keeps_other_text(annotator):
    assert annotator.annotate("我用Python写银行软件。", format="pinyin") == (
        "wǒ yòng Python xiě yínháng ruǎnjiàn。"
    )


def test_character_without_reading_is_left_bare(annotator):
    # U+2A6D6 has no Mandarin reading in the lexicon: it passes through, its neighbours don't.
    assert annotator.annotate("好\U0002a6d6好") == "好(hǎo)\U0002a6d6好(hǎo)"
    assert annotator.readings("\U0002a6d6") == [None]
