"""No import circle: not between modules, not between the package's parts.

The imports are read from the source (ast), not by importing: every ``import``
and ``from … import`` counts, at module level and inside functions (an import
deferred into a function is still a dependency, only a hidden one). Imports
under ``if TYPE_CHECKING:`` count too: a type named in a signature is a
dependency of the design, and a circle of type hints is the first step to a
circle at run time. The only edge left out is the implicit import of a
module's parent packages (``import reporter.model`` runs ``reporter/__init__``
first): every module has it, and ``reporter/__init__`` is the library's front
door, which imports the rest on purpose.

A part is a subpackage (``register``, ``rules``, ``output``, ``delivery``,
``messages``) or a top-level module (``engine``, ``platform``, ``model``, …);
``output.workbook`` belongs to ``output``, ``delivery.email`` to ``delivery``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "reporter"


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    modules: dict[str, Path] = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def imported_names(module: str, path: Path) -> Iterator[str]:
    """The dotted names ``module`` imports, relative imports resolved."""
    is_package = path.name == "__init__.py"
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
            continue
        base = node.module or ""
        if node.level:
            anchor = module.split(".")
            anchor = anchor if is_package else anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            # `from a.b import c` names the module a.b.c, or else a name defined in a.b:
            # module_graph() keeps the longest prefix that is a module.
            yield f"{base}.{alias.name}"


def module_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (each name resolved to its module)."""
    modules = module_files()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets: set[str] = set()
        for name in imported_names(module, path):
            if not (name == PACKAGE or name.startswith(PACKAGE + ".")):
                continue
            while name not in modules:
                name = name.rpartition(".")[0]
            targets.add(name)
        targets.discard(module)
        graph[module] = targets
    return graph


def part_of(module: str) -> str:
    names = module.split(".")
    if len(names) == 1:
        return PACKAGE  # reporter/__init__.py, the library's names
    return names[1]


def part_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    parts: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = part_of(module)
        parts.setdefault(source, set())
        for target in targets:
            if part_of(target) != source:
                parts[source].add(part_of(target))
    return parts


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest closed path through the component's first member, for the message."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return component


def _describe(graph: dict[str, set[str]], found: list[list[str]]) -> str:
    return "\n".join(" -> ".join(one_cycle(graph, component)) for component in found)


def test_no_module_imports_itself_through_others() -> None:
    graph = module_graph()
    found = circles(graph)
    assert not found, "import circles between modules:\n" + _describe(graph, found)


def test_no_part_imports_itself_through_others() -> None:
    modules = module_graph()
    graph = part_graph(modules)
    found = circles(graph)
    # Each part-to-part import inside a circle (every one lies on a circle), with the
    # module imports that make it: what to move.
    made_by: dict[tuple[str, str], list[str]] = {}
    for module, targets in sorted(modules.items()):
        for target in sorted(targets):
            edge = (part_of(module), part_of(target))
            if edge[0] != edge[1] and any(set(edge) <= set(c) for c in found):
                made_by.setdefault(edge, []).append(f"{module} -> {target}")
    culprits = [f"  {a} -> {b}: {'; '.join(why)}" for (a, b), why in sorted(made_by.items())]
    assert not found, "\n".join(
        ["import circles between parts:", _describe(graph, found), *culprits]
    )


# The checks themselves, on graphs where the answer is known.


def test_a_circle_of_three_is_found_and_a_chain_is_not() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_an_import_inside_a_function_and_a_relative_import_count(tmp_path: Path) -> None:
    path = tmp_path / "mod.py"
    path.write_text(
        "from . import sibling\n"
        "def later():\n"
        "    from reporter.output.flat import flatten\n"
        "    import reporter.engine\n",
        encoding="utf-8",
    )
    names = set(imported_names("reporter.rules.mod", path))
    assert {"reporter.rules.sibling", "reporter.output.flat.flatten", "reporter.engine"} <= names


def test_the_parts_are_the_subpackages_and_top_level_modules() -> None:
    assert part_of("reporter.output.workbook.bulk") == "output"
    assert part_of("reporter.delivery.email.send") == "delivery"
    assert part_of("reporter.engine") == "engine"
    assert part_of("reporter") == PACKAGE
    graph = part_graph({"reporter.output.flat": {"reporter.engine", "reporter.output.terminal"}})
    assert graph == {"output": {"engine"}}
