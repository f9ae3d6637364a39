"""GB/T 16159-2012 word spelling (--orthography), through the whole pipeline."""

from __future__ import annotations

import pytest

ORTHOGRAPHY_CASES = [
    ("两岸", "两岸(Liǎng'àn)"),  # sentence start: capital; a/o/e syllable: apostrophe
    ("他说两岸", "他(Tā)说(shuō)两岸(liǎng'àn)"),  # not at a sentence start
    ("在西安", "在(Zài)西安(Xī'ān)"),  # place name
    ("去岳阳", "去(Qù)岳阳(Yuèyáng)"),  # a place jieba lists only as 岳阳市
    ("老师张华", "老师(Lǎoshī)张华(Zhāng Huá)"),  # surname and given name apart
    ("是司马光", "是(Shì)司马光(Sīmǎ Guāng)"),  # compound surname
    ("到桑日县", "到(Dào)桑日县(Sāngrì Xiàn)"),  # administrative suffix apart
    ("很高高兴兴", "很(Hěn)高高兴兴(gāogāo-xìngxìng)"),  # AABB hyphen
    ("好。好！好?好", "好(Hǎo)。好(Hǎo)！好(Hǎo)?好(Hǎo)"),  # every sentence start
    ("好，好", "好(Hǎo)，好(hǎo)"),
    ("Hi 好", "Hi 好(hǎo)"),  # a sentence that starts with Latin text
]


@pytest.mark.parametrize(
    ("text", "expected"), ORTHOGRAPHY_CASES, ids=[c[0] for c in ORTHOGRAPHY_CASES]
)
def test_orthography(annotator, text, expected):
    assert annotator.annotate(text, orthography=True) == expected


def test_without_orthography_nothing_is_capitalised(annotator):
    assert annotator.annotate("两岸张华", format="pinyin") == "liǎng'àn zhānghuá"


def test_orthography_in_pinyin_format(annotator):
    text = "张华老师在桑日县工作。"
    assert annotator.annotate(text, orthography=True, format="pinyin") == (
        "Zhāng Huá lǎoshī zài Sāngrì Xiàn gōngzuò。"
    )


def test_orthography_strips_back(annotator):
    text = "两岸的西安人。张华在桑日县，高高兴兴！"
    for tones in ["marks", "numbers", "none"]:
        annotated = annotator.annotate(text, orthography=True, tones=tones)
        assert annotator.strip(annotated) == text
