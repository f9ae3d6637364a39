"""Plain text: the whole text is annotated, as ``pinyinize annotate`` always did.

A JSON annotation is one line ending with a newline, so that files annotated one after
another make JSON Lines; stripping takes each non-blank line as one JSON annotation.
"""

from __future__ import annotations

from pinyinize.formats.decode import decode
from pinyinize.options import AnnotationOptions, Format
from pinyinize.pipeline import Annotator

__all__ = ["annotate_document", "strip_document"]


def annotate_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    annotated = annotator.annotate(decode(data), options)
    if options.format is Format.JSON:
        annotated += "\n"
    return annotated.encode("utf-8")


def strip_document(data: bytes, annotator: Annotator, options: AnnotationOptions) -> bytes:
    text = decode(data)
    format = options.format or Format.INLINE
    if format is not Format.JSON:
        return annotator.strip(text, format=format).encode("utf-8")
    documents = (line for line in text.splitlines() if line.strip())
    return "".join(annotator.strip(line, format=format) for line in documents).encode("utf-8")
