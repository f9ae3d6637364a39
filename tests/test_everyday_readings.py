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


def word_readings(annotator, sentence, word):
    """The readings of ``word``'s characters where it first stands in ``sentence``."""
    start = sentence.index(word)
    return " ".join(annotator.readings(sentence)[start : start + len(word)])


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
    assert word_readings(annotator, sentence, word) == expected


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


# The readings issue 13 names that context decides within one character (现代汉语词典): the
# measure word 场 cháng of weather, illness and events (一场暴雨) and chǎng of shows and
# matches (一场球赛); 中 zhòng 'hit, win' (中了一等奖); 种 zhòng 'plant' and zhǒng 'kind';
# 还 huán before a debt; 得 děi 'must' before a verb and dé 'win' before a prize; 着 zháo
# 'catch fire'; 盛 chéng 'ladle'; 扎 zā 'tie'; 量 liáng 'measure'; 露 lòu 'show'; 咽 yàn
# 'swallow'; 结 jiē 'bear fruit'; 卷 juǎn 'roll'; 血 xiě alone in speech; 冲 chòng 'towards';
# 难 nàn 'disaster'; 假 jià 'leave'.
@pytest.mark.parametrize(
    ("sentence", "char", "occurrence", "expected"),
    [
        pytest.param("下午突然下了一场暴雨。", "场", 0, "chang2", id="chang-rain"),
        pytest.param("那场大火烧了一整夜。", "场", 0, "chang2", id="chang-fire-demonstrative"),
        pytest.param("他们俩闹了一场误会。", "场", 0, "chang2", id="chang-misunderstanding"),
        pytest.param("听到这个消息，她大哭了一场。", "场", 0, "chang2", id="chang-clause-end"),
        pytest.param("我们晚上去看一场电影。", "场", 0, "chang3", id="chang3-film"),
        pytest.param("这场球赛打得很精彩。", "场", 0, "chang3", id="chang3-match"),
        pytest.param("他上个月中了一等奖。", "中", 0, "zhong4", id="zhong4-prize"),
        pytest.param("没想到真让他说中了。", "中", 0, "zhong4", id="zhong4-le"),
        pytest.param("在学习中了解自己。", "中", 0, "zhong1", id="zhong1-before-liaojie"),
        pytest.param("奶奶在阳台上种了几盆花。", "种", 0, "zhong4", id="zhong4-le"),
        pytest.param("我们明年也种玉米。", "种", 0, "zhong4", id="zhong4-crop"),
        pytest.param("这种花很香。", "种", 0, "zhong3", id="zhong3-this-kind"),
        pytest.param("哪种菜最好吃？", "种", 0, "zhong3", id="zhong3-which-kind"),
        pytest.param("他每个月都要还车贷。", "还", 0, "huan2", id="huan2-car-loan"),
        pytest.param("看完了要把书还回去。", "还", 0, "huan2", id="huan2-back"),
        pytest.param("他还回家吃饭吗？", "还", 0, "hai2", id="hai2-before-home"),
        pytest.param("天快黑了，你得赶紧回家。", "得", 0, "dei3", id="dei3-hurry"),
        pytest.param("这件事得慢慢商量。", "得", 0, "dei3", id="dei3-slowly"),
        pytest.param("他跑得很快。", "得", 0, "de5", id="de5-complement"),
        pytest.param("我们班得了第一名。", "得", 0, "de2", id="de2-first"),
        pytest.param("我还得写作业呢。", "得", 0, "dei3", id="dei3-after-adverb"),
        pytest.param("你得注意身体。", "得", 0, "dei3", id="dei3-before-verb"),
        pytest.param("车坏了，他得修车。", "得", 0, "dei3", id="dei3-after-pronoun"),
        pytest.param("他得了重感冒。", "得", 0, "de2", id="de2-pronoun-then-le"),
        pytest.param("他着了凉，发起了高烧。", "着", 0, "zhao2", id="zhao2-catch-cold"),
        pytest.param("这还得了！", "得", 0, "de2", id="de2-before-le-after-adverb"),
        pytest.param("图书馆的书要按时还。", "还", 0, "huan2", id="huan2-on-time"),
        pytest.param("作文本上只写了一行字。", "行", 0, "hang2", id="hang2-a-line"),
        pytest.param("来，我们干了这杯！", "干", 0, "gan1", id="gan1-a-glass"),
        pytest.param("这件外套有点长。", "长", 0, "chang2", id="chang2-after-degree"),
        pytest.param("妈妈在教孩子们认字。", "教", 0, "jiao1", id="jiao1-teach-someone"),
        pytest.param("出门前记得系好鞋带。", "系", 0, "ji4", id="ji4-tie"),
        pytest.param("奶奶在家看孩子。", "看", 0, "kan1", id="kan1-mind"),
        pytest.param("炉子里的火着了。", "着", 0, "zhao2", id="zhao2-fire"),
        pytest.param("给奶奶盛一碗粥。", "盛", 0, "cheng2", id="cheng2-porridge"),
        pytest.param("她把头发扎成一个马尾。", "扎", 0, "za1", id="za1-ponytail"),
        pytest.param("妈妈给我扎了一个蝴蝶结。", "扎", 0, "za1", id="za1-bow-ahead"),
        pytest.param("他的手被刺扎了一下。", "扎", 0, "zha1", id="zha1-prick"),
        pytest.param("护士给我量了量血压。", "量", 1, "liang2", id="liang2-reduplicated"),
        pytest.param("你去量一下身高。", "量", 0, "liang2", id="liang2-height"),
        pytest.param("小心别露了马脚。", "露", 0, "lou4", id="lou4-give-away"),
        pytest.param("他紧张地咽了一口口水。", "咽", 0, "yan4", id="yan4-swallow"),
        pytest.param("今年葡萄架上结了不少葡萄。", "结", 0, "jie1", id="jie1-grapes"),
        pytest.param("超市里买了一卷胶带。", "卷", 0, "juan3", id="juan3-tape"),
        pytest.param("他咳出了一口血。", "血", 0, "xie3", id="xie3-spoken"),
        pytest.param("医生说他有点贫血。", "血", 0, "xue4", id="xue4-word"),
        pytest.param("小狗冲他直摇尾巴。", "冲", 0, "chong4", id="chong4-towards"),
        pytest.param("一方有难，八方支援。", "难", 0, "nan4", id="nan4-disaster"),
        pytest.param("我想跟老板请三天假。", "假", 0, "jia4", id="jia4-leave"),
    ],
)
def test_context_readings_of_everyday_polyphones(annotator, sentence, char, occurrence, expected):
    assert reading_of(annotator, sentence, char, occurrence) == expected


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        pytest.param("这本词典多少钱？", "多少", "duo1 shao5", id="duoshao-how-much"),
        pytest.param("他多少有些紧张。", "多少", "duo1 shao3", id="duoshao-somewhat"),
        pytest.param("人家早就到了。", "人家", "ren2 jia5", id="renjia-others"),
        pytest.param("山脚下住着几户人家。", "人家", "ren2 jia1", id="renjia-households"),
        pytest.param("他是我的好兄弟。", "兄弟", "xiong1 di5", id="xiongdi-pal"),
        pytest.param("兄弟俩长得很像。", "兄弟", "xiong1 di4", id="xiongdi-brothers"),
        pytest.param("都是我的不是。", "不是", "bu4 shi5", id="bushi-fault"),
        pytest.param("古代的大夫是官名。", "大夫", "da4 fu1", id="dafu-official"),
        pytest.param("天冷了，出门要穿衣服。", "衣服", "yi1 fu5", id="yifu-in-phrase-word"),
        pytest.param("小朋友们排好队。", "朋友", "peng2 you5", id="pengyou-in-phrase-word"),
        pytest.param("奶奶每天晚上讲故事。", "故事", "gu4 shi5", id="gushi-in-phrase-word"),
        pytest.param("他在城里做生意。", "生意", "sheng1 yi5", id="shengyi-in-phrase-word"),
        pytest.param("他是一名小学生。", "学生", "xue2 sheng1", id="xiaoxuesheng-stays-full"),
        pytest.param("我们去公园放风筝。", "风筝", "feng1 zheng5", id="fengzheng"),
        pytest.param("这张照片拍得真好。", "照片", "zhao4 pian4", id="zhaopian"),
        pytest.param("他是个有学问的人。", "学问", "xue2 wen5", id="xuewen"),
        pytest.param("她的外甥今年上初中。", "外甥", "wai4 sheng5", id="waisheng"),
        pytest.param("别那么小气嘛。", "小气", "xiao3 qi5", id="xiaoqi"),
    ],
)
def test_words_read_as_the_dictionary_writes_them(annotator, sentence, word, expected):
    assert word_readings(annotator, sentence, word) == expected


def test_a_word_may_have_several_senses(tmp_path):
    path = tmp_path / "senses.tsv"
    lines = [
        "# pinyinize-senses 1",
        "得\tdei3\tnext\t去",
        "得\tde2\tafter\t了冠军",
        "得\tdei3\tnext\t走",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    senses = read_senses(path)["得"]
    assert [sense.readings for sense in senses] == [("dei3",), ("de2",)]
    assert senses[0].next == frozenset({"去", "走"})  # the lines of one side add up
