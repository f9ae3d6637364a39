"""The numbers stage: digits, dates, times, units and symbols read as spoken Chinese.

The case table (tests/data/numbers.tsv) holds sentences from news, sports results, recipes,
timetables and weather reports with the spoken form and the syllables of each number,
written and checked by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pinyinize import AnnotationOptions, InputError
from pinyinize.annotations import NumberReadings
from pinyinize.batch import BatchSettings
from pinyinize.check import check
from pinyinize.cli import main
from pinyinize.numbers import cardinal, find_numbers, number_words, spoken_words
from pinyinize.types import NUMERAL_POS, SERIAL_POS, Source

TABLE = Path(__file__).parent / "data" / "numbers.tsv"


def _cases() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            case_id, text, spoken, pinyin = line.split("\t")
            rows.append((case_id, text, spoken, pinyin))
    return rows


CASES = _cases()


def test_the_table_is_large_and_its_ids_unique():
    ids = [case[0] for case in CASES]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("text", "spoken", "pinyin"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_numbers_are_read_as_said(annotator, text, spoken, pinyin):
    document = annotator.analyze(text, numbers=True)
    said = "".join(token.spoken if token.is_number else token.text for token in document.tokens)
    assert said == spoken
    numbers = [token for token in document.tokens if token.is_number]
    read = " | ".join(" ".join(s.reading or "?" for s in token.syllables) for token in numbers)
    assert read == pinyin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年3月5日", "er4 ling2 er4 si4 nian2 san1 yue4 wu3 ri4"),
        ("共1,250元", "gong4 yi1 qian1 er4 bai3 wu3 shi2 yuan2"),
        ("13:45", "shi2 san1 dian3 si4 shi2 wu3 fen1"),
        ("第3章", "di4 san1 zhang1"),
        ("3.14", "san1 dian3 yi1 si4"),
        ("2/3", "san1 fen1 zhi1 er4"),
    ],
)
def test_the_command_line_reads_numbers(text, expected):
    args = ["annotate", "--numbers", "--format", "pinyin", "--tones", "numbers"]
    result = CliRunner().invoke(main, args, input=f"{text}\n".encode())
    assert result.exit_code == 0, result.output
    assert result.output == f"{expected}\n"


def test_numbers_are_off_by_default(annotator):
    assert annotator.annotate("2024年") == "2024年(nián)"
    assert annotator.readings("12%") == [None, None, None]
    assert AnnotationOptions().numbers is False


def test_inline_writes_the_spoken_pinyin_after_the_number(annotator):
    assert annotator.annotate("12.5%", numbers=True) == "12.5%(bǎi fēn zhī shí'èr diǎn wǔ)"
    assert annotator.annotate("共1,250元", numbers=True) == (
        "共(gòng)1,250(yīqiān èrbǎi wǔshí)元(yuán)"
    )
    assert annotator.annotate("-3℃", numbers=True) == "-3℃(líng xià sān shè shì dù)"


def test_ruby_puts_the_whole_reading_over_the_digits(annotator):
    ruby = annotator.annotate("2/3", format="ruby", numbers=True)
    assert ruby == "<ruby>2/3<rp>(</rp><rt>sān fēn zhī èr</rt><rp>)</rp></ruby>"
    per_character = annotator.annotate("2/3", format="ruby", numbers=True, per_character=True)
    assert per_character == ruby


def test_json_carries_the_spoken_form_and_its_syllables(annotator):
    data = json.loads(annotator.annotate("约12.5%", format="json", numbers=True))
    number = data["tokens"][1]
    assert number["text"] == "12.5%"
    assert (number["start"], number["end"], number["han"]) == (1, 6, False)
    assert number["spoken"] == "百分之十二点五"
    assert number["pos"] == NUMERAL_POS
    assert [s["char"] for s in number["syllables"]] == list("百分之十二点五")
    assert [s["pinyin"] for s in number["syllables"]][:3] == ["bǎi", "fēn", "zhī"]
    assert {s["source"] for s in number["syllables"]} == {Source.NUMBER.value}


def test_pieces_carry_the_full_reading(annotator):
    pieces = annotator.pieces("第3章", numbers=True)
    assert [(p.text, p.pinyin) for p in pieces] == [("第", "dì"), ("3", "sān"), ("章", "zhāng")]
    assert annotator.pieces("12.5%", numbers=True)[0].syllables == ()


def test_readings_put_digit_by_digit_numbers_on_their_characters(annotator):
    readings = annotator.readings("2024年", numbers=True)
    assert readings == ["er4", "ling2", "er4", "si4", "nian2"]


def test_readings_put_other_numbers_on_their_first_character(annotator):
    readings = annotator.readings("12.5%", numbers=True)
    assert readings == ["bai3 fen1 zhi1 shi2 er4 dian3 wu3", None, None, None, None]


@pytest.mark.parametrize(
    ("text", "mode", "expected"),
    [
        ("1000个", "textbook", "yi4 qian1 | ge4"),
        ("1个", "textbook", "yi2 | ge4"),
        ("10000人", "textbook", "yi2 wan4 | ren2"),
        ("1月", "textbook", "yi1 | yue4"),
        ("第1章", "textbook", "di4 | yi1 | zhang1"),
        ("1.5公斤", "textbook", "yi1 dian3 wu3 | gong1 jin1"),
        ("2021年", "textbook", "er4 ling2 er4 yi1 | nian2"),
        ("21个", "textbook", "er4 shi2 yi1 | ge4"),
        ("1000个", "dictionary", "yi1 qian1 | ge4"),
        ("1000个", "citation", "yi1 qian1 | ge4"),
        ("500人", "spoken", "wu2 bai3 | ren2"),
        ("1:00", "textbook", "yi1 dian3"),
    ],
)
def test_modes_apply_to_numbers(annotator, text, mode, expected):
    document = annotator.analyze(text, mode=mode, numbers=True)
    read = " | ".join(" ".join(s.reading or "" for s in t.syllables) for t in document.tokens)
    assert read == expected


def test_serial_numbers_are_tagged_serial(annotator):
    document = annotator.analyze("第3章共12页", numbers=True)
    assert [t.pos for t in document.tokens if t.is_number] == [SERIAL_POS, NUMERAL_POS]


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        (0, "零"),
        (10, "十"),
        (15, "十五"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (2000, "两千"),
        (20_0000, "二十万"),
        (1_0000_0000, "一亿"),
        (3_0005_0000, "三亿零五万"),
        (1_2345_6789, "一亿二千三百四十五万六千七百八十九"),
    ],
)
def test_cardinals(value, spoken):
    assert cardinal(value) == spoken


def test_number_words_group_as_gbt_16159_does():
    assert number_words("一千二百五十") == ["一千", "二百", "五十"]
    assert number_words("十三亿三千九百万") == ["十三", "亿", "三千", "九百", "万"]
    assert number_words("二零二四年") == ["二", "零", "二", "四", "年"]


def test_spans_cover_what_they_read():
    spans = list(find_numbers("气温-3℃，共1,250元"))
    assert [(s.text, s.start, s.end, s.spoken) for s in spans] == [
        ("-3℃", 2, 5, "零下三摄氏度"),
        ("1,250", 7, 12, "一千二百五十"),
    ]


def test_number_annotations_are_found_and_refused(annotator):
    assert annotator.find_annotations("12.5%(bǎi fēn zhī shí'èr diǎn wǔ)")
    assert annotator.find_annotations("5km(wǔ gōng lǐ)")
    with pytest.raises(InputError, match="already annotated"):
        annotator.annotate("增长了5(wǔ)倍", numbers=True)
    assert not annotator.find_annotations("(2021-2040)")
    assert not annotator.find_annotations("机构WRCA(WRCA)")


def test_strip_removes_number_annotations_only(annotator):
    annotated = annotator.annotate("2024年3月5日，共1,250元（约$180）", numbers=True)
    assert annotator.strip(annotated) == "2024年3月5日，共1,250元（约$180）"
    not_pinyin = "第3章(2021)"
    assert annotator.strip(not_pinyin) == not_pinyin


# Labels and list markers right after a number, from papers, standards and contracts: a, e
# and o are pinyin syllables, but no number's reading holds them, so the groups are text.
LIST_MARKERS = [
    ("figures", "实验结果见图5(a)和表2(b)。", ["(a)", "(b)"]),
    ("contract", "依照条款3(e)规定，承包人应在7日内提交报告。", ["(e)"]),
    ("regulation", "有本办法第12条第2(a)项所列情形的，不予登记。", ["(a)"]),
    ("curves", "曲线1(o)表示空载工况，曲线2(o)表示满载工况。", ["(o)", "(o)"]),
    ("units", "样品A1(e)的质量为12.5g(b)。", ["(e)", "(b)"]),
    ("temperatures", "图6给出了25℃(a)和60℃(b)时的应力分布。", ["(a)", "(b)"]),
    ("standard", "应符合第5.1.3(ii)款的要求。", ["(ii)"]),
    ("full-width", "详见附表4（a）。", ["（a）"]),
]
STYLES = [{"tones": tones} for tones in ("marks", "numbers", "none", "zhuyin", "initials-finals")]
STYLES += [{"mode": "textbook"}, {"mode": "spoken"}, {"orthography": True}]


@pytest.mark.parametrize("numbers", [False, True], ids=["default", "numbers"])
@pytest.mark.parametrize(
    ("text", "markers"), [c[1:] for c in LIST_MARKERS], ids=[c[0] for c in LIST_MARKERS]
)
def test_list_markers_after_numbers_are_text(annotator, text, markers, numbers):
    assert annotator.find_annotations(text) == []
    for style in STYLES:
        inline = annotator.annotate(text, numbers=numbers, **style)
        assert [m for m in markers if m in inline] == markers
        assert annotator.strip(inline) == text
    assert check(annotator, annotator.annotate(text, numbers=numbers)) == []
    ruby = annotator.annotate(text, format="ruby", numbers=numbers)
    assert annotator.strip(ruby, format="ruby") == text
    data = annotator.annotate(text, format="json", numbers=numbers)
    assert annotator.strip(data, format="json") == text


def test_the_command_line_annotates_list_markers_after_numbers():
    for args in (["annotate"], ["annotate", "--numbers"]):
        result = CliRunner().invoke(main, args, input="见图5(a)和表2(b)\n".encode())
        assert result.exit_code == 0, result.output
        stripped = CliRunner().invoke(main, ["strip"], input=result.output.encode())
        assert stripped.output == "见图5(a)和表2(b)\n"


def test_a_group_after_a_numbers_reading_is_one_only_if_it_reads_a_number(annotator):
    cases = [
        ("见图5(wǔ)(a)", "见图5(a)"),
        ("增长5(wǔ)(wǔ)倍", "增长5倍"),  # doubled, as after a word
        ("12.5%(bǎi fēn zhī shí'èr diǎn wǔ)(e)", "12.5%(e)"),
        ("25℃(èrshíwǔ shè shì dù)(a)", "25℃(a)"),
    ]
    for annotated, plain in cases:
        assert annotator.strip(annotated) == plain


def test_a_group_of_number_syllables_after_a_number_is_its_reading(annotator):
    # 二 is èr: (er) after a number reads as one, so it is refused rather than lost to strip.
    assert annotator.find_annotations("第3(er)项") == [(2, "(er)")]
    with pytest.raises(InputError, match="already annotated"):
        annotator.annotate("第3(er)项")


@pytest.mark.parametrize(
    "written",
    [
        "shí'èr",
        "Shí'èr",
        "shi'er",
        "shi2er4",
        "ㄕˊ ㄦˋ",
        "sh i2 er4",
        "yìqiān",
        "yiqian",
        "líng xià sān shè shì dù",
        "bǎi fēn zhī wǔ",
        "gōng lǐ měi xiǎo shí",
        "yāo",
        "liǎng",
        "ōu yuán",
        "èrshíwǔ",
    ],
)
def test_a_numbers_reading_in_any_style_reads_a_number(annotator, written):
    assert annotator.reads_number(written)


@pytest.mark.parametrize(
    "written",
    ["a", "e", "o", "b", "ē", "A", "ii", "an", "ㄜ", "e4", "hǎo a", "yínháng", "sh an1", "5"],
)
def test_other_groups_do_not_read_a_number(annotator, written):
    assert not annotator.reads_number(written)


def test_number_readings_take_only_their_syllables_whatever_the_style():
    readings = NumberReadings(["wu", "er", "shi"])
    for written in ["wǔ", "wu3", "wu", "Wǔshí'èr", "ㄨˇ", "ㄕˊ ㄦˋ", "u3", "sh i2 er4"]:
        assert readings(written), written
    for written in ["yī", "a", "ㄧ", "sh i2 a4", "sh", "wǔ-yī", "wu3shi"]:
        assert not readings(written), written


def test_spoken_forms_hold_only_the_words_the_grammar_knows():
    known = set("".join(spoken_words()))
    for _, text, _, _ in CASES:
        for span in find_numbers(text):
            assert set(span.spoken) <= known, (text, span.spoken)


@pytest.mark.parametrize("style", STYLES, ids=[str(s) for s in STYLES])
def test_every_number_of_the_table_strips_back(annotator, style):
    for _, text, _, _ in CASES:
        assert annotator.find_annotations(text) == [], text
        assert annotator.strip(annotator.annotate(text, numbers=True, **style)) == text


def test_the_option_reaches_every_door():
    assert AnnotationOptions.parse(numbers=True).numbers is True
    plain = BatchSettings().fingerprint()
    assert BatchSettings(options=AnnotationOptions(numbers=True)).fingerprint() != plain
    assert BatchSettings(options=AnnotationOptions()).fingerprint() == plain


def test_batch_reads_numbers(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "共2个"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(source), "-o", str(out), "--numbers", "--tones", "numbers"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["annotated"] == ("共(gong4)2(liang3)个(ge4)")


# Digits, signs, units and symbols mixed with Chinese, pinyin-looking groups and other scripts.
FRAGMENTS = st.sampled_from(
    [
        "2024",
        "年",
        "3",
        "月",
        "5日",
        "1,250",
        "12.5%",
        "-3℃",
        "13:45",
        "2/3",
        "第",
        "个",
        "点",
        "-",
        "~",
        ":",
        "/",
        ".",
        ",",
        "%",
        "¥",
        "$",
        "km",
        "kg",
        "m²",
        "°C",
        "０",
        "９",
        "(wǔ)",
        "(2021)",
        "(",
        ")",
        "银行",
        "abc",
        "COVID",
        " ",
        "\n",
        "😀",
        "١٢",
        "13812345678",
        "(a)",
        "(b)",
        "(e)",
        "(o)",
        "(er)",
        "(ii)",
        "（a）",
        "图",
        "条款",
    ]
)
TEXT = st.one_of(
    st.lists(FRAGMENTS, max_size=12).map("".join),
    st.text(alphabet="0123456789.,:-/%℃年月日个点第 abeor(ǎ)", max_size=30),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=3)), max_size=10).map("".join),
)
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(TEXT)
def test_annotate_then_strip_gives_the_input_back(annotator, text):
    assume(not annotator.find_annotations(text))
    for tones in ["marks", "none", "zhuyin", "initials-finals"]:
        assert annotator.strip(annotator.annotate(text, tones=tones)) == text
    for tones in ["marks", "numbers", "none", "zhuyin", "initials-finals"]:
        inline = annotator.annotate(text, numbers=True, tones=tones)
        assert annotator.strip(inline) == text
    for mode in ["textbook", "spoken"]:
        assert annotator.strip(annotator.annotate(text, numbers=True, mode=mode)) == text
    ruby = annotator.annotate(text, format="ruby", numbers=True)
    assert annotator.strip(ruby, format="ruby") == text
    ruby = annotator.annotate(text, format="ruby", numbers=True, per_character=True)
    assert annotator.strip(ruby, format="ruby") == text
    data = annotator.annotate(text, format="json", numbers=True)
    assert annotator.strip(data, format="json") == text
    orthography = annotator.annotate(text, numbers=True, orthography=True)
    assert annotator.strip(orthography) == text


# Text around numbers followed by the labels and list markers of technical and legal text.
LABELLED = st.lists(
    st.tuples(
        st.sampled_from(["见图", "表", "条款", "第", "，", "曲线A", "", " "]),
        st.sampled_from(["5", "2", "1", "12", "3.5", "25℃", "10%", "2024", "1,250", "5km"]),
        st.sampled_from(["(a)", "(b)", "(e)", "(o)", "(ii)", "(an)", "(A)", "（a）", "（e）"]),
        st.sampled_from(["项", "规定", "和", "。", "", "(b)"]),
    ).map("".join),
    min_size=1,
    max_size=4,
).map("".join)


@SETTINGS
@given(LABELLED)
def test_list_markers_after_numbers_are_never_annotations(annotator, text):
    assert annotator.find_annotations(text) == []
    for numbers in (False, True):
        for tones in ["marks", "numbers", "none", "zhuyin", "initials-finals"]:
            inline = annotator.annotate(text, numbers=numbers, tones=tones)
            assert annotator.strip(inline) == text
        orthography = annotator.annotate(text, numbers=numbers, orthography=True)
        assert annotator.strip(orthography) == text


@SETTINGS
@given(TEXT)
def test_number_tokens_cover_the_text_and_never_fail(annotator, text):
    document = annotator.analyze(text, numbers=True)
    position = 0
    for token in document.tokens:
        assert token.start == position < token.end <= len(text)
        assert text[token.start : token.end] == token.text
        if token.is_number:
            assert all(s.reading for s in token.syllables)
            assert set(token.spoken) <= set("".join(spoken_words()))
            assert all(token.start <= s.offset < token.end for s in token.syllables)
        position = token.end
    assert position == len(text)
    assert len(annotator.readings(text, numbers=True)) == len(text)
    annotator.annotate(text, numbers=True, format="pinyin")


def test_check_leaves_the_readings_of_numbers_alone(annotator):
    from pinyinize.check import repair

    annotated = annotator.annotate("2024年3月5日，共1,250元，增长12.5%。", numbers=True)
    assert check(annotator, annotated) == []
    assert repair(annotator, annotated) == annotated
    wrong = annotated.replace("元(yuán)", "元(yuǎn)")
    assert [problem.kind for problem in check(annotator, wrong)] == ["reading"]


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (
            "srt",
            "1\n00:00:01,000 --> 00:00:02,000\n银行\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\n400 800 8000(hao3)\n",
        ),
        ("html", "<p>银行</p><p>电话 8000(hào)</p><p>8000(wǔ)</p>"),
        ("markdown", "银行\n\n8000(hào)\n"),
    ],
)
def test_a_group_after_digits_in_a_part_without_han_is_the_documents_text(
    annotator, kind, document
):
    # A subtitle line or paragraph without Han is left as it is by annotate, so strip must
    # leave its groups too, even those that read like a number's reading (found by bench/fuzz.py)
    from pinyinize.formats import annotate_document, strip_document

    data = document.encode("utf-8")
    options = AnnotationOptions(numbers=True)
    annotated = annotate_document(data, annotator, options, kind=kind)
    assert strip_document(annotated, annotator, options, kind=kind) == data
