"""EPUB: annotate every XHTML content document of the book, keep every other entry.

The OPF manifest says which entries are XHTML content documents (media type
``application/xhtml+xml``); each is annotated as HTML (see :mod:`pinyinize.formats.html`,
which splices text nodes and so keeps the XML well-formed).  The new zip has the entries in
the same order with the same names, dates and compression, ``mimetype`` first and stored,
as the OCF specification requires; every other entry's content is copied unchanged.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable
from urllib.parse import unquote
from xml.etree import ElementTree

from pinyinize.errors import InputError
from pinyinize.formats._runs import DocumentOptions, Session
from pinyinize.formats.decode import decode
from pinyinize.formats.html import annotate_html, strip_html
from pinyinize.pipeline import Annotator
from pinyinize.render import Format

__all__ = ["annotate_document", "content_documents", "strip_document"]

MIMETYPE = b"application/epub+zip"
_CONTAINER = "META-INF/container.xml"
_XHTML = "application/xhtml+xml"
_NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
}


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError("not an EPUB: not a zip file") from None
    names = book.namelist()
    if not names or names[0] != "mimetype" or book.read("mimetype").strip() != MIMETYPE:
        raise InputError("not an EPUB: the first entry is not mimetype application/epub+zip")
    return book


def _xml(book: zipfile.ZipFile, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(book.read(name))
    except KeyError:
        raise InputError(f"not an EPUB: {name} is missing") from None
    except ElementTree.ParseError as error:
        raise InputError(f"not an EPUB: {name}: {error}") from None


def content_documents(book: zipfile.ZipFile) -> set[str]:
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
    book = _open(data)
    documents = content_documents(book)
    output = io.BytesIO()
    with book, zipfile.ZipFile(output, "w") as new_book:
        for info in book.infolist():
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


def annotate_document(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    """Annotate the book; ``first`` counts across all its documents, in zip order."""
    session = Session(annotator, options, options.format or Format.RUBY)
    return _rewrite(
        data, lambda name, text: _name_errors(name, lambda: annotate_html(text, session))
    )


def strip_document(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    session = Session(annotator, options, options.format or Format.RUBY)
    return _rewrite(data, lambda _name, text: strip_html(text, session))
