"""Errors that pinyinize raises on purpose; the CLI turns each into one line on stderr."""

from __future__ import annotations

__all__ = [
    "DataError",
    "InputError",
    "OutputError",
    "PinyinizeError",
    "SameFileError",
    "UserDictionaryError",
]


class PinyinizeError(Exception):
    """Base class of every error pinyinize raises on purpose."""


class DataError(PinyinizeError):
    """A packaged or user-supplied data file is missing or malformed."""


class InputError(PinyinizeError):
    """The input cannot be processed (for example, it is not UTF-8 text)."""


class UserDictionaryError(DataError):
    """Lines of a user dictionary that could not be read, with their line numbers."""

    def __init__(self, path: str, problems: list[tuple[int, str]]) -> None:
        self.path = path
        self.problems = problems
        listed = "; ".join(f"line {number}: {why}" for number, why in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{path}: {len(problems)} bad line(s): {listed}{more}")


class OutputError(PinyinizeError):
    """The output cannot be written (a full disk, no permission, a missing folder)."""


class SameFileError(PinyinizeError):
    """An output is one of the command's other files: writing it would lose that file."""
