"""analyze() on long text works piece by piece, like readings() (issue 14).

Before: analyze() ran the whole text through every stage at once, so a 1M-character text
peaked at 1.7 GB (5× readings() at 40,000 characters).  Now each ~2,000-character piece is
analysed and its tokens shifted into one Document: the readings stay those of readings(),
the offsets count from the start of the whole text, and the peak is the final Document plus
one piece's working set.
"""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise

from pinyinize import Annotator
from pinyinize.options import RenderOptions
from pinyinize.pipeline import CHUNK_LIMIT
from pinyinize.render.json import document_to_dict
from pinyinize.spell import spell
from tests.conftest import shared_file

# Enough for ~20 pieces, small enough to run in a couple of seconds.
LENGTH = 40_000

_PEAK = """
import json, sys, tracemalloc
from pinyinize import Annotator
text = sys.stdin.read()
annotator = Annotator()
annotator.readings("他还了书")  # load the lexicon and model before measuring
tracemalloc.start()
getattr(annotator, sys.argv[1])(text)
print(json.dumps(tracemalloc.get_traced_memory()[1]))
"""


def _dev_text(length: int) -> str:
    sentences = shared_file("data/cpp/dev.sent").read_text(encoding="utf-8").splitlines()
    return "\n".join(s.replace("\u2581", "") for s in sentences)[:length]


def _peak_bytes(method: str, text: str) -> int:
    """Peak traced allocation of one call of ``Annotator.method(text)`` in a fresh process."""
    completed = subprocess.run(
        [sys.executable, "-c", _PEAK, method],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return int(json.loads(completed.stdout))


def test_analyze_reads_like_readings_on_a_long_text(annotator: Annotator) -> None:
    text = _dev_text(LENGTH)
    assert len(text) > 10 * CHUNK_LIMIT
    from_analyze: list[str | None] = [None] * len(text)
    for token in annotator.analyze(text).tokens:
        assert text[token.start : token.end] == token.text
        for syllable in token.syllables:
            assert text[syllable.offset] == syllable.char
            if syllable.reading:
                from_analyze[syllable.offset] = spell(syllable.reading, "numbers")
    assert from_analyze == annotator.readings(text)


def test_analyze_tokens_cover_a_long_text_in_order(annotator: Annotator) -> None:
    text = _dev_text(LENGTH)
    tokens = annotator.analyze(text).tokens
    assert "".join(token.text for token in tokens) == text
    assert all(a.end == b.start for a, b in pairwise(tokens))


def test_analyze_peak_memory_stays_near_readings() -> None:
    text = _dev_text(LENGTH)
    analyze, readings = _peak_bytes("analyze", text), _peak_bytes("readings", text)
    # The Document holds a Token per word and a Syllable per character, which readings()
    # does not; what must not come back is every stage's copy of the whole text at once.
    assert analyze <= 2.5 * readings, (analyze, readings)


def test_json_written_a_token_at_a_time_is_the_whole_documents_json(
    annotator: Annotator,
) -> None:
    text = _dev_text(3 * CHUNK_LIMIT) + '\n"引号" \\ 一点儿'
    document = annotator.analyze(text)
    whole = json.dumps(document_to_dict(document, RenderOptions()), ensure_ascii=False)
    assert annotator.annotate(text, format="json") == whole
