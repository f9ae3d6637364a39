"""check / repair: a case table per kind of defect, the seed article, and invariants."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinyinize.check import check, repair
from pinyinize.cli import main

from conftest import shared_file

DEFECT_CASES = [
    # (annotated text, kind, found, fixed text)
    ("两岸(liǎngàn)青山", "apostrophe", "(liǎngàn)", "两岸(liǎng'àn)青山"),
    ("威代尔(dàiěr)葡萄", "apostrophe", "(dàiěr)", "威代尔(dài'ěr)葡萄"),
    ("缺精神(jīngshén)(jīngshén)", "doubled", "(jīngshén)", "缺精神(jīngshén)"),
    ("被世界(shìjiè)纪录(shìjièjìlù)认证", "misplaced", "(shìjiè)", "被世界纪录(shìjièjìlù)认证"),
    ("山高谷(shāngāogǔ)深", "boundary", "山高谷(shāngāogǔ)", "山(shān)高(gāo)谷(gǔ)深"),
    ("云旦曲吉是(qūjíshì)局长", "boundary", "曲吉是(qūjíshì)", "云旦曲(qū)吉(jí)是(shì)局长"),
    ("银行(yínxíng)", "reading", "(yínxíng)", "银行(yínháng)"),  # the lexicon word says háng
    ("好(xué)", "reading", "好(xué)", "好(hǎo)"),  # not a reading of 好 at all
    ("好(nǐhǎo)", "syllables", "好(nǐhǎo)", "好(hǎo)"),  # two syllables, one character
    ("银行(yin2xing2)", "reading", "(yin2xing2)", "银行(yin2hang2)"),  # tone numbers kept
]


@pytest.mark.parametrize(
    ("text", "kind", "found", "fixed"), DEFECT_CASES, ids=[c[0] for c in DEFECT_CASES]
)
def test_each_kind_of_defect(annotator, text, kind, found, fixed):
    problems = check(annotator, text)
    assert [(p.kind, p.found) for p in problems] == [(kind, found)]
    assert repair(annotator, text) == fixed
    assert check(annotator, fixed) == []


CLEAN_CASES = [
    "认证机构(WRCA)发布《规划(2021-2040)》",  # parentheses that are not pinyin
    "两岸(liǎng'àn)",
    "一个(yígè)你好(níhǎo)",  # changed tones of textbook and spoken modes
    "一点儿(yīdiǎnr)",  # erhua written as r
    "银行(yinhang)",  # no tones written
    "张华(Zhāng Huá)",  # orthography
    "<ruby>银行<rt>yínháng</rt></ruby>",
    "(hǎo)好",  # a group before any Han character is text
    "",
]


@pytest.mark.parametrize("text", CLEAN_CASES)
def test_correct_annotations_are_not_flagged(annotator, text):
    assert check(annotator, text) == []


def test_ruby_defects(annotator):
    text = "<ruby>两岸<rp>(</rp><rt>liǎngàn</rt><rp>)</rp></ruby><ruby>银行<rt>yínxíng</rt></ruby>"
    problems = check(annotator, text)
    assert [(p.kind, p.found) for p in problems] == [
        ("apostrophe", "liǎngàn"),
        ("reading", "yínxíng"),
    ]
    fixed = repair(annotator, text)
    assert "<rt>liǎng'àn</rt>" in fixed and "<rt>yínháng</rt>" in fixed
    assert check(annotator, fixed) == []


def test_positions_are_line_and_column(annotator):
    (problem,) = check(annotator, "第一行\n他说两岸(liǎngàn)")
    assert (problem.line, problem.column) == (2, 5)


@pytest.fixture(scope="module")
def seed():
    return shared_file("samples/seed-article.txt").read_text(encoding="utf-8")


def test_seed_article(annotator, seed):
    problems = check(annotator, seed)
    found = {(p.kind, p.found) for p in problems}
    assert found == {
        ("apostrophe", "(liǎngàn)"),
        ("apostrophe", "(dàiěr)"),
        ("doubled", "(jīngshén)"),
        ("misplaced", "(shìjiè)"),
        ("boundary", "山高谷(shāngāogǔ)"),
        ("boundary", "曲吉是(qūjíshì)"),
    }
    assert len(problems) == 12  # the page repeats its body: each defect twice
    fixed = repair(annotator, seed)
    assert check(annotator, fixed) == []
    assert annotator.strip(fixed) == annotator.strip(seed)
    assert "(WRCA)" in annotator.strip(seed) and "(2021-2040)" in annotator.strip(seed)


def test_cli_check(tmp_path, seed):
    runner = CliRunner()
    path = tmp_path / "seed.txt"
    path.write_text(seed, encoding="utf-8")
    report = runner.invoke(main, ["check", str(path)])
    assert report.exit_code == 1
    assert f"{path}:16:123: apostrophe: (liǎngàn)" in report.stdout
    as_json = runner.invoke(main, ["check", "--json", str(path)])
    assert len(json.loads(as_json.stdout)["problems"]) == 12
    fixed = runner.invoke(main, ["check", "--fix", str(path)])
    assert fixed.exit_code == 0 and "fixed 12 problem(s)" in fixed.stderr
    clean = runner.invoke(main, ["check"], input=fixed.stdout_bytes)
    assert clean.exit_code == 0 and clean.stdout == ""


FRAGMENTS = st.sampled_from(
    ["银行", "行长", "还", "了", "着", "长大", "两岸", "西安", "一点儿", "哪儿", "我们", "你好",
     "(WRCA)", "😀", "\n", "abc", "，", "。", "张华", "桑日县", "高高兴兴", "一个", "不是", "看看"]
)  # fmt: skip
OPTIONS = st.sampled_from(
    [{}, {"tones": "numbers"}, {"tones": "none"}, {"mode": "spoken"}, {"mode": "textbook"},
     {"orthography": True}, {"format": "ruby"}, {"select": "level:3,first"}]
)  # fmt: skip


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(FRAGMENTS, max_size=10).map("".join), OPTIONS)
def test_our_own_annotations_pass_check(annotator, text, options):
    assert check(annotator, annotator.annotate(text, **options)) == []


def test_strip_removes_other_tools_ruby(annotator):
    text = "<ruby><rb>银行</rb><rp>(</rp><rt>yínháng</rt><rp>)</rp></ruby>很好"
    assert annotator.strip(text, format="ruby") == "银行很好"
