"""The transformation strategies: one function per strategy (prange, privatise, blocks, scan,
double_buffer, search, select, primitive, fission), each turning a loop into its parallel
statements, and ``_TRANSFORMS``, the table ``render`` dispatches through."""

from __future__ import annotations

import ast
import copy

from ..analysis import LoopFacts
from .codegen import (
    _block_count,
    _block_loops,
    _bounds,
    _buffer,
    _combine,
    _expr,
    _extent,
    _identity,
    _prange_header,
    _rename,
    _src,
    _stmts,
)
from .maxplus import _t_maxplus
from .merge import _t_merge
from .plan import RenderError
from .schedules import balanced_runs, dynamic, interleaved, row_pointer
from .search import _t_search

# -- the transformations ----------------------------------------------------------------------


def _t_prange(loop, facts: LoopFacts, plan, variables) -> list[ast.stmt]:
    if facts.strided:  # prange takes no step: count the blocks
        return _strided_prange(loop, str(facts.line))
    lo, hi = _bounds(loop)
    rows = row_pointer(loop) if facts.id in (plan.knob("balance") or ()) else None
    if rows is not None:
        return balanced_runs(loop, str(facts.line), lo, hi, rows)
    if facts.id in (plan.knob("interleave") or ()):
        return interleaved(loop, str(facts.line), lo, hi)
    if facts.id in (plan.knob("dynamic") or ()):
        return dynamic(loop, str(facts.line), lo, hi)
    return [_prange_header(loop, str(facts.line), lo, hi)]


def _strided_prange(loop: ast.For, tag: str) -> list[ast.stmt]:
    """``for s in range(lo, hi, step)`` as a prange over its iterations' numbers: numba's prange
    takes no step (NUMBA_NOTES.md)."""
    lo, hi, step = (_src(a) for a in loop.iter.args)
    out = _stmts(
        f"_lo{tag} = {lo}\n_step{tag} = {step}\n"
        f"for _it{tag} in numba.prange(len(range(_lo{tag}, {hi}, _step{tag}))):\n"
        f"    {loop.target.id} = _lo{tag} + _it{tag} * _step{tag}"
    )
    out[-1].body += copy.deepcopy(loop.body)
    return out


def _t_double_buffer(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    out = []
    renamed = {}
    for name in facts.ahead:
        out += _stmts(f"_old{tag}_{name} = {name}.copy()")
        renamed[name] = f"_old{tag}_{name}"
    lo, hi = _bounds(loop)
    header = _prange_header(loop, tag, lo, hi)
    written = _written_indices(header, set(renamed))
    for node in ast.walk(header):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name)
            and node.value.id in renamed
            and ast.dump(node.slice) not in written.get(node.value.id, set())
        ):
            node.value = ast.Name(renamed[node.value.id], ast.Load())
    return out + [header]


def _written_indices(tree, names) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            found.setdefault(node.value.id, set()).add(ast.dump(node.slice))
    return found


def _t_privatise(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    merges = []
    for name, op in sorted(facts.conflicts.items()):
        private = f"_pv{tag}_{name}"
        shape = f"({nb},) + {name}.shape"
        if op in ("+", "-"):
            out += _stmts(f"{private} = np.zeros({shape}, {name}.dtype)")
            merges += _stmts(f"for _m{tag} in range({nb}):\n    {name} += {private}[_m{tag}]")
        elif op == "*":
            out += _stmts(f"{private} = np.ones({shape}, {name}.dtype)")
            merges += _stmts(f"for _m{tag} in range({nb}):\n    {name} *= {private}[_m{tag}]")
        else:  # max, min: start from the current values
            fn = "maximum" if op == "max" else "minimum"
            out += _stmts(
                f"{private} = np.empty({shape}, {name}.dtype)\n"
                f"for _m{tag} in range({nb}):\n    {private}[_m{tag}] = {name}"
            )
            merges += _stmts(
                f"for _m{tag} in range({nb}):\n"
                f"    {name}[...] = np.{fn}({name}, {private}[_m{tag}])"
            )
    # each block updates its own row through a view: a 1-d index in the hot loop, not a 2-d one
    body = _rename(loop.body, {name: f"_rw{tag}_{name}" for name in facts.conflicts})
    rows = [
        s
        for name in sorted(facts.conflicts)
        for s in _stmts(f"_rw{tag}_{name} = _pv{tag}_{name}[_b{tag}]")
    ]
    blocks = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    blocks.body = rows + _block_loops(loop, tag, body, f"_lo{tag}", f"_n{tag}", nb)
    return out + [blocks] + merges


def _t_blocks(loop, facts, plan, variables) -> list[ast.stmt]:
    """Every reduction folded per block into a partial, the partials combined in order."""
    tag = str(facts.line)
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    local = {name: f"_r{tag}_{name}" for name in facts.reductions}
    body_start, stores, combine = [], [], []
    for name, op in sorted(facts.reductions.items()):
        dtype = _buffer(name, variables)
        part = f"_part{tag}_{name}"
        out += _stmts(f"{part} = np.empty({nb}, {dtype})")
        if op in ("max", "min"):
            body_start += _stmts(f"{local[name]} = {name}")  # the start value is neutral for it
        else:
            body_start += _stmts(f"{local[name]} = {_identity(op, dtype)}")
        stores += _stmts(f"{part}[_b{tag}] = {local[name]}")
        combine += _stmts(
            f"for _m{tag} in range({nb}):\n    {name} = {_combine(op, name, f'{part}[_m{tag}]')}"
        )
    blocks = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    inner = _block_loops(loop, tag, _rename(loop.body, local), f"_lo{tag}", f"_n{tag}", nb)
    blocks.body = body_start + inner + stores
    return out + [blocks] + combine


def _t_scan(loop, facts, plan, variables) -> list[ast.stmt]:
    """Two passes over blocks: each block's total of every running value, an exclusive scan of
    the totals (serial: one value per block), then each block again from its offset."""
    tag = str(facts.line)
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    running = dict(facts.scans)
    local = {name: f"_s{tag}_{name}" for name in running}
    first_start, first_store, offsets, second_start, finish = [], [], [], [], []
    for name, op in sorted(running.items()):
        dtype = _buffer(name, variables)
        part = f"_part{tag}_{name}"
        out += _stmts(f"{part} = np.empty({nb}, {dtype})")
        if op in ("max", "min"):  # idempotent: the start value is its own neutral element
            first_start += _stmts(f"{local[name]} = {name}")
        else:
            first_start += _stmts(f"{local[name]} = {_identity(op, dtype)}")
        first_store += _stmts(f"{part}[_b{tag}] = {local[name]}")
        offsets += _stmts(
            f"_acc{tag}_{name} = {name}\n"
            f"for _m{tag} in range({nb}):\n"
            f"    _tot{tag} = {part}[_m{tag}]\n"
            f"    {part}[_m{tag}] = _acc{tag}_{name}\n"
            f"    _acc{tag}_{name} = {_combine(op, f'_acc{tag}_{name}', f'_tot{tag}')}"
        )
        second_start += _stmts(f"{local[name]} = {part}[_b{tag}]")
        finish += _stmts(f"{name} = _acc{tag}_{name}")
    # pass 1: only what decides the running values (no array stores, no other reductions)
    counting = _without_effects(_rename(loop.body, local), set(facts.reductions))
    first = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    first.body = (
        first_start + _block_loops(loop, tag, counting, f"_lo{tag}", f"_n{tag}", nb) + first_store
    )
    second = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    second.body = second_start + _block_loops(
        loop, tag, _rename(loop.body, local), f"_lo{tag}", f"_n{tag}", nb
    )
    return out + [first] + offsets + [second] + finish


def _without_effects(body: list[ast.stmt], reductions: set[str]) -> list[ast.stmt]:
    """The statements minus array stores and updates of ``reductions`` (empty blocks get pass)."""

    def keep(stmt) -> bool:
        targets = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AugAssign | ast.AnnAssign):
            targets = [stmt.target]
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                    return False
            if isinstance(target, ast.Name) and target.id in reductions:
                return False
        return True

    def clean(block):
        result = []
        for stmt in block:
            if not keep(stmt):
                continue
            for name in ("body", "orelse"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner:
                    setattr(stmt, name, clean(inner) or [ast.Pass()])
                    if name == "orelse" and all(isinstance(s, ast.Pass) for s in stmt.orelse):
                        stmt.orelse = []
            result.append(stmt)
        return result

    return clean(copy.deepcopy(body)) or [ast.Pass()]


def _t_select(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    group = facts.select
    names = [group["key"], *group["companions"]]
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    local = {name: f"_l{tag}_{name}" for name in names}
    start, store = [], []
    for name in names:
        out += _stmts(f"_sel{tag}_{name} = np.empty({nb}, {_buffer(name, variables)})")
        start += _stmts(f"{local[name]} = {name}")
        store += _stmts(f"_sel{tag}_{name}[_b{tag}] = {local[name]}")
    blocks = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    inner = _block_loops(loop, tag, _rename(loop.body, local), f"_lo{tag}", f"_n{tag}", nb)
    blocks.body = start + inner + store
    key = group["key"]
    take = "\n".join(f"        {n} = _sel{tag}_{n}[_m{tag}]" for n in names)
    combine = _stmts(
        f"for _m{tag} in range({nb}):\n    if _sel{tag}_{key}[_m{tag}] {group['op']} {key}:\n{take}"
    )
    return out + [blocks] + combine


def _t_primitive(loop, facts, plan, variables) -> list[ast.stmt]:
    pattern = facts.pattern
    if pattern is None:
        raise RenderError(f"{facts.id} is no histogram, scan or pack")
    tag = str(facts.line)
    var = loop.target.id
    head = copy.deepcopy(loop.body[: pattern["head"]])
    out = _extent(loop, tag)
    at = f"{var} - _lo{tag}"
    kind = pattern["kind"]

    def fill(lines: str) -> ast.For:
        header = _stmts(f"for {var} in numba.prange(_lo{tag}, _lo{tag} + _n{tag}):\n    pass")[0]
        header.body = copy.deepcopy(head) + _stmts(lines)
        return header

    if kind in ("histogram", "weighted_histogram"):
        name = pattern["array"]
        direct = _whole_array_key(loop, pattern["key"]) if not head else None
        if direct is not None and kind == "histogram":  # no copy of the keys
            out += _stmts(
                f"_h{tag} = histogram({direct}, {name}.shape[0])\n"
                f"for _j{tag} in range({name}.shape[0]):\n    {name}[_j{tag}] += _h{tag}[_j{tag}]"
            )
            return out
        out += _stmts(f"_keys{tag} = np.empty(_n{tag}, np.int64)")
        lines = f"_keys{tag}[{at}] = {pattern['key']}"
        if kind == "weighted_histogram":
            out += _stmts(f"_w{tag} = np.empty(_n{tag}, np.float64)")
            lines += f"\n_w{tag}[{at}] = {pattern['weight']}"
            call = f"bincount_weights(_keys{tag}, _w{tag}, {name}.shape[0])"
        else:
            call = f"histogram(_keys{tag}, {name}.shape[0])"
        out.append(fill(lines))
        out += _stmts(
            f"_h{tag} = {call}\n"
            f"for _j{tag} in range({name}.shape[0]):\n    {name}[_j{tag}] += _h{tag}[_j{tag}]"
        )
        return out
    if kind == "scan":
        acc, op = pattern["acc"], pattern["op"]
        dtype = _buffer(acc, variables)
        if dtype not in ("np.float64", "np.int64"):
            raise RenderError(f"the primitive scans take int64 or float64, `{acc}` is {dtype}")
        code = {"+": "ADD", "max": "MAX", "min": "MIN"}[op]
        scan = "exclusive_scan" if pattern["exclusive"] else "inclusive_scan"
        out += _stmts(f"_v{tag} = np.empty(_n{tag}, {dtype})")
        out.append(fill(f"_v{tag}[{at}] = {pattern['value']}"))
        out += _stmts(f"_scan{tag} = {scan}(_v{tag}, {code})")
        value = _combine(op, acc, f"_scan{tag}[{at}]")
        out.append(fill(f"{pattern['out']}[{var}] = {value}"))
        last = f"_scan{tag}[_n{tag} - 1]"
        if pattern["exclusive"]:
            last = _combine(op, last, f"_v{tag}[_n{tag} - 1]")
        out += _stmts(f"if _n{tag} > 0:\n    {acc} = {_combine(op, acc, last)}")
        return out
    # pack: `if test: out[k] = value; k += 1`
    acc, target = pattern["acc"], pattern["out"]
    out += _stmts(
        f"_f{tag} = np.zeros(_n{tag}, np.bool_)\n_v{tag} = np.empty(_n{tag}, {target}.dtype)"
    )
    out.append(
        fill(
            f"_c{tag} = {pattern['test']}\n_f{tag}[{at}] = _c{tag}\n"
            f"if _c{tag}:\n    _v{tag}[{at}] = {pattern['value']}"
        )
    )
    out += _stmts(
        f"_p{tag} = pack(_v{tag}, _f{tag})\n"
        f"for _j{tag} in numba.prange(_p{tag}.shape[0]):\n"
        f"    {target}[{acc} + _j{tag}] = _p{tag}[_j{tag}]\n"
        f"{acc} += _p{tag}.shape[0]"
    )
    return out


def _whole_array_key(loop: ast.For, key: str) -> str | None:
    """``keys`` when the key is ``keys[i]`` and the loop runs over ``range(keys.shape[0])``."""
    var = loop.target.id
    node = _expr(key)
    if not (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Name)
        and node.slice.id == var
    ):
        return None
    lo, hi = _bounds(loop)
    return node.value.id if lo == "0" and hi == f"{node.value.id}.shape[0]" else None


def _t_fission(loop, facts, plan, variables) -> list[ast.stmt]:
    split = facts.fission
    if split is None:
        raise RenderError(f"{facts.id} has no parallel head to split off")
    tag = str(facts.line)
    var = loop.target.id
    out = _extent(loop, tag)
    at = f"{var} - _lo{tag}"
    for name in split["expand"]:
        out += _stmts(f"_fx{tag}_{name} = np.empty(_n{tag}, {_buffer(name, variables)})")
    first = _stmts(f"for {var} in numba.prange(_lo{tag}, _lo{tag} + _n{tag}):\n    pass")[0]
    first.body = copy.deepcopy(loop.body[: split["head"]])
    first.body += [s for name in split["expand"] for s in _stmts(f"_fx{tag}_{name}[{at}] = {name}")]
    second = _stmts(f"for {var} in range(_lo{tag}, _lo{tag} + _n{tag}):\n    pass")[0]
    second.body = [
        s for name in split["expand"] for s in _stmts(f"{name} = _fx{tag}_{name}[{at}]")
    ] + copy.deepcopy(loop.body[split["head"] :])
    return out + [first, second]


_TRANSFORMS = {
    "maxplus": _t_maxplus,
    "prange": _t_prange,
    "privatise": _t_privatise,
    "blocks": _t_blocks,
    "scan": _t_scan,
    "double_buffer": _t_double_buffer,
    "search": _t_search,
    "select": _t_select,
    "primitive": _t_primitive,
    "fission": _t_fission,
    "merge": _t_merge,
}
