"""The static lint of prange loops: the scalar races no array shadow can see (no numba needed)."""

import ast
import textwrap

from parevo_lab.cascade.races.lint import lint_function


def lint(source: str):
    func = ast.parse(textwrap.dedent(source)).body[0]
    return lint_function(func)


def kinds(source: str) -> list[tuple[str, str]]:
    return [(f.kind, f.variable) for f in lint(source)[1]]


def test_reduction_read_inside_the_loop():
    assert kinds(
        """
        def k(x, out):
            s = 0.0
            for i in prange(x.shape[0]):
                s += x[i]
                out[i] = s
        """
    ) == [("reduction-read", "s")]


def test_plain_reductions_are_clean_and_listed():
    loops, findings = lint(
        """
        def k(x):
            s = 0.0
            lo = 1e300
            p = 1.0
            for i in prange(x.shape[0]):
                s += x[i]
                lo = min(lo, x[i])
                p = p * x[i]
            return s, lo, p
        """
    )
    assert findings == []
    assert loops[0].reductions == ["lo", "p", "s"]


def test_loop_carried_scalar():
    assert kinds(
        """
        def k(x, out):
            prev = 0.0
            for i in prange(x.shape[0]):
                out[i] = prev
                prev = x[i]
        """
    ) == [("loop-carried", "prev")]


def test_private_temporary_assigned_before_use_is_clean():
    assert (
        kinds(
            """
        def k(x, out):
            t = 0.0
            for i in prange(x.shape[0]):
                t = 2.0 * x[i]
                if t > 1.0:
                    t = 1.0
                out[i] = t
        """
        )
        == []
    )


def test_assigned_on_one_branch_only_is_carried():
    assert kinds(
        """
        def k(x, out):
            t = 0.0
            for i in prange(x.shape[0]):
                if x[i] > 0.5:
                    t = x[i]
                out[i] = t
        """
    ) == [("loop-carried", "t")]


def test_last_value_used_after_the_loop():
    assert kinds(
        """
        def k(x):
            last = 0.0
            for i in prange(x.shape[0]):
                last = x[i]
            return last
        """
    ) == [("last-value", "last")]


def test_reassigned_after_the_loop_is_not_a_last_value():
    assert (
        kinds(
            """
        def k(x, out):
            t = 0.0
            for i in prange(x.shape[0]):
                t = x[i]
                out[i] = t
            t = 5.0
            return t
        """
        )
        == []
    )


def test_container_mutation():
    assert kinds(
        """
        def k(x):
            found = []
            for i in prange(x.shape[0]):
                if x[i] > 0:
                    found.append(i)
            return found
        """
    ) == [("container-mutation", "found")]


def test_notes_indirect_writes_and_thread_ids():
    loops, findings = lint(
        """
        def k(x, idx, out, private):
            for i in prange(x.shape[0]):
                out[idx[i]] = x[i]
                private[numba.get_thread_id(), 0] += 1
        """
    )
    assert findings == []
    assert loops[0].indirect_writes == ["out", "private"]
    assert loops[0].thread_id_indices == [5]


def test_prange_inside_an_outer_loop_sees_later_iterations_as_after():
    assert kinds(
        """
        def k(x, out, rounds):
            acc = 0.0
            for r in range(rounds):
                for i in prange(x.shape[0]):
                    acc = x[i]
                out[r] = acc
        """
    ) == [("last-value", "acc")]
