"""Templates: what the parallel primitives of this library can replace, recognised by behaviour.

A template names a primitive family, the inputs it takes (a CSR graph, a CSR graph and a source
vertex), a test of a reference's output on one input (``probes.py``: plain numpy and Python,
independent of the primitive it stands for: connected components by union-find, BFS by a queue,
independence and maximality by counting edges), the conventions the output may follow (labels as each component's
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

Adding a template here (with its test in ``probes.py`` and its primitive in
``parevo_lab.primitives``) makes it available to the probe, to the rule generator and to the model's prompt; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .probes import (  # noqa: F401 - the tests, named here for the templates' users
    NOT_IT,
    _components,
    bfs_test,
    components_test,
    forest_test,
    graph_inputs,
    greedy_set_test,
    independent_set_test,
    matching_test,
    triangles_test,
)

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
