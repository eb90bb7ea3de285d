"""Greedy MIS on blocks of ids in parallel, conflicts repaired, then Luby rounds for the rest.

1. The ids are cut into BLOCKS contiguous blocks and each block runs the serial greedy on the
   edges inside it (a member blocks only its own block's neighbours): the inputs' edges are
   mostly local, so this does most of the work, with the serial algorithm's locality.
   BLOCKS = 2 (one block per core of the 2-core target): every extra block cuts more edges,
   so more members must leave in step 2 and more vertices go to step 3.
2. A member with a member neighbour in a lower block leaves the set (step 1 flags the members
   with lower-block neighbours; rows are sorted, so those neighbours come first and the scan
   stops early); the set is now independent.
3. The vertices left with no member neighbour (only neighbours of a member that left can be:
   P.flatten gathers them, P.unique removes repeats) finish with Luby's algorithm: hashed
   priorities, and each round an undecided vertex joins when its (priority, id) beats every
   undecided neighbour's, then undecided neighbours of members drop out. The loops that read neighbours live in their own functions: numba would otherwise fuse
   them with the loop that writes ``status`` next (both index it indirectly, which its fusion
   test does not see as a dependence).
Every loop writes only its own block, its own vertex or its own list slot.
"""

import numba
import numpy as np

from parevo_lab import primitives as P

BLOCKS = 2
UNDECIDED = 0
MEMBER = 1
OUT = 2


@numba.njit(inline="always")
def _priority(v):
    """A fixed pseudo-random priority (splitmix64 of the id): recomputed where needed, which is
    cheaper than reading it from an n-sized table at a random place."""
    x = np.uint64(v) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@numba.njit(parallel=True)
def _winners(indptr, indices, active, status):
    """For each listed vertex: does it beat every undecided neighbour?"""
    wins = np.empty(active.shape[0], np.bool_)
    for i in numba.prange(active.shape[0]):
        v = active[i]
        mine = _priority(v)
        best = True
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            if status[u] == UNDECIDED:
                theirs = _priority(u)
                if theirs > mine or (theirs == mine and u > v):
                    best = False
                    break
        wins[i] = best
    return wins


@numba.njit(parallel=True)
def _blocked(indptr, indices, active, status):
    """For each listed vertex still undecided: has it a member neighbour?"""
    out = np.zeros(active.shape[0], np.bool_)
    for i in numba.prange(active.shape[0]):
        v = active[i]
        if status[v] == UNDECIDED:
            for j in range(indptr[v], indptr[v + 1]):
                if status[indices[j]] == MEMBER:
                    out[i] = True
                    break
    return out


@numba.njit(parallel=True)
def kernel(indptr, indices):
    n = indptr.shape[0] - 1
    member = np.zeros(n, np.bool_)
    blocked = np.zeros(n, np.bool_)
    crossing = np.zeros(n, np.bool_)  # members with a neighbour in a lower block
    for b in numba.prange(BLOCKS):
        lo = (b * n) // BLOCKS
        hi = ((b + 1) * n) // BLOCKS
        for v in range(lo, hi):
            if not blocked[v]:
                member[v] = True
                for j in range(indptr[v], indptr[v + 1]):
                    u = indices[j]
                    if u < lo:
                        crossing[v] = True
                    elif u < hi:
                        blocked[u] = True
    suspects = P.pack_index(crossing)
    keep = member.copy()
    for i in numba.prange(suspects.shape[0]):
        v = suspects[i]
        lo = (((v + 1) * BLOCKS + n - 1) // n - 1) * n // BLOCKS  # start of v's block
        for j in range(indptr[v], indptr[v + 1]):
            if indices[j] >= lo:
                break
            if member[indices[j]]:
                keep[v] = False
                break
    status = np.empty(n, np.int8)
    left = np.empty(n, np.bool_)
    for v in numba.prange(n):
        status[v] = MEMBER if keep[v] else OUT
        left[v] = member[v] and not keep[v]
    # only a neighbour of a member that left can have lost its last member neighbour
    _, around = P.flatten(indptr, indices, P.pack_index(left))
    candidates = P.unique(around)
    free = np.empty(candidates.shape[0], np.bool_)
    for i in numba.prange(candidates.shape[0]):
        v = candidates[i]
        alone = not keep[v]
        for j in range(indptr[v], indptr[v + 1]):
            if not alone:
                break
            alone = not keep[indices[j]]
        free[i] = alone
    active = P.pack(candidates, free)
    for i in numba.prange(active.shape[0]):
        status[active[i]] = UNDECIDED
    while active.shape[0] > 0:
        wins = _winners(indptr, indices, active, status)
        for i in numba.prange(active.shape[0]):
            if wins[i]:
                status[active[i]] = MEMBER
        out = _blocked(indptr, indices, active, status)
        still = np.empty(active.shape[0], np.bool_)
        for i in numba.prange(active.shape[0]):
            if out[i]:
                status[active[i]] = OUT
            still[i] = not out[i] and not wins[i]
        active = P.pack(active, still)
    return status == MEMBER
