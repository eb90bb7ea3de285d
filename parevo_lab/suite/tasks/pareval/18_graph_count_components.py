"""Number of connected components of an undirected graph given as a dense adjacency matrix
(ParEval 18, graph_count_components).

A is a symmetric N x N int32 matrix of 0s and 1s, row-major, with a zero diagonal; A[i, j] != 0
is an edge {i, j}. The answer is the number of connected components (an isolated vertex is one).
N is the size.

Decisions:
- The graph stays a dense N x N int matrix, as ParEval measures it (the irregular suite holds the
  CSR versions of the graph problems). The reference is a breadth-first search from every vertex
  not yet reached, scanning the matrix row of each vertex it visits: O(N^2), the natural serial
  algorithm for a dense matrix (each row is read once).
- N = 0 has no component: the answer is 0.
- Inputs: ParEval draws every edge with probability 1/2, which gives one component almost
  surely. Ours has structure: each vertex joins one of N/64 groups with probability proportional
  to 1/(rank of the group), so group sizes range from several hundred vertices down to a few;
  edges only join vertices of the same group, with a density drawn per group in [0.05, 0.5].
  Sparse small groups fall apart, so there are components of many sizes, isolated vertices
  included, and vertex ids are not ordered by component.
- Bench size: N = 9600 (a 369 MB matrix): the serial numba reference takes about 62 ms. The
  pure-Python reference took 6-14 s at N = 8192, so an estimated 8-19 s here: around the
  profile's 10 s cap for it, so vs_python is measured only when a run stays under the cap.
"""

import numpy as np

CATEGORY = "graph"
SIZES = {"check": 500, "bench": 9_600}


def make_inputs(size, rng):
    groups = max(1, size // 64)
    weight = 1.0 / np.arange(1, groups + 1)
    group = rng.choice(groups, size, p=weight / weight.sum())
    density = rng.uniform(0.05, 0.5, groups).astype(np.float32)
    upper = np.zeros((size, size), np.bool_)
    for lo in range(0, size, 512):
        hi = min(size, lo + 512)
        same = group[lo:hi, None] == group[None, :]
        draw = rng.random((hi - lo, size), np.float32) < density[group[lo:hi], None]
        upper[lo:hi] = same & draw
    upper = np.triu(upper, 1)
    A = upper.astype(np.int32)
    A |= upper.T
    return (A,)


def reference(A):
    n = A.shape[0]
    seen = np.zeros(n, np.bool_)
    queue = np.empty(n, np.int64)
    components = 0
    for start in range(n):
        if seen[start]:
            continue
        components += 1
        seen[start] = True
        queue[0] = start
        head = 0
        tail = 1
        while head < tail:
            row = A[queue[head]]
            head += 1
            for v in range(n):
                if not seen[v] and row[v] != 0:
                    seen[v] = True
                    queue[tail] = v
                    tail += 1
    return components
