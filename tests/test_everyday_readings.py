"""Everyday readings that depend on context (issue 13, items 4 and 5), dictionary mode.

Expected readings are those of 现代汉语词典: 还 huán is the verb 'give back', hái the adverb;
东西 dōngxī 'east and west' / dōngxi 'thing'; 地方 dìfāng 'local' / dìfang 'place'; 大意 dàyi
'careless' / dàyì 'gist'; 精神 jīngshen 'lively' / jīngshén 'spirit'; 地道 dìdao 'authentic' /
dìdào 'tunnel'.
"""

from __future__ import annotations

import pytest

from pinyinize.errors import DataError
from pinyinize.lookup import read_senses
from pinyinize.types import Source


def reading_of(annotator, sentence: str, char: str, occurrence: int = 0) -> str:
    readings = annotator.readings(sentence)
    offsets = [index for index, found in enumerate(sentence) if found == char]
    return readings[offsets[occurrence]]


@pytest.mark.parametrize(
    ("sentence", "occurrence", "expected"),
    [
        pytest.param("他还了书。", 0, "huan2", id="object-after-particle"),
        pytest.param("你还了钱还要道歉。", 0, "huan2", id="verb-then-adverb"),
        pytest.param("你还了钱还要道歉。", 1, "hai2", id="adverb-after-verb"),
        pytest.param("这笔钱他还了三年才还清。", 0, "huan2", id="verb-particle-duration"),
        pytest.param("借的钱早就还了。", 0, "huan2", id="object-before-verb"),
        pytest.param("他借了我五十块钱，到现在还没还。", 1, "huan2", id="clause-end"),
        pytest.param("他借了我五十块钱，到现在还没还。", 0, "hai2", id="adverb-before-verb"),
        pytest.param("我下周一起还你。", 0, "huan2", id="pronoun-object"),
        pytest.param("他比我还高。", 0, "hai2", id="comparison"),
        pytest.param("他还在家。", 0, "hai2", id="adverb-before-preposition"),
        pytest.param("他还有很多钱。", 0, "hai2", id="still-have"),
        pytest.param("他还是个孩子。", 0, "hai2", id="still-is"),
        pytest.param("他还了解情况。", 0, "hai2", id="adverb-before-liaojie"),
        pytest.param("作业写完了吗？还没。", 0, "hai2", id="not-yet"),
    ],
)
def test_huan_is_the_verb_and_hai_the_adverb(annotator, sentence, occurrence, expected):
    assert reading_of(annotator, sentence, "还", occurrence) == expected


def token_texts(annotator, sentence: str) -> list[str]:
    return [token.text for token in annotator.analyze(sentence).tokens]


def test_a_rare_abbreviation_does_not_glue_across_words(annotator):
    # 中试 (中间试验) is an abbreviation; here 中 ends 在行动中 and 试 starts 试着.
    tokens = token_texts(annotator, "在行动中试着解决问题。")
    assert "中试" not in tokens
    assert "中" in tokens


def test_a_river_name_beats_a_generic_compound(annotator):
    tokens = token_texts(annotator, "澄澈的雅江水缓缓流过草原。")
    assert tokens[:4] == ["澄澈", "的", "雅江", "水"]


def test_frequent_words_still_segment_as_before(annotator):
    assert token_texts(annotator, "长江水") == ["长江", "水"]
    assert "/".join(token_texts(annotator, "他每个月都要还房贷")) == "他/每个/月/都/要/还/房贷"


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        pytest.param("这条路东西走向，长约三公里。", "东西", "dong1 xi1", id="east-west-direction"),
        pytest.param("广场东西两侧都是商店。", "东西", "dong1 xi1", id="east-west-sides"),
        pytest.param("道路南北东西都通。", "东西", "dong1 xi1", id="after-north-south"),
        pytest.param("这條路東西走向。", "東西", "dong1 xi1", id="traditional"),
        pytest.param("把东西拿走。", "东西", "dong1 xi5", id="thing"),
        pytest.param("我买了很多东西。", "东西", "dong1 xi5", id="thing-at-end"),
        pytest.param("地方政府出台了新规定。", "地方", "di4 fang1", id="local-government"),
        pytest.param("中央和地方都要重视这个问题。", "地方", "di4 fang1", id="central-and-local"),
        pytest.param("这个地方很美。", "地方", "di4 fang5", id="place"),
        pytest.param("你住在什么地方？", "地方", "di4 fang5", id="place-at-end"),
        pytest.param("考试的时候千万不能大意。", "大意", "da4 yi5", id="careless"),
        pytest.param("这篇文章的大意是什么？", "大意", "da4 yi4", id="gist"),
        pytest.param("这孩子看上去很精神。", "精神", "jing1 shen5", id="lively"),
        pytest.param("他的精神很好。", "精神", "jing1 shen2", id="spirit"),
        pytest.param("这家店的北京菜很地道。", "地道", "di4 dao5", id="authentic"),
        pytest.param("他们挖了一条地道。", "地道", "di4 dao4", id="tunnel"),
    ],
)
def test_senses_that_differ_in_tone(annotator, sentence, word, expected):
    start = sentence.index(word)
    readings = annotator.readings(sentence)[start : start + len(word)]
    assert " ".join(readings) == expected


@pytest.mark.parametrize(
    ("sentence", "char", "expected"),
    [
        pytest.param("解老师教我们语文。", "解", "xie4", id="xie-teacher"),
        pytest.param("这位是单经理，那位是曾主任。", "单", "shan4", id="shan-manager"),
        pytest.param("这位是单经理，那位是曾主任。", "曾", "zeng1", id="zeng-director"),
        pytest.param("我们班新来了一个同学，姓单。", "单", "shan4", id="after-xing"),
        pytest.param("查先生写了很多武侠小说。", "查", "zha1", id="zha-mister"),
        pytest.param("缪阿姨做的菜很香。", "缪", "miao4", id="miao-auntie"),
        pytest.param("老百姓单靠种地也能致富。", "单", "dan1", id="not-after-baixing"),
        pytest.param("他任主任多年。", "任", "ren4", id="serve-as-director"),
        pytest.param("我去查经理的账。", "查", "cha2", id="check-the-manager"),
        pytest.param("他曾经理过财务。", "曾", "ceng2", id="once"),
    ],
)
def test_surnames_before_titles(annotator, sentence, char, expected):
    assert reading_of(annotator, sentence, char) == expected


def test_the_model_leaves_a_sense_the_context_chose(annotator):
    document = annotator.analyze("他还了书。")
    syllable = next(s for t in document.tokens for s in t.syllables if s.char == "还")
    assert (syllable.reading, syllable.source) == ("huan2", Source.CONTEXT)


def test_a_user_word_keeps_its_reading(annotator):
    custom = annotator.with_user_words({"东西": ("dong1", "xi5")})
    assert custom.readings("东西走向")[:2] == ["dong1", "xi5"]


def test_senses_table_with_a_bad_line_is_a_data_error(tmp_path):
    path = tmp_path / "senses.tsv"
    path.write_text("# pinyinize-senses 1\n东西\tdong1\tafter\t走向\n", encoding="utf-8")
    with pytest.raises(DataError):
        read_senses(path)
    path.write_text("东西\tdong1 xi1\tafter\t走向\n", encoding="utf-8")
    with pytest.raises(DataError):
        read_senses(path)


@pytest.mark.parametrize(
    ("sentence", "index", "expected"),
    [  # 着 zháo: a result reached (现代汉语词典 着 zháo ④), here in a potential complement
        pytest.param("他睡不着，觉得很累。", 3, "zhao2", id="shui-bu-zhao"),
        pytest.param("晚上睡不着觉", 4, "zhao2", id="shui-bu-zhao-jiao"),
        pytest.param("你睡得着吗？", 3, "zhao2", id="shui-de-zhao"),
        pytest.param("他笑着说", 2, "zhe5", id="aspect-stays-zhe"),
        pytest.param("他不着急", 2, "zhao2", id="zhaoji-is-a-word"),
        pytest.param("这话说得不着边际", 5, "zhuo2", id="idiom-stays-zhuo"),
    ],
)
def test_zhao_in_a_potential_complement(annotator, sentence, index, expected):
    assert annotator.readings(sentence)[index] == expected
