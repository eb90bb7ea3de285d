"""Templates: what the parallel primitives of this library can replace, recognised by behaviour.

A template names a primitive family, the inputs it takes (a CSR graph, a CSR graph and a source
vertex), a test of a reference's output on one input (plain numpy and Python, independent of the
primitive it stands for: connected components by union-find, BFS by a queue, independence and
maximality by counting edges), the conventions the output may follow (labels as each component's
smallest id or as its rank; the marker of an unreachable vertex; the output's dtype) and the kernel
that calls the primitive with adapters for them.

The cascade's behaviour probe (``cascade/behaviour.py``) runs the tests in the sandboxed child on
the reference's own outputs (the verification inputs at the check size and the edge sizes); the
rule generator turns every template that held on all of them into a candidate. Each proposal is
only a candidate: the cascade alone decides. ``exact`` templates reproduce the reference's output
(the primitive computes the same function); the others produce *an* answer with the property the
reference's output has (a maximal independent set, a maximal matching, a spanning forest), right
only when the task's ``check`` accepts any such answer: a task that compares exactly rejects them
as ``wrong``, which is the cascade's job, not the probe's.

Adding a template here (and its primitive to ``parevo_lab.primitives``) makes it available to the
probe, to the rule generator and to the model's prompt; nothing else changes.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

NOT_IT = None  # what a test returns when the output does not behave like the template's


# ---------------------------------------------------------------- the inputs a template takes


def graph_inputs(args: tuple) -> dict | None:
    """Where a CSR graph lies in ``args``: ``{"indptr": i, "indices": i + 1, "source": k or
    None, "symmetric": bool, "n": n}`` for the first two adjacent integer arrays that form one
    (indptr of n + 1 non-decreasing from 0, indices of indptr[-1] values in [0, n)), with the
    first integer argument after them in [0, n) as the source; None when no argument pair is a
    CSR graph."""
    for i in range(len(args) - 1):
        indptr, indices = args[i], args[i + 1]
        if not (_int_vector(indptr) and _int_vector(indices)) or indptr.shape[0] < 1:
            continue
        n = indptr.shape[0] - 1
        if indptr[0] != 0 or np.any(np.diff(indptr) < 0) or indptr[-1] != indices.shape[0]:
            continue
        if indices.size and (indices.min() < 0 or indices.max() >= max(n, 1)):
            continue
        source = None
        for k in range(i + 2, len(args)):
            value = args[k]
            if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
                source = k if 0 <= int(value) < max(n, 1) else None
                break
        return {
            "indptr": i,
            "indices": i + 1,
            "source": source,
            "symmetric": _symmetric(indptr, indices),
            "n": n,
        }
    return None


def _int_vector(a) -> bool:
    return isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype.kind in "iu"


def _symmetric(indptr, indices) -> bool:
    n = indptr.shape[0] - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    there = {(int(a), int(b)) for a, b in zip(src, indices, strict=True)}
    return all((b, a) in there for a, b in there)


def _edges(indptr, indices):
    n = indptr.shape[0] - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    return src, indices.astype(np.int64)


# ---------------------------------------------------------------- the tests (one input each)


def _components(indptr, indices) -> np.ndarray:
    """Each vertex's smallest component id, edges taken as undirected (union-find)."""
    n = indptr.shape[0] - 1
    root = list(range(n))

    def find(v):
        while root[v] != v:
            root[v] = root[root[v]]
            v = root[v]
        return v

    for a, b in zip(*_edges(indptr, indices), strict=True):
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            root[max(ra, rb)] = min(ra, rb)
    return np.array([find(v) for v in range(n)], dtype=np.int64)


def _labels(output, n: int) -> np.ndarray | None:
    if not _int_vector(output) or output.shape != (n,):
        return None
    return output.astype(np.int64)


def components_test(args, where, output):
    """ "min": each vertex labelled with its component's smallest id; "rank": with the rank of
    its component among the components ordered by smallest id (0, 1, 2, ...)."""
    n = where["n"]
    labels = _labels(output, n)
    if labels is None:
        return NOT_IT
    minimum = _components(args[where["indptr"]], args[where["indices"]])
    if np.array_equal(labels, minimum):
        return "min"
    rank = np.searchsorted(np.unique(minimum), minimum) if n else minimum
    if np.array_equal(labels, rank):
        return "rank"
    return NOT_IT


def bfs_test(args, where, output):
    """ "unreachable=X": hop distances from the source, X at vertices it cannot reach ("-1"
    when every vertex of every probe was reachable)."""
    if where["source"] is None:
        return NOT_IT
    n = where["n"]
    levels = _labels(output, n)
    if levels is None or n == 0:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    source = int(args[where["source"]])
    hops = np.full(n, -1, np.int64)
    hops[source] = 0
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in indices[indptr[u] : indptr[u + 1]]:
            if hops[v] < 0:
                hops[v] = hops[u] + 1
                queue.append(int(v))
    reached = hops >= 0
    if not np.array_equal(levels[reached], hops[reached]):
        return NOT_IT
    markers = set(levels[~reached].tolist())
    if len(markers) > 1:
        return NOT_IT
    return f"unreachable={markers.pop() if markers else '?'}"


def triangles_test(args, where, output):
    """ "count": the number of triangles of the (symmetric) graph, each counted once."""
    if not where["symmetric"] or isinstance(output, bool | np.bool_):
        return NOT_IT
    if not isinstance(output, int | np.integer) and not (
        isinstance(output, np.ndarray) and output.shape == () and output.dtype.kind in "iu"
    ):
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    rows = [set(indices[indptr[v] : indptr[v + 1]].tolist()) for v in range(where["n"])]
    count = sum(
        len([w for w in rows[u] & rows[v] if w > v])
        for u in range(where["n"])
        for v in rows[u]
        if v > u
    )
    return "count" if int(output) == count else NOT_IT


def _members(output, n):
    if not isinstance(output, np.ndarray) or output.shape != (n,):
        return None
    if output.dtype == np.bool_:
        return output
    if output.dtype.kind in "iu" and np.isin(output, (0, 1)).all():
        return output.astype(np.bool_)
    return None


def independent_set_test(args, where, output):
    """ "valid": a maximal independent set (a bool, or 0/1, per vertex)."""
    if not where["symmetric"]:
        return NOT_IT
    members = _members(output, where["n"])
    if members is None:
        return NOT_IT
    src, dst = _edges(args[where["indptr"]], args[where["indices"]])
    real = src != dst
    if np.any(members[src[real]] & members[dst[real]]):
        return NOT_IT
    covered = members.copy()
    covered[src[real & members[dst]]] = True
    return "valid" if covered.all() else NOT_IT


def greedy_set_test(args, where, output):
    """ "first": exactly the serial greedy's set (take the vertices in id order, each one no
    earlier member blocks): the lexicographically first maximal independent set."""
    if not where["symmetric"]:
        return NOT_IT
    members = _members(output, where["n"])
    if members is None:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    first = np.zeros(where["n"], np.bool_)
    blocked = np.zeros(where["n"], np.bool_)
    for v in range(where["n"]):
        if not blocked[v]:
            first[v] = True
            blocked[indices[indptr[v] : indptr[v + 1]]] = True
    return "first" if np.array_equal(members, first) else NOT_IT


def matching_test(args, where, output):
    """ "valid": a maximal matching as each vertex's partner, -1 when unmatched."""
    n = where["n"]
    match = _labels(output, n)
    if match is None or not where["symmetric"] or np.any((match < -1) | (match >= n)):
        return NOT_IT
    src, dst = _edges(args[where["indptr"]], args[where["indices"]])
    matched = np.flatnonzero(match >= 0)
    if np.any(match[match[matched]] != matched):
        return NOT_IT
    pairs = set(zip(src.tolist(), dst.tolist(), strict=True))
    if any((int(v), int(match[v])) not in pairs for v in matched):
        return NOT_IT
    free = match < 0
    if np.any(free[src] & free[dst] & (src != dst)):
        return NOT_IT
    if not matched.size and not src.size:
        return NOT_IT  # nothing to tell a matching from an array of -1
    return "valid"


def forest_test(args, where, output):
    """ "valid": a spanning forest as parent links (-1 at the roots), one tree per component."""
    n = where["n"]
    parent = _labels(output, n)
    if parent is None or not where["symmetric"] or np.any((parent < -1) | (parent >= n)):
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    src, dst = _edges(indptr, indices)
    pairs = set(zip(src.tolist(), dst.tolist(), strict=True))
    linked = np.flatnonzero(parent >= 0)
    if any((int(v), int(parent[v])) not in pairs for v in linked):
        return NOT_IT
    minimum = _components(indptr, indices)
    if int(np.count_nonzero(parent < 0)) != len(np.unique(minimum)):
        return NOT_IT
    for v in range(n):  # every chain ends at a root within n links
        u, steps = v, 0
        while parent[u] >= 0 and steps <= n:
            u, steps = int(parent[u]), steps + 1
        if steps > n:
            return NOT_IT
    return "valid"


# ---------------------------------------------------------------- the kernels


@dataclass(frozen=True)
class Template:
    """One primitive family as a replacement for a whole reference."""

    name: str
    primitive: str  # the parevo_lab.primitives function it calls
    output: str  # what the reference's output must be, in words
    needs: str  # "graph", "graph+source" or "symmetric graph"
    exact: bool  # reproduces the reference's output (else: any answer with its property)
    work: str
    span: str
    test: object  # (args, where, output) -> convention or None
    call: str  # the primitive's call: {indptr}, {indices}, {source} are the reference's names

    def kernel(self, names: list[str], where: dict, convention: str, dtype: str | None) -> str:
        """The candidate's source: the reference's signature, one call of the primitive and
        the adapters ``convention`` and ``dtype`` (the reference's output dtype) ask for."""
        mapping = {
            "indptr": names[where["indptr"]],
            "indices": names[where["indices"]],
            "source": names[where["source"]] if where.get("source") is not None else "0",
            "symmetric": str(bool(where.get("symmetric"))),
        }
        call = self.call.format(**mapping)
        if self.needs == "graph+source":  # no vertex, no source: the empty answer
            body = [
                f"if {mapping['indptr']}.shape[0] <= 1:",
                "    out = np.full(0, -1, np.int64)",
                "else:",
                f"    out = {call}",
            ]
        else:
            body = [f"out = {call}"]
        if convention == "rank":  # smallest ids -> 0, 1, 2, ... in the same order
            body += [
                "n = out.shape[0]",
                "roots = np.zeros(n, np.int64)",
                "for v in prange(n):",
                "    if out[v] == v:",
                "        roots[v] = 1",
                "rank = P.exclusive_scan(roots, P.ADD)",
                "ranked = np.empty(n, np.int64)",
                "for v in prange(n):",
                "    ranked[v] = rank[out[v]]",
                "out = ranked",
            ]
        elif convention.startswith("unreachable=") and convention not in (
            "unreachable=-1",
            "unreachable=?",
        ):
            marker = int(convention.split("=", 1)[1])
            body += [
                "for v in prange(out.shape[0]):",
                "    if out[v] < 0:",
                f"        out[v] = {marker}",
            ]
        natural = "bool" if self.primitive.endswith("independent_set") else "int64"
        if self.primitive == "triangle_count":
            natural = "scalar"
        if dtype and natural != "scalar" and dtype != natural:
            body.append(f"out = out.astype(np.{dtype})")
        lines = "\n".join(f"    {line}" for line in body)
        return (
            f'"""{self.name}: parevo_lab.primitives.{self.primitive} in place of the reference '
            f"({self.output}; work {self.work}, span {self.span}).\n\n"
            "Proposed from the reference's behaviour on small inputs; the cascade decides.\n"
            '"""\n\n'
            "import numba\n"
            "import numpy as np\n"
            "from numba import prange\n\n"
            "from parevo_lab import primitives as P\n\n\n"
            "@numba.njit(parallel=True)\n"
            f"def kernel({', '.join(names)}):\n"
            f"{lines}\n"
            "    return out\n"
        )


TEMPLATES = (
    Template(
        "connected components",
        "connected_components",
        "a label per vertex that partitions the vertices like the graph's components",
        "graph",
        True,
        "O(R (n + m))",
        "O(R max degree)",
        components_test,
        "P.connected_components({indptr}, {indices})",
    ),
    Template(
        "BFS levels",
        "bfs_levels",
        "hop distances from a source vertex",
        "graph+source",
        True,
        "O(D n + m)",
        "O(D (sqrt(n + m) + max degree))",
        bfs_test,
        "P.bfs_levels({indptr}, {indices}, {source}, {symmetric})",
    ),
    Template(
        "triangle count",
        "triangle_count",
        "the number of triangles",
        "symmetric graph",
        True,
        "O(sum of deg(u) + deg(v) over edges)",
        "O(max per-vertex work)",
        triangles_test,
        "P.triangle_count({indptr}, {indices})",
    ),
    Template(
        "greedy independent set",
        "greedy_independent_set",
        "the serial greedy's maximal independent set (a bool per vertex, ids in order)",
        "symmetric graph",
        True,
        "O(sum of R_w (window + edges))",
        "O(sum of R_w max degree)",
        greedy_set_test,
        "P.greedy_independent_set({indptr}, {indices})",
    ),
    Template(
        "maximal independent set",
        "maximal_independent_set",
        "a maximal independent set (a bool per vertex)",
        "symmetric graph",
        False,
        "O(log n (n + m))",
        "O(log n max degree)",
        independent_set_test,
        "P.maximal_independent_set({indptr}, {indices}, 0)",
    ),
    Template(
        "maximal matching",
        "maximal_matching",
        "a maximal matching (each vertex's partner, -1 when unmatched)",
        "symmetric graph",
        False,
        "O(log n (n + m))",
        "O(log n max degree)",
        matching_test,
        "P.maximal_matching({indptr}, {indices}, 0)",
    ),
    Template(
        "spanning forest",
        "spanning_forest",
        "a spanning forest as parent links (-1 at the roots)",
        "symmetric graph",
        False,
        "O(R (n + m))",
        "O(R max degree)",
        forest_test,
        "P.spanning_forest({indptr}, {indices})",
    ),
)


def by_name(name: str) -> Template | None:
    return next((t for t in TEMPLATES if t.name == name), None)


def matches(probes: list[tuple[tuple, object]]) -> tuple[dict | None, list[dict]]:
    """(where the graph lies, [{"template", "convention", "exact"}]) for the templates whose test
    held, with one convention, on every probe ``(args, output)``; the graph's place must be the
    same in every probe (it is None when no probe holds a CSR graph)."""
    where = None
    for args, _ in probes:
        found = graph_inputs(args)
        if found is None:
            return None, []
        if where is not None and (found["indptr"], found["source"]) != (
            where["indptr"],
            where["source"],
        ):
            return None, []
        symmetric = found["symmetric"] and (where is None or where["symmetric"])
        where = {**found, "symmetric": symmetric}
    if where is None:
        return None, []
    held = []
    for template in TEMPLATES:
        if template.needs == "graph+source" and where["source"] is None:
            continue
        if template.needs == "symmetric graph" and not where["symmetric"]:
            continue
        conventions = set()
        for args, output in probes:
            place = {**graph_inputs(args), "symmetric": where["symmetric"]}
            conventions.add(template.test(args, place, output))
        if len(conventions) == 1 and None not in conventions:
            held.append(
                {
                    "template": template.name,
                    "convention": conventions.pop(),
                    "exact": template.exact,
                }
            )
        elif template.name == "BFS levels" and None not in conventions:  # "?" where all reached
            known = conventions - {"unreachable=?"}
            if len(known) == 1:
                held.append({"template": template.name, "convention": known.pop(), "exact": True})
    return {k: v for k, v in where.items() if k != "n"}, held
