"""The build backend: setuptools', plus mypy when the build compiles the pipeline.

``PINYINIZE_MYPYC=1`` builds the hot pipeline stages as C extensions with mypyc (see
setup.py).  mypyc comes with mypy, so only such a build asks for it: a plain install of
the pure-Python package downloads nothing more than setuptools.  This is setuptools'
documented way to add build requirements dynamically (an in-tree backend that wraps
``setuptools.build_meta``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 (every hook this file does not wrap)

# The mypyc the compiled wheels were tested with: its output (and its run-time checks of
# the type annotations) can change between releases.
MYPYC_REQUIREMENT = "mypy==2.4.1"
_SWITCH = "PINYINIZE_MYPYC"


@contextmanager
def _switched_off() -> Iterator[None]:
    """setuptools runs setup.py to find its requirements, before mypy is installed: let
    that run see a pure build, which does not import mypyc."""
    value = os.environ.pop(_SWITCH, None)
    try:
        yield
    finally:
        if value is not None:
            os.environ[_SWITCH] = value


Hook = Callable[[dict[str, str] | None], list[str]]


def _requirements(hook: Hook, config_settings: dict[str, str] | None) -> list[str]:
    compiling = os.environ.get(_SWITCH) == "1"
    with _switched_off():
        required = list(hook(config_settings))
    return required + ([MYPYC_REQUIREMENT] if compiling else [])


def get_requires_for_build_wheel(config_settings: dict[str, str] | None = None) -> list[str]:
    return _requirements(_setuptools.get_requires_for_build_wheel, config_settings)


def get_requires_for_build_editable(
    config_settings: dict[str, str] | None = None,
) -> list[str]:
    return _requirements(_setuptools.get_requires_for_build_editable, config_settings)
