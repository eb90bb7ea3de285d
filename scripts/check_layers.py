"""Check the house's layers: no import cycle among ``parevo_lab`` modules, no import from a
lower layer into a higher one, and no module (outside ``suite/``) longer than the limit.

    python scripts/check_layers.py [--json]

Reads every ``import`` and ``from ... import`` (at the top of a module or inside a function: a
lazy import is still a dependency) with ``ast``; nothing is imported. ``from . import x``, where
``x`` is a submodule, depends on ``x`` only, not on the package's ``__init__``. Exit 0 when the
house is in order, 1 with one line per problem otherwise. docs/architecture.md draws the layers.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "parevo_lab"
MAX_LINES = 450

# Bottom to top: a module may import its own layer and the layers below it. The first matching
# prefix (longest first) names a module's layer.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "schema",
        ("_version", "version", "results", "errors", "settings", "schema", "report_shapes"),
    ),
    (
        "foundation",
        (
            "task",
            "kernel",
            "cells",
            "metrics",
            "calibrate",
            "sandbox",
            "primitives",
            "mutate",
            "suite",
        ),
    ),
    ("cascade", ("cascade", "worker", "executor", "store")),
    ("evolution", ("evolution",)),
    ("report", ("report", "rundir", "bench", "export")),
    ("interfaces", ("cli", "commands", "magics", "widget", "server", "")),
]
# Modules that may grow past MAX_LINES: the suite's task files are specifications, not code.
EXEMPT = ("suite",)


def modules(root: Path = ROOT) -> dict[str, tuple[Path, bool]]:
    """{dotted name: (path, is a package)} for every module under ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, package)
    return found


def imports(name: str, path: Path, package: bool, known) -> dict[str, int]:
    """{module imported: first line} for one module, ours only."""
    tree = ast.parse(path.read_text(), str(path))
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        if target in known and target != name:
            found.setdefault(target, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            for sub in subs:
                add(sub, node.lineno)
            if len(subs) < len(node.names):  # names from the module itself
                add(target, node.lineno)
    return found


def layer_of(name: str) -> int:
    short = name.removeprefix("parevo_lab").removeprefix(".")
    best, best_len = len(LAYERS) - 1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = short == prefix or short.startswith(prefix + ".") or prefix == ""
            if matches and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    return best


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, {}))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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
    return found


def problems(root: Path = ROOT) -> list[str]:
    known = modules(root)
    graph = {name: imports(name, path, pkg, known) for name, (path, pkg) in known.items()}
    out = []
    for component in cycles(graph):
        inside = set(component)
        links = [
            f"{a} -> {b} (line {graph[a][b]})" for a in component for b in graph[a] if b in inside
        ]
        out.append(f"import cycle among {len(component)} modules: " + "; ".join(links))
    for name, targets in sorted(graph.items()):
        mine = layer_of(name)
        for target, line in sorted(targets.items()):
            theirs = layer_of(target)
            if theirs > mine:
                out.append(
                    f"{known[name][0].relative_to(root.parent)}:{line}: {name} "
                    f"({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]}), a higher layer"
                )
    for name, (path, _) in sorted(known.items()):
        short = name.removeprefix("parevo_lab.")
        if any(short == e or short.startswith(e + ".") for e in EXEMPT):
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            out.append(
                f"{path.relative_to(root.parent)}: {lines} lines, over {MAX_LINES}: "
                "split it along its seams"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="the problems as a JSON list")
    args = parser.parse_args(argv)
    found = problems()
    if args.json:
        print(json.dumps(found, indent=1))
    else:
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)" if found else "layers: in order", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
