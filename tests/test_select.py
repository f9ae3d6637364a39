"""Selection: which words get annotated (--annotate), on real HSK words and the seed."""

from __future__ import annotations

import json

import pytest

from pinyinize import AnnotationOptions
from pinyinize.select import Selection, parse_selection

from conftest import shared_file

PARSE_CASES = [
    ("all", Selection()),
    ("", Selection()),
    ("polyphones", Selection(polyphones=True)),
    ("level:4", Selection(level=4)),
    ("level:4,first", Selection(level=4, first=True)),
    ("rare", Selection(characters=3500)),
    ("chars:2.5", Selection(characters=2500)),
    (" polyphones , rare ", Selection(polyphones=True, characters=3500)),
]


@pytest.mark.parametrize(("text", "selection"), PARSE_CASES)
def test_parse_selection(text, selection):
    assert parse_selection(text) == selection


@pytest.mark.parametrize(
    "bad", ["level:0", "level:10", "level:x", "chars:-1", "everything", "first:2"]
)
def test_parse_selection_rejects(bad):
    with pytest.raises(ValueError, match="unknown selection"):
        parse_selection(bad)


def annotated_words(annotator, text, select):
    data = json.loads(annotator.annotate(text, format="json", select=select))
    return [token["text"] for token in data["tokens"] if token["han"] and token["selected"]]


# HSK 3.0 (GF0025-2021): 我们 1, 银行 2, 项目 4, 援藏 not graded (its hardest character, 藏,
# is 6), 海拔 band 7-9, 凝血 not graded (凝 is in the band).
SENTENCE = "我们去银行，项目援藏，海拔高，凝血。"
WORDS = {"我们", "银行", "项目", "援藏", "海拔", "凝血"}
LEVEL_CASES = [
    (1, ["银行", "项目", "援藏", "海拔", "凝血"]),
    (2, ["项目", "援藏", "海拔", "凝血"]),
    (4, ["援藏", "海拔", "凝血"]),
    (6, ["海拔", "凝血"]),
    (7, []),  # the band 7-9 is one list: a level-7 reader may know any of it
    (9, []),
]


@pytest.mark.parametrize(("level", "expected"), LEVEL_CASES)
def test_level_never_annotates_what_the_learner_knows(annotator, level, expected):
    words = annotated_words(annotator, SENTENCE, f"level:{level}")
    assert [w for w in words if w in WORDS] == expected


def test_polyphones(annotator):
    words = annotated_words(annotator, "银行和学校都很好", "polyphones")
    assert "银行" in words and "和" in words and "好" in words  # 行 háng/xíng, 和, 好 hǎo/hào
    assert "学校" not in words  # 学 and 校 have one common reading each (校 jiào is rare)


def test_rare_characters(annotator):
    words = annotated_words(annotator, "他在阆中吃饭", "rare")
    assert words == ["阆中"]  # 阆 is outside the 3,500 common characters


def test_first_occurrence_only(annotator):
    output = annotator.annotate("银行，银行，银行", select="first")
    assert output == "银行(yínháng)，银行，银行"


def test_annotator_default_selection_and_json_flag(annotator):
    learner = AnnotationOptions(selection=parse_selection("level:3"))
    assert annotator.annotate("我们在银行", learner) == "我们在银行"
    data = json.loads(annotator.annotate("我们", format="json", select="level:3"))
    assert data["tokens"][0]["selected"] is False
    assert annotator.annotate("我们在银行", select="level:1") == "我们在银行(yínháng)"


def test_strip_round_trip_with_selection(annotator):
    text = "我们去银行，看到干部援藏。银行！"
    for select in ["level:2", "first", "polyphones,first", "rare"]:
        assert annotator.strip(annotator.annotate(text, select=select)) == text


def test_seed_annotates_fewer_words_as_the_level_rises(annotator):
    plain = annotator.strip(shared_file("samples/seed-article.txt").read_text(encoding="utf-8"))
    counts = [
        len(annotator.find_annotations(annotator.annotate(plain, select=f"level:{n}")))
        for n in range(1, 8)
    ]
    assert counts == sorted(counts, reverse=True) and counts[0] > 2 * counts[5]
