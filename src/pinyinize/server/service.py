"""What one worker process holds: its Annotator and the user dictionaries it has parsed.

A request's user dictionary (the web page's chosen readings) does not cost a model: the
worker's Annotator lends its lexicon and model to a light Annotator built for the request
(:meth:`Annotator.with_user_words`, well under a millisecond).  Only the parsed dictionaries
are kept, the most recently used first, up to a number of bytes: parsing is the slow part
(about 0.1 ms a word), and a cache bounded by count would let a few huge dictionaries fill
memory.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Mapping

from pinyinize.pipeline import Annotator
from pinyinize.userdict import read_user_dictionary

__all__ = ["Service", "UserDictionaries"]

Words = dict[str, tuple[str, ...]]
Key = tuple[tuple[str, str], ...]


def _size_of(key: Key, words: Words) -> int:
    """Bytes held by one cached dictionary: its key and its parsed words (an estimate that
    counts every string and tuple, and a dict slot per entry)."""
    size = sys.getsizeof(key) + sys.getsizeof(words)
    for word, pinyin in key:
        size += sys.getsizeof((word, pinyin)) + sys.getsizeof(word) + sys.getsizeof(pinyin)
    for readings in words.values():
        size += sys.getsizeof(readings) + sum(sys.getsizeof(reading) for reading in readings)
    return size


class UserDictionaries:
    """Parsed user dictionaries, least recently used dropped first, at most ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[Key, tuple[Words, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def parsed(self, user_dict: Mapping[str, str]) -> Words:
        """The words of ``user_dict`` (UserDictionaryError when a line is bad)."""
        key = tuple(sorted(user_dict.items()))
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found[0]
        words = read_user_dictionary(dict(key))
        self._keep(key, words)
        return words

    def _keep(self, key: Key, words: Words) -> None:
        size = _size_of(key, words)
        if size > self.max_bytes:
            return  # larger than the whole cache: used for this request only
        while self.bytes + size > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped
        self._entries[key] = (words, size)
        self.bytes += size


class Service:
    """The worker's Annotator, and one per request for requests with a user dictionary;
    ``max_response_bytes`` bounds the JSON it answers with."""

    def __init__(self, annotator: Annotator, user_dict_bytes: int, max_response_bytes: int) -> None:
        self.annotator = annotator
        self.dictionaries = UserDictionaries(user_dict_bytes)
        self.max_response_bytes = max_response_bytes

    def annotator_for(self, user_dict: Mapping[str, str]) -> Annotator:
        if not user_dict:
            return self.annotator
        return self.annotator.with_user_words(self.dictionaries.parsed(user_dict))
