"""The seed article (../shared/samples): whole words, no glued spans, nothing doubled."""

from __future__ import annotations

import re

import pytest

from pinyinize.scan import is_han
from pinyinize.spell import split_word

from conftest import shared_file

ANNOTATION = re.compile(r"\(([^()\r\n]{1,80})\)")


@pytest.fixture(scope="module")
def plain():
    """The seed with its pinyin annotations removed (``(WRCA)`` and ``(2021-2040)`` stay)."""
    text = shared_file("samples/seed-article.txt").read_text(encoding="utf-8")
    return ANNOTATION.sub(lambda m: "" if split_word(m.group(1)) else m.group(0), text)


@pytest.fixture(scope="module")
def annotated(annotator, plain):
    return annotator.annotate(plain)


def test_the_seed_keeps_its_non_pinyin_parentheses(plain):
    assert "认证机构(WRCA)" in plain and "(2021-2040)" in plain


def test_no_span_crosses_a_word_boundary(annotated):
    assert "云旦曲吉是(" not in annotated and "曲吉是(" not in annotated
    assert "山高谷(" not in annotated
    assert "两岸(liǎng'àn)" in annotated
    assert "世界纪录(shìjièjìlù)" in annotated


def test_nothing_is_doubled(annotated):
    assert not re.search(r"\([^()]*\)\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü']+\)", annotated)


def test_every_han_word_is_annotated_with_one_syllable_per_character(annotator, plain, annotated):
    words = 0
    for token in annotator.analyze(plain).tokens:
        if token.is_han:
            words += 1
            assert token.annotatable, token
    spans = re.findall(r"([\u4e00-\u9fff]+)\(([^()]+)\)", annotated)
    assert len(spans) == words
    for han, pinyin in spans:
        assert all(map(is_han, han))
        assert split_word(pinyin) is not None


def test_strip_gives_back_the_plain_article(annotator, plain, annotated):
    assert annotator.strip(annotated) == plain
