from __future__ import annotations

import pytest

from pinyinize import Annotator, UserDictionaryError
from pinyinize.userdict import parse_user_dictionary, read_user_dictionary

GOOD_CASES = [
    ("银行\tyínháng", {"银行": ("yin2", "hang2")}),
    ("银行\tyin2 hang2", {"银行": ("yin2", "hang2")}),
    ("单田芳\tShàn Tiánfāng", {"单田芳": ("shan4", "tian2", "fang1")}),
    ("\ufeff两岸\tliǎng'àn\r\n", {"两岸": ("liang3", "an4")}),
    ("# comment\n\n", {}),
]


@pytest.mark.parametrize(("text", "entries"), GOOD_CASES)
def test_parse(text, entries):
    assert parse_user_dictionary(text.splitlines()) == entries


BAD_CASES = [
    ("银行 yínháng", "expected word<TAB>pinyin"),
    ("bank\tyínháng", "not a word of Han characters"),
    ("银行\tWRCA", "not pinyin"),
    ("银行\tyín", "2 characters but 1 syllables"),
]


@pytest.mark.parametrize(("line", "why"), BAD_CASES)
def test_bad_lines_are_reported_with_numbers(line, why):
    with pytest.raises(UserDictionaryError) as error:
        parse_user_dictionary(["好\thǎo", line], "user.tsv")
    assert error.value.problems == [(2, error.value.problems[0][1])]
    assert why in str(error.value) and "line 2" in str(error.value)


def test_unreadable_file(tmp_path):
    path = tmp_path / "latin1.tsv"
    path.write_bytes("银行\tyínháng".encode("gb18030"))
    with pytest.raises(UserDictionaryError, match="cannot read"):
        read_user_dictionary(path)


def test_a_toned_r_is_no_reading_but_the_neutral_one_is():
    """The r of erhua written apart (花儿 huā r) is neutral: r1-r4 have nothing to mark."""
    with pytest.raises(UserDictionaryError, match="'r4' is not pinyin"):
        Annotator(user_dict={"好": "r4"})
    assert Annotator(user_dict={"花儿": "huā r"}).annotate("花儿") == "花儿(huār)"
