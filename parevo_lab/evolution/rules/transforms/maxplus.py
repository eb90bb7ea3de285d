"""The ``maxplus`` strategy: a running value under max-plus steps (analysis/maxplus.py), its
blocks summarised in parallel and combined in order.

Within a block, the running value's steps compose into s -> max(s + a, b) (a: the sum of the
added terms; b: the value the block would end with from minus infinity, kept with a flag ``hb``
while it is still minus infinity), and each best it feeds into best -> max(best, s + c, d) (c
and d: the largest a and b the best saw, flags ``hc``/``hd``). The blocks' pairs are combined in
order, serially (one pair per block): first every best with the incoming value, then the value.
``min`` in place of ``max`` works the same way."""

from __future__ import annotations

import ast
import copy

from ..analysis.facts import _self_update
from .codegen import _block_count, _block_loops, _buffer, _extent, _identity, _stmts


def _step(stmt: ast.stmt, running: str) -> tuple[str, ast.expr] | None:
    """(op, e) when ``stmt`` is one step of the running value (``run += e``, ``run -= e``,
    ``run = run + e``, ``run = max(run, e)``)."""
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        if stmt.target.id == running and isinstance(stmt.op, ast.Add | ast.Sub):
            return ("+" if isinstance(stmt.op, ast.Add) else "-"), stmt.value
        return None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name) and target.id == running:
            op, rest = _self_update(stmt)
            return (op, rest) if op is not None else None
    return None


def _best_of(stmt: ast.stmt, bests: list[str]) -> str | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name) and target.id in bests:
            return target.id
    return None


def _t_maxplus(loop, facts, plan, variables) -> list[ast.stmt]:
    m, tag = facts.maxplus, str(facts.line)
    run, ext, bests = m["running"], m["op"], m["best"]
    dtype = _buffer(run, variables)
    zero = _identity("+", dtype)
    out = _extent(loop, tag) + _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    a, b, hb = f"_a{tag}", f"_bv{tag}", f"_hb{tag}"
    arrays = [(a, dtype), (b, dtype), (hb, "np.bool_")]
    for best in bests:
        arrays += [(f"_c{tag}_{best}", dtype), (f"_hc{tag}_{best}", "np.bool_")]
        arrays += [(f"_d{tag}_{best}", dtype), (f"_hd{tag}_{best}", "np.bool_")]
    out += _stmts("\n".join(f"{name} = np.empty({nb}, {kind})" for name, kind in arrays))
    fa, fb, fhb = f"_fa{tag}", f"_fb{tag}", f"_fhb{tag}"
    start = [f"{fa} = {zero}", f"{fb} = {zero}", f"{fhb} = False"]
    for best in bests:
        start += [f"_fc{tag}_{best} = {zero}", f"_fhc{tag}_{best} = False"]
        start += [f"_fd{tag}_{best} = {zero}", f"_fhd{tag}_{best} = False"]
    body = []
    for stmt in loop.body:
        step = _step(stmt, run)
        best = _best_of(stmt, bests)
        if step is not None:
            op, e = step
            e = ast.unparse(e)
            if op in ("+", "-"):
                body += _stmts(f"{fa} {op}= {e}\nif {fhb}:\n    {fb} {op}= {e}")
            else:
                body += _stmts(
                    f"if {fhb}:\n    {fb} = {ext}({fb}, {e})\nelse:\n    {fb} = {e}\n    {fhb} = True"
                )
        elif best is not None:
            c, hc, d, hd = (f"_{k}{tag}_{best}" for k in ("fc", "fhc", "fd", "fhd"))
            body += _stmts(
                f"{c} = {ext}({c}, {fa}) if {hc} else {fa}\n{hc} = True\n"
                f"if {fhb}:\n    {d} = {ext}({d}, {fb}) if {hd} else {fb}\n    {hd} = True"
            )
        else:
            body.append(copy.deepcopy(stmt))  # a temporary of the iteration (v = x[i])
    stores = [f"{a}[_b{tag}] = {fa}", f"{b}[_b{tag}] = {fb}", f"{hb}[_b{tag}] = {fhb}"]
    for best in bests:
        for k in ("c", "hc", "d", "hd"):
            stores.append(f"_{k}{tag}_{best}[_b{tag}] = _f{k}{tag}_{best}")
    blocks = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    blocks.body = (
        _stmts("\n".join(start))
        + _block_loops(loop, tag, body, f"_lo{tag}", f"_n{tag}", nb)
        + _stmts("\n".join(stores))
    )
    combine = []
    for best in bests:  # every best with the value the block starts from, then the value
        combine += [
            f"    if _hc{tag}_{best}[_m{tag}]:",
            f"        {best} = {ext}({best}, {run} + _c{tag}_{best}[_m{tag}])",
            f"    if _hd{tag}_{best}[_m{tag}]:",
            f"        {best} = {ext}({best}, _d{tag}_{best}[_m{tag}])",
        ]
    combine += [
        f"    {run} = {run} + {a}[_m{tag}]",
        f"    if {hb}[_m{tag}]:",
        f"        {run} = {ext}({run}, {b}[_m{tag}])",
    ]
    return out + [blocks] + _stmts(f"for _m{tag} in range({nb}):\n" + "\n".join(combine))
