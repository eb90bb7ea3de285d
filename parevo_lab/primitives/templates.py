"""Templates: what the parallel primitives of this library can replace, recognised by behaviour.

A template names a primitive family, the inputs it takes (a CSR graph, with a source vertex, with
edge weights; a linked list; a dense adjacency matrix, turned into CSR first), a test of a
reference's output on one input (``probes.py``: plain numpy and Python, independent of the
primitive it stands for: connected components by union-find, BFS by a queue, shortest paths by
Dijkstra, independence and maximality by counting edges), the conventions the output may follow
(labels as each component's smallest id or as its rank; the marker of an unreachable vertex; the
output's dtype) and the kernel that calls the primitive with adapters for them.

The cascade's behaviour probe (``cascade/behaviour.py``) runs the tests in the sandboxed child on
the reference's own outputs (the verification inputs at the check size and the edge sizes); the
rule generator turns every template that held on all of them into a candidate. Each proposal is
only a candidate: the cascade alone decides. ``exact`` templates reproduce the reference's output
(the primitive computes the same function); the others produce *an* answer with the property the
reference's output has (a maximal independent set, a maximal matching, a spanning forest), right
only when the task's ``check`` accepts any such answer: a task that compares exactly rejects them
as ``wrong``, which is the cascade's job, not the probe's.

Adding a template here (with its test in ``probes.py`` and its primitive in
``parevo_lab.primitives``) makes it available to the probe, to the rule generator and to the
model's prompt; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._docs import work_and_span
from .probes import (  # noqa: F401 - the tests, named here for the templates' users
    ANY,
    NOT_IT,
    _components,
    bfs_test,
    component_count_test,
    components_test,
    core_numbers_test,
    forest_test,
    graph_inputs,
    graph_of,
    greedy_colouring_test,
    greedy_matching_test,
    greedy_set_test,
    hop_distance_test,
    independent_set_test,
    largest_component_test,
    matching_test,
    matrix_inputs,
    shortest_paths_test,
    triangles_test,
)
from .probes_sequences import kth_test, list_inputs, list_rank_test, ranked_inputs


def find_inputs(args: tuple) -> dict | None:
    """What a template can take from ``args``: a CSR graph (``graph_inputs``) or, when there is
    none, a linked list (``list_inputs``), a dense adjacency matrix (``matrix_inputs``) or values
    with a rank (``ranked_inputs``); None when there is none of them."""
    return graph_inputs(args) or list_inputs(args) or matrix_inputs(args) or ranked_inputs(args)


# ---------------------------------------------------------------- the kernels


@dataclass(frozen=True)
class Template:
    """One primitive family as a replacement for a whole reference."""

    name: str
    primitive: str  # the parevo_lab.primitives function it calls
    output: str  # what the reference's output must be, in words
    needs: str  # one of NEEDS
    exact: bool  # reproduces the reference's output (else: any answer with its property)
    returns: str  # the primitive's answer: "int64" or "bool" (an array per vertex), "scalar"
    test: object  # (args, where, output) -> convention or None
    call: str  # the primitive's call: {indptr}, {indices}, {source}, {weights}, {next} are
    # the reference's names

    @property
    def cost(self) -> str:
        """The primitive's work and span, as its docstring states them (one source)."""
        return work_and_span(self.primitive)

    def kernel(self, names: list[str], where: dict, convention: str, dtype: str | None) -> str:
        """The candidate's source: the reference's signature, one call of the primitive and
        the adapters ``convention`` and ``dtype`` (the reference's output dtype) ask for."""
        mapping = {
            role: names[where[role]] if where.get(role) is not None else "0"
            for role in (
                "indptr", "indices", "source", "weights", "next", "values", "rank", "matrix",
                "dest",
            )
        }  # fmt: skip
        mapping["symmetric"] = str(bool(where.get("symmetric")))
        body = []
        dense = self.needs.startswith("matrix")  # a primitive that reads the matrix itself
        if where.get("matrix") is not None and not dense:  # an adjacency matrix: its CSR first
            body = [f"indptr, indices = P.csr_from_dense({names[where['matrix']]})"]
            mapping["indptr"], mapping["indices"] = "indptr", "indices"
        call = self.call.format(**mapping)
        if self.needs == "any symmetric graph":  # no vertex: no component
            body += [
                f"if {mapping['indptr']}.shape[0] <= 1:",
                "    out = 0",
                "else:",
                f"    out = {call}",
            ]
        elif self.needs == "values+rank":  # -1 for a rank outside the values
            k, n = mapping["rank"], f"{mapping['values']}.shape[0]"
            rank, outside = (k, f"{k} < 0 or {k} >= {n}")
            if convention != "rank=from 0":  # from 1, or could not tell
                rank, outside = f"{k} - 1", f"{k} < 1 or {k} > {n}"
            body += [
                f"if {outside}:",
                "    out = -1",
                "else:",
                f"    out = {self.call.format(**{**mapping, 'rank': rank})}",
            ]
        elif self.needs == "matrix+source+dest":  # -1 when there is no path
            body += [f"out = {call}"]
            if convention not in ("unreachable=-1", f"unreachable={ANY}"):
                body += ["if out < 0:", f"    out = {int(convention.split('=', 1)[1])}"]
        elif self.needs.endswith("+source"):  # no vertex, no source: the empty answer
            body += [
                f"if {mapping['indptr']}.shape[0] <= 1:",
                "    out = np.full(0, -1, np.int64)",
                "else:",
                f"    out = {call}",
            ]
        else:
            body += [f"out = {call}"]
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
        elif (
            self.returns != "scalar"
            and convention.startswith("unreachable=")
            and convention
            not in (
                "unreachable=-1",
                f"unreachable={ANY}",
            )
        ):
            marker = int(convention.split("=", 1)[1])
            body += [
                "for v in prange(out.shape[0]):",
                "    if out[v] < 0:",
                f"        out[v] = {marker}",
            ]
        if dtype and self.returns != "scalar" and dtype != self.returns:
            body.append(f"out = out.astype(np.{dtype})")
        lines = "\n".join(f"    {line}" for line in body)
        return (
            f'"""{self.name}: parevo_lab.primitives.{self.primitive} in place of the reference '
            f"({self.output}; {self.cost}).\n\n"
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


NEEDS = {  # what each kind of input asks of the probe's places, and which of them it names
    "graph": ("indptr", "indices"),
    "symmetric graph": ("indptr", "indices"),
    "graph+source": ("indptr", "indices", "source"),
    "weighted graph+source": ("indptr", "indices", "weights", "source"),
    "list": ("next",),
    "values+rank": ("values", "rank"),
    "matrix+source+dest": ("matrix", "source", "dest"),
    # a symmetric CSR graph or a dense adjacency matrix (converted by P.csr_from_dense)
    "any symmetric graph": (),
}


def fits(needs: str, place: dict, symmetric: bool) -> bool:
    """Whether a probe's inputs (``find_inputs``) offer what a template needs."""
    if needs in ("symmetric graph", "any symmetric graph") and not symmetric:
        return False
    if needs == "any symmetric graph":
        return place.get("indptr") is not None or place.get("matrix") is not None
    return all(place.get(role) is not None for role in NEEDS[needs])


TEMPLATES = (
    Template(
        "connected components",
        "connected_components",
        "a label per vertex that partitions the vertices like the graph's components",
        "graph",
        True,
        "int64",
        components_test,
        "P.connected_components({indptr}, {indices})",
    ),
    Template(
        "component count",
        "connected_components",
        "the number of connected components",
        "any symmetric graph",
        True,
        "scalar",
        component_count_test,
        "np.count_nonzero(P.histogram(P.connected_components({indptr}, {indices}), "
        "{indptr}.shape[0] - 1))",
    ),
    Template(
        "largest component",
        "connected_components",
        "the size of the largest connected component",
        "any symmetric graph",
        True,
        "scalar",
        largest_component_test,
        "P.reduce_max(P.histogram(P.connected_components({indptr}, {indices}), "
        "{indptr}.shape[0] - 1))",
    ),
    Template(
        "BFS levels",
        "bfs_levels",
        "hop distances from a source vertex",
        "graph+source",
        True,
        "int64",
        bfs_test,
        "P.bfs_levels({indptr}, {indices}, {source}, {symmetric})",
    ),
    Template(
        "triangle count",
        "triangle_count",
        "the number of triangles",
        "symmetric graph",
        True,
        "scalar",
        triangles_test,
        "P.triangle_count({indptr}, {indices})",
    ),
    Template(
        "greedy independent set",
        "greedy_independent_set",
        "the serial greedy's maximal independent set (a bool per vertex, ids in order)",
        "symmetric graph",
        True,
        "bool",
        greedy_set_test,
        "P.greedy_independent_set({indptr}, {indices})",
    ),
    Template(
        "maximal independent set",
        "maximal_independent_set",
        "a maximal independent set (a bool per vertex)",
        "symmetric graph",
        False,
        "bool",
        independent_set_test,
        "P.maximal_independent_set({indptr}, {indices}, 0)",
    ),
    Template(
        "greedy matching",
        "greedy_matching",
        "the serial greedy's maximal matching (each vertex's partner, -1 when unmatched; ids in "
        "order, each taking its first free neighbour)",
        "symmetric graph",
        True,
        "int64",
        greedy_matching_test,
        "P.greedy_matching({indptr}, {indices})",
    ),
    Template(
        "greedy colouring",
        "greedy_colouring",
        "the serial first-fit greedy's colouring (each vertex's colour; ids in order, each taking "
        "the smallest colour no lower neighbour has)",
        "symmetric graph",
        True,
        "int64",
        greedy_colouring_test,
        "P.greedy_colouring({indptr}, {indices})",
    ),
    Template(
        "maximal matching",
        "maximal_matching",
        "a maximal matching (each vertex's partner, -1 when unmatched)",
        "symmetric graph",
        False,
        "int64",
        matching_test,
        "P.maximal_matching({indptr}, {indices}, 0)",
    ),
    Template(
        "shortest paths",
        "shortest_paths",
        "the smallest total edge weight of a path from a source vertex",
        "weighted graph+source",
        True,
        "int64",
        shortest_paths_test,
        "P.shortest_paths({indptr}, {indices}, {weights}, {source})",
    ),
    Template(
        "list ranking",
        "list_rank",
        "each node's number of nodes after it in its linked list",
        "list",
        True,
        "int64",
        list_rank_test,
        "P.list_rank({next})",
    ),
    Template(
        "hop distance",
        "hop_distance",
        "the number of edges on a shortest path between two vertices of an adjacency matrix",
        "matrix+source+dest",
        True,
        "scalar",
        hop_distance_test,
        "P.hop_distance({matrix}, {source}, {dest}, {symmetric})",
    ),
    Template(
        "k-th smallest",
        "kth_smallest",
        "the element of a given rank in increasing order (duplicates counted)",
        "values+rank",
        True,
        "scalar",
        kth_test,
        "P.kth_smallest({values}, {rank})",
    ),
    Template(
        "core numbers",
        "core_numbers",
        "each vertex's core number (k-core decomposition)",
        "symmetric graph",
        True,
        "int64",
        core_numbers_test,
        "P.core_numbers({indptr}, {indices})",
    ),
    Template(
        "spanning forest",
        "spanning_forest",
        "a spanning forest as parent links (-1 at the roots)",
        "symmetric graph",
        False,
        "int64",
        forest_test,
        "P.spanning_forest({indptr}, {indices})",
    ),
)


def said(convention: str) -> str:
    """A convention in words for labels and prompts: an unreachable marker the probes could not
    see (every vertex was reached) says so instead of ``unreachable=?``, and a rank they could
    not tell the origin of, ``rank=?``, says which origin the kernel takes."""
    if convention == f"rank={ANY}":
        return "rank: the probes could not tell, counted from 1"
    if convention.endswith(f"={ANY}"):
        return f"{convention.split('=')[0]}: none in the probes, -1 assumed"
    return convention


def by_name(name: str) -> Template | None:
    return next((t for t in TEMPLATES if t.name == name), None)


def matches(probes: list[tuple[tuple, object]]) -> tuple[dict | None, list[dict]]:
    """(where the inputs lie, [{"template", "convention", "exact"}]) for the templates whose
    test held, with one convention, on every probe ``(args, output)``; the inputs' places
    (``find_inputs``: a CSR graph, its source and weights, or a linked list) must be the same in
    every probe (None when some probe holds neither a graph nor a list). A convention ending in
    ``=?`` (a test that could not tell, e.g. no unreachable vertex) yields to a known one."""
    places = [find_inputs(args) for args, _ in probes]
    if not places or any(p is None for p in places):
        return None, []
    roles = ("indptr", "source", "weights", "next", "matrix", "values", "rank", "dest")
    if len({tuple(p.get(r) for r in roles) for p in places}) > 1:
        return None, []
    symmetric = all(p.get("symmetric") for p in places)
    held = []
    for template in TEMPLATES:
        if not fits(template.needs, places[0], symmetric):
            continue
        conventions = {
            template.test(args, {**place, "symmetric": symmetric}, output)
            for (args, output), place in zip(probes, places, strict=True)
        }
        if None in conventions:
            continue
        known = {c for c in conventions if not c.endswith(f"={ANY}")} or conventions
        if len(known) == 1:
            held.append(
                {"template": template.name, "convention": known.pop(), "exact": template.exact}
            )
    where = {k: v for k, v in places[0].items() if k not in ("n", "symmetric")}
    return {**where, "symmetric": symmetric}, held


def usable(behaviour: dict | None) -> list[tuple[Template, dict]]:
    """The (template, match) pairs of a probe's result worth a candidate, exact ones first: an
    any-answer template only when the task has its own ``check`` (an exact comparison would
    reject its answer anyway)."""
    found = []
    for match in sorted((behaviour or {}).get("matches") or [], key=lambda m: not m.get("exact")):
        template = by_name(match.get("template", ""))
        if template is not None and (template.exact or (behaviour or {}).get("check")):
            found.append((template, match))
    return found
