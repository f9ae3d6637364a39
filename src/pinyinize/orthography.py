"""Orthography: write a word's pinyin as GB/T 16159-2012 (Basic rules of the Chinese
phonetic alphabet orthography) asks, beyond joining syllables and apostrophes (which
:func:`pinyinize.spell.spell_word` always does):

* proper names start with a capital (岳阳 Yuèyáng, 西安 Xī'ān), a person's surname and given
  name are written apart (张华 Zhāng Huá, 欧阳修 Ōuyáng Xiū), an administrative suffix is
  written apart (桑日县 Sāngrì Xiàn) — §6.3.8, §6.3.9;
* the first word of a sentence starts with a capital (§6.4.1);
* an AABB reduplication is hyphenated (高高兴兴 gāogāo-xìngxìng, §6.2.7).

Four-character idioms are written joined.  §6.3.5 hyphenates those whose structure splits
into two two-syllable parts (风平浪静 fēngpíng-làngjìng); telling them from the ones that do not
split (一衣带水 yīyīdàishuǐ) needs a parse of the idiom that the lexicon does not give.

Proper names are recognised by their part-of-speech tag in the lexicon (jieba's nr/ns/nt/nz,
plus tags the lexicon build infers for names jieba lacks).
"""

from __future__ import annotations

from pinyinize.spell import Tones, spell_word
from pinyinize.types import Token

__all__ = ["starts_sentence", "write_word"]

PROPER_NOUN_TAGS = ("nr", "ns", "nt", "nz")
ADMINISTRATIVE_SUFFIXES = frozenset("省市县区州盟旗镇乡村")
# Two-character surnames; a three-character name starting with one is surname + one
# character (欧阳修 Ōuyáng Xiū), not the usual one + two.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "呼延",
        "万俟",
        "单于",
        "申屠",
        "钟离",
        "闻人",
        "赫连",
        "澹台",
        "公冶",
        "太史",
        "仲孙",
    }
)
SENTENCE_ENDS = frozenset("。！？!?…\n")


def starts_sentence(text: str, at_start: bool) -> bool:
    """Whether a word after ``text`` begins a sentence, given whether ``text`` itself began
    at one: sentence-final punctuation opens a sentence, letters or digits close it."""
    for char in text:
        if char in SENTENCE_ENDS:
            at_start = True
        elif char.isalnum():
            at_start = False
    return at_start


def write_word(token: Token, tones: Tones, sentence_start: bool) -> str:
    """The orthographic spelling of one annotated word."""
    readings = token.readings
    written = []
    position = 0
    for length in _parts(token):
        if not length:  # a compound surname alone (皇甫): no given name to write apart
            continue
        written.append(spell_word(readings[position : position + length], tones))
        position += length
    pos = token.pos or ""
    # AABB words are reduplications even where jieba's tags call them names (高高兴兴 ns).
    if pos.startswith(PROPER_NOUN_TAGS) and not _is_reduplicated(token.text):
        written = [_capitalise(part) for part in written]
        return " ".join(written)
    text = "-".join(written)
    return _capitalise(text) if sentence_start else text


def _parts(token: Token) -> list[int]:
    """How many syllables go into each written part of the word."""
    text, pos = token.text, token.pos or ""
    if len(token.readings) != len(text):  # erhua merged a syllable: keep the word whole
        return [len(token.readings)]
    if _is_reduplicated(text):
        return [2, len(text) - 2]  # 高高兴兴(地): the suffix stays with the second half
    if pos.startswith("nr") and 2 <= len(text) <= 4:
        surname = 2 if text[:2] in COMPOUND_SURNAMES or len(text) == 4 else 1
        return [surname, len(text) - surname]
    if pos.startswith("ns") and len(text) >= 3 and text[-1] in ADMINISTRATIVE_SUFFIXES:
        return [len(text) - 1, 1]
    return [len(text)]


def _is_reduplicated(text: str) -> bool:
    return len(text) >= 4 and text[0] == text[1] and text[2] == text[3]


def _capitalise(written: str) -> str:
    return written[:1].upper() + written[1:]
