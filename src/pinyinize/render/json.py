"""JSON format: every token with its offsets and, for Han words, each character's reading,
candidates and where the reading came from.

A number token (with ``numbers``) has ``"han": false``, its ``pos`` (numeral or serial),
``spoken`` (百分之十二点五 for ``12.5%``) and the syllables of the spoken form, each with
the offset of the input character it is said for (read digit by digit) or of the number's
first character."""

from __future__ import annotations

import json
from typing import Any

from pinyinize.options import RenderOptions
from pinyinize.spell import spell
from pinyinize.types import Document, Syllable, Token


def _syllable(syllable: Syllable, options: RenderOptions) -> dict[str, Any]:
    return {
        "char": syllable.char,
        "offset": syllable.offset,
        "reading": syllable.reading,
        "pinyin": spell(syllable.reading, options.tones) if syllable.reading else None,
        "candidates": list(syllable.candidates),
        "source": syllable.source.value if syllable.source else None,
        # the reading before a tone rule changed it (None when no rule did)
        "citation": syllable.citation,
        # an erhua 儿 whose r was written on the syllable before
        "merged": syllable.merged,
    }


def _token(token: Token, options: RenderOptions) -> dict[str, Any]:
    item: dict[str, Any] = {
        "text": token.text,
        "start": token.start,
        "end": token.end,
        "han": token.is_han,
    }
    if token.is_han:
        item["pos"] = token.pos
        item["selected"] = token.selected
        item["syllables"] = [_syllable(s, options) for s in token.syllables]
    elif token.is_number:  # digits read by the numbers stage: the syllables of the spoken form
        item["pos"] = token.pos
        item["spoken"] = token.spoken
        item["syllables"] = [_syllable(s, options) for s in token.syllables]
    return item


def document_to_dict(document: Document, options: RenderOptions) -> dict[str, Any]:
    return {
        "text": document.text,
        "tones": options.tones.value,
        "tokens": [_token(token, options) for token in document.tokens],
    }


def render_json(document: Document, options: RenderOptions) -> str:
    """The same text as ``json.dumps(document_to_dict(...))``, written a token at a time.

    Why: the dicts of a whole long document take several times the memory of the Document
    itself; here only one token's dicts live at once, and the output grows by its text only.
    """
    head = {"text": document.text, "tones": options.tones.value}
    # The head's closing brace is replaced by the tokens list, keeping the key order above.
    parts = [json.dumps(head, ensure_ascii=False)[:-1], ', "tokens": [']
    for index, token in enumerate(document.tokens):
        if index:
            parts.append(", ")
        parts.append(json.dumps(_token(token, options), ensure_ascii=False))
    parts.append("]}")
    return "".join(parts)
