"""Length of a shortest path between two vertices of an undirected graph given as a dense
adjacency matrix (ParEval 19, graph_shortest_path).

A is a symmetric N x N int32 matrix of 0s and 1s, row-major, with a zero diagonal; A[i, j] != 0
is an edge {i, j}. source and dest are vertex ids. The answer is the number of edges on a
shortest path from source to dest (0 when they are equal). N is the size.

Decisions:
- The graph stays a dense N x N int matrix, as ParEval measures it (the irregular suite holds the
  CSR versions of the graph problems). The reference is a breadth-first search from source that
  scans the matrix row of each vertex it visits and stops when it discovers dest: O(N^2), the
  natural serial algorithm for a dense matrix.
- When dest cannot be reached the answer is -1. (ParEval's reference returns INT_MAX and its
  checker treats INT_MAX and any negative answer alike as "not found"; one value is simpler.)
  A source or dest outside [0, N) has no path either: -1, which is the answer for N = 0 (the
  inputs then name vertex 0 for both).
- Inputs: ParEval's graphs (a random Hamiltonian path plus many random edges) put almost every
  pair within 2 hops, so a search ends after one or two levels. Ours are layered: every vertex
  joins one of L = max(1, round(sqrt(N) / 2)) layers at random, and vertices of the same or
  adjacent layers are joined with a probability drawn per input in [0.05, 0.3]; source is a
  vertex of the first layer and dest one of the last, about L - 1 hops apart, so the search
  runs through about L levels and most of the matrix. With probability 1/4 (drawn per input)
  the edges between the two middle layers are removed and dest is unreachable: the search then
  stops after exploring half of the graph.
- Bench size: N = 9216 (a 340 MB matrix): the serial numba reference takes about 63 ms. The
  pure-Python reference took 6-14 s at N = 8192, so an estimated 8-18 s here: around the
  profile's 10 s cap for it, so vs_python is measured only when a run stays under the cap.
"""

import numpy as np

CATEGORY = "graph"
SIZES = {"check": 500, "bench": 9_216}


def make_inputs(size, rng):
    layers = max(1, round(np.sqrt(size) / 2))
    layer = rng.integers(0, layers, size)
    density = np.float32(rng.uniform(0.05, 0.3))
    cut = layers // 2 if layers > 1 and rng.random() < 0.25 else -1
    upper = np.zeros((size, size), np.bool_)
    for lo in range(0, size, 512):
        hi = min(size, lo + 512)
        a, b = layer[lo:hi, None], layer[None, :]
        near = np.abs(a - b) <= 1
        across_cut = (np.minimum(a, b) == cut - 1) & (np.maximum(a, b) == cut)
        draw = rng.random((hi - lo, size), np.float32) < density
        upper[lo:hi] = near & ~across_cut & draw
    upper = np.triu(upper, 1)
    A = upper.astype(np.int32)
    A |= upper.T
    first = np.flatnonzero(layer == 0)
    last = np.flatnonzero(layer == layers - 1)
    source = int(rng.choice(first)) if first.size else 0
    dest = int(rng.choice(last)) if last.size else 0
    return A, source, dest


def reference(A, source, dest):
    n = A.shape[0]
    if not (0 <= source < n and 0 <= dest < n):
        return -1
    if source == dest:
        return 0
    seen = np.zeros(n, np.bool_)
    queue = np.empty(n, np.int64)
    hops = np.empty(n, np.int64)
    seen[source] = True
    queue[0] = source
    hops[source] = 0
    head = 0
    tail = 1
    while head < tail:
        u = queue[head]
        head += 1
        row = A[u]
        for v in range(n):
            if not seen[v] and row[v] != 0:
                if v == dest:
                    return hops[u] + 1
                seen[v] = True
                hops[v] = hops[u] + 1
                queue[tail] = v
                tail += 1
    return -1
