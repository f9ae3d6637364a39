"""Markdown: annotate prose, keep code, URLs, HTML and front matter as they are.

Blocks come from markdown-it-py (the CommonMark reference parser's Python port, kept by the
executablebooks project): its block tokens carry ``map``, the source lines they cover, so
prose is annotated in the source itself and nothing is re-rendered.  Only lines of blocks
with inline content (paragraphs, headings, table cells, list items) are touched; fenced and
indented code, HTML blocks and link reference definitions are in no such block.  Inside
prose, a small scanner keeps code spans, inline HTML and autolinks (``<...>``), link and
image destinations and titles (``](url "title")``), reference labels and image alt text
unchanged.  YAML (``---``) and TOML (``+++``) front matter is cut off before parsing.

**Emphasis stays emphasis.**  CommonMark lets ``**`` close only when it is right-flanking:
after ``)`` (punctuation) it must be followed by a space or punctuation, so
``**银行(yínháng)**行长`` is no longer bold.  Where an inline annotation ends right before
an emphasis run that a letter or a Han character follows, the block is parsed before and
after (markdown-it-py, inline rules on, for that block only) and the annotation goes after
the run where that gives back the block's emphasis, links and code spans:
``**银行**(yínháng)行长``.  Strip and the "already annotated" refusal know that place.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from pinyinize.errors import InputError
from pinyinize.formats._markdown_inline import kept_spans
from pinyinize.formats.decode import decode
from pinyinize.formats.session import Session, change_spans, line_and_column
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator

__all__ = [
    "annotate_document",
    "front_matter_end",
    "prose_lines",
    "strip_document",
    "text_regions",
]

# Lines as markdown-it counts them: it ends a line at \r\n, \r or \n.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_FRONT_MATTER = {"---": ("---", "..."), "+++": ("+++",)}


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, line break included."""
    return [(match.start(), match.end()) for match in _LINE.finditer(text)]


def front_matter_end(text: str) -> int:
    """Where YAML or TOML front matter ends (0 when there is none)."""
    lines = _lines(text)
    if not lines:
        return 0
    opening = text[slice(*lines[0])].rstrip("\r\n")
    closings = _FRONT_MATTER.get(opening)
    if closings is None:
        return 0
    for start, end in lines[1:]:
        if text[start:end].rstrip("\r\n") in closings:
            return end
    return 0


def _parser(inline: bool) -> Any:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise InputError(
            "Markdown needs markdown-it-py: pip install 'pinyinize[documents]'"
        ) from None
    parser = MarkdownIt("commonmark").enable("table")
    return parser if inline else parser.disable(["inline", "text_join"])


def prose_lines(text: str) -> Iterator[tuple[int, int]]:
    """Line ranges ``[first, last)`` of the blocks with inline content."""
    # Only the block structure is needed: the inline rules (emphasis, links) would cost a
    # second pass over all prose, and time super-linear in some hostile lines.
    parser = _parser(inline=False)
    covered: set[int] = set()
    for token in parser.parse(text):
        if token.type == "inline" and token.map:
            first, last = token.map
            if not covered.intersection(range(first, last)):
                covered.update(range(first, last))
                yield first, last


def _prose_spans(body: str) -> Iterator[tuple[int, int]]:
    """Source spans of the prose blocks of ``body`` (the text after any front matter)."""
    lines = _lines(body)
    for first, last in prose_lines(body):
        if first >= len(lines):  # markdown-it saw a line we did not: leave it alone
            continue
        yield lines[first][0], lines[min(last, len(lines)) - 1][1]


def prose_blocks(text: str) -> Iterator[tuple[int, int]]:
    """The spans of ``text`` of its prose blocks (outside front matter)."""
    body_start = front_matter_end(text)
    for prose_start, prose_end in _prose_spans(text[body_start:]):
        yield body_start + prose_start, body_start + prose_end


def block_regions(prose: str, session: Session) -> Iterator[tuple[int, int]]:
    """The spans of one prose block outside code spans, inline HTML, URLs and escapes."""
    position = 0
    for kept_start, kept_end in [*kept_spans(prose, session.ours), (len(prose), len(prose))]:
        if position < kept_start:
            yield position, kept_start
        position = kept_end


def text_regions(text: str, session: Session) -> Iterator[tuple[int, int]]:
    """The spans of ``text`` that annotate may change and strip looks at: the prose
    outside front matter, code spans, inline HTML, URLs and escapes (our own ruby groups
    count as prose)."""
    for block_start, block_end in prose_blocks(text):
        for start, end in block_regions(text[block_start:block_end], session):
            yield block_start + start, block_start + end


def annotate_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.INLINE)
    text = decode(data)
    inline = session.format is Format.INLINE
    if inline and not options.force:
        _refuse_moved_annotations(text, session)

    def annotate_block(block: str) -> str:
        annotated = change_spans(block, block_regions(block, session), session.annotate)
        return _keep_emphasis(block, annotated) if inline else annotated

    return change_spans(text, prose_blocks(text), annotate_block).encode("utf-8")


def strip_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.INLINE)
    text = decode(data)

    def strip(region: str) -> str:
        if session.format is Format.INLINE:
            region = _MOVED.sub(lambda found: _unmoved(found, annotator), region)
        return session.strip(region)

    return change_spans(text, text_regions(text, session), strip).encode("utf-8")


# Emphasis ----------------------------------------------------------------------------------

# An annotation right before a run of emphasis markers and a character that is neither a
# space nor punctuation: that run can no longer close (CommonMark's right-flanking rule).
_SQUEEZED = re.compile(r"(\([^()\r\n]+\))(\*+|_+)(?=[^\s])")
# An annotation moved after such a run: a character, the run, the group.
_MOVED = re.compile(r"([^\W\d_])(\*+|_+)(\([^()\r\n]+\))")
# The parses one block may take to place its annotations (see _keep_emphasis): at most
# _MOST_PARSES, and about _PARSED_CHARACTERS characters in all.
_MOST_PARSES = 128
_PARSED_CHARACTERS = 200_000
_STRUCTURE = frozenset(
    {"strong_open", "strong_close", "em_open", "em_close", "link_open", "link_close",
     "code_inline", "image"}
)  # fmt: skip


def _is_punctuation(char: str) -> bool:
    """Punctuation as CommonMark's flanking rules count it (Unicode P and S classes)."""
    return unicodedata.category(char)[0] in "PS"


def _squeezed_runs(annotated: str) -> list[re.Match[str]]:
    return [
        found
        for found in _SQUEEZED.finditer(annotated)
        if not _is_punctuation(annotated[found.end()])
    ]


def _keep_emphasis(block: str, annotated: str) -> str:
    """``annotated`` with annotations moved past the emphasis runs they keep from closing,
    where that gives back the inline structure ``block`` had (else as close as we find).

    A run can open as well as close, and which one it does depends on the runs around it,
    so the choice is searched: with a few runs every choice is tried; with more, from the
    better of moving none and moving all, each run's
    choice is flipped in turn and kept when the structure comes closer, pass after pass,
    within a budget of parses that shrinks as the block grows (a long block costs a few
    parses, never one per run per pass).
    """
    squeezed = _squeezed_runs(annotated)
    if not squeezed:
        return annotated
    wanted = _structure(block)
    budget = max(2, min(_MOST_PARSES, _PARSED_CHARACTERS // len(block)))

    def distance(moves: list[bool]) -> int:
        nonlocal budget
        budget -= 1
        chosen = [found for found, move in zip(squeezed, moves, strict=True) if move]
        return _distance(_structure(_moved(annotated, chosen)), wanted)

    if 2 ** len(squeezed) <= budget:  # a few runs (most blocks): every choice, fewest first
        choices = itertools.product((False, True), repeat=len(squeezed))
        ranked = sorted(choices, key=sum)
        moves, best = list(ranked[0]), distance(list(ranked[0]))
        for choice in ranked[1:]:
            if best == 0:
                break
            found = distance(list(choice))
            if found < best:
                moves, best = list(choice), found
        return _moved(annotated, [f for f, move in zip(squeezed, moves, strict=True) if move])
    none, every = [False] * len(squeezed), [True] * len(squeezed)
    moves, best = min(((none, distance(none)), (every, distance(every))), key=lambda c: c[1])
    improved = True
    while improved and best > 0 and budget > 0:
        improved = False
        for index in range(len(squeezed)):
            if best == 0 or budget <= 0:
                break
            flipped = [*moves[:index], not moves[index], *moves[index + 1 :]]
            found = distance(flipped)
            if found < best:
                moves, best, improved = flipped, found, True
    return _moved(annotated, [found for found, move in zip(squeezed, moves, strict=True) if move])


def _moved(annotated: str, squeezed: list[re.Match[str]]) -> str:
    """``annotated`` with each squeezed group put after its run: ``银行**(yínháng)``."""
    parts, position = [], 0
    for found in squeezed:
        group, run = found.group(1), found.group(2)
        parts += [annotated[position : found.start()], run, group]
        position = found.end()
    parts.append(annotated[position:])
    return "".join(parts)


def _structure(block: str) -> list[str]:
    """The emphasis, link, image and code-span tokens markdown-it reads in ``block``."""
    return [
        child.type
        for token in _parser(inline=True).parse(block)
        for child in token.children or ()
        if child.type in _STRUCTURE
    ]


def _distance(found: list[str], wanted: list[str]) -> int:
    """How many tokens the two structures do not share."""
    matcher = difflib.SequenceMatcher(None, found, wanted, autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    return len(found) + len(wanted) - 2 * shared


def _unmoved(found: re.Match[str], annotator: Annotator) -> str:
    """A character, a run and a group: the group gone when it is our annotation of the
    word before the run."""
    char, run, group = found.groups()
    return char + run if annotator.find_annotations(char + group) else found.group()


def _refuse_moved_annotations(text: str, session: Session) -> None:
    """Refuse Markdown whose annotations were moved past emphasis (see :func:`_moved`)."""
    for start, end in text_regions(text, session):
        for found in _MOVED.finditer(text, start, end):
            char, _, group = found.groups()
            if session.annotator.find_annotations(char + group):
                line, column = line_and_column(text, found.start(3))
                raise InputError(
                    f"{line}:{column}: already annotated ({char}{found.group(2)}{group}); "
                    "strip the annotations first, or force"
                )
