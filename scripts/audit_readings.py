"""Audit the lexicon's readings against the other sources, for characters and for words.

Characters: the first 3,500 of the 通用规范汉字表 (Unihan kTGH).  Their standalone reading
(the first in ``chars.tsv``) is compared with kHanyuPinlu's most frequent reading, kMandarin
(the customary reading), kXHC1983 (现代汉语词典's readings), pypinyin's first reading and
pinyin-pro's default.  Words: the common ones (HSK 3.0 levels 1-6 and jieba's words of
frequency ≥ ``COMMON_FREQUENCY``), compared syllable by syllable between pypinyin's curated
phrases, phrase-pinyin-data's large table, pinyin-pro's dictionary, CC-CEDICT and the
lexicon (``lexicon.bin`` with ``neutral.tsv``).

Every disagreement is listed with what decides it: a rule of ``scripts/build_lexicon.py``
(stated in its docstring and in the README) or a hand decision in
``scripts/data/reading_decisions.tsv``.  A disagreement is *unresolved* when

* a character's standalone reading is a neutral tone and it is not a function word;
* a character's standalone reading is given by none of kMandarin, pypinyin and pinyin-pro;
* a word's full-tone syllable is one that more sources contradict (with one other full
  tone) than support;

and no hand decision covers it.  A hand decision the rules already make is unresolved too
(the file keeps only what the rules cannot say).

``--check`` exits 1 on any unresolved disagreement, and when pinyin-pro is installed (``npm
ci --prefix bench``) also when ``scripts/data/pinyin_pro.tsv`` is not what it gives.
``--update-pinyin-pro`` rewrites that file from the installed package (needs node).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_lexicon as build

from pinyinize.lexicon import Lexicon
from pinyinize.spell import parse_marked

ROOT = build.ROOT
PINYIN_PRO_PACKAGE = ROOT / "bench" / "node_modules" / "pinyin-pro"
PINYIN_PRO_SCRIPT = ROOT / "scripts" / "pinyin_pro_table.mjs"
AUDITED_CHARACTERS = 3500  # the first level of the 通用规范汉字表: everyday characters
COMMON_FREQUENCY = 2000  # jieba frequency from which a word counts as common


@dataclass(frozen=True)
class Finding:
    item: str
    ours: str
    others: str  # what the sources say, for the report
    decided_by: str  # "rule: …", "hand: …" or "UNRESOLVED: …"

    @property
    def unresolved(self) -> bool:
        return self.decided_by.startswith("UNRESOLVED")


# --- pinyin-pro's table ------------------------------------------------------------------


def tgh_characters(limit: int | None = None) -> list[str]:
    mappings = build.read_unihan("Unihan_OtherMappings.txt.bz2", {"kTGH"})["kTGH"]
    ranks = {char: int(value.split()[0].split(":")[1]) for char, value in mappings.items()}
    ranked = sorted(ranks, key=ranks.__getitem__)
    return ranked if limit is None else [char for char in ranked if ranks[char] <= limit]


def numbered(syllables: list[str]) -> list[str] | None:
    try:
        return [parse_marked(syllable) for syllable in syllables]
    except ValueError:
        return None


def render_pinyin_pro_table() -> str:
    """scripts/data/pinyin_pro.tsv as the installed pinyin-pro gives it (runs node)."""
    dump = json.loads(
        subprocess.run(
            ["node", str(PINYIN_PRO_SCRIPT)],
            input="".join(tgh_characters()),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    rows = []
    for char, readings in dump["chars"].items():
        parsed = [r for r in (numbered([s]) for s in readings) if r]
        if parsed:
            rows.append(f"{char}\t{' '.join(r[0] for r in parsed)}")
    for word, marked in dump["words"].items():
        syllables = numbered(marked.split())
        if syllables and len(syllables) == len(word):
            rows.append(f"{word}\t{' '.join(syllables)}")
    header = build.PINYIN_PRO_HEADER.format(version=dump["version"])
    return "\n".join([header, *sorted(rows)]) + "\n"


# --- characters ----------------------------------------------------------------------------


def first_reading(value: str | None) -> str | None:
    if not value:
        return None
    parsed = numbered([value.split()[0]])
    return parsed[0] if parsed else None


def xhc_list(value: str) -> list[str]:
    """``0758.090:ma 0755.030:má`` → ``["ma5", "ma2"]`` (unparseable items left out)."""
    parsed = (numbered([item.split(":")[1]]) for item in value.split())
    return [reading[0] for reading in parsed if reading]


def audit_characters(
    lexicon: Lexicon, decisions: Mapping[str, build.Decision]
) -> Iterator[Finding]:
    unihan = build.read_unihan("Unihan_Readings.txt.bz2", {"kHanyuPinlu", "kMandarin", "kXHC1983"})
    function_chars = build.function_characters(unihan["kXHC1983"], build.load_jieba())
    pypinyin_readings = build.load_char_readings()
    pro = build.read_pinyin_pro()
    for char in tgh_characters(AUDITED_CHARACTERS):
        ours = lexicon.candidates(char)[0]
        counts = build.parse_pinlu(unihan["kHanyuPinlu"].get(char, ""))
        said = {
            "kHanyuPinlu": max(counts, key=counts.__getitem__) if counts else None,
            "kMandarin": first_reading(unihan["kMandarin"].get(char)),
            "pypinyin": pypinyin_readings.get(char, [None])[0],
            "pinyin-pro": pro.chars.get(char, [None])[0],
        }
        xhc_readings = xhc_list(unihan["kXHC1983"].get(char, ""))
        agreed = {ours, *filter(None, said.values())} == {ours} and (
            not xhc_readings or ours in xhc_readings
        )
        by_rule = build.standalone_order(
            list(lexicon.candidates(char)), counts, char in function_chars
        )[0]
        others = " ".join(f"{name}={value}" for name, value in said.items() if value)
        others += f" kXHC1983={','.join(xhc_readings) or '-'}"
        unaided = "rule" if agreed else char_decision(char, ours, said, counts, function_chars, {})
        if char in decisions and by_rule == decisions[char].reading and unaided.startswith("rule"):
            yield Finding(char, ours, others, "UNRESOLVED: hand decision not needed, rules give it")
            continue
        if agreed and char not in decisions:
            continue
        yield Finding(
            char, ours, others, char_decision(char, ours, said, counts, function_chars, decisions)
        )


def char_decision(
    char: str,
    ours: str,
    said: Mapping[str, str | None],
    counts: Mapping[str, int],
    function_chars: set[str],
    decisions: Mapping[str, build.Decision],
) -> str:
    if char in decisions:
        decision = decisions[char]
        if decision.reading != ours:
            return f"UNRESOLVED: hand decision {decision.reading} not applied"
        return f"hand: {decision.reason}"
    if build.is_neutral(ours) and char not in function_chars:
        return "UNRESOLVED: neutral tone standing alone, not a function word"
    if not any(said[name] == ours for name in ("kMandarin", "pypinyin", "pinyin-pro")):
        return "UNRESOLVED: no other source gives this reading"
    top = said["kHanyuPinlu"]
    if top and build.is_neutral(top) and top != ours:
        return "rule: a neutral tone stands alone only in function words"
    if counts:
        return "rule: most frequent in kHanyuPinlu"
    return "rule: no kHanyuPinlu count, pinyin-data's order"


# --- words ---------------------------------------------------------------------------------


def common_words() -> list[str]:
    jieba_words = build.load_jieba()
    hsk = {
        row.split("\t")[0]
        for row in build.build_hsk()
        if row.endswith("\tword") and int(row.split("\t")[1]) <= 6
    }
    frequent = {word for word, (count, _) in jieba_words.items() if count >= COMMON_FREQUENCY}
    return sorted(w for w in hsk | frequent if len(w) > 1 and all(build.is_han(c) for c in w))


def audit_words(lexicon: Lexicon, decisions: Mapping[str, build.Decision]) -> Iterator[Finding]:
    stats: Counter[str] = Counter()
    sources = build.load_word_sources(build.load_char_readings(), stats)
    neutral = read_neutral()
    for word in common_words():
        entry = lexicon.word(word)
        if entry is None or entry.light_readings is None:
            continue
        ours = list(entry.light_readings)  # as the dictionary mode writes it
        given = {
            "curated": sources.curated.get(word),
            "large": sources.large.get(word),
            "pinyin-pro": sources.pinyin_pro.get(word),
        }
        cedict = sources.cedict.get(word)
        differs = any(r and r.split() != ours for r in given.values()) or (
            cedict is not None
            and any(options != [o] for options, o in zip(cedict, ours, strict=True))
        )
        if not differs:
            if word in decisions:
                yield Finding(
                    word, " ".join(ours), "all agree", "UNRESOLVED: hand decision not needed"
                )
            continue
        others = " ".join(f"{name}={r.replace(' ', '_')}" for name, r in given.items() if r)
        if cedict:
            others += " cc-cedict=" + "_".join("/".join(options) for options in cedict)
        yield Finding(
            word,
            " ".join(ours),
            others,
            word_decision(word, ours, given, cedict, sources, neutral, decisions),
        )


def word_decision(
    word: str,
    ours: list[str],
    given: Mapping[str, str | None],
    cedict: list[list[str]] | None,
    sources: build.WordSources,
    neutral: Mapping[str, str],
    decisions: Mapping[str, build.Decision],
) -> str:
    if word in decisions:
        decision = decisions[word]
        if decision.reading.split() != ours:
            return f"UNRESOLVED: hand decision {decision.reading} not applied"
        base = build.base_reading(word, sources)
        if base and build.light_reading(word, base, sources) == decision.reading:
            return "UNRESOLVED: hand decision not needed, the rules give it"
        return f"hand: {decision.reason}"
    for index, reading in enumerate(ours):
        if build.is_neutral(reading):
            continue
        votes: Counter[str] = Counter(r.split()[index] for r in given.values() if r)
        votes.update(cedict[index] if cedict else [])
        rival, count = max(
            ((r, n) for r, n in votes.items() if r != reading and not build.is_neutral(r)),
            key=lambda pair: pair[1],
            default=("", 0),
        )
        if count >= 2 and count > votes[reading]:
            return f"UNRESOLVED: {word[index]} {reading}, but {count} sources say {rival}"
    if word in neutral:
        return "rule: lexical neutral tone (CC-CEDICT alone, or two sources)"
    if given["curated"]:
        return "rule: pypinyin's curated table"
    return "rule: phrase-pinyin-data's large table"


def read_neutral() -> dict[str, str]:
    lines = (build.DATA_DIR / "neutral.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t") for line in lines)


# --- main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 on unresolved findings")
    parser.add_argument(
        "--update-pinyin-pro", action="store_true", help="rewrite scripts/data/pinyin_pro.tsv"
    )
    args = parser.parse_args()
    if args.update_pinyin_pro:
        build.PINYIN_PRO_TABLE.write_text(render_pinyin_pro_table(), encoding="utf-8")
        print(f"wrote {build.PINYIN_PRO_TABLE.relative_to(ROOT)}")
        return 0
    problems = []
    if PINYIN_PRO_PACKAGE.is_dir():
        if build.PINYIN_PRO_TABLE.read_text(encoding="utf-8") != render_pinyin_pro_table():
            problems.append("scripts/data/pinyin_pro.tsv is stale: run --update-pinyin-pro")
    else:
        print("pinyin-pro is not installed (npm ci --prefix bench): its table is not verified")
    lexicon = Lexicon.default()
    decisions = build.read_decisions()
    findings = {
        "characters": list(audit_characters(lexicon, decisions)),
        "words": list(audit_words(lexicon, decisions)),
    }
    for kind, items in findings.items():
        tally = Counter(finding.decided_by.split(":")[0] for finding in items)
        counted = ", ".join(f"{count} {how}" for how, count in sorted(tally.items()))
        print(f"{kind}: {len(items)} disagreements ({counted})")
        for finding in items:
            if not args.check or finding.unresolved:
                print(f"  {finding.item}\t{finding.ours}\t{finding.decided_by}\t{finding.others}")
        problems += [f"{kind}: {f.item} unresolved" for f in items if f.unresolved]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
