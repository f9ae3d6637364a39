"""Plain text: the whole text is annotated, as ``pinyinize annotate`` always did."""

from __future__ import annotations

from pinyinize.formats._runs import DocumentOptions
from pinyinize.formats.decode import decode
from pinyinize.pipeline import Annotator
from pinyinize.render import Format

__all__ = ["annotate_document", "strip_document"]


def annotate_document(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    return options.annotate(annotator, decode(data)).encode("utf-8")


def strip_document(data: bytes, annotator: Annotator, options: DocumentOptions) -> bytes:
    return annotator.strip(decode(data), format=options.format or Format.INLINE).encode("utf-8")
