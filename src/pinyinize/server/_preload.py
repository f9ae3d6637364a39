"""Imported by the worker pool's fork server only: the default Annotator, loaded and warm.

Every worker is forked from that server, so the lexicon and the model are loaded once and
their pages shared copy-on-write rather than loaded again per worker.  ``gc.freeze`` keeps
the collector from writing to those objects (and so copying their pages) in the workers.
"""

from __future__ import annotations

import gc

import fastapi  # noqa: F401 - loaded here so that every worker shares its pages
import pydantic  # noqa: F401

from pinyinize.pipeline import Annotator

ANNOTATOR = Annotator()
ANNOTATOR.annotate("银行行长", format="json")
gc.freeze()
