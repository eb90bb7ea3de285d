"""Number of edges of a directed graph given as a dense adjacency matrix (ParEval 15,
graph_edge_count).

A is an N x N int32 matrix of 0s and 1s, row-major; A[i, j] != 0 is an edge i -> j. The answer
is the number of edges, the number of nonzero entries. N is the size.

Decisions:
- The graph stays a dense N x N int matrix, as ParEval measures it (the irregular suite holds the
  CSR versions of the graph problems).
- Every nonzero entry is one edge, self-loops A[i, i] included, as ParEval's reference counts
  them. (ParEval's docstring example answers 3 for a matrix with six ones, which disagrees with
  its own reference; the graph is directed, so six is right.)
- Inputs: row i keeps each entry with a probability drawn per row in [0, 2p] for a density p
  drawn per input in [0.05, 0.5], so rows differ in degree.
- Bench size: the serial reference vectorises and is memory bound, so it takes N = 20480 (a
  1.7 GB matrix) to keep it busy for 50 ms: about 58 ms here. The pure-Python reference (about
  0.15 us an entry) would need about a minute there, past the profile's 10 s cap for it, so the
  profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "graph"
SIZES = {"check": 400, "bench": 20_480}


def make_inputs(size, rng):
    density = rng.uniform(0.05, 0.5)
    row_density = rng.uniform(0.0, 2.0 * density, size).astype(np.float32)
    A = np.empty((size, size), np.int32)
    for lo in range(0, size, 512):
        hi = min(size, lo + 512)
        A[lo:hi] = rng.random((hi - lo, size), np.float32) < row_density[lo:hi, None]
    return (A,)


def reference(A):
    count = 0
    for i in range(A.shape[0]):
        row = A[i]
        for j in range(row.shape[0]):
            if row[j] != 0:
                count += 1
    return count
