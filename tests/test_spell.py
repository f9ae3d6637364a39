import pytest

from pinyinize.spell import (
    Tones,
    is_reading,
    is_spelled_word,
    join_word,
    parse_marked,
    spell,
    spell_word,
    split_word,
)

PARSE_CASES = [
    ("huán", "huan2"),
    ("lǜ", "lv4"),
    ("nǚ", "nv3"),
    ("lüè", "lve4"),
    ("le", "le5"),
    ("er", "er5"),
    ("nu:3", "nv3"),
    ("HUAN2", "huan2"),
    ("zhuāng", "zhuang1"),
    ("ǹg", "ng4"),
    ("ḿ", "m2"),
]


@pytest.mark.parametrize(("written", "reading"), PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_parse_marked(written, reading):
    assert parse_marked(written) == reading


@pytest.mark.parametrize("bad", ["WRCA", "2021", "abc", "", "qx1", "huan9"])
def test_parse_marked_rejects_non_pinyin(bad):
    with pytest.raises(ValueError):
        parse_marked(bad)


SPELL_CASES = [
    ("huan2", Tones.MARKS, "huán"),
    ("lv4", Tones.MARKS, "lǜ"),
    ("lv4", Tones.NUMBERS, "lv4"),
    ("lv4", Tones.NONE, "lü"),
    ("lve4", Tones.MARKS, "lüè"),
    ("le5", Tones.MARKS, "le"),
    ("le5", Tones.NUMBERS, "le5"),
    ("gui4", Tones.MARKS, "guì"),  # last vowel of ui
    ("liu2", Tones.MARKS, "liú"),  # last vowel of iu
    ("zhou1", Tones.MARKS, "zhōu"),  # o of ou
    ("xue2", Tones.MARKS, "xué"),  # e before u
    ("ng2", Tones.MARKS, "ńg"),
]


@pytest.mark.parametrize(("reading", "tones", "written"), SPELL_CASES)
def test_spell(reading, tones, written):
    assert spell(reading, tones) == written


def test_spell_round_trips_through_parse():
    for reading, _, _ in SPELL_CASES:
        assert parse_marked(spell(reading, Tones.MARKS)) == reading


def test_unknown_style_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tone style"):
        spell("hao3", "zhuyin-ish")


JOIN_CASES = [
    (["liang3", "an4"], "liǎng'àn"),  # the seed article's 两岸(liǎngàn) reads liǎn'gàn
    (["xi1", "an1"], "xī'ān"),
    (["dai4", "er3"], "dài'ěr"),
    (["yin2", "hang2"], "yínháng"),
    (["tian1", "e2"], "tiān'é"),
    (["ping2", "an1"], "píng'ān"),
]


@pytest.mark.parametrize(("readings", "written"), JOIN_CASES, ids=[c[1] for c in JOIN_CASES])
def test_spell_word_puts_apostrophes_before_a_o_e(readings, written):
    assert spell_word(readings) == written


def test_numbers_need_no_apostrophe():
    assert spell_word(["liang3", "an4"], Tones.NUMBERS) == "liang3an4"


def test_join_word_keeps_first_syllable_bare():
    assert join_word(["ān", "quán"]) == "ānquán"


SPLIT_CASES = [
    ("yínháng", ["yin2", "hang2"]),
    ("liǎng'àn", ["liang3", "an4"]),
    ("liǎngàn", ["lian3", "gan4"]),  # why the apostrophe matters
    ("xīān", ["xi1", "an1"]),  # one tone mark per syllable
    ("xian", ["xian5"]),
    ("yin2hang2", ["yin2", "hang2"]),
    ("shìjièjìlù", ["shi4", "jie4", "ji4", "lu4"]),
    ("WRCA", None),
    ("2021-2040", None),
]


@pytest.mark.parametrize(("written", "readings"), SPLIT_CASES, ids=[c[0] for c in SPLIT_CASES])
def test_split_word(written, readings):
    assert split_word(written) == readings


def test_is_reading():
    assert is_reading("zhuang1") and is_reading("er5") and is_reading("m2")
    assert not is_reading("zhuang") and not is_reading("xx1") and not is_reading("huan6")


STYLE_CASES = [
    ("huan2", "ㄏㄨㄢˊ", "h uan2"),
    ("lv4", "ㄌㄩˋ", "l v4"),
    ("le5", "˙ㄌㄜ", "l e5"),
    ("zhi1", "ㄓ", "zh i1"),
    ("si4", "ㄙˋ", "s i4"),
    ("ju2", "ㄐㄩˊ", "j v2"),  # ü written u after j/q/x
    ("xue2", "ㄒㄩㄝˊ", "x ve2"),
    ("yun2", "ㄩㄣˊ", "vn2"),  # zero initial
    ("you3", "ㄧㄡˇ", "iou3"),
    ("gui4", "ㄍㄨㄟˋ", "g uei4"),  # ui is uei
    ("liu2", "ㄌㄧㄡˊ", "l iou2"),  # iu is iou
    ("lun2", "ㄌㄨㄣˊ", "l uen2"),  # un is uen
    ("dianr3", "ㄉㄧㄢˇㄦ", "d ianr3"),  # erhua
    ("er2", "ㄦˊ", "er2"),
    ("jiong3", "ㄐㄩㄥˇ", "j iong3"),
    ("nve4", "ㄋㄩㄝˋ", "n ve4"),
]


@pytest.mark.parametrize(
    ("reading", "zhuyin", "phones"), STYLE_CASES, ids=[c[0] for c in STYLE_CASES]
)
def test_zhuyin_and_initials_finals(reading, zhuyin, phones):
    assert spell(reading, Tones.ZHUYIN) == zhuyin
    assert spell(reading, Tones.INITIALS_FINALS) == phones


def test_separated_styles_space_the_syllables():
    assert spell_word(["yin2", "hang2"], Tones.ZHUYIN) == "ㄧㄣˊ ㄏㄤˊ"
    assert spell_word(["liang3", "an4"], Tones.INITIALS_FINALS) == "l iang3 an4"


def test_register_style():
    from pinyinize.spell import STYLE_REGISTRY, register_style

    register_style("upper", str.upper)
    try:
        assert spell("hao3", "upper") == "HAO3"
    finally:
        del STYLE_REGISTRY["upper"]


SPELLED_CASES = [
    ("yínháng", True),
    ("ㄧㄣˊ ㄏㄤˊ", True),
    ("˙ㄌㄜ", True),
    ("h uan2 l v4", True),
    ("d ianr3", True),
    ("abc", False),
    ("WRCA", False),
    ("2021-2040", False),
    ("h uan", False),
]


@pytest.mark.parametrize(("text", "expected"), SPELLED_CASES)
def test_is_spelled_word(text, expected):
    assert is_spelled_word(text) is expected
