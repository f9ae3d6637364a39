"""The packaged data is linted like code: valid readings, consistent phrases, manifest hashes."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest

from pinyinize import DataError, Lexicon
from pinyinize.spell import is_reading

from helpers import write_tiny_lexicon

DATA = resources.files("pinyinize") / "data"


def test_manifest_hashes_match_files():
    manifest = json.loads((DATA / "MANIFEST.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
    assert {"pypinyin", "pypinyin-dict", "jieba", "unihan"} <= set(manifest["sources"])
    assert all("licence" in source for source in manifest["sources"].values())


def test_every_character_reading_is_valid_and_unique():
    lines = (DATA / "chars.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# pinyinize-lexicon 1")
    chars = [line.split("\t")[0] for line in lines[1:]]
    assert chars == sorted(chars) and len(chars) == len(set(chars)) > 40_000
    for line in lines[1:]:
        readings = [item.rsplit(":", 1)[0] for item in line.split("\t")[1].split()]
        assert readings and all(map(is_reading, readings)), line
        assert len(readings) == len(set(readings)), line


def test_every_word_reading_agrees_with_its_characters():
    lexicon = Lexicon.default()
    words = list(lexicon.frequencies)
    assert len(words) == len(set(words)) > 400_000
    for word in words:
        entry = lexicon.word(word)
        assert entry is not None and entry.frequency > 0
        if entry.readings is None:
            continue
        assert len(entry.readings) == len(word), word
        for char, reading in zip(word, entry.readings, strict=True):
            own = lexicon.candidates(char)
            # a word may use the neutral-tone form of one of its character's readings
            assert reading in own or reading[:-1] in {r[:-1] for r in own}, word


def test_well_known_entries():
    lexicon = Lexicon.default()
    assert lexicon.word("银行").readings == ("yin2", "hang2")
    assert lexicon.word("两岸").readings == ("liang3", "an4")
    assert lexicon.candidates("还")[:2] == ("hai2", "huan2")
    assert lexicon.candidates("還")[:2] == ("hai2", "huan2")  # traditional
    assert lexicon.simplify("還書") == "还书"
    # 一 and 不 keep their citation tones; sandhi is a tone rule, not lexicon data
    assert lexicon.word("一个").readings[0] == "yi1"
    assert lexicon.word("不是").readings[0] == "bu4"


def test_from_files_reads_a_tiny_lexicon(tmp_path):
    lexicon = write_tiny_lexicon(tmp_path)
    assert lexicon.word("行长").readings == ("hang2", "zhang3")
    assert lexicon.word("在").readings is None
    assert lexicon.candidates("还") == ("hai2", "huan2")
    assert "银行" in lexicon and "银" not in lexicon


@pytest.mark.parametrize(
    ("chars_text", "why"),
    [("not a header\n", "bad header"), ("# pinyinize-lexicon 1\n好\thao3:1\n", "columns")],
)
def test_malformed_tables_raise_data_error(tmp_path, chars_text, why):
    write_tiny_lexicon(tmp_path)
    (tmp_path / "chars.tsv").write_text(chars_text, encoding="utf-8")
    with pytest.raises(DataError, match=why):
        Lexicon.from_files(tmp_path / "chars.tsv", tmp_path / "words.npz")


def test_missing_table_raises_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        Lexicon.from_files(tmp_path / "none.tsv", tmp_path / "none.npz")


def test_corrupted_word_table_raises_data_error(tmp_path):
    write_tiny_lexicon(tmp_path)
    (tmp_path / "words.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="cannot read word table"):
        Lexicon.from_files(tmp_path / "chars.tsv", tmp_path / "words.npz")


@pytest.mark.parametrize(
    ("row", "positions"),
    [("行长\thang2 zhang5", (1,)), ("行长\thang2 chang5", None), ("行长\thang2 zhang3", None)],
)
def test_neutral_table_keeps_toned_readings_and_positions_apart(tmp_path, row, positions):
    """A row is the word table's reading with syllables made neutral; anything else is bad."""
    write_tiny_lexicon(tmp_path)
    (tmp_path / "neutral.tsv").write_text(f"# pinyinize-lexicon 1\n{row}\n", encoding="utf-8")
    files = (tmp_path / "chars.tsv", tmp_path / "words.npz", None, tmp_path / "neutral.tsv")
    if positions is None:
        with pytest.raises(DataError, match="not the word table's reading"):
            Lexicon.from_files(*files)
        return
    entry = Lexicon.from_files(*files).word("行长")
    assert entry is not None
    assert (entry.readings, entry.neutral) == (("hang2", "zhang3"), positions)
    assert entry.light_readings == ("hang2", "zhang5")
