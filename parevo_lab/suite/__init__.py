"""The benchmark suite: ParEval re-specified as task files, an irregular CSR suite, expert solutions.

Layout (one file per task, the id is ``<suite>/<file stem>``):

    suite/tasks/pareval/20_histogram_pixel_histogram.py     task file (parevo check TASK ...)
    suite/expert/pareval/20_histogram_pixel_histogram.py    expert solution (function ``kernel``)
    suite/tasks/irregular/bfs_levels.py
    suite/expert/irregular/bfs_levels.py

Every task file sets ``CATEGORY``; ``entries()`` reads it without running the file.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParevoError

ROOT = Path(__file__).resolve().parent
TASKS = ROOT / "tasks"
EXPERT = ROOT / "expert"
SUITES = ("pareval", "irregular")
CATEGORIES = (
    "dense_la",
    "fft",
    "geometry",
    "graph",
    "histogram",
    "reduce",
    "scan",
    "search",
    "sort",
    "sparse_la",
    "stencil",
    "transform",
)


class SuiteError(ParevoError):
    """A suite file or a selection is unusable; the message says what to fix (exit code 2)."""


@dataclass(frozen=True)
class Entry:
    """One suite task: ``id`` like ``pareval/20_histogram_pixel_histogram``."""

    id: str
    suite: str
    category: str
    path: Path
    title: str

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "suite": self.suite,
            "category": self.category,
            "path": str(self.path),
            "title": self.title,
        }

    def candidate_in(self, folder: Path) -> list[Path]:
        """The candidate files for this task under ``folder``: ``<id>.py`` (one sample) and/or
        the ``*.py`` files of a folder ``<id>/`` (several samples), in name order."""
        single = folder / f"{self.id}.py"
        many = folder / self.id
        found = [single] if single.is_file() else []
        if many.is_dir():
            found += sorted(p for p in many.glob("*.py") if p.is_file())
        return found


def _read_entry(suite: str, path: Path) -> Entry:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise SuiteError(f"suite task {path} cannot be read: {exc}") from None
    category = None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "CATEGORY" for t in node.targets)
            and isinstance(node.value, ast.Constant)
        ):
            category = node.value.value
    if category not in CATEGORIES:
        raise SuiteError(
            f"suite task {path} sets CATEGORY = {category!r}: set it to one of "
            + ", ".join(CATEGORIES)
        )
    doc = ast.get_docstring(tree) or ""
    title = doc.strip().splitlines()[0] if doc.strip() else path.stem
    return Entry(f"{suite}/{path.stem}", suite, category, path, title)


def entries(tasks_root: Path = TASKS) -> list[Entry]:
    """Every suite task, ParEval first, each suite in file-name order."""
    found = []
    for suite in SUITES:
        for path in sorted((tasks_root / suite).glob("*.py")):
            found.append(_read_entry(suite, path))
    return found


def select(all_entries: list[Entry], patterns: list[str] | None) -> list[Entry]:
    """The entries whose id matches any of the glob ``patterns`` (all of them when none given).

    A pattern matches the whole id (``pareval/2*``), the part after the suite (``2*_histogram*``),
    or a category (``graph``). A pattern that matches nothing is an error, not an empty run.
    """
    if not patterns:
        return list(all_entries)
    chosen: list[Entry] = []
    for pattern in patterns:
        hits = [
            e
            for e in all_entries
            if fnmatch.fnmatchcase(e.id, pattern)
            or fnmatch.fnmatchcase(e.id.split("/", 1)[1], pattern)
            or e.category == pattern
        ]
        if not hits:
            raise SuiteError(
                f"--tasks {pattern!r} matches no task: see `parevo bench --list` for the ids "
                "(globs such as 'pareval/2*', 'irregular/*' or a category such as 'graph')"
            )
        chosen += [e for e in hits if e not in chosen]
    order = {e.id: i for i, e in enumerate(all_entries)}
    return sorted(chosen, key=lambda e: order[e.id])
