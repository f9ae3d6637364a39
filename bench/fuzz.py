"""Fuzz every door of pinyinize with hypothesis and count what breaks.

Two promises are checked on generated text and documents, for every document type and
annotation format it can hold, every tone style and mode, orthography and per-character
ruby, with and without a user dictionary:

- nothing raises anything but a ``PinyinizeError`` (the library's documented errors):
  ``readings``, ``analyze``, ``annotate``, ``strip``, ``check``, ``repair`` and the
  document functions;
- stripping gives back the input exactly: ``strip(annotate(x)) == x`` for text (inline and
  ruby) and ``strip_document(annotate_document(x)) == x`` for every document type.

Failures do not stop the run: each is counted by kind and the first few of each kind are
written to ``--report`` (JSON) so that they can be turned into regression tests.  This is a
benchmark, not a test: a full run (the default, 100,000+ examples) takes several minutes.

    .venv/bin/python bench/fuzz.py                  # 120,000 examples, about 10 min on 2 cores
    .venv/bin/python bench/fuzz.py --examples 2000  # a quick look
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pinyinize import Annotator, Format, Mode, PinyinizeError, Tones
from pinyinize.check import check, repair
from pinyinize.formats import DOCUMENT_TYPES, annotate_document, strip_document
from pinyinize.options import AnnotationOptions

# Polyphones, common words, rare and compatibility ideographs, extension B.
HAN = list("银行长大了你好两岸重还着藏血地得为种的一不曾国藩乐觉说教数中试衣服東西𠀀𪚥龘〇")
LOOK_ALIKES = [
    "(yínháng)",
    "(nǐhǎo)",
    "（shìjiè）",
    "(hao3)",
    "(ㄏㄠˇ)",
    "(h ao3)",
    "(Zēng Guófān)",
    "(liǎng'àn)",
    "()",
    "(",
    ")",
    "<ruby>银行<rt>yínháng</rt></ruby>",
    '<ruby class="pinyinize">好<rp>(</rp><rt>hǎo</rt><rp>)</rp></ruby>',
    "<rt>",
    "</ruby>",
]
OTHER = [
    *"abcXYZ019 .,;:!?'\"-_/\\*#`~[]{}<>&=%@|+，。！？、：；“”‘’《》【】（）…—·",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u3000",
    "\x00",
    "\x07",
    "\x1b",
    "\ufeff",
    "\u200b",
    "\u200d",
    "\ud800",
    "\udfff",
    "😀",
    "👨‍👩‍👧",
    "🇨🇳",
    "e\u0301",
    "ǖ",
    "Ω",
    "ß",
    "한국",
    "カタカナ",
    "&amp;",
    "&#20320;",
    "&nbsp;",
]
# Numbers, dates, units and list markers, which the numbers stage reads (numbers=True) and
# whose annotations strip must tell from a list marker such as (a).
NUMERIC = [
    "2024年",
    "3月5日",
    "13:45",
    "12.5%",
    "-3℃",
    "1,250",
    "2/3",
    "3-5",
    "¥30",
    "5km",
    "138 0013 8000",
    "(a)",
    "（e）",
    "(er)",
    "(wǔ)",
    "(yī qiān)",
    "０８",
    "٣",
]
# Pieces that mean something to one document type or another.
MARKUP = [
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<br/>",
    "<!--",
    "-->",
    "<!-- 银行 -->",
    "<script>银行</script>",
    "<style>p{}</style>",
    "<xmp>银行</xmp>",
    "<title>长大</title>",
    '<a href="银行(yínháng)">',
    "</a>",
    "<![CDATA[银行]]>",
    "<!DOCTYPE html>",
    "<a <a <a",
    "</",
    "`",
    "```",
    "    ",
    "**",
    "*",
    "_",
    "[链接](http://x/银行)",
    "\\(",
    "<span>",
    "# ",
    "> ",
    "- ",
    "1\n00:00:01,000 --> 00:00:02,000\n",
    "00:01.000 --> 00:02.000\n",
    "<i>",
    "</i>",
    "<c.yellow>",
    "</c>",
    "<v Bob>",
    "{\\an8}",
    "NOTE ",
    "\n\n",
]
PIECE = st.one_of(
    st.sampled_from(HAN),
    st.sampled_from(HAN).map(lambda c: c * 3),
    st.sampled_from(LOOK_ALIKES),
    st.sampled_from(OTHER),
    st.sampled_from(NUMERIC),
    st.sampled_from(MARKUP),
    st.characters(codec="utf-8"),
)
TEXT = st.lists(PIECE, max_size=30).map("".join)
OPTIONS = st.fixed_dictionaries(
    {
        "tones": st.sampled_from(list(Tones)),
        "mode": st.sampled_from(list(Mode)),
        "per_character": st.booleans(),
        "orthography": st.booleans(),
        "numbers": st.booleans(),
        "user_dict": st.booleans(),
    }
)
DOCUMENT_PREFIX = {
    "srt": st.sampled_from(["", "1\n00:00:01,000 --> 00:00:02,000\n"]),
    "vtt": st.sampled_from(["", "WEBVTT\n\n", "WEBVTT\n\n00:01.000 --> 00:02.000\n"]),
    "html": st.sampled_from(["", "<!DOCTYPE html><html><body>", "<p>"]),
}
STRIPPABLE_TEXT_FORMATS = (Format.INLINE, Format.RUBY)


@dataclass
class Tally:
    """Examples tried and failures found, by kind, with the first few of each kind."""

    tried: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    keep: int = 5

    def fail(self, kind: str, **details: Any) -> None:
        self.failures[kind] += 1
        kept = self.examples.setdefault(kind, [])
        if len(kept) < self.keep:
            kept.append({key: repr(value) for key, value in details.items()})


class Doors:
    """The annotators every example uses, built once."""

    def __init__(self) -> None:
        long_word = "银行长大了你好两岸重还着藏血" * 8  # an annotation far over 80 characters
        self.plain = Annotator()
        self.with_user_dict = Annotator(
            user_dict={"曾国藩": "Zēng Guófān", long_word: " ".join(["hǎo"] * len(long_word))}
        )

    def annotator(self, options: dict[str, Any]) -> Annotator:
        return self.with_user_dict if options["user_dict"] else self.plain


def guarded(tally: Tally, door: str, call: Callable[[], Any], **details: Any) -> Any:
    """Run one call; a PinyinizeError is a documented refusal, anything else a failure."""
    try:
        return call()
    except PinyinizeError:
        tally.tried[f"{door} refused"] += 1
        return None
    except Exception as error:  # counting every escape is the point
        tally.fail(
            f"{door}: {type(error).__name__}",
            error=str(error)[:300],
            trace=traceback.format_exc(limit=-3),
            **details,
        )
        return None


def round_trip(
    tally: Tally,
    name: str,
    original: str | bytes,
    annotated: str | bytes,
    strip: Callable[[], Any],
    options: dict[str, Any],
) -> None:
    """Strip what annotate wrote and count whether the original came back."""
    stripped = guarded(tally, f"strip {name}", strip, output=annotated)
    if stripped is None:
        return
    tally.tried[f"round trip {name}"] += 1
    if stripped != original:
        tally.fail(
            f"round trip {name}",
            original=original,
            options=options,
            annotated=annotated,
            stripped=stripped,
        )


def fuzz_text(doors: Doors, tally: Tally, text: str, options: dict[str, Any], fmt: Format) -> None:
    annotator = doors.annotator(options)
    tally.tried["examples"] += 1
    guarded(
        tally,
        "readings",
        lambda: annotator.readings(text, tones=options["tones"], numbers=options["numbers"]),
        text=text,
    )
    guarded(tally, "check", lambda: check(annotator, text), text=text)
    guarded(tally, "repair", lambda: repair(annotator, text), text=text)
    render = {k: v for k, v in options.items() if k != "user_dict"}
    output = guarded(
        tally,
        f"annotate {fmt.value}",
        lambda: annotator.annotate(text, format=fmt, **render),
        text=text,
        options=options,
    )
    if output is None or fmt not in STRIPPABLE_TEXT_FORMATS:
        return
    written: str = output

    def strip() -> str:
        return annotator.strip(written, format=fmt)

    round_trip(tally, f"text {fmt.value}", text, written, strip, options)


def fuzz_document(
    doors: Doors, tally: Tally, kind: str, data: bytes, options: dict[str, Any], fmt: Format
) -> None:
    annotator = doors.annotator(options)
    tally.tried["examples"] += 1
    document_options = AnnotationOptions(
        format=fmt,
        tones=options["tones"],
        mode=options["mode"],
        per_character=options["per_character"],
        orthography=options["orthography"],
        numbers=options["numbers"],
    )
    door = f"annotate {kind} {fmt.value}"
    output = guarded(
        tally,
        door,
        lambda: annotate_document(data, annotator, document_options, kind=kind),
        data=data,
        options=options,
    )
    if output is None:
        return
    round_trip(
        tally,
        f"{kind} {fmt.value}",
        data,
        output,
        lambda: strip_document(output, annotator, document_options, kind=kind),
        options,
    )


def fuzz_settings(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Generate ``examples`` fresh examples: no database, no shrinking, no time limit (a
    failure is counted and kept, not raised)."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def text_target(doors: Doors, tally: Tally, examples: int) -> Callable[[], None]:
    @fuzz_settings(examples)
    @given(text=TEXT, options=OPTIONS, fmt=st.sampled_from(list(Format)))
    def run(text: str, options: dict[str, Any], fmt: Format) -> None:
        fuzz_text(doors, tally, text, options, fmt)

    return run


def document_target(doors: Doors, tally: Tally, kind: str, examples: int) -> Callable[[], None]:
    formats = DOCUMENT_TYPES[kind].formats
    prefix = DOCUMENT_PREFIX.get(kind, st.just(""))
    epub = kind == "epub"

    @fuzz_settings(examples)
    @given(
        head=prefix,
        text=TEXT,
        options=OPTIONS,
        fmt=st.sampled_from(formats),
        encode_error=st.sampled_from(["strict", "surrogatepass"]),
        raw=st.binary(max_size=8) if not epub else st.just(b""),
    )
    def run(
        head: str, text: str, options: dict[str, Any], fmt: Format, encode_error: str, raw: bytes
    ) -> None:
        try:
            data = (head + text).encode("utf-8", errors=encode_error)
        except UnicodeEncodeError:
            data = (head + text).encode("utf-8", errors="surrogatepass")  # invalid UTF-8 too
        data += raw  # sometimes not UTF-8 at all
        if epub:
            data = make_epub(data)
        fuzz_document(doors, tally, kind, data, options, fmt)

    return run


def make_epub(chapter: bytes) -> bytes:
    """A minimal EPUB whose one chapter is ``chapter`` inside an XHTML body."""
    import io
    import zipfile

    container = (
        b'<?xml version="1.0"?><container version="1.0" '
        b'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        b'<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        b"</rootfiles></container>"
    )
    package = (
        b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        b'<manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>'
        b'</manifest><spine><itemref idref="c1"/></spine></package>'
    )
    body = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>' + chapter + b"</p></body></html>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", package)
        archive.writestr("OEBPS/c1.xhtml", body, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=120_000, help="examples in all")
    parser.add_argument("--report", type=Path, default=Path("bench/out/fuzz.json"))
    arguments = parser.parse_args()

    kinds = sorted(DOCUMENT_TYPES)
    share = max(1, arguments.examples // (len(kinds) + 2))
    doors = Doors()
    tally = Tally()
    targets: list[tuple[str, Callable[[], None]]] = [("text", text_target(doors, tally, 2 * share))]
    targets += [(kind, document_target(doors, tally, kind, share)) for kind in kinds]
    started = time.perf_counter()
    for name, target in targets:
        begun = time.perf_counter()
        target()
        print(f"{name:10} {time.perf_counter() - begun:7.1f} s", file=sys.stderr)
    elapsed = time.perf_counter() - started

    print(f"\n{tally.tried['examples']:,} examples")
    print("| check | tried |\n| --- | ---: |")
    for name, count in sorted(tally.tried.items()):
        print(f"| {name} | {count:,} |")
    print(f"\nfailures: {sum(tally.failures.values())} ({elapsed:.0f} s)")
    for kind, count in tally.failures.most_common():
        print(f"  {count:6}  {kind}")
    arguments.report.parent.mkdir(parents=True, exist_ok=True)
    arguments.report.write_text(
        json.dumps(
            {"tried": tally.tried, "failures": tally.failures, "examples": tally.examples},
            ensure_ascii=False,
            indent=1,
        )
    )
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
