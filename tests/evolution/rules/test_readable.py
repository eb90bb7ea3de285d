"""Rule-generated kernels read as a person would write them.

For every task of the benchmark suite, the seed and every kernel the rule generator proposes
from it and from its first proposal (the automatic plan, single moves, strategies, tuning knobs,
and each with signed indices, the repair's variant): the kernels a run keeps as its best are
among them or differ from one of them only in more moves of the same kinds. Each must pass ``ruff check`` with ruff's default rules and be left unchanged by
``ruff format``, both run with ``--isolated`` in a folder of their own (neither this project's
settings nor its first-party packages count). Rendering needs the types of the reference's
locals only for the dtypes of buffers, so every name is given one here: no numba compile.

A rule the task's reference itself breaks is the task author's, carried over with the
reference's code: it is excused (and named in a failure message).
"""

from __future__ import annotations

import ast
import difflib
import json
import random
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from parevo_lab import suite
from parevo_lab.evolution.generators.base import Candidate, Context, Proposal
from parevo_lab.evolution.rules.analysis import function_source
from parevo_lab.evolution.rules.generator import RulesGenerator
from parevo_lab.evolution.rules.transforms import Plan, render
from parevo_lab.task import load_task


def ruff_binary() -> str | None:
    try:
        import ruff

        return ruff.find_ruff_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


RUFF = ruff_binary()
pytestmark = pytest.mark.skipif(RUFF is None, reason="ruff (a test dependency) is not installed")


class AnyTypes(dict):
    """Every name typed (int64: a buffer's dtype changes nothing in how the code reads), with
    floats among the types so that the generator proposes fastmath too."""

    def get(self, key, default=None):
        return "int64"

    def values(self):
        return ["int64", "float64"]

    def __bool__(self):  # (not "no types known")
        return True


def proposals(task) -> list[tuple[str, str]]:
    """(label, source) of the seed, of every kernel the generator proposes from it, of every
    kernel it proposes from the first of those (the automatic plan, where a run's best usually
    descends from), and of each of them with signed indices (the repair's variant)."""
    generator = RulesGenerator()
    seed = generator.seed(task)
    root = Candidate(0, None, "seed", seed.label, seed.source, genome=seed.genome, verdict="ok")
    context = Context(task=task, candidates=[root], rng=random.Random(0), variables=AnyTypes())
    found = {json.dumps(seed.genome, sort_keys=True): (seed.label, seed.source)}

    def add(parent: Candidate) -> list[Proposal]:
        new = []
        for proposal in generator.propose(parent, context):
            key = json.dumps(proposal.genome, sort_keys=True)
            if key not in found:
                found[key] = (proposal.label, proposal.source)
                new.append(proposal)
        return new

    first = add(root)
    if first:
        auto = Candidate(1, 0, "rules", first[0].label, first[0].source, genome=first[0].genome)
        auto.verdict = "ok"
        add(auto)
    for key in list(found):
        plan = Plan.from_dict(json.loads(key))
        if plan.loops and not plan.knob("unsigned_index"):  # the compiled view's move too
            unsigned = Plan(plan.loops, {**plan.knobs, "unsigned_index": True})
            label = f"{found[key][0]}; unsigned indices"
            found[unsigned.key()] = (label, render(task.source, unsigned, AnyTypes()))
    return list(found.values())


def ruff(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RUFF, *args, "--isolated", "--no-cache", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def inherited_rules(task, folder: Path) -> set[str]:
    """The rules the task's reference function breaks (ruff's default rules, as above)."""
    tree = ast.parse(task.source)
    reference = next(
        node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "reference"
    )
    folder.mkdir()
    (folder / "task.py").write_text(task.source)
    found = json.loads(ruff(folder, "check", "--output-format", "json", "--exit-zero").stdout)
    return {
        item["code"]
        for item in found
        if reference.lineno <= item["location"]["row"] <= reference.end_lineno
    }


@pytest.mark.parametrize("entry", suite.entries(), ids=lambda entry: entry.id)
def test_every_proposed_kernel_passes_ruff_check_and_format(entry, tmp_path):
    task = load_task(entry.path)
    kernels = proposals(task)
    folder = tmp_path / "kernels"
    folder.mkdir()
    files = {}
    for number, (label, source) in enumerate(kernels):
        name = f"kernel_{number:03d}.py"
        (folder / name).write_text(source)
        files[name] = (label, source)
    excused = inherited_rules(task, tmp_path / "task")
    findings: dict[str, list[str]] = {}
    checked = json.loads(ruff(folder, "check", "--output-format", "json", "--exit-zero").stdout)
    for item in checked:
        if item["code"] not in excused:
            name = Path(item["filename"]).name
            row, column = item["location"]["row"], item["location"]["column"]
            text = f"{row}:{column}: {item['code']} {item['message']}"
            findings.setdefault(name, []).append(text)
    # ruff format on a copy: what it changes (its --check output differs between versions)
    copy = shutil.copytree(folder, tmp_path / "formatted")
    done = ruff(copy, "format")
    assert done.returncode == 0, done.stderr
    for name, (_, source) in files.items():
        after = (copy / name).read_text()
        if after != source:
            diff = difflib.unified_diff(
                source.splitlines(), after.splitlines(), "rendered", "ruff format", lineterm=""
            )
            findings.setdefault(name, []).append("ruff format changes it:\n" + "\n".join(diff))
    if findings:
        shown = []
        for name, problems in sorted(findings.items())[:3]:
            label, source = files[name]
            numbered = "\n".join(
                f"{number:3d}  {line}" for number, line in enumerate(source.splitlines(), 1)
            )
            shown.append(f"--- {label}\n" + "\n".join(problems) + "\n\n" + numbered)
        why = f" (the reference's own, excused: {', '.join(sorted(excused))})" if excused else ""
        pytest.fail(
            f"{len(findings)} of {len(files)} kernels generated for {entry.id} fail ruff{why}:\n\n"
            + "\n\n".join(shown)
        )


# -- the casts and the dead code, on kernels small enough to read whole -----------------------

STENCILS = """
import numpy as np


def reference(values, grid, indptr, indices, x):
    n = values.shape[0]
    out = np.empty(n)
    for i in range(n):
        left = values[i - 1] if i > 0 else 0.0
        out[i] = left + values[i]
    m = grid.shape[0]
    smooth = np.empty((m, m))
    for r in range(m):
        for c in range(m):
            up = grid[r - 1, c] if r > 0 else 0.0
            smooth[r, c] = up + grid[r, c - 1] + grid[r, c]
    y = np.zeros(indptr.shape[0] - 1)
    for row in range(indptr.shape[0] - 1):
        s = 0.0
        for k in range(indptr[row], indptr[row + 1]):
            s += x[indices[k]]
        y[row] = s
    return out, smooth, y
"""


def kernel_text(source: str) -> str:
    return source[source.index("@numba.njit") :]


def test_casts_only_where_numba_would_check_for_a_negative_index():
    loops = {"L4": "prange", "L9": "prange", "L14": "prange"}
    source = render(STENCILS, Plan(loops, {"unsigned_index": True}))
    assert kernel_text(source) == textwrap.dedent(
        """\
        @numba.njit(parallel=True)
        def kernel(values, grid, indptr, indices, x):
            n = values.shape[0]
            out = np.empty(n)
            for i in numba.prange(n):
                left = values[np.uint64(i - 1)] if i > 0 else 0.0
                out[i] = left + values[i]
            m = grid.shape[0]
            smooth = np.empty((m, m))
            for r in numba.prange(m):
                for c in range(m):
                    up = grid[np.uint64(r - 1), c] if r > 0 else 0.0
                    smooth[r, c] = up + grid[r, c - 1] + grid[r, c]
            y = np.zeros(indptr.shape[0] - 1)
            for row in numba.prange(indptr.shape[0] - 1):
                s = 0.0
                for k in range(indptr[row], indptr[np.uint64(row + 1)]):
                    s += x[np.uint64(indices[np.uint64(k)])]
                y[row] = s
            return out, smooth, y
        """
    )
    # the knob off (the default): no cast at all; a list of loops: casts in those loops only
    assert "np.uint64" not in render(STENCILS, Plan(loops))
    only = kernel_text(render(STENCILS, Plan(loops, {"unsigned_index": ["L14"]})))
    assert only.count("np.uint64") == 3 and "values[i - 1]" in only and "grid[r - 1, c]" in only


HISTOGRAM = """
import numpy as np


def reference(keys):
    counts = np.zeros(16, np.int64)
    for i in range(keys.shape[0]):
        counts[keys[i]] += 1
    return counts
"""


def test_a_privatised_histogram_has_no_dead_code_and_plain_names():
    source = render(HISTOGRAM, Plan({"L3": "privatise"}))
    assert source == textwrap.dedent(
        '''\
        """Generated by ParEVO Lab's rule-based paralleliser."""

        import numba
        import numpy as np


        @numba.njit(parallel=True)
        def kernel(keys):
            counts = np.zeros(16, np.int64)
            n = keys.shape[0]
            blocks = max(1, min(numba.get_num_threads(), n))
            private_counts = np.zeros((blocks,) + counts.shape, counts.dtype)
            for block in numba.prange(blocks):
                my_counts = private_counts[block]
                block_start = n * block // blocks
                block_end = n * (block + 1) // blocks
                keys_block = keys[block_start:block_end]
                for k in range(block_end - block_start):
                    my_counts[keys_block[k]] += 1
            for m in range(blocks):
                counts += private_counts[m]
            return counts
        '''
    )
    four = render(HISTOGRAM, Plan({"L3": "privatise"}, {"blocks": 4}))
    assert "numba.get_num_threads() * 4" in four


def test_the_primitives_import_names_only_what_the_kernel_calls():
    source = render(HISTOGRAM, Plan({"L3": "primitive"}))
    assert "from parevo_lab.primitives import histogram\n" in source
    assert function_source(source, "kernel").count("histogram(") == 1
