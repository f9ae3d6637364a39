"""Reading a document's bytes as UTF-8, with an error that says where it is not."""

from __future__ import annotations

from pinyinize.errors import InputError

__all__ = ["decode"]


def decode(data: bytes, name: str = "") -> str:
    """The text of ``data``; InputError naming the first byte that is not UTF-8.

    A byte order mark is kept as a character, so encoding gives back the same bytes.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = f"{name}: " if name else ""
        raise InputError(
            f"{prefix}not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
