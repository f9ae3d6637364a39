"""EPUB: annotate every XHTML content document of the book, keep every other entry.

The OPF manifest says which entries are XHTML content documents (media type
``application/xhtml+xml``); each is annotated as HTML (see :mod:`pinyinize.formats.html`,
which splices text nodes and so keeps the XML well-formed).  The new zip has the entries in
the same order with the same names, dates and compression, ``mimetype`` first and stored,
as the OCF specification requires; every other entry's content is copied unchanged.

Entries are read through a bounded reader against the limits of
:mod:`pinyinize.formats.limits` (per entry and for the whole book, on the bytes actually
decompressed), so a zip bomb stops at the limit; a damaged zip (bad CRC, unknown
compression, truncated data) is an InputError, like any other bad input.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable
from urllib.parse import unquote
from xml.etree import ElementTree

from pinyinize.errors import InputError
from pinyinize.formats.decode import decode
from pinyinize.formats.html import annotate_html, strip_html
from pinyinize.formats.limits import (
    MAX_EPUB_ENTRIES,
    MAX_EPUB_ENTRY_BYTES,
    MAX_EPUB_TOTAL_BYTES,
    mebibytes,
)
from pinyinize.formats.session import Session
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator

__all__ = ["annotate_document", "content_documents", "strip_document"]

MIMETYPE = b"application/epub+zip"
_CONTAINER = "META-INF/container.xml"
_XHTML = "application/xhtml+xml"
_NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
}


# What zipfile and its decompressors raise on a damaged archive.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,  # an unknown compression method
    RuntimeError,  # an encrypted entry
    ValueError,
    OSError,
    struct.error,
)


class _Book:
    """An EPUB's zip, read within the limits: each entry at most
    :data:`MAX_EPUB_ENTRY_BYTES` and all reads together at most
    :data:`MAX_EPUB_TOTAL_BYTES`, counted on the bytes decompressed."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.entries = self.zip.infolist()
        except _ZIP_ERRORS as error:
            raise InputError(f"not an EPUB: not a zip file ({error})") from None
        if len(self.entries) > MAX_EPUB_ENTRIES:
            raise InputError(
                f"EPUB has too many entries ({len(self.entries):,}; the limit is "
                f"{MAX_EPUB_ENTRIES:,})"
            )
        self.left = MAX_EPUB_TOTAL_BYTES
        if not self.entries or self.entries[0].filename != "mimetype":
            raise InputError("not an EPUB: the first entry is not mimetype application/epub+zip")
        if self.read(self.entries[0]).strip() != MIMETYPE:
            raise InputError("not an EPUB: the first entry is not mimetype application/epub+zip")

    def read(self, entry: zipfile.ZipInfo | str) -> bytes:
        info = self.zip.getinfo(entry) if isinstance(entry, str) else entry
        limit = min(MAX_EPUB_ENTRY_BYTES, self.left)
        try:
            with self.zip.open(info) as stream:
                content = stream.read(limit + 1)  # decompresses no more than asked
        except _ZIP_ERRORS as error:
            raise InputError(f"not a readable EPUB: {info.filename}: {error}") from None
        if len(content) > limit:
            raise InputError(self._too_large(info.filename, limit))
        self.left -= len(content)
        return content

    @staticmethod
    def _too_large(name: str, limit: int) -> str:
        if limit == MAX_EPUB_ENTRY_BYTES:
            return f"{name}: EPUB entry too large (the limit is {mebibytes(limit)} uncompressed)"
        return (
            f"{name}: EPUB too large (the limit is {mebibytes(MAX_EPUB_TOTAL_BYTES)} "
            "uncompressed in all)"
        )


def _xml(book: _Book, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(book.read(name))
    except KeyError:
        raise InputError(f"not an EPUB: {name} is missing") from None
    except ElementTree.ParseError as error:
        raise InputError(f"not an EPUB: {name}: {error}") from None


def content_documents(book: _Book) -> set[str]:
    """Zip entry names of the XHTML content documents the package document lists."""
    rootfile = _xml(book, _CONTAINER).find(".//container:rootfile", _NS)
    package = rootfile.get("full-path") if rootfile is not None else None
    if not package:
        raise InputError(f"not an EPUB: {_CONTAINER} names no package document")
    base = posixpath.dirname(package)
    names = set()
    for item in _xml(book, package).iterfind(".//opf:manifest/opf:item", _NS):
        href = item.get("href")
        if item.get("media-type") == _XHTML and href:
            names.add(posixpath.normpath(posixpath.join(base, unquote(href))))
    return names


def _rewrite(data: bytes, transform: Callable[[str, str], str]) -> bytes:
    """A copy of the book with ``transform(name, text)`` applied to each content document."""
    book = _Book(data)
    documents = content_documents(book)
    output = io.BytesIO()
    with book.zip, zipfile.ZipFile(output, "w") as new_book:
        for info in book.entries:
            content = book.read(info)
            if info.filename in documents:
                text = decode(content, info.filename)
                content = transform(info.filename, text).encode("utf-8")
            new_info = zipfile.ZipInfo(info.filename, info.date_time)
            new_info.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else info.compress_type
            )
            new_info.external_attr = info.external_attr
            new_info.create_system = info.create_system
            new_book.writestr(new_info, content)
    return output.getvalue()


def _name_errors(name: str, work: Callable[[], str]) -> str:
    try:
        return work()
    except InputError as error:
        raise InputError(f"{name}:{error}") from None


def annotate_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    """Annotate the book; ``first`` counts across all its documents, in zip order."""
    session = Session(annotator, options, options.format or Format.RUBY)
    return _rewrite(
        data, lambda name, text: _name_errors(name, lambda: annotate_html(text, session))
    )


def strip_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.RUBY)
    return _rewrite(data, lambda _name, text: strip_html(text, session))
