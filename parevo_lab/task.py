"""Task files: validation (in the parent, without running them), loading and comparison (in the child).

A task file is a plain module with ``reference(*args)`` and ``make_inputs(size, rng)``, optional
``SIZES = {"check": int, "bench": int}``, optional ``TOLERANCE = {"rtol": float, "atol": float}``
(a fixed float tolerance instead of the default one scaled to size and magnitude; zeros compare
exactly) and optional ``check(expected, actual, args)``.
The parent only parses it; its code runs in the sandboxed child.
"""

from __future__ import annotations

import ast
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ParevoError

DEFAULT_SIZES = {"check": 1000, "bench": 200_000}
# Sizes every kernel must survive: empty, one element, two (the smallest pair: a kernel whose
# special case for tiny inputs is off by one fails here; found by ``parevo audit``), and sizes
# that are not a multiple of any usual thread count (so the last static chunk is short).
EDGE_SIZES = (0, 1, 2, 3, 5, 8, 17)
# Small inputs are cheap (24 seeds at seven sizes add about 0.1 s to a check), so every edge size
# is tried with many seeds: a kernel whose special case for a tiny input is wrong only for some
# draws (two points on one row, a pair at the end), or whose mistake shows on one small input in
# twenty (a sweep that drops a write but finds its answer three ways), fails here, not in a
# user's hands (``parevo audit`` found such kernels with one seed, then with six).
EDGE_SEEDS = tuple(range(24))
CHECK_SEEDS = (0, 1, 2)
# Inputs between the check and the bench size, at the most threads: one bench-size input cannot
# reject both a kernel that answers True and one that answers False above some size, or both a
# scan of the first half and one of the second half of a big input (``parevo audit`` found such
# kernels on ten suite tasks). Two more seeds at a size far above the check size give the big
# inputs a second and third answer for a fraction of the bench input's cost.
LARGE_SEEDS = (1, 2)


def large_size(sizes: dict) -> int | None:
    """The size of the large verification inputs: the geometric mean of sqrt(check * bench)
    and the bench size (so about 3-25% of the bench size on the suite), or None when the bench
    size is not above the check size."""
    check, bench = sizes["check"], sizes["bench"]
    if bench <= check + 1:
        return None
    size = round(check**0.25 * bench**0.75)
    return min(max(size, check + 1), bench - 1)


class TaskError(ParevoError):
    """The task file itself is unusable (exit code 2): the message names the problem and the fix."""


class TaskProblem(Exception):
    """The task's own code (make_inputs, reference) failed in the child: not the candidate's
    fault."""


@dataclass
class Task:
    path: Path
    source: str
    hash: str
    sizes: dict = field(default_factory=lambda: dict(DEFAULT_SIZES))
    has_check: bool = False
    name: str = ""
    tolerance: dict | None = None  # TOLERANCE: fixed rtol/atol for floats; None: scaled default

    def describe(self) -> dict:
        described = {"path": str(self.path), "name": self.name, "hash": self.hash}
        described["sizes"] = self.sizes
        if self.tolerance is not None:
            described["tolerance"] = self.tolerance
        return described


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def top_level_names(tree: ast.Module) -> dict[str, ast.AST]:
    """Names a module binds at top level (defs, assignments, imports)."""
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
    return names


def load_task(path: str | os.PathLike) -> Task:
    """Read and validate a task file without executing it."""
    path = Path(path)
    if not path.is_file():
        raise TaskError(f"task file {path} not found: give the path of a .py file")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskError(f"cannot read task file {path}: {exc}") from None
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        where = f" line {exc.lineno}" if exc.lineno else ""
        raise TaskError(f"task file {path}{where}: {exc.msg}: fix the syntax error") from None
    except (RecursionError, MemoryError):
        raise TaskError(
            f"task file {path} is nested too deeply for Python's parser: split the long or "
            "deeply nested expression"
        ) from None
    names = top_level_names(tree)
    for required, hint in (
        ("reference", "def reference(*args): the sequential kernel"),
        ("make_inputs", "def make_inputs(size, rng): return the arguments as a tuple"),
    ):
        if required not in names:
            raise TaskError(f"task file {path} defines no `{required}`: add `{hint}`")
    for func in ("reference", "make_inputs"):
        node = names[func]
        if isinstance(node, ast.FunctionDef) and func == "make_inputs":
            if len(node.args.args) + len(node.args.posonlyargs) < 2 and not node.args.vararg:
                raise TaskError(
                    f"task file {path}: make_inputs must take (size, rng), "
                    f"it takes {len(node.args.args)} argument(s)"
                )
    sizes = dict(DEFAULT_SIZES)
    if "SIZES" in names:
        node = names["SIZES"]
        try:
            value = ast.literal_eval(node.value)  # type: ignore[attr-defined]
        except (ValueError, AttributeError, TypeError, SyntaxError, RecursionError, MemoryError):
            raise TaskError(
                f"task file {path}: SIZES must be a literal dict such as "
                '{"check": 1000, "bench": 100000}'
            ) from None
        if not isinstance(value, dict) or not set(value) <= {"check", "bench"}:
            raise TaskError(
                f'task file {path}: SIZES may only have the keys "check" and "bench", got {value!r}'
            )
        for key, size in value.items():
            if not isinstance(size, int) or isinstance(size, bool) or size < 1:
                raise TaskError(
                    f"task file {path}: SIZES[{key!r}] must be a positive int, got {size!r}"
                )
        sizes.update(value)
    tolerance = _read_tolerance(path, names["TOLERANCE"]) if "TOLERANCE" in names else None
    return Task(
        path=path.resolve(),
        source=source,
        hash=source_hash(source),
        sizes=sizes,
        has_check="check" in names,
        tolerance=tolerance,
        # examples/histogram/task.py is the task "histogram"
        name=path.parent.name if path.stem == "task" else path.stem,
    )


def _read_tolerance(path: Path, node: ast.AST) -> dict:
    """``TOLERANCE = {"rtol": r, "atol": a}``: non-negative finite numbers, both keys optional."""
    import math

    usage = (
        f'task file {path}: TOLERANCE must be a literal dict such as {{"rtol": 1e-6, "atol": 1e-9}} '
        "(both 0 to compare floats exactly)"
    )
    try:
        value = ast.literal_eval(node.value)  # type: ignore[attr-defined]
    except (ValueError, AttributeError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise TaskError(usage) from None
    if not isinstance(value, dict) or not value or not set(value) <= {"rtol", "atol"}:
        raise TaskError(usage + f", got {value!r}"[:200])
    for key, number in value.items():
        if (
            not isinstance(number, int | float)
            or isinstance(number, bool)
            or not math.isfinite(number)
            or number < 0
        ):
            raise TaskError(
                f"task file {path}: TOLERANCE[{key!r}] must be a non-negative number, got {number!r}"
            )
    return {"rtol": float(value.get("rtol", 0.0)), "atol": float(value.get("atol", 0.0))}


# ---------------------------------------------------------------- comparison (runs in the child)


class Mismatch(AssertionError):
    """``actual`` differs from ``expected``; the message says where and by how much."""


def judge(
    expected, actual, actual_args, names=(), check=None, original_args=None, tolerance=None
) -> None:
    """Raise Mismatch unless one call's outputs are right.

    ``expected`` is (the reference's return value, its arguments after the call). With the task's
    ``check`` that alone decides (problems with several valid answers); otherwise the return
    value and every array argument after the call must equal the reference's. ``original_args``
    (the inputs before the call) let the message say when a kernel wrote an input that the
    reference leaves alone. ``tolerance`` is the task's TOLERANCE (None: the scaled default).
    """
    import numpy as np

    value, expected_args = expected
    if check is not None:
        try:
            check(value, actual, actual_args)
        except AssertionError as exc:
            raise Mismatch(f"check failed: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - a crashing check is still a verdict on actual
            raise Mismatch(f"check raised {type(exc).__name__}: {exc}") from None
        return
    elements = count_elements(expected_args)
    compare(value, actual, "return value", elements, tolerance)
    for index, (before, after) in enumerate(zip(expected_args, actual_args, strict=False)):
        if not isinstance(before, np.ndarray):
            continue
        name = names[index] if index < len(names) else f"#{index}"
        try:
            compare(before, after, f"argument `{name}` after the call", elements, tolerance)
        except Mismatch as exc:
            if original_args is not None and _same(original_args[index], before):
                raise Mismatch(
                    f"the kernel modifies its input `{name}`, which the reference leaves "
                    f"unchanged ({str(exc).split(': ', 1)[-1]})"
                ) from None
            raise


def _same(a, b) -> bool:
    import numpy as np

    try:
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    except TypeError:
        return False


def compare(expected, actual, what: str, input_elements: int, tolerance=None) -> None:
    """Raise Mismatch unless ``actual`` equals ``expected`` (floats within a scaled tolerance, or
    within the task's fixed ``tolerance``)."""
    import numpy as np

    if isinstance(expected, tuple | list):
        if not isinstance(actual, tuple | list) or len(actual) != len(expected):
            raise Mismatch(
                f"{what}: expected a {type(expected).__name__} of {len(expected)} values, "
                f"got {_kind(actual)}"
            )
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            compare(e, a, f"{what}[{i}]", input_elements, tolerance)
        return
    if expected is None:
        if actual is not None:
            raise Mismatch(f"{what}: expected None, got {_kind(actual)}")
        return
    exp = np.asarray(expected)
    if exp.dtype == object:
        if expected != actual:
            raise Mismatch(f"{what}: expected {expected!r}, got {actual!r}")
        return
    if actual is None or (isinstance(expected, np.ndarray) and not isinstance(actual, np.ndarray)):
        raise Mismatch(f"{what}: expected {_kind(expected)}, got {_kind(actual)}")
    act = np.asarray(actual)
    if act.shape != exp.shape:
        raise Mismatch(f"{what}: expected shape {exp.shape}, got shape {act.shape}")
    if exp.dtype.kind in "fc" or act.dtype.kind in "fc":
        _compare_float(exp, act, what, input_elements, tolerance)
        return
    if exp.dtype.kind not in "biu" or act.dtype.kind not in "biu":
        raise Mismatch(f"{what}: expected dtype {exp.dtype}, got dtype {act.dtype}")
    if exp.dtype.kind == "b" and act.dtype.kind != "b":
        act = act.astype(bool) if np.isin(act, (0, 1)).all() else act
    bad = np.flatnonzero(exp.ravel() != act.ravel())
    if bad.size:
        first = bad[0]
        raise Mismatch(
            f"{what}: {bad.size} of {exp.size} values differ; first at {_index(exp, first)}: "
            f"expected {exp.ravel()[first]}, got {act.ravel()[first]}"
        )


_CHUNK = 1 << 20  # elements per slice when comparing floats: temporaries stay small


def _compare_float(exp, act, what, input_elements, tolerance=None):
    """Compare in slices of ``_CHUNK`` elements, so a 1 GiB output needs no 1 GiB temporaries."""
    import numpy as np

    if act.dtype.kind not in "fciub":
        raise Mismatch(f"{what}: expected numbers, got dtype {act.dtype}")
    e_all, a_all = exp.reshape(-1), act.reshape(-1)
    wide = np.complex128 if exp.dtype.kind == "c" else np.float64
    wide_a = np.complex128 if act.dtype.kind == "c" else np.float64

    def slices():
        for lo in range(0, e_all.size, _CHUNK):
            yield lo, e_all[lo : lo + _CHUNK].astype(wide), a_all[lo : lo + _CHUNK].astype(wide_a)

    scale = 0.0
    for lo, e, a in slices():
        nan_a, nan_e = np.isnan(a), np.isnan(e)
        stray = np.flatnonzero(nan_a & ~nan_e)
        if stray.size:
            total = sum(
                int(np.count_nonzero(np.isnan(a2) & ~np.isnan(e2))) for _, e2, a2 in slices()
            )
            raise Mismatch(
                f"{what}: output contains NaN ({total} values) where the reference has "
                f"numbers; first at {_index(exp, lo + stray[0])}"
            )
        missing = np.flatnonzero(nan_e & ~nan_a)
        if missing.size:
            raise Mismatch(
                f"{what}: the reference has NaN at {_index(exp, lo + missing[0])}, "
                f"got {a[missing[0]]}"
            )
        magnitudes = np.abs(e[np.isfinite(e)])
        if magnitudes.size:
            scale = max(scale, float(magnitudes.max()))
    single = np.dtype(np.float32) in (exp.dtype, act.dtype) or np.dtype(np.complex64) in (
        exp.dtype,
        act.dtype,
    )
    eps = float(np.finfo(np.float32 if single else np.float64).eps)
    if tolerance is not None:  # the task's own, justified in its docstring
        rtol, atol = tolerance["rtol"], tolerance["atol"]
    else:
        # A parallel reduction reorders sums: its error grows with the number of terms and
        # magnitude.
        rtol = eps**0.5
        atol = max(input_elements, 1) * eps * max(scale, 1.0)
    count, worst, worst_diff = 0, -1, -1.0
    for lo, e, a in slices():
        with np.errstate(invalid="ignore"):
            diff = np.abs(a - e)
            close = np.isfinite(e) & (diff <= atol + rtol * np.abs(e))
            bad = np.flatnonzero(~np.isnan(e) & (a != e) & ~close)  # infinities equal themselves
        if bad.size:
            count += bad.size
            local = bad[np.argmax(diff[bad])]
            value = float(diff[local])
            if worst < 0 or value > worst_diff:
                worst, worst_diff = lo + int(local), value
    if count:
        raise Mismatch(
            f"{what}: {count} of {e_all.size} values differ beyond tolerance "
            f"(rtol {rtol:.1e}, atol {atol:.1e}); worst at {_index(exp, worst)}: "
            f"expected {wide(e_all[worst]):.17g}, got {wide_a(a_all[worst]):.17g}"
        )


def _kind(value) -> str:
    import numpy as np

    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    return f"a {type(value).__name__} ({value!r})"[:120]


def _index(array, flat: int):
    import numpy as np

    if array.ndim <= 1:
        return f"index {int(flat)}"
    return f"index {tuple(int(i) for i in np.unravel_index(flat, array.shape))}"


def fresh_copy(args: tuple) -> tuple:
    """A deep copy of a call's arguments that keeps arguments which are views of one buffer
    views of one (new) buffer: ``copy.deepcopy`` would silently separate them and hide every
    race and bug that comes from the aliasing."""
    import copy

    import numpy as np

    roots: dict[int, tuple] = {}
    out = []
    for arg in args:
        if not isinstance(arg, np.ndarray):
            out.append(copy.deepcopy(arg))
            continue
        root = arg
        while isinstance(root.base, np.ndarray):
            root = root.base
        if not root.flags.c_contiguous:
            out.append(copy.deepcopy(arg))
            continue
        original, duplicate = roots.setdefault(id(root), (root, root.copy()))
        if arg is root:
            out.append(duplicate)
            continue
        offset = arg.__array_interface__["data"][0] - original.__array_interface__["data"][0]
        out.append(
            np.ndarray(arg.shape, arg.dtype, buffer=duplicate, offset=offset, strides=arg.strides)
        )
    return tuple(out)


def count_elements(args) -> int:
    import numpy as np

    return sum(int(np.size(a)) for a in args if isinstance(a, np.ndarray)) or 1
