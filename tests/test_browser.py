"""The web page in a real headless Chromium (Debian's, driven by playwright).

The server runs on a free loopback port in a background thread.  Locally the tests skip
when /usr/bin/chromium is missing; under CI (CI=true) that is a failure, since .ci/run
installs it.  Screenshots land in the test's tmp dir; with UPDATE_SCREENSHOTS=1 the
desktop and phone ones are also copied to docs/ for the README.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pinyinize.formats import annotate_document, strip_document
from pinyinize.options import AnnotationOptions
from pinyinize.spell import split_word

from conftest import ROOT, SHARED

pytest.importorskip("fastapi", reason="the serve extra is not installed")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed")
create_app = pytest.importorskip("pinyinize.server").create_app

CHROMIUM = Path(os.environ.get("PINYINIZE_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANNOTATION = re.compile(r"\(([^()\r\n]{1,80})\)")
# Used when ../shared is not beside the checkout: a real paragraph of the seed article.
FALLBACK_PARAGRAPH = (
    "6月的桑日,苍穹如洗、云絮似棉,澄澈的雅江水携着清冽的融雪蜿蜒远去,"
    "四面环山簇拥着藏式碉房与新式民居,飘动的布幔在风中猎猎作响。"
)
# Long readings over one character (壮 zhuàng), names, the same word twice, punctuation.
HANDOUT = (
    "壮壮和张华在银行门口等行长。行长说：“两岸的银行行长长大了，壮壮的爸爸张华很重要。”"
    "创业者们想象着庄严的装修，闯荡江湖的双胞胎窗外喊：“爽！”"
)
# clreq: neighbouring readings keep at least a quarter em (of the reading's size) apart.
MIN_GAP_EM = 0.25
# The text boxes of every reading in a document (range rects: the glyphs, not the padding).
READING_BOXES = """selector => Array.from(document.querySelectorAll(selector + ' rt'))
  .filter(rt => rt.textContent).flatMap(rt => {
    const range = document.createRange();
    range.selectNodeContents(rt);
    return Array.from(range.getClientRects()).filter(r => r.width > 0).map(r =>
      ({text: rt.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
        size: parseFloat(getComputedStyle(rt).fontSize)}));
  })"""
XSS = "<img src=x onerror=window.__xss=1>银行<script>window.__xss=2</script>行长"


def seed_paragraph() -> str:
    """The seed article's first paragraph of body text, its pinyin annotations removed."""
    path = SHARED / "samples" / "seed-article.txt"
    if not path.exists():
        return FALLBACK_PARAGRAPH
    for line in path.read_text(encoding="utf-8").splitlines():
        plain = ANNOTATION.sub(lambda m: "" if split_word(m.group(1)) else m.group(0), line)
        if len(plain) > 60:
            return plain.strip()
    return FALLBACK_PARAGRAPH


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser_context(base_url, tmp_path_factory) -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing under CI: .ci/run should have installed it")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=LAUNCH_ARGS,
            accept_downloads=True,
            viewport={"width": 1100, "height": 900},
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context, base_url):
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.goto(base_url)
    page.evaluate("sessionStorage.clear()")
    yield page
    page.close()
    if getattr(page, "refusals_expected", False):  # the browser logs each 4xx answer
        problems = [p for p in problems if not p.startswith(REFUSAL_LOGGED)]
    assert not problems, problems  # a CSP violation or a script error shows up here


REFUSAL_LOGGED = "console: Failed to load resource: the server responded with a status of 4"
PLAIN_PREVIEW = (
    "() => { const copy = document.getElementById('preview').cloneNode(true);"
    " copy.querySelectorAll('rt, rp').forEach(e => e.remove()); return copy.textContent; }"
)


def type_text(page, text: str) -> None:
    """Type into the box and wait until the preview shows exactly that text."""
    page.fill("#text", text)
    page.wait_for_function(
        f"expected => ({PLAIN_PREVIEW})() === expected"
        " && document.getElementById('output').value.length > 0",
        arg=text,
    )


def rt_of(page, word: str, occurrence: int = 0) -> str:
    """The pinyin over an occurrence of a word: its syllables, one <rt> each, joined."""
    return page.evaluate(
        "([word, n]) => Array.from(document.querySelectorAll(`#preview .word[data-word='${word}']`)"
        "[n].querySelectorAll('rt')).map(rt => rt.textContent).join('')",
        [word, occurrence],
    )


def test_the_seed_paragraph_appears_as_ruby(page, tmp_path):
    paragraph = seed_paragraph()
    type_text(page, paragraph)
    rubies = page.locator("#preview ruby")
    assert rubies.count() > 20
    # the preview shows the text exactly, the readings in <rt> above it
    assert page.evaluate(PLAIN_PREVIEW) == paragraph
    assert "<ruby>" in page.input_value("#output")
    page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)


def test_picking_another_reading_is_applied_kept_and_exported(page, base_url, tmp_path):
    type_text(page, "两岸的银行行长长大了。")
    assert rt_of(page, "行长") == "hángzhǎng"
    page.click('#preview .word[data-word="行长"]')
    page.check("#picker-all")
    page.locator("#picker-candidates button", has_text="xíngzhǎng").click()
    page.wait_for_function(
        "() => document.querySelector('#preview .word.chosen[data-word=\"行长\"] rt')"
        "?.textContent === 'xíng'"
    )
    assert "行长(xíngzhǎng)" in page.evaluate(
        "fetch('/api/annotate', {method: 'POST', headers: {'content-type': 'application/json'},"
        " body: JSON.stringify({text: '行长', user_dict: JSON.parse("
        "sessionStorage.getItem('pinyinize.readings'))})}).then(r => r.json()).then(d => d.result)"
    )
    # kept for the session: a reload of the tab still reads it so
    page.reload()
    type_text(page, "他是行长。")
    assert rt_of(page, "行长") == "xíngzhǎng"

    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "user-dict.tsv"
    download.value.save_as(exported)
    assert download.value.suggested_filename == "user-dict.tsv"
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert "行长\txing2 zhang3" in lines

    page.click("#copy-inline")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.startsWith('Copied')"
    )
    assert page.evaluate("navigator.clipboard.readText()") == "他(tā)是(shì)行长(xíngzhǎng)。"

    page.click("#copy-html")
    page.wait_for_function(
        "() => document.getElementById('status').textContent === 'Copied as HTML.'"
    )
    assert "<rt>xíng</rt>" in page.evaluate("navigator.clipboard.readText()")

    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "pinyin.html"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "pinyin.html"
    assert "<rt>xíng</rt>" in saved.read_text(encoding="utf-8")

    page.click("#clear")
    page.wait_for_function(
        "() => document.querySelector('#preview .word[data-word=\"行长\"] rt')"
        "?.textContent === 'háng'"
    )


def test_options_change_the_result(page, annotator):
    type_text(page, "银行行长")
    page.select_option("#tones", "numbers")
    page.wait_for_function("() => document.querySelector('#preview rt').textContent === 'yin2'")
    page.select_option("#format", "pinyin")
    page.wait_for_function(
        "() => document.getElementById('output').value === 'yin2hang2 hang2zhang3'"
    )
    page.select_option("#select", "level:6")
    expected = annotator.annotate("银行行长", format="ruby", select="level:6").count("<ruby>")
    assert expected < 2
    page.wait_for_function(
        "n => document.querySelectorAll('#preview ruby').length === n", arg=expected
    )


def test_typed_markup_is_shown_never_run(page):
    type_text(page, XSS)
    page.wait_for_timeout(300)  # give an injected handler every chance to run
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#preview img, #preview script").count() == 0
    assert "<img src=x onerror=window.__xss=1>" in page.locator("#preview").inner_text()
    assert rt_of(page, "银行") == "yínháng"


def test_screenshots_on_desktop_and_phone(page, browser_context, base_url, tmp_path):
    paragraph = seed_paragraph()
    type_text(page, paragraph)
    page.locator("#preview .word").nth(3).click()
    page.wait_for_selector("#picker-candidates button")
    desktop = tmp_path / "screenshot.png"
    page.screenshot(path=str(desktop))

    phone = browser_context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(base_url)
    type_text(phone, paragraph[:80])
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    mobile = tmp_path / "screenshot-phone.png"
    phone.screenshot(path=str(mobile), full_page=True)
    phone.close()
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        shutil.copyfile(desktop, docs / "screenshot.png")
        shutil.copyfile(mobile, docs / "screenshot-phone.png")


def touching_readings(boxes: list[dict]) -> list[tuple[str, str, float]]:
    """Pairs of readings on one line (their boxes overlap vertically) less than MIN_GAP_EM
    apart horizontally, with the gap between them in px (negative: they overlap)."""
    found = []
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            same_line = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0
            gap = max(a["left"], b["left"]) - min(a["right"], b["right"])
            if same_line and gap < MIN_GAP_EM * max(a["size"], b["size"]):
                found.append((a["text"], b["text"], round(gap, 2)))
    return found


@pytest.mark.parametrize("below", [False, True], ids=["above", "below"])
def test_readings_never_touch_on_the_page(page, below):
    page.set_viewport_size({"width": 700, "height": 900})  # several lines, wrapped
    type_text(page, HANDOUT)
    if below:
        page.select_option("#position", "under")
    boxes = page.evaluate(READING_BOXES, "#preview")
    assert len(boxes) >= len(HANDOUT) - 12  # one reading per character, bar punctuation
    lines = {round(box["top"]) for box in boxes}
    assert len(lines) >= 2, "the handout should wrap onto several lines"
    assert touching_readings(boxes) == []


def test_readings_never_touch_in_a_standalone_ruby_document(browser_context, annotator, tmp_path):
    text = f"{HANDOUT}\n\n{HANDOUT[:30]}\n"
    document = annotate_document(text.encode(), annotator, AnnotationOptions(format="ruby"))
    path = tmp_path / "article.html"
    path.write_bytes(document)
    page = browser_context.new_page()
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto(path.as_uri())
    assert page.locator("p").count() == 2
    boxes = page.evaluate(READING_BOXES, "body")
    assert len(boxes) > len(HANDOUT) and touching_readings(boxes) == []
    # a readable size: the pinyin is at least 11 CSS px high
    assert min(box["bottom"] - box["top"] for box in boxes) >= 11
    page.screenshot(path=str(tmp_path / "standalone.png"), full_page=True)
    page.close()


def test_readings_never_touch_in_an_annotated_html_page(browser_context, annotator, tmp_path):
    source = (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>t</title></head>'
        f"<body><h1>银行行长</h1><p>这件事很重要。{HANDOUT}</p></body></html>"
    )
    page_file = tmp_path / "page.html"
    options = AnnotationOptions(format="ruby")
    page_file.write_bytes(annotate_document(source.encode(), annotator, options, kind="html"))
    page = browser_context.new_page()
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto(page_file.as_uri())
    boxes = page.evaluate(READING_BOXES, "body")
    assert len(boxes) == annotator.annotate(source, format="ruby").count("<rt>")
    assert touching_readings(boxes) == []
    page.close()


def test_the_print_view_shows_only_the_text(page, tmp_path):
    type_text(page, HANDOUT)
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    page.emulate_media(media="print")
    for selector in ["header", "footer", "#text", ".options", ".handout", "#status", ".result"]:
        assert not page.locator(selector).is_visible(), f"{selector} shows in print"
    assert page.locator("#preview").is_visible()
    assert page.evaluate(PLAIN_PREVIEW) == HANDOUT
    border = page.evaluate("getComputedStyle(document.getElementById('preview')).borderTopStyle")
    assert border == "none"
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(tmp_path / "print.png", ROOT / "docs" / "screenshot-print.png")


def colour_of(page, word: str, index: int) -> str:
    return page.evaluate(
        "([word, i]) => getComputedStyle(document.querySelectorAll("
        "`#preview .word[data-word='${word}'] rt`)[i]).color",
        [word, index],
    )


def test_tone_colours(page, tmp_path):
    type_text(page, "银行行长的妈妈。")
    plain = colour_of(page, "银行", 0)
    page.check("#tone-colours")
    # yín 2 orange, háng 2 orange, zhǎng 3 green, de neutral grey, mā 1 red
    assert colour_of(page, "银行", 0) == "rgb(230, 126, 0)" != plain
    assert colour_of(page, "行长", 1) == "rgb(42, 157, 58)"
    assert colour_of(page, "的", 0) == "rgb(138, 138, 138)"
    page.select_option("#face", "serif")
    page.select_option("#position", "under")
    page.locator("#preview").screenshot(path=str(tmp_path / "tone-colours.png"))
    assert colour_of(page, "妈妈", 0) == "rgb(214, 39, 40)"
    page.select_option("#tones", "numbers")
    page.wait_for_function("() => document.querySelector('#preview rt').textContent === 'yin2'")
    assert colour_of(page, "行长", 1) == "rgb(42, 157, 58)"


def test_pinyin_below_the_characters(page):
    type_text(page, "银行")

    def reading_is_below() -> bool:
        return page.evaluate(
            "() => { const rt = document.querySelector('#preview rt');"
            " const range = document.createRange();"
            " const base = rt.parentNode.firstChild;"
            " range.setStart(base, 0); range.setEnd(base, 1);"
            " return rt.getBoundingClientRect().top > range.getBoundingClientRect().top; }"
        )

    assert not reading_is_below()
    page.select_option("#position", "under")
    assert reading_is_below()


def test_a_reading_chosen_for_one_occurrence_changes_only_that_one(page, annotator, tmp_path):
    text = "银行行长和行长。\n\n行长"
    type_text(page, text)
    page.locator('#preview .word[data-word="行长"]').nth(1).click()
    assert not page.is_checked("#picker-all")
    page.locator("#picker-candidates button", has_text="xíngzhǎng").click()
    page.wait_for_function(
        "() => document.querySelector('#preview .word.chosen-here[data-word=\"行长\"]')"
    )
    assert [rt_of(page, "行长", n) for n in range(3)] == ["hángzhǎng", "xíngzhǎng", "hángzhǎng"]
    assert page.evaluate("sessionStorage.getItem('pinyinize.readings')") in (None, "{}")
    # the output, the copies and the download carry it too, written as the server writes
    chosen = "行<rp>(</rp><rt>xíng</rt><rp>)</rp>长<rp>(</rp><rt>zhǎng</rt><rp>)</rp>"
    automatic = chosen.replace("xíng", "háng")
    parts = annotator.annotate(text, format="ruby").split(automatic)  # 4 parts, 3 readings
    expected = parts[0] + automatic + parts[1] + chosen + parts[2] + automatic + parts[3]
    page.wait_for_function("html => document.getElementById('output').value === html", arg=expected)
    page.click("#copy-inline")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.startsWith('Copied')"
    )
    inline = annotator.annotate(text).replace(
        "行长(hángzhǎng)和(hé)行长(hángzhǎng)", "行长(hángzhǎng)和(hé)行长(xíngzhǎng)"
    )
    assert page.evaluate("navigator.clipboard.readText()") == inline
    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "pinyin.html"
    download.value.save_as(saved)
    document = saved.read_text(encoding="utf-8")
    assert document.count("<p>") == 2 and document.count(chosen) == 1
    assert (
        strip_document(saved.read_bytes(), annotator, AnnotationOptions(format="ruby"))
        == text.encode()
    )


def test_selections_combine_as_in_the_cli(page, annotator):
    text = "两岸的银行行长长大了，银行的行长很忙。"
    type_text(page, text)
    page.select_option("#select", "level:9")
    page.check("#polyphones")
    page.check("#first")
    expected = annotator.annotate(text, format="ruby", select="level:9,polyphones,first")
    page.wait_for_function(
        "n => document.querySelectorAll('#preview .word').length === n",
        arg=expected.count("<ruby>"),
    )
    page.fill("#chars", "3.5")
    page.dispatch_event("#chars", "change")
    expected = annotator.annotate(text, format="ruby", select="level:9,chars:3.5,polyphones,first")
    page.wait_for_function(
        "n => document.querySelectorAll('#preview .word').length === n",
        arg=expected.count("<ruby>"),
    )


def error_shown(page) -> str:
    page.wait_for_selector("#status.error")
    return page.locator("#status").inner_text()


def test_annotated_text_is_refused_with_the_api_message(page, base_url):
    page.refusals_expected = True
    type_text(page, "银行")
    page.fill("#text", "你好(nǐhǎo)世界")
    message = error_shown(page)
    api = page.evaluate(
        "fetch('/api/annotate', {method: 'POST', headers: {'content-type': 'application/json'},"
        " body: JSON.stringify({text: '你好(nǐhǎo)世界'})}).then(r => r.json()).then(d => d.error)"
    )
    assert "already annotated" in message and message == api
    assert page.locator("#preview").inner_text() == ""


def test_a_too_large_paste_clears_the_old_preview(page):
    page.refusals_expected = True
    type_text(page, "银行")
    page.evaluate(
        "() => { const box = document.getElementById('text'); box.value = '银'.repeat(400000);"
        " box.dispatchEvent(new Event('input')); }"
    )
    assert "limit" in error_shown(page)
    assert page.locator("#preview ruby").count() == 0
    assert page.locator("#status.error").count() == 1


def test_numbers_are_read_when_the_box_is_ticked(page, annotator):
    text = "共2个，增长12.5%"
    type_text(page, text)
    page.wait_for_function("() => document.querySelectorAll('#preview ruby').length === 3")
    page.check("#numbers")
    reading = "bǎi fēn zhī shí'èr diǎn wǔ"
    page.wait_for_function(
        "r => [...document.querySelectorAll('#preview rt')].some(rt => rt.textContent === r)",
        arg=reading,
    )
    # A number has one reading, nothing to choose: it is not a clickable word.
    assert page.locator("#preview .word", has_text="12.5%").count() == 0
    page.select_option("#format", "inline")
    expected = annotator.annotate(text, numbers=True)
    page.wait_for_function("e => document.getElementById('output').value === e", arg=expected)
