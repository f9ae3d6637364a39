"""Issue 13, items 1-2: standalone readings and lexical neutral tones, in dictionary mode.

Every expected reading below was checked by hand against 现代汉语词典 (7th edition, 2016),
which writes a neutral-tone syllable after a centred dot: 衣服 yī·fu.  The test readings
are numbered, 5 for the neutral tone.
"""

from __future__ import annotations

import pytest

from pinyinize import Annotator, Lexicon, Source

# (text, index of the first character checked, expected readings from there, 现代汉语词典 entry)
CASES = [
    ("我叫李浩博", 2, ["li3"], "李 lǐ (surname); 行李 xíng·li is the only light one"),
    ("李", 0, ["li3"], "李 lǐ"),
    ("衣服", 0, ["yi1", "fu5"], "衣服 yī·fu"),
    ("我买了很多东西", 5, ["dong1", "xi5"], "东西 dōng·xi 'thing' (dōngxī 'east and west')"),
    ("知识", 0, ["zhi1", "shi5"], "知识 zhī·shi"),
    ("学习知识很重要", 2, ["zhi1", "shi5"], "知识 zhī·shi"),
    ("舒服", 0, ["shu1", "fu5"], "舒服 shū·fu"),
    ("漂亮", 0, ["piao4", "liang5"], "漂亮 piào·liang"),
    ("休息", 0, ["xiu1", "xi5"], "休息 xiū·xi"),
    ("他认识我", 1, ["ren4", "shi5"], "认识 rèn·shi"),
    ("请你告诉我", 2, ["gao4", "su5"], "告诉 gào·su"),
    ("我喜欢听故事", 4, ["gu4", "shi5"], "故事 gù·shi 'story' (gùshì 'old practice')"),
    ("他的头发很长", 2, ["tou2", "fa5"], "头发 tóu·fa"),
    ("这位大夫医术很高", 2, ["dai4", "fu5"], "大夫 dài·fu 'doctor' (dàfū, an old official)"),
    ("豆腐", 0, ["dou4", "fu5"], "豆腐 dòu·fu"),
    ("我答应你", 1, ["da1", "ying5"], "答应 dā·ying"),
    ("窗户", 0, ["chuang1", "hu5"], "窗户 chuāng·hu"),
    ("这个地方很美", 2, ["di4", "fang5"], "地方 dì·fang 'place' (dìfāng 'local')"),
    ("你明天有没有空", 6, ["kong4"], "有空 yǒu kòng; 空 kòng 'free time' (空儿)"),
]


@pytest.mark.parametrize(("text", "start", "expected", "entry"), CASES)
def test_dictionary_mode_reading(annotator: Annotator, text, start, expected, entry):
    readings = annotator.readings(text, mode="dictionary")
    assert readings[start : start + len(expected)] == expected, entry


def test_the_toned_reading_stays_a_candidate(annotator: Annotator):
    """东西 dōngxī 'east and west' is still a candidate of 西 for a later context step."""
    document = annotator.analyze("东西")
    assert {"xi1", "xi5"} <= set(document.tokens[0].syllables[1].candidates)


def test_a_neutral_tone_the_model_undid_is_written_back_with_its_citation(
    annotator: Annotator,
):
    """发 is one of the model's characters and its labels are toned; the word's light
    syllable is written back by the tone stage, which keeps the model's tone as citation."""
    syllable = annotator.analyze("他的头发很长").tokens[-3].syllables[1]
    assert (syllable.reading, syllable.source, syllable.citation) == ("fa5", Source.RULE, "fa4")


def test_user_readings_are_not_made_light():
    annotator = Annotator(user_dict={"头发": "tóu fà"})
    assert annotator.readings("头发") == ["tou2", "fa4"]


# The characters of the first 3,500 of the 通用规范汉字表 that may read neutral alone:
# particles, structural particles and the suffix 们.
FUNCTION_CHARACTERS = set("么了们吗吧呀呐呢哇哩啊啦嘛地得的着")


def test_no_everyday_character_reads_neutral_alone_unless_a_function_word():
    lexicon = Lexicon.default()
    neutral_alone = {
        char
        for char in map(chr, range(0x4E00, 0xA000))
        if (entry := lexicon.char(char))
        and 0 < entry.tgh_index <= 3500
        and entry.readings[0].endswith("5")
    }
    assert neutral_alone <= FUNCTION_CHARACTERS, sorted(neutral_alone - FUNCTION_CHARACTERS)
