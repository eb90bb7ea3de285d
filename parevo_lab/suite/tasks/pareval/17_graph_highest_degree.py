"""Highest vertex degree of an undirected graph given as a dense adjacency matrix (ParEval 17,
graph_highest_degree).

A is a symmetric N x N int32 matrix of 0s and 1s, row-major, with a zero diagonal; the degree of
vertex i is the number of nonzero entries of row i. The answer is the largest degree, 0 for
N = 0. N is the size.

Decisions:
- The graph stays a dense N x N int matrix, as ParEval measures it (the irregular suite holds the
  CSR versions of the graph problems).
- The degree counts nonzero entries (ParEval sums the row, the same for a 0/1 matrix).
- Inputs: a Chung-Lu graph: each vertex has a log-normal weight w and the edge {i, j} exists with
  probability min(1, c * w_i * w_j), c set for a mean density drawn per input in [0.05, 0.3],
  so degrees spread out and the maximum is a few vertices, not a tie of many. Then, by a class
  drawn per seed and size, one hub joined to every other vertex (degree N - 1, the highest) at
  the first vertex, at the last, anywhere, or no hub (found by `parevo audit`: without it a
  kernel that never read the last row passed).
- Bench size: the serial reference vectorises and is memory bound, so it takes N = 20480 (a
  1.7 GB matrix) to keep it busy for 50 ms: about 57 ms here. The pure-Python reference (about
  0.15 us an entry) would need about a minute there, past the profile's 10 s cap for it, so the
  profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "graph"
SIZES = {"check": 400, "bench": 20_480}


def make_inputs(size, rng):
    weight = np.exp(rng.normal(0.0, 0.5, size)).astype(np.float32)
    scale = rng.uniform(0.05, 0.3) * size / max(weight.sum(), 1.0)
    upper = np.zeros((size, size), np.bool_)
    for lo in range(0, size, 512):
        hi = min(size, lo + 512)
        p = scale * weight[lo:hi, None] * weight[None, :]
        upper[lo:hi] = rng.random((hi - lo, size), np.float32) < p
    upper = np.triu(upper, 1)
    A = upper.astype(np.int32)
    A |= upper.T
    # Drawn after the graph, so the class depends on the size as well as on the seed: a hub
    # joined to every other vertex (so its degree, n - 1, is the highest) at the first vertex,
    # at the last, anywhere, or no hub.
    kind = int(rng.integers(0, 4))
    if size >= 2 and kind < 3:
        hub = (0, size - 1, int(rng.integers(0, size)))[kind]
        A[hub, :] = 1
        A[:, hub] = 1
        A[hub, hub] = 0
    return (A,)


def reference(A):
    highest = 0
    for i in range(A.shape[0]):
        row = A[i]
        degree = 0
        for j in range(row.shape[0]):
            if row[j] != 0:
                degree += 1
        highest = max(highest, degree)
    return highest
