"""What strip and the "already annotated" refusal take for an annotation after a Han
character: a group that can end with the character's reading, not a list marker or label.

如图(a)所示 is in every second technical paper and 第(e)款 in contracts; a, e, o and er are
syllables too, so a group after a character is an annotation only when its letters end with
one of that character's readings (tones aside).  Readings in the cases below are checked
against 现代汉语词典: 图 tú, 款 kuǎn, 表 biǎo, 项 xiàng.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinyinize import Annotator
from pinyinize.annotations import CharReadings

LABELLED = [
    "实验装置如图(a)所示，结果见表(b)。",
    "依照合同第三条款(e)的规定办理。",
    "选项（a）和选项（b）都不对。",
    "该项(ii)不适用。",
    "依照第(iv)项处理。",
    "图(er)是第二张图。",
]
STYLES = [
    {"tones": "marks"},
    {"tones": "numbers"},
    {"tones": "none"},
    {"tones": "zhuyin"},
    {"tones": "initials-finals"},
    {"tones": "marks", "orthography": True},
    {"tones": "marks", "mode": "textbook"},
]


@pytest.mark.parametrize("text", LABELLED)
def test_labels_after_han_are_text(annotator, text):
    assert annotator.find_annotations(text) == []
    for style in STYLES:
        annotated = annotator.annotate(text, **style)
        assert annotator.strip(annotated) == text, style


@pytest.mark.parametrize(
    "text",
    [
        "银行(yínháng)",
        "银行(yin2hang2)",
        "两岸(liǎngàn)",  # other tools leave out the apostrophe
        "云旦曲吉是(qūjíshì)",  # a careless annotator's span: still an annotation
        "精神(jīngshén)(jīngshén)",
        "绿(lǜ)色",
        "绿(lv4)色",
        "一点儿(yìdiǎnr)",
        "实验(sh i2 ian4)",
        "张华(Zhāng Huá)",
        "图（tú）",
    ],
)
def test_readings_after_han_are_annotations(annotator, text):
    assert annotator.find_annotations(text)
    assert "(" not in annotator.strip(text) and "（" not in annotator.strip(text)


def test_a_label_after_our_annotation_stays(annotator):
    strip = annotator.strip
    assert strip("如(rú)图(tú)(a)所(suǒ)示(shì)") == "如图(a)所示"
    assert strip("图(tú)(tú)") == "图"


def test_a_user_word_is_read_as_the_user_wrote_it():
    annotator = Annotator(user_dict={"曾国藩": "Zēng Guófān"})
    text = "曾国藩说，见图(a)"
    annotated = annotator.annotate(text)
    assert "曾国藩(Zēng Guófān)" in annotated
    assert annotator.strip(annotated) == text
    # a character only a user word reads may be read as the user wrote it: no check
    assert annotator.find_annotations("藩(a)")


def test_char_readings_compare_letters_without_tones():
    reads = CharReadings({"行": ("xing2", "hang2"), "儿": ("er2", "er5")}.get)
    assert reads("行", "yínháng") and reads("行", "Yin2-Hang2") and reads("行", "h ang2")
    assert not reads("行", "a") and not reads("行", "e")
    assert reads("儿", "yìdiǎnr") and reads("行", "hángr")
    assert reads("行", "ㄏㄤˊ")  # zhuyin in parentheses is always an annotation
    assert CharReadings(lambda char: ())("䶵", "a")  # no readings known: no check


LABELS = st.sampled_from(["(a)", "(b)", "(e)", "(o)", "(er)", "(ii)", "（a）", "(ai)", "(an)"])
HAN = st.sampled_from(["图", "表", "款", "项", "银行", "如", "见", "长", "了"])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(HAN, LABELS, st.sampled_from(["，", "。", " ", "1"])), max_size=12))
def test_text_with_labels_round_trips(annotator, pieces):
    text = "".join(pieces)
    if annotator.find_annotations(text):
        return  # (ai) after 爱-like readings would be one; none of HAN reads ai or an
    for style in STYLES[:3]:
        assert annotator.strip(annotator.annotate(text, **style)) == text
