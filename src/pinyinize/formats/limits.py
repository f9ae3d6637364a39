"""How much a document may hold: every limit on document input, in one place.

A document is read whole into memory and annotating it takes several times its size (a
page annotated with ruby, ~80 bytes of memory per input byte at its peak), so the limits
keep one request or one file from taking the machine.  Each is checked on the bytes
actually read, never on sizes a file declares about itself (a zip's headers can lie).
"""

from __future__ import annotations

__all__ = ["MAX_DOCUMENT_BYTES", "MAX_EPUB_ENTRIES", "MAX_EPUB_ENTRY_BYTES", "MAX_EPUB_TOTAL_BYTES"]

_MIB = 1024 * 1024

# One document of any type, as UTF-8 bytes: a file, or one content document of an EPUB.
# Ten times the longest novels (a million characters is about 3 MB).
MAX_DOCUMENT_BYTES = 32 * _MIB
# One entry of an EPUB once uncompressed (a chapter, an image, a font, an audio clip).
MAX_EPUB_ENTRY_BYTES = 64 * _MIB
# All the entries of an EPUB together once uncompressed: a zip bomb stops here.
MAX_EPUB_TOTAL_BYTES = 256 * _MIB
# Entries in one EPUB (each costs a header in memory even when empty).
MAX_EPUB_ENTRIES = 10_000


def mebibytes(size: int) -> str:
    """A size for a message: ``32 MiB``."""
    return f"{size / _MIB:g} MiB"
