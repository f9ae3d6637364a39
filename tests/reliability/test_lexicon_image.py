"""The lexicon as a memory-mapped image: loads without building per-entry objects, answers
every look-up the dict-based lexicon answered, and its caches stay correct when they fill."""

from __future__ import annotations

import gc
import time
from importlib import resources

import pytest

from pinyinize import DataError, Lexicon
from pinyinize.lexicon import LookupCache
from pinyinize.lexicon_image import IMAGE_FILE, LexiconImage, word_hash

from helpers import TINY_WORDS, write_tiny_lexicon

DATA = resources.files("pinyinize") / "data"


def _load_packaged() -> Lexicon:
    """A fresh packaged lexicon (Lexicon.default() is loaded once per process)."""
    from pinyinize.lexicon import _load_default

    return _load_default.__wrapped__()


def test_packaged_lexicon_loads_without_per_entry_objects():
    _load_packaged()  # warm the imports and the page cache
    gc.collect()
    before = len(gc.get_objects())
    started = time.perf_counter()
    lexicon = _load_packaged()
    elapsed = time.perf_counter() - started
    # The dict-based lexicon tracked a tuple per character (42k) and took 0.6 s.
    assert len(gc.get_objects()) - before < 5_000
    assert elapsed < 0.1
    assert lexicon.word("银行").readings == ("yin2", "hang2")


def test_packaged_lookups_agree_with_each_other():
    lexicon = _load_packaged()
    frequency = lexicon.word("银行").frequency
    assert lexicon.frequency("银行") == lexicon.frequencies["银行"] == frequency > 0
    assert lexicon.frequency("银行行") == 0 and "银行行" not in lexicon
    assert lexicon.longest_word_from_pair["银行"] >= 2
    assert lexicon.reach_cache["银行"] == lexicon.longest_word_from_pair["银行"]
    assert lexicon.reach_cache["，。"] == 0 and lexicon.reach_cache["银"] == 0
    assert lexicon.max_word_length == max(map(len, lexicon.frequencies))
    assert lexicon.pos("银行") == "n" and lexicon.pos("银行行") is None
    assert lexicon.char("行").readings[:2] == ("xing2", "hang2")
    assert lexicon.char("x") is None and lexicon.char("行行") is None


def test_tiny_lexicon_image_answers_like_its_tables(tmp_path):
    lexicon = write_tiny_lexicon(tmp_path)
    assert sorted(lexicon.frequencies) == sorted(TINY_WORDS)
    for word, (frequency, pos, readings) in TINY_WORDS.items():
        entry = lexicon.word(word)
        assert entry is not None and lexicon.frequency(word) == frequency
        assert (entry.frequency, entry.pos) == (frequency, pos)
        assert entry.readings == (None if readings == "-" else tuple(readings.split()))
    assert dict(lexicon.longest_word_from_pair) == {
        "银行": 2,
        "行长": 2,
        "行动": 2,
        "在行": 2,
        "长大": 2,
    }
    assert lexicon.total_frequency == sum(f for f, _, _ in TINY_WORDS.values())
    assert lexicon.candidates("還") == ("hai2", "huan2") and lexicon.simplify("還書") == "还書"


def test_lookup_cache_stays_correct_when_it_fills():
    asked: list[str] = []

    def lookup(key: str) -> int:
        asked.append(key)
        return len(key)

    cache = LookupCache(lookup, size=2)
    assert [cache[key] for key in ("a", "bb", "ccc", "a", "bb")] == [1, 2, 3, 1, 2]
    assert len(cache) <= 2 and asked == ["a", "bb", "ccc", "a", "bb"]
    assert cache["bb"] == 2 and asked[-1] == "bb" and len(asked) == 5  # a hit


def test_mapped_and_in_memory_images_agree():
    with resources.as_file(DATA / IMAGE_FILE) as path:
        data = path.read_bytes()
        mapped = LexiconImage.map(path)
    in_memory = LexiconImage(data)
    assert len(mapped) == len(in_memory) > 400_000
    for index in (0, 1, len(mapped) // 2, len(mapped) - 1):
        word = mapped.word_at(index)
        assert mapped.word_index(word) == in_memory.word_index(word) == index
        assert mapped.readings_at(index) == in_memory.readings_at(index)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"pinyinize-lex\x001\x00\xff\xff"])
def test_broken_image_is_a_data_error(data):
    with pytest.raises(DataError):
        LexiconImage(data)


def test_words_that_share_a_hash_are_told_apart():
    with resources.as_file(DATA / IMAGE_FILE) as path:
        image = LexiconImage.map(path)
    tied = [
        index
        for index in range(1, len(image))
        if word_hash(image.word_at(index).encode()) == word_hash(image.word_at(index - 1).encode())
    ][:3]
    assert tied  # 32-bit hashes over 439k words: a few dozen ties
    for index in tied:
        assert image.word_index(image.word_at(index)) == index
        assert image.word_index(image.word_at(index - 1)) == index - 1
