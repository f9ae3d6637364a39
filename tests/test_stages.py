"""Case tables for scan, segment, look-up and the frequency prior."""

from __future__ import annotations

import doctest

import pytest

import pinyinize
from pinyinize.disambiguate import FrequencyPrior
from pinyinize.lookup import LookUp
from pinyinize.scan import is_han, scan
from pinyinize.segment import Segmenter
from pinyinize.types import Document, Source, Syllable, Token

from helpers import write_tiny_lexicon


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_lexicon(tmp_path_factory.mktemp("lexicon"))


SCAN_CASES = [
    ("他还了书", [("他还了书", True)]),
    (
        "Hello世界2024年！",
        [("Hello", False), ("世界", True), ("2024", False), ("年", True), ("！", False)],
    ),
    ("😀〇𠀀x", [("😀", False), ("〇𠀀", True), ("x", False)]),
    ("", []),
    ("\r\n\t ", [("\r\n\t ", False)]),
    ("⺀ㄅ々", [("⺀ㄅ々", False)]),  # radicals, bopomofo and the iteration mark are not read
]


@pytest.mark.parametrize(("text", "expected"), SCAN_CASES, ids=[repr(c[0]) for c in SCAN_CASES])
def test_scan(text, expected):
    document = scan(text)
    assert [(t.text, t.is_han) for t in document.tokens] == expected
    assert "".join(t.text for t in document.tokens) == text
    assert all(text[t.start : t.end] == t.text for t in document.tokens)


def test_is_han():
    assert is_han("好") and is_han("㐀") and is_han("𠀀")
    assert not is_han("a") and not is_han("，") and not is_han("ㄅ")


def _words(segmenter, text):
    return [t.text for t in segmenter(scan(text)).tokens]


def test_segment_prefers_the_more_probable_split(tiny):
    segmenter = Segmenter(tiny)
    assert _words(segmenter, "在行动") == ["在", "行动"]  # not 在行/动
    assert _words(segmenter, "银行行长") == ["银行", "行长"]


def test_segment_traditional_text_through_simplified_lookup(tiny):
    assert _words(Segmenter(tiny), "他還书") == ["他", "還", "书"]


def test_segment_extra_words_win(tiny):
    assert _words(Segmenter(tiny, {"在行": 10**9}), "在行动") == ["在行", "动"]


# (text, words that must appear, spans that would glue across a word boundary)
REAL_SEGMENT_CASES = [
    ("我们在行动", ["在", "行动"], ["在行"]),
    ("试着重复一遍", ["重复"], ["着重"]),
    ("云旦曲吉是桑日县人", ["是"], ["曲吉是", "云旦曲吉是", "吉是"]),
    ("山高谷深", [], ["山高谷"]),
    ("世界纪录认证机构", ["世界纪录", "认证", "机构"], []),
]


@pytest.mark.parametrize(
    ("text", "words", "glued"), REAL_SEGMENT_CASES, ids=[c[0] for c in REAL_SEGMENT_CASES]
)
def test_segment_real_text_never_glues_across_words(annotator, text, words, glued):
    tokens = _words(annotator.stages["segment"], text)
    assert set(words) <= set(tokens)
    assert not set(glued) & set(tokens)


def test_look_up_word_reading_beats_character(tiny):
    document = LookUp(tiny, {})(Segmenter(tiny)(scan("银行行长")))
    syllables = [s for t in document.tokens for s in t.syllables]
    assert [s.reading for s in syllables] == ["yin2", "hang2", "hang2", "zhang3"]
    assert {s.source for s in syllables} == {Source.WORD}
    assert syllables[1].candidates == ("xing2", "hang2")


def test_look_up_leaves_open_polyphones_and_decides_single_readings(tiny):
    document = LookUp(tiny, {})(Segmenter(tiny)(scan("他还书")))
    syllables = {s.char: s for t in document.tokens for s in t.syllables}
    assert syllables["他"].reading == "ta1" and syllables["他"].source is Source.CHARACTER
    assert syllables["还"].reading is None and syllables["还"].candidates == ("hai2", "huan2")


def test_look_up_user_words_win(tiny):
    user = {"银行": ("yin2", "xing2")}
    document = LookUp(tiny, user)(Segmenter(tiny, {"银行": 10**9})(scan("银行")))
    (token,) = document.tokens
    assert token.readings == ("yin2", "xing2")
    assert token.syllables[1].source is Source.USER


def test_look_up_unknown_character_has_no_candidates(tiny):
    document = LookUp(tiny, {})(Segmenter(tiny)(scan("龘")))
    (syllable,) = document.tokens[0].syllables
    assert syllable.candidates == () and syllable.reading is None


PRIOR_CASES = [
    ({}, "hai2"),  # no counts: the lexicon's order
    ({"还": {"huan2": 7, "hai2": 3}}, "huan2"),
    ({"还": {"xyz9": 100}}, "hai2"),  # counts for readings it does not have are ignored
]


@pytest.mark.parametrize(("counts", "expected"), PRIOR_CASES)
def test_frequency_prior_chooses_among_candidates(tiny, counts, expected):
    document = LookUp(tiny, {})(Segmenter(tiny)(scan("还")))
    decided = FrequencyPrior(counts)(document)
    (syllable,) = decided.tokens[0].syllables
    assert syllable.reading == expected and syllable.source is Source.CHARACTER


def test_prior_leaves_decided_syllables_alone(tiny):
    document = LookUp(tiny, {})(Segmenter(tiny)(scan("银行")))
    assert FrequencyPrior({"行": {"xing2": 99}})(document) == document


def test_stages_pass_documents(annotator):
    document = Document("他还了书")
    for stage in annotator.stages.values():
        document = stage(document)
        assert isinstance(document, Document)


def test_stages_build_complete_records(annotator):
    """scan, segment and look-up build Tokens and Syllables with tuple.__new__ (for speed):
    each must have every field, as Token(...) and Syllable(...) would fill them."""
    document = Document("他还了书，Hello 银行行长說了算。")
    for name in ("scan", "segment", "look_up"):
        document = annotator.stages[name](document)
        for token in document.tokens:
            assert len(token) == len(Token._fields)
            assert token.selected is True
            for syllable in token.syllables:
                assert len(syllable) == len(Syllable._fields)
                assert (syllable.citation, syllable.merged) == (None, False)
    assert sum(len(t.syllables) for t in document.tokens) == sum(map(is_han, document.text))


def test_package_docstring_examples_hold():
    assert doctest.testmod(pinyinize).failed == 0
