"""The tests of ``templates`` whose input is a sequence rather than a graph: a linked list (list
ranking) and values with a rank (the k-th smallest), in plain numpy and Python, independent of the
primitives. Each test returns the output's convention, or None when it does not behave so."""

from __future__ import annotations

import numpy as np

from .probes import ANY, NOT_IT, _int_vector, _labels, _scalar

# ---------------------------------------------------------------- a linked list


def list_inputs(args: tuple) -> dict | None:
    """Where linked lists lie in ``args``: ``{"next": i, "n": n}`` for the first integer array
    whose entries name the node after each node (-1 at a tail) with no node named twice and
    every node reached from a head (a node none names): disjoint simple lists through all n
    nodes. None when no argument is one."""
    for i, value in enumerate(args):
        if not _int_vector(value):
            continue
        n = value.shape[0]
        if n and (value.min() < -1 or value.max() >= n):
            continue
        named = value[value >= 0]
        if np.unique(named).shape[0] != named.shape[0]:
            continue
        if _list_nodes(value) == n:
            return {"next": i, "n": n}
    return None


def _list_nodes(nxt) -> int:
    """How many nodes the walks from the heads visit (n exactly when there is no cycle)."""
    heads = np.ones(nxt.shape[0], np.bool_)
    heads[nxt[nxt >= 0]] = False
    seen = 0
    for head in np.flatnonzero(heads):
        v = int(head)
        while v >= 0 and seen <= nxt.shape[0]:
            seen += 1
            v = int(nxt[v])
    return seen


def list_rank_test(args, where, output):
    """ "to tail": each node's number of nodes after it in its list (0 at the tails)."""
    if where.get("next") is None:
        return NOT_IT
    nxt = args[where["next"]]
    n = where["n"]
    rank = _labels(output, n)
    if rank is None:
        return NOT_IT
    expected = np.zeros(n, np.int64)
    heads = np.ones(n, np.bool_)
    heads[nxt[nxt >= 0]] = False
    for head in np.flatnonzero(heads):
        chain = [int(head)]
        while nxt[chain[-1]] >= 0:
            chain.append(int(nxt[chain[-1]]))
        expected[chain] = np.arange(len(chain) - 1, -1, -1)
    return "to tail" if np.array_equal(rank, expected) else NOT_IT


# ---------------------------------------------------------------- values and a rank


def ranked_inputs(args: tuple) -> dict | None:
    """``{"values": i, "rank": j, "n": n}`` for the first 1-d integer or float array and the first
    integer scalar after it (the rank of the element wanted); None when there are no such two."""
    for i, value in enumerate(args):
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
            for j in range(i + 1, len(args)):
                if isinstance(args[j], int | np.integer) and not isinstance(
                    args[j], bool | np.bool_
                ):
                    return {"values": i, "rank": j, "n": value.shape[0]}
            return None
    return None


def kth_test(args, where, output):
    """ "rank=from 1" or "rank=from 0": the element of that rank in increasing order (the k-th
    smallest, k counted from 1 or from 0), duplicates counted; -1 for a rank outside the values.
    ANY when this input cannot tell the two apart (equal neighbours in sorted order, or a rank
    outside the values)."""
    if where.get("values") is None:
        return NOT_IT
    x = args[where["values"]]
    value = _number(output)
    if value is None:
        return NOT_IT
    k, n = int(args[where["rank"]]), x.shape[0]
    ordered = np.sort(x)

    def holds(rank: int) -> bool:
        if not 0 <= rank < n:
            return value == -1
        return bool(ordered[rank] == value or (np.isnan(value) and np.isnan(ordered[rank])))

    held = [c for c, rank in (("rank=from 1", k - 1), ("rank=from 0", k)) if holds(rank)]
    if not held:
        return NOT_IT
    if len(held) == 2 or not any(0 <= r < n for r in (k - 1, k)):
        return f"rank={ANY}"
    return held[0]


def _number(output) -> float | None:
    """A scalar output as a number (an integer or a float; None for anything else)."""
    whole = _scalar(output)
    if whole is not None:
        return float(whole)
    if isinstance(output, float | np.floating) or (
        isinstance(output, np.ndarray) and output.shape == () and output.dtype.kind == "f"
    ):
        return float(output)
    return None
