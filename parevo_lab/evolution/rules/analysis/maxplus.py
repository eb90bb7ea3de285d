"""A running value under max-plus steps, recognised in a loop body (Kadane's maximum subarray):

    for i in range(1, n):
        v = x[i]
        run += v                # steps: run += e, run = max(run, e)   (any order, any number)
        run = max(run, v)       # (``if run < v: run = v`` reads so once canonicalised)
        best = max(best, run)   # reductions of the running value by the same extreme

Each step maps the running value s to max(s + a, b), and such maps compose into one of the same
form, so a block of iterations is one pair (a, b) for the running value and one pair (c, d) for
each best it feeds: best = max(best, s + c, d), whatever s the block starts from. The blocks are
summarised in parallel and combined in order (ParEval's largest contiguous subarray sum; the
classic four-value monoid of the maximum subarray). ``min`` with ``+`` works the same way."""

from __future__ import annotations

import ast

from .facts import LoopFacts

_EXTREMES = ("max", "min")


def max_plus(facts: LoopFacts, events: list) -> dict | None:
    """{running, op, best: [names]} when the one carried scalar of ``facts`` is a running
    value under max-plus (or min-plus) steps, read only by reductions of the same extreme, in
    a loop that writes no array and has no other reduction; None otherwise."""
    if len(facts.carried) != 1 or facts.scans or facts.exits or facts.calls:
        return None
    if any(e.kind in ("astore", "aupdate") for e in events):
        return None
    (running,) = facts.carried
    writes = [e for e in events if e.name == running and e.kind in ("write", "update")]
    if not writes or any(e.kind != "update" or not e.top for e in writes):
        return None  # every step unconditional, each of the form run = run op e
    ops = {e.op for e in writes}
    extreme = ops - {"+", "-"}
    if not ops & {"+", "-"} or len(extreme) != 1 or next(iter(extreme)) not in _EXTREMES:
        return None
    (extreme,) = extreme
    feeds = {e.in_update for e in events if e.name == running and e.kind == "read"}
    if not feeds or None in feeds or set(facts.reductions) != feeds:
        return None  # read only by the reductions it feeds, and those are all there are
    if any(facts.reductions[b] != extreme or b in facts.bounded for b in feeds):
        return None
    state = {running, *feeds}
    for e in writes:  # a step's operand reads neither the running value nor a best
        if _names(e.value) & state:
            return None
    for best in feeds:
        updates = [e for e in events if e.name == best and e.kind in ("write", "update")]
        if any(
            not e.top or not (isinstance(e.value, ast.Name) and e.value.id == running)
            for e in updates
        ):
            return None  # best = max(best, run), every iteration
    return {"running": running, "op": extreme, "best": sorted(feeds)}


def _names(node: ast.AST | None) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} if node is not None else set()
