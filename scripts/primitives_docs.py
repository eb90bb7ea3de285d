"""Generate docs/primitives.md from the docstrings of parevo_lab.primitives.

    python scripts/primitives_docs.py          # write docs/primitives.md
    python scripts/primitives_docs.py --check  # exit 1 when the file is out of date

The LLM generator puts this page in its prompts: it must say exactly what the code does.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "primitives.md"
MODULES = (
    "reduce",
    "scan",
    "pack",
    "histogram",
    "segments",
    "sort",
    "select",
    "csr",
    "traversal",
    "dense",
    "components",
    "cores",
    "lists",
    "paths",
    "graph",
    "greedy",
)


def public_functions(module):
    for name in sorted(vars(module)):
        obj = getattr(module, name)
        func = getattr(obj, "py_func", None)
        if name.startswith("_") or func is None or func.__module__ != module.__name__:
            continue
        yield name, func


def render() -> str:
    lines = [
        "# parevo_lab.primitives",
        "",
        "Work-span parallel building blocks for numba. Every function is `@numba.njit`: call it",
        "from Python or from your own `@njit` code (`from parevo_lab import primitives as pp`).",
        "Generated from the docstrings by `scripts/primitives_docs.py`; do not edit by hand.",
        "",
    ]
    for short in MODULES:
        module = importlib.import_module(f"parevo_lab.primitives.{short}")
        lines += [f"## {short}", ""]
        summary = (module.__doc__ or "").strip().splitlines()
        if summary:
            lines += [summary[0], ""]
        for name, func in public_functions(module):
            lines += [f"### `{name}{inspect.signature(func)}`", ""]
            lines += [inspect.cleandoc(func.__doc__ or "(undocumented)"), ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(
                f"{TARGET} is out of date: run python scripts/primitives_docs.py", file=sys.stderr
            )
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
