"""Ruby that typesets: one syllable over each character, a whole styled document for plain
text that strip turns back into the text byte for byte (issue 15)."""

from __future__ import annotations

import pytest

from pinyinize.check import check
from pinyinize.formats import annotate_document, strip_document
from pinyinize.formats.html import LEGACY_STYLESHEETS, STYLESHEET
from pinyinize.options import AnnotationOptions

RUBY = AnnotationOptions(format="ruby")
TEXTS = [
    "两岸的银行行长\n\n　　壮壮和张华 <b>&amp; 1 < 2\r\n  \n最后一行",
    "一行\n二行\n三行\n四行\n",
    "\n\n银行\r行长\n\n\n",
    "",
    "no Chinese at all",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("kind", ["text", "html"])
def test_a_standalone_document_strips_back_to_the_text(annotator, text, kind):
    document = annotate_document(text.encode(), annotator, RUBY)
    assert document.startswith(b"<!DOCTYPE html>") and STYLESHEET.encode() not in document
    assert strip_document(document, annotator, RUBY, kind=kind) == text.encode()


def test_each_line_that_is_not_blank_is_a_paragraph(annotator):
    document = annotate_document("一行\n二行\n\n  \n三行\n".encode(), annotator, RUBY).decode()
    body = document[document.index("<body>\n") + 7 : document.index("</body>")]
    assert body.count("<p>") == 3 and body.startswith("<p><ruby>一<rp>")
    assert "</p>\n\n  \n<p>" in body
    assert "<style data-pinyinize" in document and "<title>一行</title>" in document


def test_a_fragment_on_request(annotator):
    options = RUBY.replace(fragment=True)
    fragment = annotate_document("银行".encode(), annotator, options).decode()
    assert (
        fragment
        == "<ruby>银<rp>(</rp><rt>yín</rt><rp>)</rp>行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby>"
    )


def test_a_merged_erhua_shares_the_syllable_before_it(annotator):
    output = annotator.annotate("哪儿", format="ruby", mode="spoken")
    assert output == "<ruby>哪儿<rp>(</rp><rt>nǎr</rt><rp>)</rp></ruby>"


def test_the_stylesheet_of_earlier_versions_is_stripped(annotator):
    page = "<html><head></head><body><p>银行</p></body></html>"
    old = annotate_document(page.encode(), annotator, RUBY, kind="html").decode()
    old = old.replace(STYLESHEET, LEGACY_STYLESHEETS[0])
    assert strip_document(old.encode(), annotator, RUBY, kind="html").decode() == page


def test_a_changed_standalone_document_is_refused(annotator):
    document = annotate_document("银行".encode(), annotator, RUBY).decode()
    with pytest.raises(Exception, match="not a pinyinize text document"):
        strip_document(document.replace("</html>", "").encode(), annotator, RUBY)


def test_check_reads_the_syllable_over_each_character(annotator):
    ruby = annotator.annotate("两岸的银行行长长大了", format="ruby")
    assert check(annotator, ruby) == []
    wrong = ruby.replace("<rt>háng</rt>", "<rt>xíng</rt>", 1)
    assert [problem.as_dict()["message"] for problem in check(annotator, wrong)] == [
        "行 is written háng"
    ]
