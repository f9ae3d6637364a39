"""Optional compiled build: ``PINYINIZE_MYPYC=1 pip install .`` (or ``pip wheel .``).

The package metadata is in pyproject.toml; this file only adds the C extensions.  With
``PINYINIZE_MYPYC=1``, mypyc compiles the stages that run once per character or word (the
same .py files, type annotations and all) into C extensions, about 1.5 times as fast
sentence by sentence; without it, the package is pure Python and behaves the same (the
test suite runs on both builds in CI).  Released wheels are the compiled build.

An editable install is never compiled: an extension module next to its .py source is
imported instead of it, so edits to the source would silently stop taking effect.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup

# The modules on the per-character and per-word path (see bench/speed.py).  The pipeline
# itself (pipeline.py: Annotator, which users subclass) and the lexicon stay interpreted.
COMPILED_MODULES = [
    "src/pinyinize/scan.py",
    "src/pinyinize/segment.py",
    "src/pinyinize/lookup.py",
    "src/pinyinize/disambiguate/features.py",
    "src/pinyinize/disambiguate/model.py",
    "src/pinyinize/disambiguate/prior.py",
    "src/pinyinize/tone_rules.py",
    "src/pinyinize/spell.py",
]


def extensions() -> list[Extension]:
    if os.environ.get("PINYINIZE_MYPYC") != "1":
        return []
    if "editable_wheel" in sys.argv:
        raise SystemExit(
            "PINYINIZE_MYPYC=1 builds a wheel for installing, not an editable install: the "
            "compiled modules would shadow the sources you edit.  Use `pip install .`."
        )
    from mypyc.build import mypycify  # the build asks for mypy only when compiling

    # group_name: the shared runtime library is pinyinize__mypyc, not a hash.
    return mypycify(COMPILED_MODULES, opt_level="3", group_name="pinyinize")


setup(ext_modules=extensions())
