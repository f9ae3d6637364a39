"""Whole documents: only Chinese prose gains annotations, everything else stays byte for
byte, and stripping gives back the original."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from posixpath import dirname, join, normpath
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest

from pinyinize import InputError
from pinyinize.formats import (
    DOCUMENT_TYPES,
    annotate_document,
    detect,
    strip_document,
)
from pinyinize.formats.html import STYLESHEET
from pinyinize.options import AnnotationOptions
from pinyinize.render import Format
from pinyinize.select import parse_selection

DOCUMENTS = Path(__file__).parent / "data" / "documents"
RUBY = AnnotationOptions(format=Format.RUBY)
INLINE = AnnotationOptions(format=Format.INLINE)
MARK = '<ruby class="pinyinize">'


def read(name: str) -> bytes:
    return (DOCUMENTS / name).read_bytes()


def annotated(annotator, name, options=None, kind=None) -> str:
    options = options or AnnotationOptions()
    data = read(name)
    return annotate_document(data, annotator, options, kind=kind or detect(name)).decode()


@pytest.mark.parametrize(
    ("name", "kind", "format"),
    [
        ("page.html", "html", Format.RUBY),
        ("page.html", "html", Format.INLINE),
        ("talk.srt", "srt", Format.INLINE),
        ("crlf.srt", "srt", Format.INLINE),
        ("talk.vtt", "vtt", Format.INLINE),
        ("talk.vtt", "vtt", Format.RUBY),
        ("notes.md", "markdown", Format.INLINE),
        ("notes.md", "markdown", Format.RUBY),
    ],
)
def test_strip_gives_back_the_original_bytes(annotator, name, kind, format):
    original = read(name)
    options = AnnotationOptions(format=format)
    output = annotate_document(original, annotator, options, kind=kind)
    assert output != original
    assert strip_document(output, annotator, options, kind=kind) == original


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.html", "html"), ("b.HTM", "html"), ("c.xhtml", "html"), ("d.epub", "epub"),
     ("e.srt", "srt"), ("f.vtt", "vtt"), ("g.md", "markdown"), ("h.txt", "text"),
     ("i", "text"), (None, "text")],
)  # fmt: skip
def test_detect_by_suffix(name, kind):
    assert detect(name) == kind


def test_every_type_is_registered():
    assert set(DOCUMENT_TYPES) == {"text", "html", "epub", "srt", "vtt", "markdown"}


# --- HTML --------------------------------------------------------------------------------


def test_html_annotates_prose_with_ruby(annotator):
    page = annotated(annotator, "page.html")
    assert (
        f"{MARK}银<rp>(</rp><rt>yín</rt><rp>)</rp>行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby>"
        in page
    )
    assert (
        f"{MARK}行<rp>(</rp><rt>háng</rt><rp>)</rp>长<rp>(</rp><rt>zhǎng</rt><rp>)</rp></ruby>"
        in page
    )
    assert f">{MARK}去<rp>" in page  # text inside a link
    assert page.count(STYLESHEET) == 1
    assert page.index(STYLESHEET) < page.index("</head>")


@pytest.mark.parametrize(
    "untouched",
    [
        "<title>银行行长的一天</title>",  # text only: markup would show (ruby mode)
        '<style>\n  p::before { content: "银行"; }\n</style>',
        '<script>\n  const greeting = "<p>你好，银行</p>";\n  if (1 < 2 && greeting) '
        '{ console.log("行长"); }\n</script>',
        '<body class="文章">',
        "<!-- 注释：银行 -->",
        '<h1 title="标题：银行行长">',
        '<a href="/银行?q=行长" title="银行">',
        "<pre>银行  代码\n  行长</pre>",
        '<code>print("银行")</code>',
        "<kbd>行长</kbd>",
        "<ruby>漢<rt>hàn</rt></ruby>",
        '<textarea name="留言">写点银行的事</textarea>',
        "<p>Numbers 2024 &lt;tag&gt; and English only.</p>",
        " &amp; ",
        "&nbsp;",
    ],
)
def test_html_keeps_everything_but_prose(annotator, untouched):
    assert untouched in read("page.html").decode()
    assert untouched in annotated(annotator, "page.html")


def test_html_inline_keeps_attributes_and_code(annotator):
    page = annotated(annotator, "page.html", INLINE)
    assert "两岸(liǎng'àn)的(de)银行(yínháng)" in page
    assert "<title>银行(yínháng)行长(hángzhǎng)" in page  # inline is fine in a title
    assert '<h1 title="标题：银行行长">' in page and STYLESHEET not in page
    assert "<pre>银行  代码\n  行长</pre>" in page


def test_html_ruby_annotated_page_is_refused_unless_forced(annotator):
    # Annotating it again could not be undone by strip, which takes away all our ruby.
    once = annotated(annotator, "page.html").encode()
    with pytest.raises(InputError, match=r"^16:21: already annotated \(<ruby class="):
        annotate_document(once, annotator, RUBY, kind="html")
    forced = AnnotationOptions(format=Format.RUBY, force=True)
    assert annotate_document(once, annotator, forced, kind="html") == once


def test_html_refuses_inline_annotated_text_unless_forced(annotator):
    page = "<html><body>\n<p>银行(yínháng)</p></body></html>".encode()
    with pytest.raises(InputError, match=r"^2:6: already annotated"):
        annotate_document(page, annotator, INLINE, kind="html")
    forced = AnnotationOptions(format=Format.INLINE, force=True)
    assert annotate_document(page, annotator, forced, kind="html")


def test_html_first_counts_across_text_nodes(annotator):
    page = "<p>银行</p><p>银行和银行</p>".encode()
    options = AnnotationOptions(format=Format.INLINE, selection=parse_selection("first"))
    output = annotate_document(page, annotator, options, kind="html").decode()
    assert output.count("(yínháng)") == 1


def test_html_ruby_output_of_xhtml_is_well_formed_xml(annotator):
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>t</title></head><body><p>银行&#160;行长 &amp; 你好<br/>长大</p>"
        "<![CDATA[ 银行 ]]></body></html>"
    ).encode()
    output = annotate_document(page, annotator, RUBY, kind="html")
    ElementTree.fromstring(output)
    assert b"<br/>" in output and b"&#160;" in output


@pytest.mark.parametrize(
    "broken",
    [
        b"<p>\xe9\x93\xb6\xe8\xa1\x8c<div <<>> </p",
        b"<<<>>>",
        b"</p></p>",
        b"",
        b"<!-- \xe9\x93\xb6",
    ],
)
def test_html_broken_pages_do_not_fail(annotator, broken):
    output = annotate_document(broken, annotator, RUBY, kind="html")
    assert strip_document(output, annotator, RUBY, kind="html") == broken


# --- EPUB --------------------------------------------------------------------------------

CONTAINER = b"""<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf"
    media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>
    <dc:title>银行的故事</dc:title><dc:language>zh</dc:language></metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="c1" href="text/chapter%201.xhtml" media-type="application/xhtml+xml"/>
    <item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
    <item id="css" href="style.css" media-type="text/css"/>
    <item id="img" href="images/cover.png" media-type="image/png"/>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
  </manifest>
  <spine toc="ncx"><itemref idref="c1"/><itemref idref="c2"/></spine>
</package>""".encode()
XHTML = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>{title}</title><link rel="stylesheet" href="../style.css"/></head>
<body><h1 title="{title}">{title}</h1>
<p>{body}&#160;&amp;<br/><img src="../images/cover.png" alt="银行大楼"/></p>
<pre>代码：银行</pre></body></html>"""
NAV = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>目录</title></head><body><nav epub:type="toc"><ol>
<li><a href="text/chapter%201.xhtml">第一章</a></li><li><a href="text/ch2.xhtml">第二章</a></li>
</ol></nav></body></html>"""
NCX = b'<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"/>'
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def build_epub() -> bytes:
    entries = [
        ("mimetype", b"application/epub+zip", zipfile.ZIP_STORED),
        ("META-INF/container.xml", CONTAINER, zipfile.ZIP_DEFLATED),
        ("OEBPS/content.opf", OPF, zipfile.ZIP_DEFLATED),
        ("OEBPS/nav.xhtml", NAV.encode(), zipfile.ZIP_DEFLATED),
        ("OEBPS/images/cover.png", PNG, zipfile.ZIP_STORED),
        ("OEBPS/style.css", "p { color: black } /* 银行 */".encode(), zipfile.ZIP_DEFLATED),
        ("OEBPS/text/chapter 1.xhtml",
         XHTML.format(title="第一章 银行", body="两岸的银行行长来了。").encode(),
         zipfile.ZIP_DEFLATED),
        ("OEBPS/text/ch2.xhtml",
         XHTML.format(title="第二章", body="他长大了，你好。").encode(), zipfile.ZIP_DEFLATED),
        ("OEBPS/toc.ncx", NCX, zipfile.ZIP_DEFLATED),
    ]  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, data, compression in entries:
            book.writestr(zipfile.ZipInfo(name, (2024, 1, 2, 3, 4, 6)), data, compression)
    return buffer.getvalue()


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {info.filename: book.read(info) for info in book.infolist()}


def check_epub_structure(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        first = book.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert book.read("mimetype") == b"application/epub+zip"
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(".//{*}rootfile")
        assert rootfile is not None
        opf_path = rootfile.get("full-path")
        package = ElementTree.fromstring(book.read(opf_path))
        names = set(book.namelist())
        for item in package.iterfind(".//{*}manifest/{*}item"):
            path = normpath(join(dirname(opf_path), unquote(item.get("href"))))
            assert path in names
            if item.get("media-type") == "application/xhtml+xml":
                ElementTree.fromstring(book.read(path))  # well-formed XML


def test_epub_annotates_content_documents_and_keeps_the_rest(annotator):
    original = build_epub()
    output = annotate_document(original, annotator, AnnotationOptions(), kind="epub")
    check_epub_structure(output)
    before, after = entries(original), entries(output)
    assert list(before) == list(after)  # same entries, same order
    documents = {"OEBPS/nav.xhtml", "OEBPS/text/chapter 1.xhtml", "OEBPS/text/ch2.xhtml"}
    for name in before:
        if name in documents:
            assert after[name] != before[name]
        else:
            assert after[name] == before[name], name
    chapter = after["OEBPS/text/chapter 1.xhtml"].decode()
    assert (
        f"{MARK}银<rp>(</rp><rt>yín</rt><rp>)</rp>行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby>"
        in chapter
    )
    assert 'alt="银行大楼"' in chapter and "<pre>代码：银行</pre>" in chapter
    assert "<title>第一章 银行</title>" in chapter and STYLESHEET in chapter


def test_epub_strip_gives_back_every_entry(annotator):
    original = build_epub()
    for options in (RUBY, INLINE):
        output = annotate_document(original, annotator, options, kind="epub")
        stripped = strip_document(output, annotator, options, kind="epub")
        assert entries(stripped) == entries(original)
        check_epub_structure(stripped)


def test_epub_first_counts_across_chapters(annotator):
    options = AnnotationOptions(format=Format.INLINE, selection=parse_selection("first"))
    output = entries(annotate_document(build_epub(), annotator, options, kind="epub"))
    text = "".join(data.decode() for name, data in output.items() if name.endswith(".xhtml"))
    assert text.count("(yínháng)") == 1


def zip_of(**files: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip at all", "not a zip file"),
        (b"", "not a zip file"),
        (zip_of(readme=b"hello"), "first entry is not mimetype"),
        (zip_of(mimetype=b"application/epub+zip"), "META-INF/container.xml is missing"),
        (
            zip_of(mimetype=b"application/epub+zip", **{"META-INF/container.xml": b"<c"}),
            "META-INF/container.xml:",
        ),
    ],
)
def test_not_an_epub_is_an_input_error(annotator, data, message):
    with pytest.raises(InputError, match="not an EPUB") as error:
        annotate_document(data, annotator, AnnotationOptions(), kind="epub")
    assert message in str(error.value)


# --- subtitles ---------------------------------------------------------------------------


def test_srt_annotates_cue_text_only(annotator):
    output = annotated(annotator, "talk.srt")
    assert output.startswith("1\n00:00:01,000 --> 00:00:03,500\n银行(yínháng)行长(hángzhǎng)")
    assert "<i>他(tā)说(shuō)：“你好(nǐhǎo)！”</i>\n\n2\n00:00:04,000 --> 00:00:06,000\n" in output
    assert "{\\an8}两岸(liǎng'àn)" in output and "\nSecond line in English\n" in output
    assert output.endswith("3\n00:00:07,000 --> 00:00:08,000\nOK\n")


def test_srt_keeps_crlf(annotator):
    output = annotated(annotator, "crlf.srt")
    assert output == (
        "1\r\n00:00:01,000 --> 00:00:02,000\r\n银行(yínháng)\r\n行长(hángzhǎng)\r\n\r\n"
        "2\r\n00:00:02,500 --> 00:00:03,000\r\n再见(zàijiàn)\r\n"
    )


def test_srt_has_no_ruby(annotator):
    with pytest.raises(InputError, match="srt documents take the inline"):
        annotate_document(read("talk.srt"), annotator, RUBY, kind="srt")


def test_vtt_keeps_header_notes_styles_regions_and_settings(annotator):
    original = read("talk.vtt").decode()
    for options in (INLINE, RUBY):
        output = annotated(annotator, "talk.vtt", options)
        head = original[: original.index("intro")]
        assert output.startswith(head + "intro\n00:00:01.000 --> 00:00:03.000 align:start")
        assert "<ruby>漢<rt>hàn</rt></ruby>" in output
        assert "<v 老王>" in output and "<c.yellow>" in output and " &amp; " in output


def test_vtt_ruby_has_no_parentheses(annotator):
    output = annotated(annotator, "talk.vtt", RUBY)
    assert "<ruby.pinyinize>银<rt>yín</rt>行<rt>háng</rt></ruby>" in output
    assert "<rp>" not in output


# --- Markdown ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "untouched",
    [
        "---\ntitle: 银行行长\ntags: [银行, 行长]\n---\n",
        '](https://example.com/银行 "银行主页")',
        "`银行.py`",
        "<https://银行.example.com>",
        "![银行大楼](images/银行.png)",
        '<div class="note">\n银行 HTML 块\n</div>',
        '```python\nprint("银行行长")\n```',
        "    缩进的代码：银行",
        '[参考]: https://example.com/行长 "行长"',
        "`代码`",
        "\\*",
    ],
)
def test_markdown_keeps_code_urls_html_and_front_matter(annotator, untouched):
    assert untouched in read("notes.md").decode()
    assert untouched in annotated(annotator, "notes.md")


@pytest.mark.parametrize(
    "prose",
    [
        "# 银行(yínháng)行长(hángzhǎng)的(de)一天(yītiān)",
        "[详细(xiángxì)介绍(jièshào)](",
        "- 列表(lièbiǎo)里(lǐ)的(de)银行(yínháng)",
        "> 引用(yǐnyòng)：你好(nǐhǎo)",
        "| 银行(yínháng) | 行长(hángzhǎng) |",
    ],
)
def test_markdown_annotates_prose(annotator, prose):
    assert prose in annotated(annotator, "notes.md")


def test_markdown_without_front_matter_and_unclosed(annotator):
    text = "---\n银行\n".encode()  # no closing line: a rule and a paragraph, not front matter
    output = annotate_document(text, annotator, AnnotationOptions(), kind="markdown")
    assert output.decode() == "---\n银行(yínháng)\n"


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["text", "html", "srt", "vtt", "markdown"])
def test_invalid_utf8_is_an_input_error(annotator, kind):
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 0xff at offset 3\)"):
        annotate_document("银".encode() + b"\xff", annotator, AnnotationOptions(), kind=kind)


@pytest.mark.parametrize("kind", ["text", "html", "srt", "vtt", "markdown"])
def test_empty_and_binary_pass_through(annotator, kind):
    for data in (b"", bytes(range(128))):
        assert annotate_document(data, annotator, AnnotationOptions(), kind=kind) == data


def test_unknown_type_and_wrong_format(annotator):
    with pytest.raises(InputError, match="unknown document type 'pdf'"):
        annotate_document(b"", annotator, AnnotationOptions(), kind="pdf")
    with pytest.raises(InputError, match="html documents take the ruby, inline"):
        annotate_document(b"", annotator, AnnotationOptions(format=Format.JSON), kind="html")
