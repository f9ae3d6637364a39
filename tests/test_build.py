"""The two builds: pure Python (an editable install) and the stages compiled by mypyc.

CI runs the whole suite twice: on the editable install, and with ``PYTHONPATH`` pointing
at the compiled build (scripts/build_compiled.sh) and ``PINYINIZE_EXPECT_COMPILED=1``.
These tests make sure each run tests the build it says it does.
"""

from __future__ import annotations

import ast
import importlib.util
import os

import pytest
from click.testing import CliRunner

from pinyinize._build import build_name, is_compiled
from pinyinize.cli import main

from conftest import ROOT

EXPECT_COMPILED = os.environ.get("PINYINIZE_EXPECT_COMPILED") == "1"


def compiled_modules() -> list[str]:
    """setup.py's COMPILED_MODULES, as module names (read, not run: it calls setup())."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and getattr(node.targets[0], "id", "") == "COMPILED_MODULES"
        ):
            paths = ast.literal_eval(node.value)
            return [p.removeprefix("src/").removesuffix(".py").replace("/", ".") for p in paths]
    raise AssertionError("setup.py has no COMPILED_MODULES")


@pytest.mark.parametrize("module", compiled_modules())
def test_each_stage_module_is_the_build_this_run_expects(module):
    # A stale extension beside an editable source would shadow it: the pure run checks that
    # none is there, the compiled run that every listed module was compiled.
    assert is_compiled(module) == EXPECT_COMPILED


def test_the_pipeline_module_stays_interpreted():
    # Annotator is meant to be subclassed, and interpreted classes cannot inherit from
    # compiled ones.
    assert not is_compiled("pinyinize.pipeline")


def test_version_names_the_build():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    expected = "compiled with mypyc" if EXPECT_COMPILED else "pure Python"
    assert result.output.strip().endswith(f"({expected})")
    assert build_name() == expected


def load_backend():
    spec = importlib.util.spec_from_file_location("backend", ROOT / "_build" / "backend.py")
    assert spec is not None and spec.loader is not None
    backend = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(backend)
    return backend


@pytest.mark.parametrize("compiling", [False, True])
def test_only_a_compiled_build_asks_for_mypy(monkeypatch, compiling):
    backend = load_backend()
    seen = []

    def setuptools_hook(config):  # setuptools runs setup.py here, before mypy is installed
        seen.append(os.environ.get("PINYINIZE_MYPYC"))
        return ["setuptools-asks-for-this"]

    monkeypatch.delenv("PINYINIZE_MYPYC", raising=False)
    if compiling:
        monkeypatch.setenv("PINYINIZE_MYPYC", "1")
    required = backend._requirements(setuptools_hook, None)
    mypy = [backend.MYPYC_REQUIREMENT] if compiling else []
    assert required == ["setuptools-asks-for-this", *mypy]
    assert seen == [None]  # so setup.py did not try to import mypyc
    assert os.environ.get("PINYINIZE_MYPYC") == ("1" if compiling else None)
