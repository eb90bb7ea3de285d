"""The rule-based paralleliser's loop analysis and renderer, on small kernels (no compiling)."""

import ast
import re
import textwrap

import pytest
from evolution.rules.test_transforms import MERGE

from parevo_lab.evolution.rules.analysis import analyse
from parevo_lab.evolution.rules.transforms import Plan, RenderError, render, valid


def facts(source: str, line: int | None = None):
    analysis = analyse(textwrap.dedent(source).strip())
    loops = list(analysis.loops.values())
    return loops[0] if line is None else analysis.loops[f"L{line}"]


def test_scalar_reductions_private_values_and_independent_writes():
    loop = facts(
        """
        def f(x, y):
            s = 0.0
            top = -1.0
            for i in range(x.shape[0]):
                v = x[i] * 2.0
                y[i] = v
                s += v
                top = max(top, v)
            return s, top
        """
    )
    assert loop.reductions == {"s": "+", "top": "max"}
    assert loop.private == ["v"]
    assert loop.independent == ["y"]
    assert loop.strategies() == ["prange", "blocks"]
    assert loop.blockers() == []


def test_a_running_sum_read_by_a_store_is_a_scan_and_blocks_prange():
    loop = facts(
        """
        def f(x, out):
            total = 0.0
            for i in range(x.shape[0]):
                total += x[i]
                out[i] = total
        """
    )
    assert loop.scans == {"total": "+"}
    assert loop.strategies() == ["scan", "primitive"]  # the primitive: inclusive_scan
    assert loop.pattern["kind"] == "scan" and not loop.pattern["exclusive"]
    assert any("running +" in why for why in loop.blockers())


def test_a_pack_cursor_is_a_scan():
    loop = facts(
        """
        def f(x, out):
            k = 0
            for i in range(x.shape[0]):
                if x[i] > 0:
                    out[k] = x[i]
                    k += 1
            return k
        """
    )
    assert loop.scans == {"k": "+"}


def test_histogram_updates_are_conflicts_to_privatise():
    loop = facts(
        """
        def f(keys, counts):
            for i in range(keys.shape[0]):
                counts[keys[i]] += 1
        """
    )
    assert loop.conflicts == {"counts": "+"}
    assert loop.strategies() == ["privatise", "primitive"]
    assert loop.pattern == {
        "kind": "histogram",
        "array": "counts",
        "key": "keys[i]",
        "weight": None,
        "head": 0,
    }


def test_reading_ahead_of_an_in_place_write_is_double_buffered_but_behind_is_dependent():
    ahead = facts(
        """
        def f(x):
            for i in range(x.shape[0] - 1):
                x[i] = x[i] + x[i + 1]
        """
    )
    assert ahead.ahead == ["x"]
    assert ahead.strategies() == ["double_buffer"]
    behind = facts(
        """
        def f(x):
            for i in range(1, x.shape[0]):
                x[i] = x[i] + x[i - 1]
        """
    )
    assert "x" in behind.dependent
    assert behind.strategies() == []


def test_a_carried_scalar_and_a_value_used_after_the_loop_block_prange():
    carried = facts(
        """
        def f(x):
            prev = 0.0
            for i in range(x.shape[0]):
                x[i] = prev
                prev = x[i] * 0.5 + prev
        """
    )
    assert "prev" in carried.carried
    assert carried.strategies() == []
    live = facts(
        """
        def f(x):
            for i in range(x.shape[0]):
                last = x[i]
            return last
        """
    )
    assert live.live_after == ["last"]
    assert live.strategies() == []


def test_early_exits_make_a_search_and_downward_loops_are_searched_too():
    first = facts(
        """
        def f(x, t):
            for i in range(x.shape[0]):
                if x[i] == t:
                    return i
            return -1
        """
    )
    assert first.exits == "return" and first.exit_pure
    assert first.strategies() == ["search"]
    last = facts(
        """
        def f(x, t):
            for i in range(x.shape[0] - 1, -1, -1):
                if x[i] == t:
                    return i
            return -1
        """
    )
    assert last.step == -1 and last.strategies() == ["search"]
    writes = facts(
        """
        def f(x, t):
            for i in range(x.shape[0]):
                x[i] = 0
                if i == t:
                    break
        """
    )
    assert writes.exits == "break" and not writes.exit_pure
    assert writes.strategies() == []


def test_a_conditional_minimum_is_read_as_a_min_reduction():
    loop = facts(
        """
        def f(x):
            smallest = 10**9
            for i in range(x.shape[0]):
                v = x[i]
                if v % 2 == 1 and v < smallest:
                    smallest = v
            return smallest
        """
    )
    assert loop.reductions == {"smallest": "min"}
    assert loop.strategies()[0] == "prange"


def test_xor_reductions_need_blocks_because_prange_refuses_them():
    loop = facts(
        """
        def f(x):
            odd = False
            for i in range(x.shape[0]):
                odd ^= x[i]
            return odd
        """
    )
    assert loop.reductions == {"odd": "^"}
    assert loop.strategies() == ["blocks"]


def test_rows_written_through_a_view_and_nested_loops():
    analysis = analyse(
        textwrap.dedent(
            """
            def f(a, b, c):
                for i in range(a.shape[0]):
                    for j in range(b.shape[1]):
                        s = 0.0
                        for k in range(a.shape[1]):
                            s += a[i, k] * b[k, j]
                        c[i, j] = s
            """
        ).strip()
    )
    outer, middle, inner = analysis.loops.values()
    assert outer.strategies()[0] == "prange" and middle.parent == outer.id
    assert inner.reductions == {"s": "+"}
    assert valid(analysis, Plan({outer.id: "prange", inner.id: "prange"})) is not None
    assert valid(analysis, Plan({middle.id: "prange"})) is None


TASK = """
import numpy as np

BINS = 16


def make_inputs(size, rng):
    return (rng.integers(0, BINS, size),)


def reference(keys):
    counts = np.zeros(BINS, np.int64)
    total = 0
    for i in range(keys.shape[0]):
        counts[keys[i]] += 1
        total += keys[i]
    return counts, total
"""


def test_render_writes_a_complete_module_with_the_task_constants():
    source = render(TASK, Plan({"L4": "privatise"}, {"fastmath": True, "unsigned_index": True}))
    tree = ast.parse(source)
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert names == ["kernel"]
    assert "BINS = 16" in source and "import numpy as np" in source
    assert "numba.prange(blocks)" in source
    assert "@numba.njit(parallel=True, fastmath=True)" in source
    assert "my_counts = private_counts[block]" in source  # each block's own row
    assert "keys_block = keys[block_start:block_end]" in source  # a 0-based slice of the keys
    # a computed index is unsigned inside the parallel loops (no wraparound check), but not the
    # counter of a loop from 0, which numba and LLVM know is not negative
    assert "my_counts[np.uint64(keys_block[k])] += 1" in source
    signed = render(TASK, Plan({"L4": "privatise"}))  # the default: plain indices
    assert "my_counts[keys_block[k]] += 1" in signed
    # names a person would write: no generated `_lo4`-style temporary is left
    assert not re.search(r"\b_[a-z]+\d+", source), source


def test_render_refuses_unknown_loops_and_missing_types():
    with pytest.raises(RenderError, match="no loop L99"):
        render(TASK, Plan({"L99": "prange"}))
    with pytest.raises(RenderError, match="type of `total` is not known"):
        render(TASK, Plan({"L4": "blocks"}))  # blocks need the partials' dtype
    assert "np.int64" in render(TASK, Plan({"L4": "privatise"}), {"total": "int64"})


def test_an_argmin_with_its_index_is_a_selection():
    loop = facts(
        """
        def f(x):
            best = -1
            best_distance = 1e300
            for i in range(x.shape[0]):
                distance = abs(x[i] - 3.14)
                if distance < best_distance:
                    best_distance = distance
                    best = i
            return best
        """
    )
    assert loop.select == {"key": "best_distance", "op": "<", "companions": ["best"]}
    assert loop.strategies() == ["select"]


def test_running_minimum_and_a_sum_of_prefix_sums_are_scans():
    running_min = facts(
        """
        def f(x):
            smallest = x[0]
            for i in range(1, x.shape[0]):
                if x[i] < smallest:
                    smallest = x[i]
                x[i] = smallest
        """
    )
    assert running_min.scans == {"smallest": "min"}
    nested = facts(
        """
        def f(x):
            prefix = 0.0
            total = 0.0
            for i in range(x.shape[0]):
                prefix += x[i]
                total += prefix
            return total
        """
    )
    assert nested.scans == {"prefix": "+"} and nested.reductions == {"total": "+"}


def test_a_flag_set_where_the_loop_breaks_allows_a_search():
    loop = facts(
        """
        def f(x, v):
            found = False
            for i in range(x.shape[0]):
                if x[i] == v:
                    found = True
                    break
            return found
        """
    )
    assert loop.exit_names == ["found"] and loop.strategies() == ["search"]


def test_a_scatter_through_an_index_array_is_tried_speculatively():
    loop = facts(
        """
        def f(order, ranks):
            for i in range(order.shape[0]):
                ranks[order[i]] = i
        """
    )
    assert loop.scatters == ["ranks"] and loop.strategies() == ["prange"]
    assert any("may repeat" in why for why in loop.blockers())


def test_a_pack_is_recognised_for_the_primitive():
    loop = facts(
        """
        def f(x, out):
            k = 0
            for i in range(x.shape[0]):
                v = x[i] * 2
                if v > 0:
                    out[k] = v
                    k += 1
            return k
        """
    )
    assert loop.pattern == {
        "kind": "pack",
        "acc": "k",
        "out": "out",
        "test": "v > 0",
        "value": "v",
        "head": 1,
    }


def test_fission_splits_a_computing_head_from_a_carried_tail():
    loop = facts(
        """
        def f(x, y):
            state = 0.0
            for i in range(x.shape[0]):
                t = math.sqrt(x[i]) * 3.0
                y[i] = t
                state = state * 0.5 + t
                x[i] = state
            return state
        """
    )
    assert loop.fission == {"head": 2, "expand": ["t"]}
    assert loop.strategies() == ["fission"]


def test_writes_through_a_view_of_another_row_are_dependent():
    analysis = analyse(
        textwrap.dedent(
            """
            def f(A):
                n = A.shape[0]
                for k in range(n):
                    pivot = A[k]
                    for i in range(k + 1, n):
                        row = A[i]
                        row[k] = row[k] / pivot[k]
                        for j in range(k + 1, n):
                            row[j] -= row[k] * pivot[j]
            """
        ).strip()
    )
    outer, rows, columns = analysis.loops.values()
    assert "A" in outer.dependent and outer.strategies() == []  # LU: k carries everything
    assert rows.strategies()[0] == "prange"  # row i is the loop's own row


def test_a_running_min_read_only_to_prune_is_reduced_per_block():
    source = """
        def f(xs, ys):
            n = xs.shape[0]
            best = np.inf
            for i in range(n):
                for j in range(i + 1, n):
                    dx = xs[j] - xs[i]
                    if dx * dx >= best:
                        break
                    d = dx * dx + (ys[j] - ys[i]) ** 2
                    if d < best:
                        best = d
            return best
        """
    loop = facts(source, 4)
    assert loop.reductions == {"best": "min"} and loop.bounded == ["best"]
    # each block prunes with its own partial (never tighter than the serial one): blocks only
    assert loop.strategies() == ["blocks"]
    assert loop.blockers() == ["`best` is a running min read to prune"]


@pytest.mark.parametrize(
    "test",
    [
        "if best > dx:",  # prunes when best is large: a block's partial would prune too much
        "if dx * dx >= best + 1.0:",  # not the bound itself
    ],
)
def test_a_running_min_read_any_other_way_stays_carried(test):
    loop = facts(
        f"""
        def f(xs):
            n = xs.shape[0]
            best = np.inf
            for i in range(n):
                for j in range(i + 1, n):
                    dx = xs[j] - xs[i]
                    {test}
                        break
                    best = min(best, dx * dx)
            return best
        """,
        4,
    )
    assert loop.bounded == []
    assert "best" in loop.carried
    assert loop.strategies() == []


SORTING = """
import numpy as np


def make_inputs(size, rng):
    return (rng.random((size, 2)),)


def reference(points):
    order = np.argsort(points[:, 0], kind="mergesort")
    ranks = np.sort(points[:, 1])
    by_rows = np.sort(points, axis=0)
    return order, ranks, by_rows
"""


def test_the_parallel_sort_knob_swaps_1d_sorts_for_the_radix_primitives():
    from parevo_lab.evolution.rules.generator import RulesGenerator
    from parevo_lab.task import Task, source_hash

    plain = render(SORTING, Plan())
    assert "argsort_floats" not in plain
    source = render(SORTING, Plan(knobs={"parallel_sort": True}))
    assert "from parevo_lab.primitives import argsort_floats, sort_floats" in source
    assert "order = argsort_floats(points[:, 0])" in source  # kind= dropped: always stable
    assert "ranks = sort_floats(points[:, 1])" in source
    assert "by_rows = np.sort(points, axis=0)" in source  # not a 1-d sort: left alone
    # a reference whose only parallel work is a sort is not "nothing to parallelise"
    task = Task(path=None, source=SORTING, hash=source_hash(SORTING), name="sorting")
    assert RulesGenerator().explain(task) is None


def test_a_two_cursor_merge_is_recognised_only_when_its_parts_can_run_alone():
    merge = MERGE.replace("    return out", "    {after}")  # test_transforms' merge reference
    loop = facts(merge.format(after="return out"))
    assert loop.strategies() == ["merge"]
    assert loop.merge == {"i": "i", "j": "j", "nx": "na", "ny": "nb", "a": "a", "b": "b"}
    # the cursors read after the loop: each part would leave its own
    assert not analyse(textwrap.dedent(merge.format(after="return i + j")).strip()).loops
    # a scalar carried through the merge (a count): not a merge of independent parts
    counted = merge.replace("out[i + j] = a[i]", "count += 1").format(after="return count")
    assert not analyse(textwrap.dedent(counted).strip()).loops
