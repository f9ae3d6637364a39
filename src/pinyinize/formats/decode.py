"""Reading a document's bytes as UTF-8, with an error that says where it is not."""

from __future__ import annotations

from pinyinize.errors import InputError
from pinyinize.formats.limits import MAX_DOCUMENT_BYTES, mebibytes

__all__ = ["decode"]


def decode(data: bytes, name: str = "") -> str:
    """The text of ``data``; InputError naming the first byte that is not UTF-8, or when
    ``data`` is over :data:`~pinyinize.formats.limits.MAX_DOCUMENT_BYTES`.

    A byte order mark is kept as a character, so encoding gives back the same bytes.
    """
    prefix = f"{name}: " if name else ""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"{prefix}document too large ({len(data):,} bytes; the limit is "
            f"{mebibytes(MAX_DOCUMENT_BYTES)})"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{prefix}not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
