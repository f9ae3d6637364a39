"""Formats that round-trip (issue 15): full-width parentheses are annotations, strip
recognises the ruby `annotate --format ruby` writes for text, and says when there is
nothing to strip."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pinyinize.check import check, repair
from pinyinize.cli import main
from pinyinize.errors import InputError
from pinyinize.options import AnnotationOptions


def test_full_width_annotation_is_refused(annotator):
    with pytest.raises(InputError, match="already annotated"):
        annotator.annotate("世界（shìjiè）很大")


def test_full_width_annotation_is_stripped(annotator):
    strip = annotator.strip
    assert strip("世界（shìjiè）很大") == "世界很大"
    assert strip("两岸（liǎng'àn）") == "两岸"


@pytest.mark.parametrize(
    "text",
    ["中文（注释）", "机构（WRCA）", "好（2021）", "好(hǎo）", "好（hǎo)", "（你好）"],
)
def test_other_parentheses_stay(annotator, text):
    """Text in full-width parentheses that is not pinyin, and mixed pairs, are text."""
    assert annotator.strip(text) == text
    assert annotator.find_annotations(text) == []


def test_text_in_full_width_parentheses_round_trips(annotator):
    text = "中文（注释）和（你好）"
    assert annotator.strip(annotator.annotate(text)) == text


def test_check_flags_a_full_width_annotation_and_keeps_its_parentheses(annotator):
    problems = check(annotator, "两岸的银行（yínxíng）")
    assert [(p.kind, p.found, p.suggestion) for p in problems] == [
        ("reading", "（yínxíng）", "（yínháng）")
    ]
    assert repair(annotator, "两岸（liǎngàn）") == "两岸（liǎng'àn）"


@pytest.fixture
def runner():
    return CliRunner()


def test_strip_html_made_from_text_gives_the_text_back(runner, tmp_path):
    original = "银行行长\n\n你好，世界 & <朋友>\n"
    source = tmp_path / "article.txt"
    source.write_text(original, encoding="utf-8")
    page = tmp_path / "article.html"
    result = runner.invoke(main, ["annotate", "--format", "ruby", str(source), "-o", str(page)])
    assert result.exit_code == 0, result.output
    stripped = runner.invoke(main, ["strip", str(page)])
    assert stripped.exit_code == 0, stripped.output
    assert stripped.stdout_bytes == original.encode()
    assert "nothing stripped" not in stripped.stderr


def test_strip_leaves_a_page_without_our_ruby_alone(runner, tmp_path):
    page = tmp_path / "page.html"
    html = '<p>银行 &amp; <ruby>汉<rt>han</rt></ruby><ruby class="x">字<rt>zi</rt></ruby></p>'
    page.write_text(html, encoding="utf-8")
    result = runner.invoke(main, ["strip", str(page)])
    assert result.stdout_bytes == html.encode()
    assert "nothing stripped" in result.stderr


def test_strip_says_when_there_is_nothing_to_strip(runner):
    result = runner.invoke(main, ["strip"], input="你好\n".encode())
    assert result.exit_code == 0
    assert result.stdout_bytes == "你好\n".encode()
    assert "<stdin>: no pinyin annotations found; nothing stripped" in result.stderr


def test_strip_is_quiet_when_it_strips(runner):
    result = runner.invoke(main, ["strip"], input="你好(nǐhǎo)\n".encode())
    assert result.stdout_bytes == "你好\n".encode()
    assert result.stderr == ""


# Markdown: emphasis, links and code spans survive inline annotation ----------------------

STRUCTURE = {"strong_open", "strong_close", "em_open", "em_close", "link_open", "link_close"}


def structure(markdown: str) -> list[str]:
    """What CommonMark reads in ``markdown``: its emphasis, links, images and code spans."""
    from markdown_it import MarkdownIt

    return [
        child.type
        for token in MarkdownIt("commonmark").parse(markdown)
        for child in token.children or ()
        if child.type in STRUCTURE | {"code_inline", "image"}
    ]


def annotate_markdown(annotator, text: str, **options) -> str:
    from pinyinize.formats import annotate_document

    written = annotate_document(
        text.encode(), annotator, AnnotationOptions(**options), kind="markdown"
    )
    return written.decode()


def strip_markdown(annotator, text: str) -> str:
    from pinyinize.formats import strip_document

    stripped = strip_document(text.encode(), annotator, AnnotationOptions(), kind="markdown")
    return stripped.decode()


@pytest.mark.parametrize(
    "text",
    [
        "两岸的**银行**行长\n",
        "*你好*世界\n",
        "银行**行长**很好\n",
        "**银行**。\n",
        "他说*你好*，__世界__\n",
        "# 标题里的**银行**行长\n",
        "- 一**银行**行长\n- *你好*世界\n",
        "[银行](http://example.com)行长和`代码`银行\n",
        "这是**银行*行长*工作**地方\n",
        "两岸的**银行**行长和*你好*世界，**大**家\n",
    ],
)
def test_markdown_annotation_keeps_the_inline_structure(annotator, text):
    annotated = annotate_markdown(annotator, text)
    assert structure(annotated) == structure(text), annotated
    assert strip_markdown(annotator, annotated) == text


def test_markdown_bold_word_before_han(annotator):
    annotated = annotate_markdown(annotator, "两岸的**银行**行长\n")
    assert annotated == "两岸(liǎng'àn)的(de)**银行**(yínháng)行长(hángzhǎng)\n"


def test_markdown_annotation_moved_past_emphasis_is_refused(annotator):
    annotated = annotate_markdown(annotator, "两岸的**银行**行长\n")
    with pytest.raises(InputError, match="already annotated"):
        annotate_markdown(annotator, annotated)


def test_markdown_strip_keeps_other_parentheses_after_emphasis(annotator):
    text = "**好**(2021)和*机构*(WRCA)\n"
    assert strip_markdown(annotator, text) == text


def test_markdown_many_emphasis_runs_in_one_paragraph(annotator):
    text = "两岸的**银行**行长和银行**行长**很好，" * 5 + "\n"
    annotated = annotate_markdown(annotator, text)
    assert structure(annotated) == structure(text)
    assert strip_markdown(annotator, annotated) == text


def test_markdown_emphasis_fix_stays_linear(annotator):
    import time

    def best_time(text: str) -> float:
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            annotate_markdown(annotator, text)
            timings.append(time.perf_counter() - start)
        return min(timings)

    block = "两岸的**银行**行长和*你好*世界，"
    small = best_time(block * 100 + "\n")
    assert best_time(block * 200 + "\n") < 3 * small
