"""List ranking: each node's distance to the tail of a random linked list (PBBS listRank).

``next`` (int64 of n) holds one singly linked list through all n nodes: next[v] is the node
after v, -1 for the tail. Return rank (int64 of n) with rank[tail] = 0 and
rank[v] = rank[next[v]] + 1, i.e. the number of nodes after v.

Decisions:
- The list visits the nodes in a uniformly random order (``graphs.random_list``), so following
  it is a chain of cache misses: the irregular version of a prefix sum (CATEGORY scan).
- The head is not given: it is the one node no other node points to. n = 0 gives an empty
  array.
- The reference finds the head, then walks the list once, O(n).
"""

import numpy as np

from parevo_lab.suite.graphs import random_list

CATEGORY = "scan"
SIZES = {"check": 2000, "bench": 1_000_000}


def make_inputs(size, rng):
    return (random_list(size, rng),)


def reference(next):
    n = next.shape[0]
    rank = np.empty(n, np.int64)
    if n == 0:
        return rank
    pointed = np.zeros(n, np.bool_)
    for v in range(n):
        if next[v] >= 0:
            pointed[next[v]] = True
    v = 0
    while pointed[v]:
        v += 1
    left = n - 1
    while v >= 0:
        rank[v] = left
        left -= 1
        v = next[v]
    return rank
