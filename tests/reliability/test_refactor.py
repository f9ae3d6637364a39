"""The package's import structure: no import cycles in src/pinyinize, and the training
script uses the disambiguation modules' public names only.

Run as a script (``python tests/reliability/test_refactor.py [package folder]``) to list the
cycles with one shortest loop each.

A module imports the modules its import statements name, wherever they stand (module level,
inside functions, under ``if TYPE_CHECKING``): ``from a.b import c`` names the module a.b.c
when there is one, else a.b, which is the package's ``__init__`` when a.b is a package.  So a
child that imports a name back from its package ``__init__``, which imports the child, is a
cycle.  A cycle is a strongly connected component of that graph.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from pathlib import Path

import pytest

import pinyinize.disambiguate.features
import pinyinize.disambiguate.model

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "pinyinize"
Graph = dict[str, set[str]]


def module_names(package: Path) -> dict[str, Path]:
    """The dotted name of every module under the package folder ``package``."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported_modules(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that the import statements of ``module`` name."""
    depth = len(module.split(".")) - (path.name != "__init__.py")  # its package's depth
    named = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, or level - 1 packages above it
                package = module.split(".")[: depth - node.level + 1]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                named.add(child if child in known else base)
    return {name for name in named if name in known and name != module}


def import_graph(package: Path) -> Graph:
    known = module_names(package)
    return {module: imported_modules(module, path, known) for module, path in known.items()}


def import_cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def shortest_loop(graph: Graph, start: str) -> list[str]:
    """The shortest chain of imports from ``start`` back to itself (breadth first)."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph[node]):
            if target == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(came_from[chain[-1]])
                return [*reversed(chain), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    return []


def describe(graph: Graph) -> list[str]:
    return [" -> ".join(shortest_loop(graph, cycle[0])) for cycle in import_cycles(graph)]


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_src_has_no_import_cycles():
    assert describe(import_graph(PACKAGE)) == []


def test_the_renderers_import_their_options_from_the_ground_floor():
    graph = import_graph(PACKAGE)
    assert "pinyinize.options" in graph["pinyinize.render.inline"]
    assert graph["pinyinize.options"] == set()
    for child in ("inline", "json", "pinyin", "ruby", "pieces"):
        assert "pinyinize.render" not in graph[f"pinyinize.render.{child}"], child


CYCLIC_PACKAGES = {
    "a child importing a name back from its package __init__": {
        "pkg/__init__.py": "from pkg.child import f\nOPTIONS = 1\n",
        "pkg/child.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from pkg import OPTIONS\n",
    },
    "a relative import inside a function": {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.sub import b\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/b.py": "def late():\n    from ..a import thing\n",
    },
    "three modules in a ring": {
        "pkg/__init__.py": "",
        "pkg/a.py": "import pkg.b\n",
        "pkg/b.py": "from pkg import c\n",
        "pkg/c.py": "from . import a\n",
    },
}


@pytest.mark.parametrize("files", CYCLIC_PACKAGES.values(), ids=CYCLIC_PACKAGES.keys())
def test_the_cycle_finder_finds_cycles(tmp_path, files):
    assert len(import_cycles(import_graph(write_package(tmp_path, files)))) == 1


def test_the_cycle_finder_accepts_a_ground_floor_module(tmp_path):
    files = {
        "pkg/__init__.py": "from pkg.child import f\nfrom pkg.options import OPTIONS\n",
        "pkg/options.py": "OPTIONS = 1\n",
        "pkg/child.py": "from pkg.options import OPTIONS\nfrom .options import OPTIONS as O\n",
    }
    graph = import_graph(write_package(tmp_path, files))
    assert graph["pkg.child"] == {"pkg.options"}
    assert import_cycles(graph) == []


def test_train_model_imports_public_names_only():
    script = ast.parse((ROOT / "scripts" / "train_model.py").read_text(encoding="utf-8"))
    modules = {
        module.__name__: module
        for module in (pinyinize.disambiguate.features, pinyinize.disambiguate.model)
    }
    imported = [
        (node.module, alias.name)
        for node in ast.walk(script)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pinyinize")
        for alias in node.names
    ]
    assert ("pinyinize.disambiguate.features", "document_keys") in imported
    for module, name in imported:
        assert not name.startswith("_"), (module, name)
        if module in modules:
            assert name in modules[module].__all__, (module, name)


if __name__ == "__main__":
    loops = describe(import_graph(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE))
    print("\n".join(loops) or "no import cycles")
    sys.exit(1 if loops else 0)
