"""The packages of webapp/ depend on each other in one direction only.

A cycle between two packages (``search`` and ``api`` once imported each other, hidden
behind an import inside ``init_app``) means neither can be read, tested or moved
alone, and it breaks as soon as someone moves an import to the top of a module. So
the graph counts every import that can run, at module level or inside a function (not
those under ``if TYPE_CHECKING:``), read with ``ast`` from the source: nothing is
imported to check it.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def module_names(root: Path) -> dict[str, Path]:
    """Every module below ``root/webapp`` by its dotted name (a package by its own)."""
    modules = {}
    for path in (root / "webapp").rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that can run: the bodies of ``if TYPE_CHECKING:`` are left out."""
    nodes, pending = [], [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending += node.orelse
        else:
            pending += ast.iter_child_nodes(node)
    return nodes


def imported_names(module: str, path: Path) -> list[str]:
    """The dotted names that ``module`` imports anywhere in its body, when it runs."""
    names = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def unit(module: str) -> str:
    """The part of webapp a module belongs to: ``webapp.api.books`` -> ``webapp.api``."""
    return ".".join(module.split(".")[:2])


def package_graph(root: Path) -> dict[str, set[str]]:
    """Which of webapp's packages and top-level modules import which others."""
    modules = module_names(root)
    graph: dict[str, set[str]] = {unit(name): set() for name in modules}
    for module, path in modules.items():
        for name in imported_names(module, path):
            while name and name not in modules:  # webapp.api.bp -> webapp.api
                name = name.rpartition(".")[0]
            if name and unit(name) != unit(module):
                graph[unit(module)].add(unit(name))
    return graph


def test_no_two_packages_of_webapp_import_each_other() -> None:
    graph = package_graph(ROOT)
    assert {"webapp.api", "webapp.search", "webapp.library"} <= graph.keys()  # it read the tree
    assert "webapp.search" in graph["webapp.api"]  # and saw its imports
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        pytest.fail("webapp's packages import in a circle: " + " -> ".join(error.args[1]))


def test_the_graph_sees_imports_inside_functions_but_not_those_for_type_checking(tmp_path: Path) -> None:
    (tmp_path / "webapp" / "a").mkdir(parents=True)
    (tmp_path / "webapp" / "b").mkdir()
    (tmp_path / "webapp" / "__init__.py").write_text("")
    (tmp_path / "webapp" / "a" / "__init__.py").write_text("def init_app():\n    from . import views\n")
    (tmp_path / "webapp" / "a" / "views.py").write_text("from webapp.b.service import helper\n")
    (tmp_path / "webapp" / "b" / "__init__.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from webapp.c import Thing\n"
    )
    (tmp_path / "webapp" / "b" / "service.py").write_text("from ..a import init_app\n")
    (tmp_path / "webapp" / "c.py").write_text("from webapp.b import service\n")
    graph = package_graph(tmp_path)
    assert graph["webapp.a"] == {"webapp.b"} and graph["webapp.b"] == {"webapp.a"}  # not webapp.c
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(graph).prepare()
