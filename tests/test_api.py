"""The public API: readings(), annotate(), strip(), Annotator options and __all__."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

import pinyinize
from pinyinize import Annotator, Format, Lexicon, Source, Tones


def test_all_is_complete_and_importable():
    public = {
        name
        for name, value in vars(pinyinize).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    lazy = {"ContextModel"}  # resolved by the module's __getattr__ (it imports numpy)
    assert public | lazy == set(pinyinize.__all__)
    for name in pinyinize.__all__:
        assert getattr(pinyinize, name) is not None


def test_import_loads_no_data():
    code = (
        "import sys, pinyinize, pinyinize.lexicon as l, pinyinize.disambiguate.prior as p;"
        "print(l._load_default.cache_info().currsize, p._default_counts.cache_info().currsize,"
        " 'numpy' in sys.modules, 'pinyinize.numbers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "0", "False", "False"]


def test_the_context_model_is_the_default(annotator):
    from pinyinize import ContextModel

    assert isinstance(annotator.stages["disambiguate"], ContextModel)
    assert annotator.readings("他去图书馆还书")[5] == "huan2"  # the prior alone says hai2


READINGS_CASES = [
    ("银行行长", ["yin2", "hang2", "hang2", "zhang3"]),
    ("长大了", ["zhang3", "da4", "le5"]),
    ("Hi，你好!", [None, None, None, "ni3", "hao3", None]),
    ("绿", ["lv4"]),
    ("", []),
    ("😀\x00\r\n", [None, None, None, None]),
]


@pytest.mark.parametrize(
    ("text", "expected"), READINGS_CASES, ids=[repr(c[0]) for c in READINGS_CASES]
)
def test_readings_one_entry_per_character(text, expected):
    assert pinyinize.readings(text) == expected


def test_readings_in_other_tone_styles():
    assert pinyinize.readings("绿了", tones="marks") == ["lǜ", "le"]
    assert pinyinize.readings("绿了", tones=Tones.NONE) == ["lü", "le"]


def test_readings_of_traditional_text():
    assert pinyinize.readings("銀行行長") == ["yin2", "hang2", "hang2", "zhang3"]


def test_annotate_inline_default():
    assert pinyinize.annotate("两岸的银行") == "两岸(liǎng'àn)的(de)银行(yínháng)"


def test_annotate_rejects_unknown_options():
    with pytest.raises(ValueError):
        pinyinize.annotate("好", format="pdf")
    with pytest.raises(ValueError):
        pinyinize.annotate("好", tones="colours")
    with pytest.raises(TypeError):
        pinyinize.annotate(b"\xe5\xa5\xbd")  # type: ignore[arg-type]


def test_json_lists_candidates_and_sources():
    lexicon = Lexicon.default()
    data = json.loads(pinyinize.annotate("银行还", format=Format.JSON))
    bank, hai = data["tokens"]
    assert (bank["start"], bank["end"], bank["text"]) == (0, 2, "银行")
    assert lexicon.candidates("行") == ("xing2", "hang2", "heng2", "xing4", "hang4")
    assert bank["syllables"][1] == {
        "char": "行",
        "offset": 1,
        "reading": "hang2",
        "pinyin": "háng",
        "candidates": ["xing2", "hang2", "heng2", "xing4", "hang4"],  # the lexicon's, in order
        "source": "word",  # the lexicon word 银行 gave it
        "citation": None,
        "merged": False,
    }
    assert lexicon.word("银行").readings == ("yin2", "hang2")
    (huan,) = hai["syllables"]
    assert huan["candidates"] == list(lexicon.candidates("还")) == ["hai2", "huan2", "fu2"]
    assert huan["reading"] in huan["candidates"]
    assert huan["source"] == Source.MODEL.value  # no word covers 还: the model chose


def test_json_candidates_are_the_characters_own():
    """Every syllable lists its character's candidates from the lexicon, in lexicon order;
    a user's reading the character does not list is added after them."""
    lexicon = Lexicon.default()
    annotator = Annotator(user_dict={"还书": "huan2 shu5"})  # shu5: not one of 书's readings
    data = json.loads(annotator.annotate("长大了，我们去银行还书。東西", format="json"))
    syllables = [s for token in data["tokens"] if token["han"] for s in token["syllables"]]
    assert "".join(s["char"] for s in syllables) == "长大了我们去银行还书東西"
    for syllable in syllables:
        own = list(lexicon.candidates(syllable["char"]))
        assert syllable["reading"] in syllable["candidates"]
        if syllable["char"] == "书":
            assert syllable["candidates"] == [*own, "shu5"] == ["shu1", "shu5"]
        else:
            assert len(own) >= 1
            assert syllable["candidates"] == own, syllable["char"]


def test_user_dictionary_mapping_wins():
    annotator = Annotator(user_dict={"银行": "yín xíng"})
    assert annotator.readings("银行") == ["yin2", "xing2"]
    assert (
        json.loads(annotator.annotate("银行", format="json"))["tokens"][0]["syllables"][0]["source"]
        == "user"
    )


def test_replace_stage():
    annotator = Annotator()
    annotator.replace_stage("disambiguate", lambda document: document)
    assert annotator.readings("还")[0] is None  # nothing decided the open polyphone
    with pytest.raises(KeyError):
        annotator.replace_stage("nope", lambda document: document)


def test_a_stage_that_returns_something_else_is_caught():
    annotator = Annotator()
    annotator.replace_stage("segment", lambda document: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="segment"):
        annotator.analyze("好")


def test_pinyin_format_cannot_be_stripped():
    with pytest.raises(pinyinize.InputError, match="cannot be stripped"):
        pinyinize.strip("hǎo", format="pinyin")
