"""Whole documents: annotate the text of a document and keep everything else as it was.

One module per document type, each with two plain functions,
``annotate_document(data, annotator, options) -> data`` and
``strip_document(data, annotator, options) -> data`` (bytes in, bytes out: an EPUB is a
zip).  :data:`DOCUMENT_TYPES` is the registry; :func:`detect` picks a type from a file name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from pinyinize.errors import InputError
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator

__all__ = [
    "DOCUMENT_TYPES",
    "DocumentType",
    "annotate_document",
    "detect",
    "register_document_type",
    "strip_document",
]

Transform = Callable[[bytes, Annotator, AnnotationOptions], bytes]


@dataclass(frozen=True, slots=True)
class DocumentType:
    """A kind of document: its file name suffixes, the annotation formats it can hold (the
    first is its default) and its two functions."""

    name: str
    suffixes: tuple[str, ...]
    formats: tuple[Format, ...]
    annotate: Transform
    strip: Transform


DOCUMENT_TYPES: dict[str, DocumentType] = {}


def register_document_type(document_type: DocumentType) -> None:
    DOCUMENT_TYPES[document_type.name] = document_type


def detect(file_name: str | None) -> str:
    """The document type of a file name by its suffix; ``text`` when none matches."""
    if file_name:
        suffix = PurePath(file_name).suffix.lower()
        for document_type in DOCUMENT_TYPES.values():
            if suffix in document_type.suffixes:
                return document_type.name
    return "text"


def resolve(name: str, options: AnnotationOptions) -> tuple[DocumentType, AnnotationOptions]:
    """The document type and options with the format filled in (and checked)."""
    try:
        document_type = DOCUMENT_TYPES[name]
    except KeyError:
        known = sorted(DOCUMENT_TYPES)
        raise InputError(f"unknown document type {name!r}; known: {known}") from None
    if options.format is None:
        options = options.replace(format=document_type.formats[0])
    elif options.format not in document_type.formats:
        formats = ", ".join(f.value for f in document_type.formats)
        raise InputError(
            f"{name} documents take the {formats} format(s), not {options.format.value}"
        )
    return document_type, options


def annotate_document(
    data: bytes, annotator: Annotator, options: AnnotationOptions, *, kind: str = "text"
) -> bytes:
    """Annotate a whole document of type ``kind`` (see :data:`DOCUMENT_TYPES`)."""
    document_type, options = resolve(kind, options)
    return document_type.annotate(data, annotator, options)


def strip_document(
    data: bytes, annotator: Annotator, options: AnnotationOptions, *, kind: str = "text"
) -> bytes:
    """Remove what :func:`annotate_document` added, giving back the original bytes."""
    document_type, options = resolve(kind, options)
    return document_type.strip(data, annotator, options)


def _register_builtins() -> None:
    from pinyinize.formats import epub, html, markdown, subtitles, text

    register_document_type(
        DocumentType(
            "text",
            (".txt",),
            (Format.INLINE, Format.RUBY, Format.JSON, Format.PINYIN),
            text.annotate_document,
            text.strip_document,
        )
    )
    register_document_type(
        DocumentType(
            "html",
            (".html", ".htm", ".xhtml"),
            (Format.RUBY, Format.INLINE),
            html.annotate_document,
            html.strip_document,
        )
    )
    register_document_type(
        DocumentType(
            "epub",
            (".epub",),
            (Format.RUBY, Format.INLINE),
            epub.annotate_document,
            epub.strip_document,
        )
    )
    register_document_type(
        DocumentType(
            "srt",
            (".srt",),
            (Format.INLINE,),
            subtitles.annotate_srt,
            subtitles.strip_srt,
        )
    )
    register_document_type(
        DocumentType(
            "vtt",
            (".vtt",),
            (Format.INLINE, Format.RUBY),
            subtitles.annotate_vtt,
            subtitles.strip_vtt,
        )
    )
    register_document_type(
        DocumentType(
            "markdown",
            (".md", ".markdown"),
            (Format.INLINE, Format.RUBY),
            markdown.annotate_document,
            markdown.strip_document,
        )
    )


_register_builtins()
