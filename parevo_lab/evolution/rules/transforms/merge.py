"""The ``merge`` strategy: a two-cursor merge (analysis/merge.py) split at keys into parts that
merge in parallel.

The split keys come from the longer array at P evenly spaced positions (P = 8 per thread), so
they are sorted; part p takes from each array the entries whose key lies in [key_p, key_p+1)
(binary searches), so entries with equal keys stay in one part, merged in the sequential order,
and part p starts at the merge position i + j of its first entry."""

from __future__ import annotations

import ast
import copy

from .codegen import _stmts


class _Bounds(ast.NodeTransformer):
    """The merge's bounds replaced by the part's own ends, in the loop's and branch's tests."""

    def __init__(self, old: dict[str, str]):
        self.old = old  # ast.dump of a bound -> the name that replaces it

    def visit(self, node):
        if isinstance(node, ast.expr) and ast.dump(node) in self.old:
            return ast.copy_location(ast.Name(self.old[ast.dump(node)], ast.Load()), node)
        return super().visit(node)


def _t_merge(loop, facts, plan, variables) -> list[ast.stmt]:
    m, tag = facts.merge, str(facts.line)
    i, j, a, b = m["i"], m["j"], m["a"], m["b"]
    nx, ny, parts, at = f"_nx{tag}", f"_ny{tag}", f"_parts{tag}", f"_at{tag}"
    ia, jb, p, key = f"_ia{tag}", f"_jb{tag}", f"_split{tag}", f"_key{tag}"
    ie, je = f"_ie{tag}", f"_je{tag}"
    out = _stmts(
        f"""
{nx} = {m["nx"]}
{ny} = {m["ny"]}
{parts} = 8 * numba.get_num_threads()
{ia} = np.empty({parts} + 1, np.int64)
{jb} = np.empty({parts} + 1, np.int64)
for {p} in numba.prange({parts} + 1):
    if {p} == {parts}:
        {ia}[{p}] = {nx}
        {jb}[{p}] = {ny}
    elif {p} == 0 or {nx} + {ny} == 0:
        {ia}[{p}] = 0
        {jb}[{p}] = 0
    else:
        if {nx} >= {ny}:
            {key} = {a}[({p} * {nx}) // {parts}]
        else:
            {key} = {b}[({p} * {ny}) // {parts}]
        {ia}[{p}] = np.searchsorted({a}[:{nx}], {key})
        {jb}[{p}] = np.searchsorted({b}[:{ny}], {key})
for {at} in numba.prange({parts}):
    {i} = {ia}[{at}]
    {j} = {jb}[{at}]
    {ie} = {ia}[{at} + 1]
    {je} = {jb}[{at} + 1]
    pass
"""
    )
    merged = copy.deepcopy(loop)
    bounds = _Bounds(
        {
            ast.dump(ast.parse(m["nx"], mode="eval").body): ie,
            ast.dump(ast.parse(m["ny"], mode="eval").body): je,
        }
    )
    merged.test = bounds.visit(merged.test)
    merged.body[0].test = bounds.visit(merged.body[0].test)
    parallel = out[-1]
    parallel.body[-1] = merged
    return out
