"""Techniques build on the layers below them (optim, objectives, backbones, media, flow, ...), never on each other;
the import graph has no circle and no module imports the package it is in."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "videostyle"
TECHNIQUES = ("stylize", "dream", "visualize", "feedforward")

# Known cross-imports, to be emptied when the a-video branch (OutputOptions and FramePrior move to
# videostyle/video/) is merged. Nothing may be added here.
ALLOWED: set[tuple[str, str]] = set()


def imported_packages(path: Path, package: Path = PACKAGE) -> set[str]:
    """The top-level videostyle packages a module imports (relative or absolute, at any depth in the file)."""
    module = path.relative_to(package.parent).with_suffix("").parts  # ('videostyle', 'dream', 'run')
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module[: len(module) - node.level]
                names = [*base, *(node.module.split(".") if node.module else [])]
                if len(names) == 1:  # `from .. import dream`
                    names += [alias.name for alias in node.names]
            else:
                names = (node.module or "").split(".")
            if names[0] == "videostyle" and len(names) > 1:
                found.add(names[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "videostyle" and len(names) > 1:
                    found.add(names[1])
    return found


def cross_imports() -> set[tuple[str, str]]:
    pairs = set()
    for technique in TECHNIQUES:
        for path in sorted((PACKAGE / technique).rglob("*.py")):
            for other in imported_packages(path) & set(TECHNIQUES) - {technique}:
                pairs.add((path.relative_to(PACKAGE).as_posix(), other))
    return pairs


def test_no_technique_imports_another():
    assert cross_imports() <= ALLOWED, f"new cross-imports: {sorted(cross_imports() - ALLOWED)}"


def test_the_allow_list_holds_only_what_is_still_there():
    assert ALLOWED <= cross_imports(), f"stale entries, remove them: {sorted(ALLOWED - cross_imports())}"


def test_the_walker_sees_relative_absolute_and_nested_imports(tmp_path):
    fake = tmp_path / "videostyle"
    (fake / "dream").mkdir(parents=True)
    source = fake / "dream" / "x.py"
    source.write_text("from ..stylize import a\nimport videostyle.visualize.maximize\ndef f():\n    from .. import feedforward\n")
    assert imported_packages(source, fake) == {"stylize", "visualize", "feedforward"}


def test_the_batch_knows_no_cli():
    """batch runs plans with a grammar handed in (videostyle.batch.grammar); the CLI's lives in cli.grammar."""
    offenders = sorted(p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "batch").rglob("*.py") if "cli" in imported_packages(p))
    assert offenders == []


# --- The import graph: no circles, no arrow back up ------------------------------------------------

LAZY_EDGES: set[tuple[str, str]] = {
    # Each entry is an import inside a function that closes a circle on purpose, with its reason.
    # DreamOptions stays torch-free for the CLI, so it builds its Motion (dream/animate.py, which imports the
    # dreamer, which reads DreamOptions) inside a method. A torch-free home for Motion's parsing would end it.
    ("videostyle.dream.options", "videostyle.dream.animate"),
    # Likewise ReactOptions parses its mappings with timeline/react.py (PyAV, audio analysis), which reads
    # ReactOptions. Reaction and parse_reaction in a light module of their own would end it.
    ("videostyle.timeline.options", "videostyle.timeline.react"),
}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str, package: Path) -> bool:
    where = package.parent.joinpath(*name.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def _imports(tree: ast.Module, functions: bool) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that run: at module level, and with ``functions`` those inside functions too
    (never those under ``if TYPE_CHECKING:``)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(nodes: list[ast.AST]) -> None:
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not functions:
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                walk(node.orelse)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            else:
                walk(list(ast.iter_child_nodes(node)))

    walk(tree.body)
    return found


def lazy_names(package: str, root: Path = PACKAGE) -> dict[str, str]:
    """{name: module} of a package whose ``__init__`` hands out names with ``lazy_exports`` (videostyle/lazy.py)."""
    init = root.parent.joinpath(*package.split("."), "__init__.py")
    if not init.is_file():
        return {}
    for node in ast.walk(ast.parse(init.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy_exports" and isinstance(node.args[1], ast.Dict):
            table = ast.literal_eval(node.args[1])
            return {name: package + module for module, names in table.items() for name in names}
    return {}


def imported_modules(path: Path, package: Path = PACKAGE, functions: bool = True) -> set[str]:
    """The videostyle modules importing ``path`` runs: ``from x import name`` is module x.name when that is
    a module, else the module a lazy package x hands ``name`` out from, else x; and importing a.b.c runs the
    packages a.b and a first (not the importer's own)."""
    name = module_name(path, package)
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets = set()
    for node in _imports(ast.parse(path.read_text(), str(path)), functions):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = here[: len(here) - node.level + 1] if node.level else []
        module = ".".join([*base, *(node.module.split(".") if node.module else [])])
        lazy = lazy_names(module, package)
        for alias in node.names:
            sub = f"{module}.{alias.name}"
            targets.add(sub if _is_module(sub, package) else lazy.get(alias.name, module))
    runs = set()
    for target in targets:
        parts = target.split(".")
        for k in range(2, len(parts) + 1):
            ancestor = ".".join(parts[:k])
            if parts[0] == package.name and not (name + ".").startswith(ancestor + ".") and _is_module(ancestor, package):
                runs.add(ancestor)
    return runs


def import_graph(package: Path = PACKAGE, functions: bool = True) -> dict[str, set[str]]:
    return {module_name(p, package): imported_modules(p, package, functions) for p in sorted(package.rglob("*.py"))}


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def without_lazy_edges(graph: dict[str, set[str]], lazy: set[tuple[str, str]] = LAZY_EDGES) -> dict[str, set[str]]:
    return {a: {b for b in bs if not any(_under(a, x) and _under(b, y) for x, y in lazy)} for a, bs in graph.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = stack[stack.index(v) :]
            del stack[stack.index(v) :]
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_module_level_imports_make_no_circle():
    assert circles(import_graph(functions=False)) == []


def test_imports_inside_functions_make_no_circle_but_the_listed_lazy_edges():
    assert circles(without_lazy_edges(import_graph())) == []


def test_every_lazy_edge_is_still_there():
    graph = import_graph()
    for lazy in LAZY_EDGES:
        assert any(_under(a, lazy[0]) and _under(b, lazy[1]) for a, bs in graph.items() for b in bs), f"stale, remove it: {lazy}"


def test_no_module_imports_the_package_it_is_in():
    """A package's __init__ may import its modules; one importing it back while loading gets a half-made
    package (inside a function, once everything is loaded, it is safe: cli/doc.py's ``from . import app``)."""
    ups = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in _imports(ast.parse(path.read_text()), functions=False):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
                if (name + ".").startswith(module + ".") and any(not _is_module(f"{module}.{a.name}", PACKAGE) for a in node.names):
                    ups.append(f"{name} -> {module}")
    assert ups == []


def test_the_graph_sees_circles_through_packages_and_functions_not_type_checking(tmp_path):
    fake = tmp_path / "videostyle"
    (fake / "a").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "a" / "__init__.py").write_text("from .x import X\n")
    (fake / "a" / "x.py").write_text("X = 1\ndef f():\n    from ..b import Y\n")
    (fake / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import Z\nfrom .a.x import X\nY = 2\n")
    (fake / "c.py").write_text("from .b import Y\n")
    (fake / "d").mkdir()
    (fake / "d" / "__init__.py").write_text('__getattr__, __dir__, __all__ = lazy_exports(__name__, {".e": ("E",)})\n')
    (fake / "d" / "e.py").write_text("E = 3\n")
    (fake / "f.py").write_text("from .d import E\n")
    assert import_graph(fake) == {
        "videostyle": set(), "videostyle.a": {"videostyle.a.x"}, "videostyle.a.x": {"videostyle.b"},
        "videostyle.b": {"videostyle.a", "videostyle.a.x"}, "videostyle.c": {"videostyle.b"},
        "videostyle.d": set(), "videostyle.d.e": set(), "videostyle.f": {"videostyle.d", "videostyle.d.e"},
    }
    assert circles(import_graph(fake, functions=False)) == []
    assert circles(import_graph(fake)) == [["videostyle.a", "videostyle.a.x", "videostyle.b"]]
    assert circles(without_lazy_edges(import_graph(fake), {("videostyle.a.x", "videostyle.b")})) == []
