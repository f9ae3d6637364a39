"""Which build of pinyinize this is: pure Python, or its stages compiled by mypyc.

setup.py compiles the per-character stages when ``PINYINIZE_MYPYC=1`` (the released
wheels); both builds give the same readings.  ``pinyinize --version`` and bench/speed.py
say which one ran, since their speeds differ.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from importlib.util import find_spec

__all__ = ["build_name", "is_compiled"]

# One module that every compiled build compiles (setup.py's COMPILED_MODULES).
_PROBE = "pinyinize.segment"


def is_compiled(module: str = _PROBE) -> bool:
    """Whether ``module`` is imported from a C extension (looked up, not imported)."""
    spec = find_spec(module)
    origin = spec.origin if spec is not None else None
    return origin is not None and origin.endswith(tuple(EXTENSION_SUFFIXES))


def build_name() -> str:
    return "compiled with mypyc" if is_compiled() else "pure Python"
