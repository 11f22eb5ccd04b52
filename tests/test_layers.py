"""Imports point one way: down the layers below, and never round in a cycle.

Every module of sendiass_lib is parsed (not imported) and every import it makes, at the top or
inside a function, is an edge of the graph. A module belongs to the layer of the longest name in
LAYERS that is it or a package holding it, and may import only its own layer and those below; a
module in no layer fails too, so a new one is placed on purpose.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import sendiass_lib

PACKAGE = "sendiass_lib"
ROOT = Path(sendiass_lib.__file__).resolve().parent

# Bottom to top. A module may import modules of its own layer and of the layers below, never above.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # paths, service and group files, number words, working days, taxonomies, the audit's linear programs
    (
        "settings",
        (
            *("formatting", "workdays", "service_schema", "service_file_messages", "config", "groups"),
            *("labels", "audit"),
        ),
    ),
    ("periods", ("periods",)),
    # the database, and what its fields, forms and small-number rule mean; which pages have data
    ("data", (PACKAGE, "db", "privacy", "disclosure", "fields", "questions", "availability")),
    ("ingest", ("ingest", "sample")),  # extracts into the database (real and synthetic)
    # the results the whole-year audit reads, as counted: the line-by-line rule, nothing of the audit
    ("counted", ("metrics.label_mix", "metrics.themes", "metrics.national", "metrics.blank_fields")),
    ("suppression", ("suppression",)),  # the audit of a service-year: the further cells it hides
    ("metrics", ("metrics",)),  # the database into results as they may be published, audit included
    ("views", ("views", "narrative", "tables", "charts")),  # what a reader sees
    ("publish", ("publish", "ingest.check_report")),  # pages (the check page wears the pages' chrome)
    ("commands", ("cli",)),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that the module at `path` imports anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:  # `from . import x` imports module x; `from .x import y`, x
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(name, path, set(found)) for name, path in found.items()}


def layer_of(name: str) -> int | None:
    """The index of the module's layer: that of the longest declared name that is it or holds it."""
    best, depth = None, -1
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            full = member if member == PACKAGE else f"{PACKAGE}.{member}"
            if (name == full or name.startswith(full + ".")) and full.count(".") > depth:
                best, depth = index, full.count(".")
    return best


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def upward(edges: dict[str, set[str]]) -> list[str]:
    """'a (layer) imports b (higher layer)' for every import against LAYERS."""
    return [
        f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
        for a in sorted(edges)
        for b in sorted(edges[a])
        if None not in (layer_of(a), layer_of(b)) and layer_of(b) > layer_of(a)
    ]


def test_the_graph_sees_relative_imports_at_any_depth_and_inside_functions(tmp_path):
    known = {"sendiass_lib", "sendiass_lib.a", "sendiass_lib.b", "sendiass_lib.p", "sendiass_lib.p.c"}
    source = tmp_path / "c.py"
    source.write_text("from .. import a\n\ndef f():\n    from ..b import thing\n    from . import c\n")
    assert imported("sendiass_lib.p.c", source, known) == {"sendiass_lib.a", "sendiass_lib.b"}
    init = tmp_path / "__init__.py"
    init.write_text("import sendiass_lib.a\nfrom .c import x\n")
    assert imported("sendiass_lib.p", init, known) == {"sendiass_lib.a", "sendiass_lib.p.c"}


def test_a_cycle_and_an_upward_import_are_found():
    edges = {"sendiass_lib.config": {"sendiass_lib.periods"}, "sendiass_lib.periods": {"sendiass_lib.config"}}
    assert cycle(edges) == ["sendiass_lib.config", "sendiass_lib.periods", "sendiass_lib.config"]
    assert upward(edges) == ["sendiass_lib.config (settings) imports sendiass_lib.periods (periods)"]
    assert cycle({"sendiass_lib.cli": {"sendiass_lib.config"}, "sendiass_lib.config": set()}) is None


def test_every_module_has_a_layer():
    missing = [name for name in modules() if layer_of(name) is None]
    assert not missing, f"modules in no layer of LAYERS (tests/test_layers.py): {', '.join(missing)}"


def test_no_module_imports_a_layer_above_its_own():
    if found := upward(graph()):
        order = " -> ".join(layer for layer, _ in LAYERS)
        pytest.fail(f"imports against the layers (bottom to top: {order}):\n" + "\n".join(found))


def test_no_import_cycle():
    if found := cycle(graph()):
        pytest.fail("import cycle: " + " -> ".join(found))


NOTEBOOK_IMPORTS = {"IPython.display", "sendiass_lib", "sendiass_lib.metrics", "sendiass_lib.views"}
NOTEBOOK_LIBRARY = {"db", "connect"}  # from sendiass_lib itself: the database connection only


@pytest.mark.parametrize(
    "notebook", sorted((ROOT.parent / "notebooks").glob("*.ipynb")), ids=lambda p: p.name
)
def test_notebooks_use_the_database_metrics_and_views_only(notebook):
    # A notebook is thin: it connects, calls metrics and shows each element through one view call.
    # Wording, formatting, tables and charts live in views, so a notebook imports nothing else.
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    wrong = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            wrong += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.module not in NOTEBOOK_IMPORTS:
                wrong.append(node.module)
            elif node.module == "sendiass_lib":
                wrong += [alias.name for alias in node.names if alias.name not in NOTEBOOK_LIBRARY]
        elif isinstance(node, ast.JoinedStr):
            wrong.append(f"an f-string on line {node.lineno} (wording belongs in a view)")
        elif isinstance(node, ast.For):
            wrong.append(f"a loop on line {node.lineno} (a view returns the elements to display)")
    assert not wrong, f"{notebook.name} reaches past metrics and views: {wrong}"
