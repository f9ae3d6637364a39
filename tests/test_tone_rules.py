"""Case tables for each tone rule, through the whole pipeline (real lexicon), per mode."""

from __future__ import annotations

import json

import pytest

from pinyinize import Annotator
from pinyinize.tone_rules import Mode, Slot, bu_sandhi, third_tone_sandhi, yi_sandhi


def spoken(annotator, text):
    return annotator.readings(text, mode="spoken")


def textbook(annotator, text):
    return annotator.readings(text, mode="textbook")


YI_CASES = [
    ("一个", ["yi2", "ge4"]),  # before 4th tone
    ("一天", ["yi4", "tian1"]),  # before 1st
    ("一年", ["yi4", "nian2"]),  # before 2nd
    ("一起", ["yi4", "qi3"]),  # before 3rd
    ("一百", ["yi4", "bai3"]),  # magnitudes are counted with sandhi
    ("第一", ["di4", "yi1"]),  # ordinal
    ("一月", ["yi1", "yue4"]),  # the month
    ("统一", ["tong3", "yi1"]),  # end of its word
    ("十一", ["shi2", "yi1"]),  # after a numeral
    ("一九四九", ["yi1", "jiu3", "si4", "jiu3"]),  # digit by digit
    ("说一说", ["shuo1", "yi5", "shuo1"]),  # between a repeated verb: neutral
    ("一", ["yi1"]),  # alone
]


@pytest.mark.parametrize(("text", "expected"), YI_CASES, ids=[c[0] for c in YI_CASES])
def test_yi(annotator, text, expected):
    assert textbook(annotator, text) == expected


BU_CASES = [
    ("不是", ["bu2", "shi4"]),
    ("不要", ["bu2", "yao4"]),
    ("不好", ["bu4", "hao3"]),
    ("不来", ["bu4", "lai2"]),
    ("我不", ["wo3", "bu4"]),  # at the end
    ("是不是", ["shi4", "bu5", "shi4"]),  # A不A
]


@pytest.mark.parametrize(("text", "expected"), BU_CASES, ids=[c[0] for c in BU_CASES])
def test_bu(annotator, text, expected):
    assert textbook(annotator, text) == expected


THIRD_TONE_CASES = [
    ("你好", ["ni2", "hao3"]),
    ("老鼠", ["lao2", "shu3"]),
    ("展览馆", ["zhan2", "lan2", "guan3"]),  # three in one word
    ("我很好", ["wo3", "hen2", "hao3"]),  # across single-syllable words, from the right
    ("岂有此理", ["qi2", "you3", "ci2", "li3"]),  # four: two feet
    ("姐姐", ["jie3", "jie5"]),  # neutral tone stops sandhi
    ("好人", ["hao3", "ren2"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), THIRD_TONE_CASES, ids=[c[0] for c in THIRD_TONE_CASES]
)
def test_third_tone_sandhi(annotator, text, expected):
    assert spoken(annotator, text) == expected


def test_third_tone_sandhi_is_spoken_only(annotator):
    assert textbook(annotator, "你好") == ["ni3", "hao3"]
    assert annotator.readings("你好") == ["ni3", "hao3"]


NEUTRAL_CASES = [
    ("看看", ["kan4", "kan5"]),  # reduplicated verb
    ("进来", ["jin4", "lai5"]),  # directional complement
    ("出去", ["chu1", "qu5"]),
    ("过去", ["guo4", "qu4"]),  # "the past" is not a complement
    ("天天", ["tian1", "tian1"]),  # reduplicated noun/adverb keeps its tones
    ("朋友们", ["peng2", "you5", "men5"]),  # 们
    ("孩子", ["hai2", "zi5"]),  # 子 suffix (lexical)
    ("孔子", ["kong2", "zi3"]),  # 子 not a suffix (only third-tone sandhi applies)
    ("石头", ["shi2", "tou5"]),  # 头 suffix (lexical)
    ("桌子", ["zhuo1", "zi5"]),
]


@pytest.mark.parametrize(("text", "expected"), NEUTRAL_CASES, ids=[c[0] for c in NEUTRAL_CASES])
def test_neutral_tones(annotator, text, expected):
    assert spoken(annotator, text) == expected


ERHUA_CASES = [
    ("一点儿", ["yi4", "dianr3", None]),
    ("玩儿", ["wanr2", None]),
    ("哪儿", ["nar3", None]),
    ("儿子", ["er2", "zi5"]),  # a full syllable
    ("女儿", ["nv3", "er2"]),
]


@pytest.mark.parametrize(("text", "expected"), ERHUA_CASES, ids=[c[0] for c in ERHUA_CASES])
def test_erhua(annotator, text, expected):
    assert spoken(annotator, text) == expected


def test_erhua_is_written_as_r_in_every_mode(annotator):
    assert annotator.annotate("一点儿") == "一点儿(yīdiǎnr)"
    assert annotator.annotate("一点儿", mode="spoken") == "一点儿(yìdiǎnr)"
    assert annotator.annotate("一点儿", tones="numbers") == "一点儿(yi1dian3er5)"
    assert annotator.annotate("一点儿", mode="spoken", tones="numbers") == "一点儿(yi4dianr3)"


def test_json_keeps_citation_and_marks_merged_erhua(annotator):
    data = json.loads(annotator.annotate("一点儿", format="json", mode="spoken"))
    yi, dian, er = data["tokens"][0]["syllables"]
    assert (yi["reading"], yi["citation"], yi["source"]) == ("yi4", "yi1", "rule")
    assert (dian["reading"], dian["citation"]) == ("dianr3", "dian3")
    assert (er["reading"], er["merged"], er["citation"]) == (None, True, "er5")


def test_tts_sentence(annotator):
    text = "我们一个孩子不是你好"
    assert annotator.annotate(text, mode="spoken", tones="numbers", format="pinyin") == (
        "wo3men5 yi2ge4 hai2zi5 bu2shi4 ni2hao3"
    )


def test_dictionary_mode_changes_nothing(annotator):
    text = "一个孩子不是你好，一点儿"
    document = annotator.analyze(text, mode=Mode.DICTIONARY)
    assert all(s.source != "rule" for t in document.tokens for s in t.syllables)


def test_strip_round_trip_in_every_mode(annotator):
    text = "一点儿也不是你好。看一看！"
    for mode in Mode:
        assert annotator.strip(annotator.annotate(text, mode=mode)) == text


def slots(*pairs):
    """A phrase of single-character words: (char, reading) pairs."""
    return [Slot(i, 0, c, r, (r,), c, None) for i, (c, r) in enumerate(pairs)]


def test_rules_on_bare_slots():
    phrase = slots(("一", "yi1"), ("个", "ge5"))
    phrase[1].candidates = ("ge4", "ge5")
    yi_sandhi(phrase)
    assert phrase[0].reading == "yi2"  # the underlying tone of a neutral 个 is 4
    phrase = slots(("不", "bu4"), ("对", "dui4"))
    bu_sandhi(phrase)
    assert phrase[0].reading == "bu2"
    phrase = slots(("买", "mai3"), ("米", "mi3"))
    third_tone_sandhi(phrase)
    assert [s.reading for s in phrase] == ["mai2", "mi3"]


# (text, citation mode, dictionary mode): citation mode writes each syllable's tone before
# any lexical neutral tone, as CPP, g2pL, pypinyin and g2pM label them; characters whose
# neutral tone is their own reading (了 的 们, the suffixes 子 头, 萝卜's 卜) stay neutral.
CITATION_CASES = [
    ("衣服", ["yi1", "fu2"], ["yi1", "fu5"]),  # CPP dev labels 服 fu2
    ("认识", ["ren4", "shi2"], ["ren4", "shi5"]),
    ("关系", ["guan1", "xi4"], ["guan1", "xi5"]),
    ("这部分", ["zhe4", "bu4", "fen4"], ["zhe4", "bu4", "fen5"]),  # 部分 read inside a word
    ("弟弟", ["di4", "di4"], ["di4", "di5"]),  # the phrase table's own neutral tone
    ("朋友", ["peng2", "you3"], ["peng2", "you5"]),
    ("这个", ["zhe4", "ge4"], ["zhe4", "ge5"]),
    ("桌子", ["zhuo1", "zi5"], ["zhuo1", "zi5"]),  # 子 ·zi; CPP: 儿子 牌子 句子 zi5
    ("孔子", ["kong3", "zi3"], ["kong3", "zi3"]),
    ("石头", ["shi2", "tou5"], ["shi2", "tou5"]),  # 头 ·tou
    ("萝卜", ["luo2", "bo5"], ["luo2", "bo5"]),  # CPP: 萝卜 bo5
    ("看了", ["kan4", "le5"], ["kan4", "le5"]),
    ("我们", ["wo3", "men5"], ["wo3", "men5"]),
    ("一个", ["yi1", "ge4"], ["yi1", "ge4"]),  # no tone changes either
    ("你好", ["ni3", "hao3"], ["ni3", "hao3"]),
]


@pytest.mark.parametrize(
    ("text", "citation", "dictionary"), CITATION_CASES, ids=[c[0] for c in CITATION_CASES]
)
def test_citation_mode(annotator, text, citation, dictionary):
    assert annotator.readings(text, mode="citation") == citation
    assert annotator.readings(text, mode="dictionary") == dictionary


def test_lexical_neutral_tones_are_rules_in_json(annotator):
    """The tone stage writes 衣服's neutral tone: JSON says rule, with the toned citation."""
    light = json.loads(annotator.annotate("衣服", format="json"))["tokens"][0]["syllables"][1]
    assert (light["reading"], light["source"], light["citation"]) == ("fu5", "rule", "fu2")
    toned = json.loads(annotator.annotate("衣服", format="json", mode="citation"))
    assert toned["tokens"][0]["syllables"][1]["source"] == "word"
    restored = json.loads(annotator.annotate("弟弟", format="json", mode="citation"))
    second = restored["tokens"][0]["syllables"][1]
    assert (second["reading"], second["source"], second["citation"]) == ("di4", "rule", "di5")


def test_citation_mode_keeps_user_readings():
    annotator = Annotator(user_dict={"弟弟": "dì di"})
    assert annotator.readings("弟弟", mode="citation") == ["di4", "di5"]


def test_citation_mode_changes_no_erhua(annotator):
    assert annotator.readings("一点儿", mode="citation") == ["yi1", "dian3", "er5"]
