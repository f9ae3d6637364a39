"""A tiny lexicon written inline, for stage tests where the real one is not the point."""

from __future__ import annotations

from pathlib import Path

from pinyinize.lexicon import FORMAT_HEADER, Lexicon, WordTable, write_word_table

TINY_CHARS = {
    "银": "yin2:10",
    "行": "xing2:50 hang2:10",
    "长": "chang2:40 zhang3:30",
    "大": "da4:90 dai4:1",
    "在": "zai4:100",
    "动": "dong4:80",
    "他": "ta1:100",
    "還": "hai2:50 huan2:5",
    "还": "hai2:50 huan2:5",
    "书": "shu1:40",
}
TINY_WORDS = {
    "银行": (500, "n", "yin2 hang2"),
    "行长": (100, "n", "hang2 zhang3"),
    "行动": (900, "vn", "xing2 dong4"),
    "在行": (2, "x", "zai4 hang2"),
    "长大": (300, "v", "zhang3 da4"),
    "在": (5000, "p", "-"),
    "他": (5000, "r", "-"),
}


def write_tiny_lexicon(directory: Path) -> Lexicon:
    chars = directory / "chars.tsv"
    simplified = {"還": "还"}
    rows = [f"{FORMAT_HEADER} chars"] + [
        f"{char}\t{readings}\t0\t{simplified.get(char, '')}"
        for char, readings in TINY_CHARS.items()
    ]
    chars.write_text("\n".join(rows) + "\n", encoding="utf-8")
    words = directory / "words.npz"
    rows = sorted(TINY_WORDS.items())
    table = WordTable(
        [word for word, _ in rows],
        [frequency for _, (frequency, _, _) in rows],
        [pos for _, (_, pos, _) in rows],
        [readings for _, (_, _, readings) in rows],
    )
    write_word_table(words, table)
    return Lexicon.from_files(chars, words)
