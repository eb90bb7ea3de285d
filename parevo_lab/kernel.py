"""Candidates: parsing ``file.py[:func]``, hashing, and writing content-hash-named source files.

numba's ``cache=True`` only works for functions defined in real, importable files, and a cached
entry is found again by module name and file: so each task and candidate is written once to
``<cache>/sources/primitives-<fingerprint>/parevo_<kind>_<hash>.py`` and imported under that
module name in the child (``version.primitives_fingerprint``: numba's cache of a candidate
holds the code of the primitives it calls, so a changed library compiles them again).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from .results import CompileError, SourceSite
from .task import source_hash, top_level_names
from .version import primitives_fingerprint

DEFAULT_FUNCTION = "kernel"


def cache_root() -> Path:
    """Where sources and numba's compile cache live (``PAREVO_CACHE_DIR`` overrides)."""
    root = os.environ.get("PAREVO_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "parevo_lab"
    )
    return Path(root)


@dataclass
class Kernel:
    source: str
    function: str = DEFAULT_FUNCTION
    path: Path | None = None  # where the user's file was, if it came from one

    @property
    def hash(self) -> str:
        return source_hash(self.source)

    def describe(self) -> dict:
        return {
            "path": str(self.path) if self.path else None,
            "function": self.function,
            "hash": self.hash,
        }

    def static_problem(self) -> CompileError | None:
        """A syntax error, or the kernel function missing: found without running anything."""
        try:
            tree = ast.parse(self.source)
        except SyntaxError as exc:
            line = exc.lineno or 0
            return CompileError(
                kind="syntax",
                summary=f"line {line}: {exc.msg}",
                site=SourceSite(line=line, text=_line(self.source, line), column=exc.offset),
                full_text=f"{type(exc).__name__}: {exc}",
            )
        except (RecursionError, MemoryError) as exc:  # deeper than Python's parser goes
            return CompileError(
                kind="syntax",
                summary="the source is nested too deeply for Python's parser: split the long or "
                "deeply nested expression",
                full_text=f"{type(exc).__name__}: {exc}",
            )
        names = top_level_names(tree)
        if self.function not in names:
            defined = sorted(n.name for n in tree.body if isinstance(n, ast.FunctionDef))
            found = (
                f" (it defines: {', '.join(defined)})" if defined else " (it defines no function)"
            )
            return CompileError(
                kind="not_found",
                summary=f"no function `{self.function}` in the candidate{found}: "
                "name it with CANDIDATE.py:FUNC",
            )
        return None


def parse_candidate_spec(spec: str) -> tuple[Path, str]:
    """``path/to/cand.py:func`` -> (path, func); the function defaults to ``kernel``."""
    path, sep, func = spec.rpartition(":")
    if not sep or not func.isidentifier() or not path:
        return Path(spec), DEFAULT_FUNCTION
    return Path(path), func


def load_kernel(spec: str) -> Kernel:
    path, func = parse_candidate_spec(spec)
    if not path.is_file():
        raise FileNotFoundError(f"candidate file {path} not found: give the path of a .py file")
    return Kernel(source=path.read_text(encoding="utf-8"), function=func, path=path.resolve())


def materialise(source: str, kind: str) -> tuple[Path, str]:
    """Write ``source`` to its content-hash-named file (once), in the folder of this version of
    the primitives (``primitives_fingerprint``); return (directory, module name)."""
    directory = cache_root() / "sources" / f"primitives-{primitives_fingerprint()}"
    directory.mkdir(parents=True, exist_ok=True)
    module = f"parevo_{kind}_{source_hash(source)[:20]}"
    target = directory / f"{module}.py"
    if not target.exists() or target.read_text(encoding="utf-8") != source:
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(source, encoding="utf-8")
        os.replace(tmp, target)  # atomic: a concurrent reader never sees half a file
    return directory, module


def _line(source: str, line: int) -> str:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""
